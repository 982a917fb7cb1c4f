#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Shell completions (completions/bash/acitool, completions/zsh/_acitool).
# The bash function is driven directly (COMP_WORDS, COMP_CWORD, COMPREPLY),
# then both shells for real in a pseudo-terminal (tests/tools/shcomplete.py):
# type a line, press TAB, read the line back.

bats_require_minimum_version 1.5.0

load helpers

BASH_COMPLETION=$ACT_TESTS_DIR/../completions/bash/acitool
ZSH_COMPLETION_DIR=$ACT_TESTS_DIR/../completions/zsh
SHCOMPLETE="python3 $ACT_TESTS_DIR/tools/shcomplete.py"

setup() {
	cd "$BATS_TEST_TMPDIR"
	# shellcheck source=../../completions/bash/acitool
	source "$BASH_COMPLETION"
}

# comp WORD...: complete the last WORD of "acitool WORD...", as bash would
# call the function (bash splits at '=', so "--opt=x" is "--opt" "=" "x");
# COMPREPLY one a line in $output, sorted.
comp() {
	COMP_WORDS=("$ACITOOL" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	local cur=${COMP_WORDS[COMP_CWORD]}
	[[ $cur == = ]] && cur=
	_acitool "$ACITOOL" "$cur" "${COMP_WORDS[COMP_CWORD - 1]}"
	output=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort)
	echo "\$ acitool $* <TAB>"
	echo "$output"
}

# has_line LINE WHAT: $output has LINE as one of its lines.
has_line() {
	grep -qxF -- "$1" <<<"$output" || die "$2: no line '$1' in the output"
}

# The verbs `acitool --help` lists, one a line, sorted.
listed_verbs() {
	"$ACITOOL" --help | sed -n '/^Verbs:$/,/^$/{/^  [a-z]/s/^  \([^ ]*\).*/\1/p}' | sort
}

# The long options in the option lists of `acitool VERB --help`, sorted.
help_options() {
	"$ACITOOL" "$1" --help | grep -E '^ +-' | sed 's/^ *//; s/  .*//' |
		grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

@test "completion: bash: 'complete -p acitool' names the function" {
	run -0 complete -p acitool
	assert "$output" == "complete -F _acitool acitool" "complete -p"
}

@test "completion: bash: verbs are the ones 'acitool --help' lists" {
	comp ""
	local verbs
	verbs=$(listed_verbs)
	assert "$(echo "$verbs" | wc -l)" -ge 5 "number of verbs"
	assert "$output" == "$verbs" "verbs"

	comp ca
	expect_output "cache
capabilities
cat-file
cat-manifest"
	comp -
	expect_output "--help
--version"
	# 'acitool help VERB' completes verbs too.
	comp help ""
	assert "$output" == "$verbs" "help VERB"
	comp help cat-manifest ""
	expect_output ""
}

@test "completion: bash: each verb's options are the ones its --help lists" {
	local verb
	for verb in $(listed_verbs); do
		comp "$verb" --
		# An option that takes a value is offered as "--opt=".
		assert "$(sed 's/=$//' <<<"$output" | sort -u)" == "$(help_options "$verb")" \
			"options of $verb"
	done

	comp patch-manifest --
	local opt
	for opt in --capability= --revoke-capability= --filecap= --replace --overwrite \
		--compression= --no-compression --help; do
		has_line "$opt" "patch-manifest offers $opt"
	done
	comp patch-manifest --rev
	expect_output "--revoke-capability="
	comp cat-manifest --p
	expect_output "--pretty-print"
	comp list-filecaps --j
	expect_output "--json"
	# Options after the operands, as the verbs accept them.
	comp patch-manifest in.aci out.aci --repl
	expect_output "--replace"
}

@test "completion: bash: capability names come from 'acitool capabilities'" {
	local all
	all=$("$ACITOOL" capabilities | sort)
	comp patch-manifest --capability ""
	assert "$output" == "$all" "--capability VALUE"
	has_line CAP_NET_RAW "CAP_NET_RAW offered"
	assert "$(echo "$output" | wc -l)" -eq 41 "41 names"

	comp patch-manifest --capability CAP_NET_R
	expect_output CAP_NET_RAW
	comp patch-manifest --revoke-capability CAP_MK
	expect_output CAP_MKNOD
	# bash splits "--capability=CAP_NET_R" at '=': the reply is the value.
	comp patch-manifest --capability = CAP_NET_R
	expect_output CAP_NET_RAW
	comp patch-manifest --capability =
	assert "$output" == "$all" "--capability=<TAB>"
	# Unsplit (COMP_WORDBREAKS without '='): the whole word.
	comp patch-manifest --capability=CAP_NET_R
	expect_output --capability=CAP_NET_RAW
	comp patch-manifest -revoke-capability=CAP_SYS_CH
	expect_output -revoke-capability=CAP_SYS_CHROOT
	# A comma-separated list: the last item is completed.
	comp patch-manifest --capability CAP_NET_RAW,CAP_NET_B
	expect_output "CAP_NET_RAW,CAP_NET_BIND_SERVICE
CAP_NET_RAW,CAP_NET_BROADCAST"
	# The case the user started in.
	comp patch-manifest --capability net_ra
	expect_output net_raw
	comp patch-manifest --capability cap_net_ra
	expect_output cap_net_raw
	comp patch-manifest --capability CAP_NOPE
	expect_output ""
}

@test "completion: bash: file capabilities in libcap's text form" {
	comp add-filecaps in.aci out.aci /bin/ping cap_net_r
	expect_output cap_net_raw+ep
	comp add-filecaps in.aci out.aci /bin/ping ""
	assert "$(echo "$output" | wc -l)" -eq 41 "one cap_*+ep per name"
	has_line cap_net_raw+ep "cap_net_raw+ep offered"
	# Once there is an operator: the flags.
	comp add-filecaps in.aci out.aci /bin/ping cap_net_raw+
	has_line cap_net_raw+ep "+ep"
	has_line cap_net_raw+eip "+eip"
	comp add-filecaps in.aci out.aci /bin/ping cap_net_admin,cap_net_r
	expect_output cap_net_admin,cap_net_raw+ep
	# The next pair: a PATH (inside the image: nothing to offer), then CAPS.
	comp add-filecaps in.aci out.aci /bin/ping cap_net_raw+ep ""
	expect_output ""
	comp add-filecaps in.aci out.aci /bin/ping cap_net_raw+ep /bin/x cap_sys_ti
	expect_output cap_sys_time+ep
	# --replace: no OUTPUT, so CAPS come one word earlier.
	comp add-filecaps --replace in.aci /bin/ping cap_net_r
	expect_output cap_net_raw+ep
	comp add-filecaps --replace=false in.aci out.aci /bin/ping cap_net_r
	expect_output cap_net_raw+ep
	# --remove: only paths.
	comp add-filecaps --remove in.aci out.aci /bin/ping ""
	expect_output ""
	comp remove-filecaps in.aci out.aci /bin/ping cap_net_r
	expect_output ""
	# An option's value is not an operand.
	comp add-filecaps --rootid 1000 in.aci out.aci /bin/ping cap_net_r
	expect_output cap_net_raw+ep
	# patch-manifest --filecap PATH=CAPS, split by bash at each '='.
	comp patch-manifest --filecap = /bin/ping = cap_net_r
	expect_output cap_net_raw+ep
	comp patch-manifest --filecap /bin/ping = cap_net_r
	expect_output cap_net_raw+ep
}

@test "completion: bash: other option values" {
	comp patch-manifest --compression ""
	expect_output "bzip2
gzip
none
xz"
	comp add-filecaps --compression = x
	expect_output xz
	comp patch-manifest --compression-level ""
	assert "$(echo $output)" == "1 2 3 4 5 6 7 8 9" "levels"
	comp add-filecaps --rootid ""
	expect_output ""
	comp patch-manifest --seccomp-mode ""
	expect_output "remove
retain"
	comp patch-manifest --seccomp-mode = ret
	expect_output retain
	touch new-manifest.json
	comp patch-manifest --manifest new-man
	expect_output new-manifest.json
}

@test "completion: bash: image operands offer .aci files and directories" {
	touch a.aci b.aci notes.txt
	mkdir sub
	comp cat-manifest ""
	expect_output "a.aci
b.aci
sub"
	comp list-filecaps a
	expect_output a.aci
	# No .aci file matches: any file.
	comp cat-manifest no
	expect_output notes.txt
	comp patch-manifest --capability CAP_NET_RAW a.aci ""
	expect_output "a.aci
b.aci
sub"
	# After IMAGE OUTPUT (or IMAGE with --replace) nothing more.
	comp patch-manifest --capability CAP_NET_RAW a.aci b.aci ""
	expect_output ""
	comp patch-manifest --replace a.aci ""
	expect_output ""
	comp cat-manifest a.aci ""
	expect_output ""
	# list-filecaps, id and lint take any number of images.
	comp list-filecaps a.aci b
	expect_output b.aci
	# After '--', a dash starts an operand, not an option.
	touch ./-x.aci
	comp cat-manifest -- -
	expect_output -x.aci
	# capabilities and version take no operand.
	comp capabilities ""
	expect_output ""
	comp version ""
	expect_output ""
}

@test "completion: bash: no acitool to ask, no candidates and no error" {
	# A PATH with what comp() needs, but no acitool.
	mkdir bin
	ln -s "$(command -v sed)" "$(command -v sort)" bin/
	local path=$PATH
	ACITOOL=acitool
	PATH=$BATS_TEST_TMPDIR/bin
	comp ""
	local out1=$output
	comp patch-manifest --capability ""
	local out2=$output
	PATH=$path
	assert "$out1" == "" "verbs"
	assert "$out2" == "" "capabilities"
}

@test "completion: bash, interactive: TAB completes a line in a real shell" {
	touch image.aci
	run -0 $SHCOMPLETE bash "$BATS_TEST_TMPDIR" "source '$BASH_COMPLETION'" \
		"$ACITOOL patch-m\t --capability=CAP_NET_R\t --compression=x\t im\t out.aci"
	expect_output "$ACITOOL
patch-manifest
--capability=CAP_NET_RAW
--compression=xz
image.aci
out.aci"
	run -0 $SHCOMPLETE bash "$BATS_TEST_TMPDIR" "source '$BASH_COMPLETION'" \
		"$ACITOOL add-f\t --repl\t image.aci /bin/ping cap_net_r\t"
	expect_output "$ACITOOL
add-filecaps
--replace
image.aci
/bin/ping
cap_net_raw+ep"
}

@test "completion: zsh: syntax, and TAB completes a line in a real shell" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run -0 zsh -n "$ZSH_COMPLETION_DIR/_acitool"

	touch image.aci
	local init="fpath=('$ZSH_COMPLETION_DIR' \$fpath); autoload -U compinit; compinit -u -D"
	run -0 $SHCOMPLETE zsh "$BATS_TEST_TMPDIR" "$init" \
		"$ACITOOL patch-m\t --capability=CAP_NET_R\t --compression=x\t im\t out.aci"
	expect_output "$ACITOOL
patch-manifest
--capability=CAP_NET_RAW
--compression=xz
image.aci
out.aci"
	run -0 $SHCOMPLETE zsh "$BATS_TEST_TMPDIR" "$init" \
		"$ACITOOL add-f\t --repl\t image.aci /bin/ping cap_net_r\t"
	expect_output "$ACITOOL
add-filecaps
--replace
image.aci
/bin/ping
cap_net_raw+ep"
	run -0 $SHCOMPLETE zsh "$BATS_TEST_TMPDIR" "$init" \
		"$ACITOOL capa\t --defa\t"
	expect_output "$ACITOOL
capabilities
--default-set"
	touch new-manifest.json
	run -0 $SHCOMPLETE zsh "$BATS_TEST_TMPDIR" "$init" \
		"$ACITOOL patch-m\t --seccomp-mode=ret\t --manifest=new-m\t"
	expect_output "$ACITOOL
patch-manifest
--seccomp-mode=retain
--manifest=new-manifest.json"
}

@test "completion: every verb with operands is known to both completions" {
	# Verbs, options and capability names are asked of acitool; only what an
	# operand is (an image, a path, CAPS) is written per verb in the files.
	local verb
	for verb in $(listed_verbs); do
		if "$ACITOOL" "$verb" --help | grep -E "^(Usage|   or): acitool $verb" |
			grep -qE " \[?[A-Z]+"; then
			# A case label: "verb)" or "verb |".
			local re="^[[:space:]]*([a-z-]+ \\| )*$verb( \\||\\))"
			grep -qE -- "$re" "$BASH_COMPLETION" || die "$verb: no case in $BASH_COMPLETION"
			grep -qE -- "$re" "$ZSH_COMPLETION_DIR/_acitool" ||
				die "$verb: no case in $ZSH_COMPLETION_DIR/_acitool"
		fi
	done
}

@test "completion: bash: validate takes any file or directory, --type its three types" {
	touch a.aci manifest.json
	mkdir lay
	comp validate ""
	expect_output "a.aci
lay
manifest.json"
	comp validate a.aci m
	expect_output manifest.json
	comp validate --type ""
	expect_output "image
layout
manifest"
	comp validate --type=l
	expect_output "--type=layout"
}
