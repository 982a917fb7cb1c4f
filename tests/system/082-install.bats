#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Installation: `cmake --install` of the build under test, with DESTDIR and
# --prefix, puts the binary, the man pages and the shell completions where
# they belong; ACT_MANPAGES picks whether man pages are built; the Makefile's
# install target passes DESTDIR and PREFIX on.

bats_require_minimum_version 1.5.0

load helpers

SRC=$ACT_TESTS_DIR/..

setup() {
	cd "$BATS_TEST_TMPDIR"
	command -v cmake >/dev/null || skip "cmake is not installed"
}

# The top build directory: the parent of tests/ in the build tree.
top_build_dir() {
	[ -n "${ACT_BUILD_DIR:-}" ] && [ -f "$ACT_BUILD_DIR/../cmake_install.cmake" ] ||
		skip "no build directory (ACT_BUILD_DIR) to install from"
	(cd "$ACT_BUILD_DIR/.." && pwd)
}

@test "install: DESTDIR and --prefix: bin, man1, bash and zsh completions" {
	local top
	top=$(top_build_dir)
	local root=$BATS_TEST_TMPDIR/root
	DESTDIR=$root run -0 cmake --install "$top" --prefix /x
	echo "$output"

	# Everything under DESTDIR/x, nothing elsewhere.
	assert "$(cd "$root" && find . -mindepth 1 -maxdepth 1)" == "./x" "top of DESTDIR"
	[ -x "$root/x/bin/acitool" ] || die "no executable x/bin/acitool"
	run -0 "$root/x/bin/acitool" --version
	assert "$output" == "$("$ACITOOL" --version)" "installed binary's version"

	local f=$root/x/share/bash-completion/completions/acitool
	[ -f "$f" ] || die "no bash completion at $f"
	cmp "$f" "$SRC/completions/bash/acitool"
	f=$root/x/share/zsh/site-functions/_acitool
	[ -f "$f" ] || die "no zsh completion at $f"
	cmp "$f" "$SRC/completions/zsh/_acitool"

	# Man pages, when this build renders them.
	local want have
	if [ -d "$top/docs" ] && ls "$top"/docs/*.1 >/dev/null 2>&1; then
		want=$(cd "$SRC/docs" && ls *.1.scd | sed 's/\.scd$//' | sort)
		have=$(cd "$root/x/share/man/man1" && ls | sort)
		assert "$have" == "$want" "pages in share/man/man1"
		run -0 --separate-stderr man --warnings -l "$root/x/share/man/man1/acitool.1"
		assert "$stderr" == "" "man warnings"
	else
		[ ! -e "$root/x/share/man" ] || die "man pages installed by a build without them"
	fi

	# The file list is what install_manifest.txt says, nothing more.
	assert "$(cd "$root" && find . -type f | sed 's|^\.||' | sort)" == \
		"$(sort "$top/install_manifest.txt")" "installed files vs install_manifest.txt"
}

@test "install: a bash that sources the installed completion completes verbs" {
	local top
	top=$(top_build_dir)
	local root=$BATS_TEST_TMPDIR/root
	DESTDIR=$root run -0 cmake --install "$top" --prefix /usr
	run -0 bash -c '
		source "$1"
		COMP_WORDS=("$2" "")
		COMP_CWORD=1
		_acitool "$2" "" "$2"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/acitool" \
		"$root/usr/bin/acitool"
	grep -qx patch-manifest <<<"$output" || die "no verbs from the installed binary"
}

# configure NAME ARGS...: configure the source tree into NAME with scdoc
# hidden from find_program (the tools CMake needs are named explicitly).
configure_without_scdoc() {
	local dir=$1
	shift
	cmake -S "$SRC" -B "$dir" -DBUILD_TESTING=OFF \
		-DCMAKE_IGNORE_PATH="/usr/bin;/bin;/usr/local/bin;/usr/sbin;/sbin" \
		-DCMAKE_C_COMPILER="$(command -v cc)" -DCMAKE_MAKE_PROGRAM="$(command -v make)" \
		-DPKG_CONFIG_EXECUTABLE="$(command -v pkg-config)" "$@"
}

@test "install: ACT_MANPAGES: AUTO builds pages only with scdoc, OFF never, ON needs it" {
	command -v scdoc >/dev/null || skip "scdoc is not installed"
	command -v make >/dev/null && command -v cc >/dev/null || skip "no make or cc"

	# AUTO (the default) with scdoc: a 'man' target, part of 'all'.
	run -0 cmake -S "$SRC" -B auto -DBUILD_TESTING=OFF
	run -0 cmake --build auto --target help
	assert "$output" =~ "\.\.\. man(\$|"$'\n'")" "AUTO with scdoc: man target"

	# AUTO without scdoc: a message, no target, no failure.
	run -0 configure_without_scdoc noscdoc
	assert "$output" =~ "scdoc not found: the man pages are not built" "AUTO without scdoc"
	run -0 cmake --build noscdoc --target help
	assert "$output" !~ "\.\.\. man(\$|"$'\n'")" "AUTO without scdoc: no man target"

	# ON without scdoc: configuring fails, naming scdoc.
	run -1 configure_without_scdoc on -DACT_MANPAGES=ON
	assert "$output" =~ "scdoc" "ON without scdoc: error"

	# OFF with scdoc: no target.
	run -0 cmake -S "$SRC" -B off -DBUILD_TESTING=OFF -DACT_MANPAGES=OFF
	run -0 cmake --build off --target help
	assert "$output" !~ "\.\.\. man(\$|"$'\n'")" "OFF: no man target"
}

@test "install: 'make install' passes DESTDIR and PREFIX to cmake --install" {
	command -v make >/dev/null || skip "make is not installed"
	run -0 make -n -C "$SRC" install DESTDIR=/tmp/d PREFIX=/opt/p
	local line
	line=$(grep 'cmake --install' <<<"$output")
	assert "$line" =~ "DESTDIR='?/tmp/d'? " "DESTDIR on the cmake --install line"
	assert "$line" =~ "--prefix '?/opt/p'?" "--prefix on the cmake --install line"
	run -0 make -n -C "$SRC" install
	line=$(grep 'cmake --install' <<<"$output")
	assert "$line" !~ "--prefix" "no PREFIX: no --prefix"
}
