#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The Debian package (debian/). Always: debian/ agrees with the Makefile's
# build dependencies and CMake's version. The built package: its control
# fields, its files, a working binary, lintian. Building it takes a while
# (a second, optimised build), so it is checked only when `make deb` built
# it (ACT_DEB_DIR) or with ACT_SLOW_TESTS=1, which builds it here.

bats_require_minimum_version 1.5.0

load helpers

SRC=$(cd "$ACT_TESTS_DIR/.." && pwd)

# The version in CMake's project() call.
cmake_version() {
	sed -n 's/^project(acitool VERSION \([^ ]*\) .*/\1/p' "$SRC/CMakeLists.txt"
}

setup_file() {
	export DEB=
	if [ -n "${ACT_DEB_DIR:-}" ]; then
		DEB=$(ls "$ACT_DEB_DIR"/acitool_*.deb)
	elif [ "${ACT_SLOW_TESTS:-}" = 1 ] && command -v dpkg-buildpackage >/dev/null &&
		command -v dh >/dev/null && command -v make >/dev/null; then
		make -s -C "$SRC" deb-build DEB_DIR="$BATS_FILE_TMPDIR/deb" \
			>"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
			{ tail -50 "$BATS_FILE_TMPDIR/build.log"; return 1; }
		DEB=$(ls "$BATS_FILE_TMPDIR"/deb/acitool_*.deb)
	fi
}

# need_deb: skip unless a package was built; then unpack it into ./root.
need_deb() {
	if [ -z "$DEB" ]; then
		command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
			skip "dpkg-buildpackage or debhelper is not installed ('make deb' installs them)"
		skip "building the package is slow: run 'make deb' or set ACT_SLOW_TESTS=1"
	fi
	cd "$BATS_TEST_TMPDIR"
	dpkg-deb -x "$DEB" root
}

@test "debian: changelog version is CMake's project version" {
	local v
	v=$(cmake_version)
	[ -n "$v" ] || die "no version in CMakeLists.txt"
	# A native package: the version has no Debian revision.
	run -0 head -1 "$SRC/debian/changelog"
	assert "$output" =~ "^acitool \($v\) " "debian/changelog's first line"
	assert "$(cat "$SRC/debian/source/format")" == "3.0 (native)" "source format"
	[ -x "$SRC/debian/rules" ] || die "debian/rules is not executable"
}

@test "debian: Build-Depends are the Makefile's BUILD_DEPS" {
	# Both sides by name, without versions or profiles; build-essential is
	# implied by Debian, debhelper-compat is debian/'s own.
	run -0 python3 - "$SRC/Makefile" "$SRC/debian/control" <<'EOF'
import re, sys
mk = open(sys.argv[1]).read().replace("\\\n", " ")
deps = set(re.search(r"^BUILD_DEPS\s*:=(.*)$", mk, re.M).group(1).split())
ctl = open(sys.argv[2]).read().split("\n\n")[0].replace("\n ", " ")
bd = re.search(r"^Build-Depends:(.*)$", ctl, re.M).group(1)
names = {re.split(r"[\s(<\[]", d.strip())[0] for d in bd.split(",") if d.strip()}
print("only in Makefile:", *sorted(deps - names - {"build-essential"}))
print("only in debian/control:", *sorted(names - deps - {"debhelper-compat"}))
EOF
	expect_output "only in Makefile:
only in debian/control:"
}

@test "debian: ACT_SYSTEM_TESTS=OFF (debian/rules) configures the tests without bats or python3" {
	command -v cmake >/dev/null && command -v make >/dev/null && command -v cc >/dev/null ||
		skip "no cmake, make or cc"
	grep -q -- '-DACT_SYSTEM_TESTS=OFF' "$SRC/debian/rules" || die "debian/rules does not set it"
	cd "$BATS_TEST_TMPDIR"
	# find_program sees nothing in the system's bin directories, and PATH
	# leaves out bats's own; the tools CMake itself needs are named explicitly.
	local hide=(-DCMAKE_IGNORE_PATH="/usr/bin;/bin;/usr/local/bin;/usr/sbin;/sbin"
		-DCMAKE_C_COMPILER="$(command -v cc)" -DCMAKE_MAKE_PROGRAM="$(command -v make)"
		-DPKG_CONFIG_EXECUTABLE="$(command -v pkg-config)" -DACT_MANPAGES=OFF -DBUILD_TESTING=ON)
	run -1 env PATH=/usr/bin:/bin cmake -S "$SRC" -B all "${hide[@]}"
	assert "$output" =~ "BATS_PROGRAM" "without the option: bats is required"
	run -0 env PATH=/usr/bin:/bin cmake -S "$SRC" -B unit "${hide[@]}" -DACT_SYSTEM_TESTS=OFF
	run -0 ctest --test-dir unit -N
	local names
	names=$(sed -n 's|^ *Test *#[0-9]*: ||p' <<<"$output")
	assert "$names" =~ "unit/test-" "unit tests"
	assert "$names" =~ "fuzz-regress/" "fuzz-regress tests"
	assert "$(grep -v -e '^unit/' -e '^fuzz-regress/' <<<"$names")" == "" "other tests"
}

@test "debian: package fields: name, version, architecture, shared library Depends" {
	need_deb
	run -0 dpkg-deb -f "$DEB" Package Version Architecture
	expect_output "Package: acitool
Version: $(cmake_version)
Architecture: $(dpkg --print-architecture)"

	# Every library the binary needs (its DT_NEEDED entries) is in Depends,
	# by the package that holds it on this system: found with objdump, ldd
	# and dpkg -S, not from the package's own metadata.
	command -v objdump >/dev/null || skip "objdump is not installed"
	local depends lib path pkg
	depends=$(dpkg-deb -f "$DEB" Depends)
	echo "Depends: $depends"
	run -0 ldd root/usr/bin/acitool
	local resolved=$output n=0
	run -0 objdump -p root/usr/bin/acitool
	for lib in $(awk '$1 == "NEEDED" { print $2 }' <<<"$output"); do
		path=$(awk -v l="$lib" '$1 == l && $2 == "=>" { print $3 }' <<<"$resolved")
		[[ "$path" == /* ]] || die "ldd does not resolve $lib"
		pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "${path#/usr}" 2>/dev/null ||
			dpkg -S "/usr$path" 2>/dev/null) || die "no package holds $path"
		pkg=${pkg%%:*}
		assert "$depends" =~ "(^|, )$pkg( |,|$)" "Depends has $pkg (for $lib)"
		n=$((n + 1))
	done
	assert "$n" -ge 8 "libraries checked (libc, libarchive, yajl, libcap, libattr, isal, libdeflate, libcrypto)"
}

@test "debian: package files: binary, man pages, completions, docs, examples" {
	need_deb
	local pages p
	pages=$(cd "$SRC/docs" && ls *.1.scd | sed 's|\(.*\)\.scd$|./usr/share/man/man1/\1.gz|')
	run -0 bash -c "dpkg-deb --fsys-tarfile '$DEB' | tar -t | grep -v '/\$' | sort"
	expect_output "$(sort <<EOF
./usr/bin/acitool
./usr/share/bash-completion/completions/acitool
./usr/share/doc/acitool/README.md.gz
./usr/share/doc/acitool/changelog.gz
./usr/share/doc/acitool/copyright
./usr/share/doc/acitool/examples/Makefile
./usr/share/doc/acitool/examples/caps.txt
./usr/share/doc/acitool/examples/filecaps.txt
./usr/share/doc/acitool/guide-filecaps.md.gz
./usr/share/doc/acitool/makefile-recipe.md.gz
./usr/share/zsh/vendor-completions/_acitool
$pages
EOF
)"
	# Owners and modes, as dpkg -c shows them.
	run -0 dpkg -c "$DEB"
	assert "$(grep -c -v ' root/root ' <<<"$output")" -eq 0 "entries not owned by root/root"
	assert "$(grep ' ./usr/bin/acitool$' <<<"$output")" =~ "^-rwxr-xr-x " "binary's mode"

	cmp root/usr/share/bash-completion/completions/acitool "$SRC/completions/bash/acitool"
	cmp root/usr/share/zsh/vendor-completions/_acitool "$SRC/completions/zsh/_acitool"
	for p in Makefile caps.txt filecaps.txt; do
		cmp "root/usr/share/doc/acitool/examples/$p" "$SRC/docs/examples/$p"
	done
	# The packaged guides say where the package put the files they name.
	zcat root/usr/share/doc/acitool/README.md.gz | tr '\n' ' ' |
		grep -qF '/usr/share/doc/acitool/examples/ (copy that folder' ||
		die "README.md does not say where the packaged examples are"
	zcat root/usr/share/doc/acitool/makefile-recipe.md.gz |
		grep -qF 'cp -r /usr/share/doc/acitool/examples .' ||
		die "makefile-recipe.md does not say how to run the packaged examples"
	# zsh looks there on Debian.
	if command -v zsh >/dev/null; then
		run -0 zsh -fc 'print -l $fpath'
		grep -qx /usr/share/zsh/vendor-completions <<<"$output" ||
			die "Debian's zsh does not search vendor-completions"
	fi
	if command -v man >/dev/null; then
		for p in root/usr/share/man/man1/*.1.gz; do
			run -0 --separate-stderr man --warnings -l "$p"
			assert "$stderr" == "" "man warnings for $p"
			assert "$output" =~ "acitool" "rendered $p"
		done
	fi
}

@test "debian: the packaged binary runs and patches an image" {
	need_deb
	run -0 root/usr/bin/acitool --version
	expect_output "acitool $(cmake_version)"
	python3 "$ACT_TESTS_DIR/tools/mkaci.py" in.aci '{}'
	run -0 --separate-stderr root/usr/bin/acitool patch-manifest --capability=net_raw in.aci out.aci
	assert "$output$stderr" == "" "output on success"
	run -0 python3 -c '
import json, sys, tarfile
m = json.load(tarfile.open(sys.argv[1]).extractfile("manifest"))
print(json.dumps(m["app"]["isolators"]))' out.aci
	expect_output '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW"]}}]'
}

@test "debian: lintian finds no error or warning" {
	need_deb
	command -v lintian >/dev/null || skip "lintian is not installed"
	local changes
	changes=$(ls "$(dirname "$DEB")"/acitool_*.changes)
	run lintian --fail-on error,warning --info --pedantic "$changes"
	echo "$output"
	assert "$status" -eq 0 "lintian's exit status"
}
