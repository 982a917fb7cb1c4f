#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Command line basics: version, help, exit statuses, the one-line error format.

bats_require_minimum_version 1.5.0

load helpers

# The verbs `acitool --help` lists, one a line.
listed_verbs() {
	"$ACITOOL" --help | sed -n '/^Verbs:$/,/^$/{/^  [a-z]/s/^  \([^ ]*\).*/\1/p}'
}

@test "--version prints the version and exits 0" {
	run_acitool --version
	assert "$output" =~ '^acitool [0-9]+\.[0-9]+\.[0-9]+$' "version line"
	local version=$output

	# The same from the verb and from actool's single-dash spelling.
	run_acitool version
	expect_output "$version"
	run_acitool -version
	expect_output "$version"

	# The version is the project's (CMakeLists.txt), not a made-up string.
	local project
	project=$(sed -n 's/^project(acitool VERSION \([0-9.]*\).*/\1/p' "$ACT_TESTS_DIR/../CMakeLists.txt")
	assert "$version" == "acitool $project" "version vs CMakeLists.txt"
}

@test "--help lists the verbs on stdout and exits 0" {
	run -0 --separate-stderr "$ACITOOL" --help
	assert "$stderr" == "" "stderr of --help"
	assert "${lines[0]}" =~ '^Usage: acitool ' "first line"
	local verb
	for verb in cat-manifest patch-manifest help version; do
		assert "$output" =~ $'\n'"  $verb +[A-Z]" "--help lists $verb with a summary"
	done
	assert "$output" =~ "0 success, 1 failure, 2 usage error" "exit statuses"
	local main=$output

	# 'help', -h and actool's -help print the same text.
	local args
	for args in help -h -help; do
		run -0 --separate-stderr "$ACITOOL" $args
		assert "$output" == "$main" "acitool $args"
		assert "$stderr" == "" "stderr of acitool $args"
	done
}

@test "no verb: the usage on stderr, exit 2" {
	run -2 --separate-stderr "$ACITOOL"
	assert "$output" == "" "stdout"
	assert "$stderr" =~ '^Usage: acitool ' "stderr"
}

@test "help VERB and VERB --help print the same text on stdout, exit 0" {
	local verb
	for verb in cat-manifest patch-manifest; do
		run -0 --separate-stderr "$ACITOOL" help $verb
		assert "$stderr" == "" "stderr of help $verb"
		assert "${lines[0]}" =~ "^Usage: acitool $verb " "help $verb: usage line"
		local help=$output

		run -0 --separate-stderr "$ACITOOL" $verb --help
		assert "$output" == "$help" "$verb --help vs help $verb"
		assert "$stderr" == "" "stderr of $verb --help"
		run -0 --separate-stderr "$ACITOOL" $verb -h
		assert "$output" == "$help" "$verb -h vs help $verb"
		# actool spells long options with one dash.
		run -0 --separate-stderr "$ACITOOL" $verb -help
		assert "$output" == "$help" "$verb -help vs help $verb"
	done

	run_acitool help cat-manifest
	expect_output --substring "--pretty-print"
	run_acitool help patch-manifest
	for opt in --capability --revoke-capability --overwrite --replace --compression \
		--no-compression; do
		expect_output --substring "$opt"
	done
}

@test "help: unknown verb and extra arguments are usage errors" {
	run_acitool 2 help no-such-verb
	expect_error_line help "unknown verb 'no-such-verb'"
	run_acitool 2 help cat-manifest patch-manifest
	expect_error_line help "too many arguments"
}

@test "unknown verb: exit 2, one line on stderr, nothing on stdout" {
	run -2 --separate-stderr "$ACITOOL" no-such-verb
	assert "$output" == "" "stdout"
	assert "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 "number of stderr lines"
	assert "$stderr" =~ "^acitool: .*no-such-verb" "error line"

	# An unknown global option.
	run_acitool 2 --no-such-option
	assert "${#lines[@]}" -eq 1 "lines for --no-such-option"
	assert "$output" =~ "^acitool: .*'--no-such-option'" "error line"
}

@test "actool's global --debug is accepted before the verb and changes nothing" {
	local want flag
	want=$("$ACITOOL" id "$ACT_FIXTURES/minimal.tar")
	for flag in --debug -debug --debug=true -debug=false --debug=1; do
		run_acitool "$flag" id "$ACT_FIXTURES/minimal.tar"
		expect_output "$want"
	done
	run_acitool --debug -debug=t id "$ACT_FIXTURES/minimal.tar"
	expect_output "$want"
	run_acitool 2 --debug=maybe id "$ACT_FIXTURES/minimal.tar"
	expect_output "acitool: --debug: 'maybe' is not a boolean (true or false)"
	run_acitool 2 --debugger id "$ACT_FIXTURES/minimal.tar"
	assert "$output" =~ "unknown option '--debugger'" "a longer name is not --debug"
	# After the verb it is the verb's option, which no verb has.
	run_acitool 2 id --debug "$ACT_FIXTURES/minimal.tar"
}

@test "unknown option: exit 2 with one line 'acitool: VERB: ...'" {
	local verb
	for verb in cat-manifest patch-manifest; do
		run -2 --separate-stderr "$ACITOOL" $verb --no-such-option x y
		assert "$output" == "" "stdout of $verb --no-such-option"
		output=$stderr
		expect_error_line $verb "unknown option '--no-such-option'"

		run_acitool 2 $verb -Z x y
		expect_error_line $verb "unknown option '-Z'"
	done

	# A bad boolean value and a missing value are usage errors too.
	run_acitool 2 cat-manifest --pretty-print=maybe x
	expect_error_line cat-manifest "'maybe' is not a boolean"
	run_acitool 2 patch-manifest x y --capability
	expect_error_line patch-manifest "option '--capability' needs a value"
}

@test "missing or extra operands: exit 2, no output file" {
	cd "$BATS_TEST_TMPDIR"
	act_fixtures
	local img=$ACT_FIXTURES/minimal.tgz

	run_acitool 2 cat-manifest
	expect_error_line cat-manifest "missing IMAGE"
	run_acitool 2 cat-manifest --pretty-print
	expect_error_line cat-manifest "missing IMAGE"
	run_acitool 2 cat-manifest "$img" "$img"
	expect_error_line cat-manifest "too many arguments"

	run_acitool 2 patch-manifest --capability=CAP_NET_RAW
	expect_error_line patch-manifest "missing IMAGE"
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW "$img"
	expect_error_line patch-manifest "missing IMAGE or OUTPUT"
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW "$img" out.aci extra
	expect_error_line patch-manifest "too many arguments"
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW --replace
	expect_error_line patch-manifest "missing IMAGE"
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW --replace "$img" out.aci
	expect_error_line patch-manifest "--replace takes one IMAGE"
	# Nothing to do is a usage error too, not a silent copy.
	run_acitool 2 patch-manifest "$img" out.aci
	expect_error_line patch-manifest "nothing to patch"

	expect_files "$BATS_TEST_TMPDIR"
}

@test "help walker: every listed verb has --help, a usage line and UPPER-CASE operands" {
	local verbs
	verbs=$(listed_verbs)
	assert "$(echo "$verbs" | wc -l)" -ge 4 "number of verbs listed"
	echo "verbs: $verbs"

	local verb
	for verb in $verbs; do
		run -0 --separate-stderr "$ACITOOL" $verb --help
		assert "$stderr" == "" "stderr of $verb --help"
		local help=$output
		assert "${lines[0]}" =~ "^Usage: acitool $verb( |\$)" "$verb: usage line names the verb"
		# A summary sentence after the usage lines and a blank line.
		assert "$(printf '%s\n' "$help" | sed -n '/^$/{n;p;q}')" =~ '^[A-Z].*\.$' \
			"$verb: summary line"

		run -0 --separate-stderr "$ACITOOL" help $verb
		assert "$output" == "$help" "help $verb vs $verb --help"

		# Every synopsis line: a sub-verb if any (a lower-case word, first:
		# "cache prune"), options (lower case), then UPPER-CASE operands,
		# after which "--" may end the options before more operands.
		# (No globbing: "[options]" would match one-letter files in the cwd.)
		local - line tok seen_operand seen_any
		set -f
		while read -r line; do
			seen_operand=
			seen_any=
			for tok in ${line#*acitool $verb}; do
				case "$tok" in
				'--' | '[--]')
					assert "$seen_operand" == 1 "$verb: '$tok' before any operand in '$line'"
					;;
				[a-z]*)
					assert "$seen_any" == "" "$verb: sub-verb '$tok' not first in '$line'"
					assert "$tok" =~ '^[a-z][a-z-]*$' "$verb: sub-verb '$tok' in '$line'"
					;;
				-* | '[-'* | '[options]')
					assert "$seen_operand" == "" \
						"$verb: option '$tok' after an operand in '$line'"
					;;
				*)
					seen_operand=1
					tok=${tok//[][]/}
					tok=${tok%...}
					assert "$tok" =~ '^[A-Z][A-Z0-9_]*$' \
						"$verb: operand '$tok' in '$line'"
					;;
				esac
				seen_any=1
			done
		done < <(printf '%s\n' "$help" | grep -E "^(Usage|   or): acitool $verb( |\$)")

		# A bogus option gets the one-line error with the verb's name.
		run_acitool 2 $verb --no-such-option
		expect_error_line $verb "unknown option '--no-such-option'"
	done
}

@test "verbs that take no operand reject one" {
	run_acitool 2 version extra
	expect_error_line version "too many arguments"
	run_acitool 2 --version extra
	expect_error_line version "too many arguments"
}
