#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The example Makefile of docs/makefile-recipe.md (docs/examples/): it
# patches the image once, then only when an input changes; quiet on
# success; a failed patch stops make and is retried. The image is read back
# with python3's tarfile and json, the ID with hashlib.

bats_require_minimum_version 1.5.0

load helpers

EXAMPLES=$ACT_TESTS_DIR/../docs/examples

@test "makefile recipe: docs/makefile-recipe.md shows the example's lines" {
	run -0 python3 - "$ACT_TESTS_DIR/../docs/makefile-recipe.md" "$EXAMPLES/Makefile" <<'EOF'
import re, sys
doc = open(sys.argv[1]).read()
block = re.search(r"```make\n(.*?)```", doc, re.S).group(1)
mk = set(open(sys.argv[2]).read().splitlines())
for line in block.splitlines():
    if line.strip() and line not in mk:
        print("not in the Makefile:", line)
EOF
	expect_output ""
}

# need_make: skip unless make and acitool can run the recipe; then a copy of
# the example and a base image in a directory of their own.
need_make() {
	command -v make >/dev/null || skip "make is not installed"
	# The recipe's grouped target ('&:') is GNU make 4.3's.
	printf '$(info $(filter grouped-target,$(.FEATURES)))\nx:\n' | make -s -f - |
		grep -q grouped-target ||
		skip "this make has no grouped targets (GNU make 4.3)"
	"$ACITOOL" patch-manifest --help | grep -q -- --print-id ||
		skip "this acitool has no --print-id"
	# A directory of its own: bats keeps --separate-stderr files in the test's.
	mkdir "$BATS_TEST_TMPDIR/w" && cd "$BATS_TEST_TMPDIR/w"
	cp "$EXAMPLES"/Makefile "$EXAMPLES"/caps.txt "$EXAMPLES"/filecaps.txt .
	python3 "$ACT_TESTS_DIR/tools/mkaci.py" base.aci '{"files": [{"name": "bin/ping"}]}'
	# Everything made from here on is newer than the inputs.
	touch -d '-1 hour' base.aci caps.txt filecaps.txt
}

# mk ARGS...: the example's make, with the acitool under test, as a user
# runs it: not as a sub-make of `make check` (MAKELEVEL would add
# "Entering directory" lines, MAKEFLAGS the outer make's options).
mk() {
	env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make ACITOOL="$ACITOOL" "$@"
}

# The app's capability isolators, /bin/ping's file capabilities (permitted
# mask and effective flag, from the v2 xattr) and whether app.aci.id is the
# image's ID (sha512 of the uncompressed tar).
check_image() {
	run -0 python3 - <<'EOF'
import gzip, hashlib, json, struct, tarfile
raw = open("app.aci", "rb").read()
if raw[:2] == b"\x1f\x8b":
    raw = gzip.decompress(raw)
with tarfile.open("app.aci") as t:
    m = json.load(t.extractfile("manifest"))
    ping = t.getmember("rootfs/bin/ping")
print(json.dumps(m["app"].get("isolators")))
cap = ping.pax_headers.get("SCHILY.xattr.security.capability")
if cap is None:
    print("no filecaps")
else:
    b = cap.encode("utf-8", "surrogateescape")
    magic, plo, ilo, phi, ihi = struct.unpack("<5I", b)
    print("magic=%#x effective=%d permitted=%#x" % (magic & ~1, magic & 1, plo | phi << 32))
want = "sha512-" + hashlib.sha512(raw).hexdigest()
print("id ok" if open("app.aci.id").read() == want + "\n" else "id wrong")
EOF
}

# mtime FILE: nanoseconds.
mtime() {
	stat -c %.9Y "$1"
}

# backdate: the inputs an hour old, app.aci and app.aci.id half an hour, so
# that a changed input is newer whatever the clock's resolution.
backdate() {
	touch -d '-1 hour' base.aci caps.txt filecaps.txt
	touch -d '-30 min' app.aci app.aci.id
}

@test "makefile recipe: first run patches, second does nothing, each input change patches again" {
	need_make
	run -0 --separate-stderr mk -s
	assert "$output" == "" "stdout of make -s"
	assert "$stderr" == "" "stderr of make -s"
	check_image
	expect_output '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW", "CAP_NET_BIND_SERVICE"]}}]
magic=0x2000000 effective=1 permitted=0x2000
id ok'

	# Up to date: make -q says so, make runs nothing and touches nothing.
	backdate
	local before
	before=$(mtime app.aci)
	run -0 mk -q
	run -0 mk
	expect_output "make: Nothing to be done for 'all'."
	assert "$(mtime app.aci)" == "$before" "app.aci's mtime after a run with nothing to do"

	# A changed capability list.
	printf 'net_raw\n\n# chown\nsys_time  \n' >caps.txt
	run -1 mk -q
	run -0 --separate-stderr mk -s
	assert "$output$stderr" == "" "output of make -s"
	check_image
	expect_output '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW", "CAP_SYS_TIME"]}}]
magic=0x2000000 effective=1 permitted=0x2000
id ok'
	backdate
	run -0 mk -q

	# A changed file capability list: no file capabilities at all.
	echo '# none' >filecaps.txt
	run -1 mk -q
	run -0 mk -s
	check_image
	expect_output '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW", "CAP_SYS_TIME"]}}]
no filecaps
id ok'
	backdate
	run -0 mk -q

	# A new base image (gzip): the output follows its compression.
	python3 "$ACT_TESTS_DIR/tools/mkaci.py" base.tar '{"files": [{"name": "bin/ping"}], "user": "0"}'
	gzip -c base.tar >base.aci
	run -1 mk -q
	run -0 mk -s
	assert "$(compression app.aci)" == gzip "app.aci's compression"
	check_image
	assert "${lines[2]}" == "id ok" "app.aci.id"
	run -0 python3 -c 'import json, tarfile
print(json.load(tarfile.open("app.aci").extractfile("manifest"))["app"]["user"])'
	expect_output "0"
	backdate
	run -0 mk -q

	# Only the ID file gone: the one recipe makes it again.
	rm app.aci.id
	run -1 mk -q
	run -0 mk -s
	check_image
	assert "${lines[2]}" == "id ok" "app.aci.id"
}

@test "makefile recipe: a failed patch stops make, keeps the old image and runs again next time" {
	need_make
	run -0 mk -s
	backdate
	local sum
	sum=$(sha256 app.aci)

	echo CAP_BOGUS >>caps.txt
	run -2 --separate-stderr mk -s
	assert "$output" == "" "stdout"
	assert "${stderr_lines[0]}" =~ "^acitool: patch-manifest: --capability: unknown capability 'CAP_BOGUS'" \
		"acitool's error line"
	assert "$(sha256 app.aci)" == "$sum" "app.aci after the failed run"
	[ ! -e app.aci.id ] || die "make kept app.aci.id of a failed run"
	expect_files . Makefile caps.txt filecaps.txt base.aci app.aci

	# Still out of date, so the fixed list is applied.
	run -1 mk -q
	sed -i '/CAP_BOGUS/d' caps.txt
	run -0 mk -s
	check_image
	assert "${lines[2]}" == "id ok" "app.aci.id"

	# A file the image does not hold: exit status 1, same clean-up.
	backdate
	echo '/bin/missing cap_net_raw+ep' >>filecaps.txt
	run -2 --separate-stderr mk -s
	assert "${stderr_lines[0]}" =~ "^acitool: patch-manifest: '/bin/missing': no such file in the image" \
		"acitool's error line"
	assert "$stderr" =~ "Error 1" "make reports acitool's exit status 1"
	[ ! -e app.aci.id ] || die "make kept app.aci.id of a failed run"
}

@test "makefile recipe: an empty capability list leaves the isolators; a bad filecap line stops make" {
	need_make
	# The base image's own retain set stays when caps.txt names nothing.
	python3 "$ACT_TESTS_DIR/tools/mkaci.py" base.aci \
		'{"files": [{"name": "bin/ping"}], "isolators": [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_KILL", "CAP_NET_RAW"]}}]}'
	touch -d '-1 hour' base.aci
	printf '# nothing kept here\n\n' >caps.txt
	run -0 --separate-stderr mk -s
	assert "$output$stderr" == "" "output of make -s"
	check_image
	expect_output '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_KILL", "CAP_NET_RAW"]}}]
magic=0x2000000 effective=1 permitted=0x2000
id ok'

	# A PATH alone, or a third word: make stops, naming the line.
	local line
	for line in '/bin/ping' '/bin/ping cap_net_raw+ep extra' '/bin/ping cap_kill+ep cap_net_raw+i'; do
		backdate
		cp app.aci before.aci
		printf '# file caps\n%s\n' "$line" >filecaps.txt
		run -2 --separate-stderr mk -s
		assert "${stderr_lines[0]}" == "filecaps.txt: not PATH CAPS: $line" "the error for '$line'"
		cmp app.aci before.aci
		[ ! -e app.aci.id ] || die "make kept app.aci.id of a failed run"
		rm before.aci
	done
	# Neither list saying anything: acitool's own word, nothing to patch.
	: >filecaps.txt
	run -2 --separate-stderr mk -s
	assert "${stderr_lines[0]}" =~ "^acitool: patch-manifest: nothing to patch" "acitool's error line"
}
