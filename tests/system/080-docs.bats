#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Man pages (docs/*.1.scd): each renders through scdoc and man/groff without
# a warning, every verb has one, and each documents exactly the options its
# --help lists. acitool(1) documents the global options, the exit statuses
# and every environment variable the code reads.

bats_require_minimum_version 1.5.0

load helpers

DOCS=$ACT_TESTS_DIR/../docs

setup() {
	command -v scdoc >/dev/null || skip "scdoc is not installed"
	cd "$BATS_TEST_TMPDIR"
}

# The verbs `acitool --help` lists, one a line.
listed_verbs() {
	"$ACITOOL" --help | sed -n '/^Verbs:$/,/^$/{/^  [a-z]/s/^  \([^ ]*\).*/\1/p}'
}

# The long options in the option lists of `acitool VERB --help`, sorted.
help_options() {
	"$ACITOOL" "$1" --help | grep -E '^ +-' | sed 's/^ *//; s/  .*//' |
		grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# The long options a page defines: a definition is a line that starts with
# "*-" ("*--capability*=_CAPS_", "*-h*, *--help*") followed by an indented
# one, its text. Sorted.
page_options() {
	awk '/^\t/ && prev ~ /^\*-/ { print prev } { prev = $0 }' "$1" |
		grep -oE -- '\*--[a-z][a-z0-9-]*\*' | tr -d '*' | sort -u
}

# The page of a verb; help and version are described in acitool(1).
page_of() {
	case $1 in
	help | version) echo "$DOCS/acitool.1.scd" ;;
	*) echo "$DOCS/acitool-$1.1.scd" ;;
	esac
}

@test "docs: every page renders through scdoc and man without a warning" {
	local pages=("$DOCS"/*.1.scd)
	assert "${#pages[@]}" -ge 6 "number of pages"
	local src name
	for src in "${pages[@]}"; do
		name=$(basename "$src" .scd)
		run -0 --separate-stderr scdoc <"$src"
		assert "$stderr" == "" "scdoc warnings for $name"
		printf '%s\n' "$output" >"$name"

		# The header names the page as the file does.
		assert "$(head -n1 "$src")" =~ "^${name%.1}\(1\)( |\$)" "$name: header"

		# groff with every warning on, then man-db as a reader would run it.
		run -0 --separate-stderr groff -man -Tutf8 -ww -z "$name"
		assert "$stderr" == "" "groff warnings for $name"
		if command -v man >/dev/null; then
			MANWIDTH=80 run -0 --separate-stderr man --warnings -E UTF-8 -l "$name"
			assert "$stderr" == "" "man warnings for $name"
			assert "${lines[0]}" =~ "^${name%.1}\(1\)" "$name: rendered title"
			assert "$output" =~ $'\n'"NAME"$'\n'" +${name%.1} - " "$name: NAME section"
			for section in SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
				assert "$output" =~ $'\n'"$section"$'\n' "$name: section $section"
			done
			# No scdoc markup left over.
			assert "$output" !~ '\*-' "$name: stray '*' markup"
		fi
	done
}

@test "docs: every verb acitool --help lists has a page, and no page is stale" {
	local verb page
	for verb in $(listed_verbs); do
		page=$(page_of "$verb")
		[ -f "$page" ] || die "no man page for '$verb' ($page)"
		grep -qE "^\*$verb\*( |\$)" "$DOCS/acitool.1.scd" ||
			die "acitool(1) does not list '$verb' in its VERBS"
	done
	for page in "$DOCS"/acitool-*.1.scd; do
		verb=$(basename "$page" .1.scd)
		verb=${verb#acitool-}
		listed_verbs | grep -qx -- "$verb" || die "$page: '$verb' is not a verb"
	done
}

@test "docs: each verb's page defines exactly the options its --help lists" {
	local verb page
	for verb in $(listed_verbs); do
		case $verb in help | version) continue ;; esac
		page=$(page_of "$verb")
		assert "$(page_options "$page")" == "$(help_options "$verb")" \
			"options defined in $(basename "$page") vs 'acitool $verb --help'"
		# And its synopsis names the verb.
		grep -qE "^\*acitool $verb\*" "$page" || die "$page: no synopsis line for '$verb'"
	done
}

@test "docs: acitool(1) has the global options, exit statuses and environment" {
	local page=$DOCS/acitool.1.scd
	# The global options of the usage line.
	local opt
	for opt in $("$ACITOOL" --help | head -n1 | grep -oE -- '--[a-z-]+'); do
		grep -qE "^\*(-h\*, \*)?$opt\*" "$page" || die "acitool(1): no definition of $opt"
	done
	# Exit statuses 0, 1 and 2, as --help summarises them.
	"$ACITOOL" --help | grep -q "0 success, 1 failure, 2 usage error"
	local status
	for status in 0 1 2; do
		sed -n '/^# EXIT STATUS/,/^# /p' "$page" | grep -qx "\*$status\*" ||
			die "acitool(1): exit status $status not described"
	done
	# Every variable the code reads with getenv().
	local var vars
	vars=$(grep -rhoE 'getenv\("[A-Z_]+"\)' "$ACT_TESTS_DIR/../common" "$ACT_TESTS_DIR/../tools" |
		sed 's/getenv("\(.*\)")/\1/' | sort -u)
	assert "$vars" != "" "getenv calls found"
	for var in $vars; do
		sed -n '/^# ENVIRONMENT/,/^# /p' "$page" | grep -qx "\*$var\*" ||
			die "acitool(1): environment variable $var not described"
	done
}

@test "docs: the build renders every page (ACT_MANPAGES)" {
	local top=${ACT_BUILD_DIR:-}/..
	[ -n "${ACT_BUILD_DIR:-}" ] && [ -f "$top/CMakeCache.txt" ] || skip "no build directory"
	grep -q '^ACT_MANPAGES:STRING=OFF$' "$top/CMakeCache.txt" && skip "built with ACT_MANPAGES=OFF"
	local src name
	for src in "$DOCS"/*.1.scd; do
		name=$(basename "$src" .scd)
		[ -f "$top/docs/$name" ] || die "the build did not render $name"
		assert "$(sed 1d "$top/docs/$name" | grep -v '^\.TH')" == \
			"$(scdoc <"$src" | sed 1d | grep -v '^\.TH')" "$name as built"
	done
}

@test "docs: acitool(1)'s SEE ALSO names every verb's page" {
	local page see
	see=$(sed -n '/^# SEE ALSO/,/^# /p' "$DOCS/acitool.1.scd")
	for page in "$DOCS"/acitool-*.1.scd; do
		page=$(basename "$page" .1.scd)
		[[ "$see" == *"*$page*(1)"* ]] || die "acitool(1): SEE ALSO lacks $page(1)"
	done
}

@test "docs: no page or guide holds a placeholder left in by mistake" {
	run grep -nE '[a-z]XX([^X]|$)|TODO|FIXME' "$DOCS"/*.scd "$DOCS"/*.md "$ACT_TESTS_DIR/../README.md"
	echo "$output"
	[ "$status" -eq 1 ] || die "placeholders left in the docs"
}

# The CAPS examples "CAPS is libcap's text form: A, B, 'C D'; ..." of the
# help and "_CAPS_ is libcap's text form ...: *A*, *B*, ... The effective" of
# the man page, each run on an image.
@test "docs: every CAPS example of add-filecaps' help and page is accepted" {
	act_fixtures
	local examples
	examples=$(python3 - "$DOCS/acitool-add-filecaps.1.scd" <<-'PY'
		import re, shlex, subprocess, sys, os
		acitool = os.environ["ACITOOL"]
		help = subprocess.run([acitool, "add-filecaps", "--help"], capture_output=True,
		                      text=True, check=True).stdout
		h = " ".join(help.split())
		m = re.search(r"CAPS is libcap's text form: (.*?); the effective", h)
		for word in shlex.split(m.group(1).replace(",", " , ")):
		    if word != ",":
		        print(word)
		page = " ".join(open(sys.argv[1]).read().split())
		m = re.search(r"_CAPS_ is libcap's text form, .*? describes: (.*?)\. The effective", page)
		for ex in re.findall(r"\*([^*]+)\*", m.group(1)):
		    print(ex.strip("'"))
		PY
	)
	assert "$(echo "$examples" | wc -l)" -ge 6 "examples found"
	local ex
	while IFS= read -r ex; do
		run_acitool add-filecaps --overwrite "$ACT_FIXTURES/minimal.tar" out.aci /bin/ping "$ex"
	done <<<"$examples"
}

# README's table of the options "of every verb that writes an image": each
# in the --help of each such verb, but for the exceptions its heading names.
@test "docs: README's write options are options of every verb it names" {
	local readme=$ACT_TESTS_DIR/../README.md opts verb opt
	opts=$(sed -n '/^Options of every verb that writes an image/,/^`CAPS`/p' "$readme" |
		awk -F'|' '/^\| `--/ { print $2 }' | grep -oE -- '--[a-z-]+')
	sed -n '/^Options of every verb that writes an image/,/^$/p' "$readme" | grep -q 'build has no `--replace`'
	assert "$(echo "$opts" | wc -l)" -ge 9 "options in the table"
	for verb in patch-manifest add-filecaps build; do
		for opt in $opts; do
			[ "$verb/$opt" = build/--replace ] && continue
			"$ACITOOL" "$verb" --help | grep -E '^ +-' | grep -qE -- "(^ +|, )$opt([=, ]|\$)" ||
				die "README: $opt is not an option of $verb"
		done
	done
}

@test "docs: acitool(1)'s FILES names where the Debian package puts the zsh completion" {
	local dir
	dir=$(grep -oE 'ACT_ZSH_COMPLETION_DIR=[^ ]+' "$ACT_TESTS_DIR/../debian/rules" | cut -d= -f2)
	assert "$dir" != "" "the zsh completion directory of debian/rules"
	sed -n '/^# FILES/,/^# /p' "$DOCS/acitool.1.scd" | tr '\n' ' ' | grep -qF "/usr/$dir/" ||
		die "acitool(1): FILES does not name /usr/$dir/"
}

@test "docs: make demo's script runs to its end, as the README shows it" {
	run -0 env ACITOOL="$ACITOOL" sh "$DOCS/demo.sh"
	assert "$output" =~ "Built ping.aci" "the image"
	assert "$output" =~ "/bin/ping cap_net_raw=ep" "list-filecaps of the patched image"
	assert "$output" =~ "acitool: add-filecaps: '/bin/ping': CAP_NET_ADMIN is outside the app's capability bounding set, with the effective flag" "the refusal"
	assert "$output" =~ "rootfs/bin/ping" "tar's listing"
}

@test "docs: guide-filecaps.md's commands run in order and print what it shows" {
	is_root || skip "the guide extracts file capabilities, which needs root"
	command -v bsdtar >/dev/null || skip "the guide runs bsdtar"
	sh "$DOCS/demo.sh" --image ping.aci
	mkdir bin
	ln -s "$ACITOOL" bin/acitool
	PATH=$PWD/bin:$PATH run python3 "$ACT_TESTS_DIR/tools/doctest.py" "$DOCS/guide-filecaps.md"
	echo "$output"
	[ "$status" -eq 0 ] || die "the guide does not run as written"
	assert "${lines[-1]}" =~ "^doctest: [0-9]+ commands ran as the guide says$"
}

@test "docs: cat-manifest calls what it checks readable, and validate checks more" {
	# Newcomer audit: "valid" meant three things.
	run -0 "$ACITOOL" cat-manifest --help
	[[ "$output" != *"valid image manifest"* ]] || die "cat-manifest --help says 'valid'"
	grep -q "readable image manifest" "$DOCS/acitool-cat-manifest.1.scd"
	! grep -q "a valid image manifest" "$DOCS/acitool-cat-manifest.1.scd" ||
		die "acitool-cat-manifest(1) says 'a valid image manifest'"
	# And what they say holds: readable, not valid.
	mkdir -p lay/rootfs
	printf '%s' '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/g",
		"app":{"user":"0","group":"0","supplementaryGIDs":[1,2.0]}}' >lay/manifest
	tar -C lay -cf g.aci manifest rootfs
	run -0 "$ACITOOL" cat-manifest g.aci
	run -1 "$ACITOOL" validate g.aci
	assert "$output" =~ "supplementaryGIDs\[1\]: must be an integer, not 2.0" "validate's word"
}
