#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# list-filecaps: every security.capability xattr of an image, decoded
# (revisions 1, 2 and 3), malformed values reported, --json. Inputs are built
# here with python's tarfile so the bytes under test are known exactly.
# Capability text comes from libcap (2.41 changed '+ep' to '=ep'), so text
# is matched loosely and the decoded sets are checked through --json.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	copy_fixtures minimal kitchen bsdtar-tree gnu-tree
	mkdir -p "$FX/bad"
	cp "$ACT_FIXTURES"/bad/{xattr-conflict,xattr-duplicate,truncated}.tar "$FX/bad"/
	export ACI_PY=$ACT_TESTS_DIR/tools/mkaci.py
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

mkaci() {
	python3 "$ACI_PY" "$@"
}

# json_summary JSON: one line per element, the fields that do not depend on
# libcap's text: path entry value revision rootid effective permitted inheritable,
# or path entry value malformed. Fails unless JSON is one JSON array.
json_summary() {
	python3 -c '
import json, sys
a = json.loads(sys.argv[1])
assert isinstance(a, list), type(a)
for e in a:
    if e.get("malformed"):
        assert set(e) == {"image", "path", "entry", "value", "malformed"}, sorted(e)
        print(e["path"], e["entry"], e["value"], "malformed")
        continue
    assert set(e) == {"image", "path", "entry", "value", "capabilities", "revision", "rootid",
                      "effective", "permitted", "inheritable"}, sorted(e)
    print(e["path"], e["entry"], e["value"], e["revision"], e["rootid"], e["effective"],
          ",".join(e["permitted"]) or "-", ",".join(e["inheritable"]) or "-")
' "$1"
}

# ---------------------------------------------------------------------------

@test "list-filecaps: an image without file capabilities lists nothing" {
	local ext
	for ext in tar tgz tbz2 txz; do
		run -0 --separate-stderr "$ACITOOL" list-filecaps "$FX/minimal.$ext"
		assert "$output$stderr" == "" "output for .$ext"
		run -0 --separate-stderr "$ACITOOL" list-filecaps --json "$FX/minimal.$ext"
		assert "$output" == "[]" "--json for .$ext"
	done
}

@test "list-filecaps: the fixtures' capabilities, from every compression and stdin" {
	run_acitool list-filecaps "$FX/kitchen.tar"
	# kitchen's ping: 01000002 02000a00 ...: CAP_DAC_OVERRIDE (1), CAP_SYS_RAWIO (17), CAP_SYS_PTRACE (19).
	assert "$output" =~ '^/bin/ping cap_dac_override,cap_sys_rawio,cap_sys_ptrace[+=]ep$' "kitchen"
	local want=$output ext
	for ext in tgz tbz2 txz; do
		run_acitool list-filecaps "$FX/kitchen.$ext"
		expect_output "$want"
	done
	run_acitool list-filecaps - <"$FX/kitchen.txz"
	expect_output "$want"

	run -0 --separate-stderr "$ACITOOL" list-filecaps --json "$FX/kitchen.tgz"
	run -0 json_summary "$output"
	expect_output "/bin/ping rootfs/bin/ping 0100000202000a00000000000000000000000000 2 None True CAP_DAC_OVERRIDE,CAP_SYS_RAWIO,CAP_SYS_PTRACE -"

	# GNU tar writes no xattrs on the hardlink entry ping6: one line.
	if grep -q '^feature security-capability yes' "$ACT_FIXTURES/gnu-tree.features"; then
		run_acitool list-filecaps "$FX/gnu-tree.tar"
		assert "$output" =~ '^/bin/ping cap_net_raw[+=]ep$' "gnu-tree"
	fi
}

@test "list-filecaps: revisions 1, 2 and 3 are decoded" {
	mkaci v.aci '{"files": [
		{"name": "bin/v1", "caps": "010000010020000020000000"},
		{"name": "bin/v2", "caps": "0000000200200000200000000000000001000000"},
		{"name": "bin/v3", "caps": "0100000300200000000000000000000000000000e8030000"},
		{"name": "bin/v3-0", "caps": "010000030020000000000000000000000000000000000000"},
		{"name": "bin/none"},
		{"name": "bin/empty-set", "caps": "0000000200000000000000000000000000000000"}]}'
	run -0 --separate-stderr "$ACITOOL" list-filecaps v.aci
	assert "$stderr" == "" "stderr"
	assert "${#lines[@]}" -eq 5 "lines: $output"
	assert "${lines[0]}" =~ '^/bin/v1 cap_kill[+=]ei cap_net_raw[+=]ep$' "v1 (12 bytes)"
	assert "${lines[1]}" =~ '^/bin/v2 ' "v2"
	assert "${lines[2]}" =~ '^/bin/v3 cap_net_raw[+=]ep \[rootid=1000\]$' "v3"
	assert "${lines[3]}" =~ '^/bin/v3-0 cap_net_raw[+=]ep \[rootid=0\]$' "v3, rootid 0"
	assert "${lines[4]}" =~ '^/bin/empty-set =$' "the empty set"

	run -0 --separate-stderr "$ACITOOL" list-filecaps --json v.aci
	run -0 json_summary "$output"
	expect_output "/bin/v1 rootfs/bin/v1 010000010020000020000000 1 None True CAP_NET_RAW CAP_KILL
/bin/v2 rootfs/bin/v2 0000000200200000200000000000000001000000 2 None False CAP_NET_RAW CAP_KILL,CAP_MAC_OVERRIDE
/bin/v3 rootfs/bin/v3 0100000300200000000000000000000000000000e8030000 3 1000 True CAP_NET_RAW -
/bin/v3-0 rootfs/bin/v3-0 010000030020000000000000000000000000000000000000 3 0 True CAP_NET_RAW -
/bin/empty-set rootfs/bin/empty-set 0000000200000000000000000000000000000000 2 None False - -"
}

@test "list-filecaps: a value of the wrong length or revision is malformed: listed, exit 1" {
	# NAME | value: wrong lengths, revisions that do not match the length, unknown flags.
	local spec='{"files": [' name hex n=0
	while IFS='|' read -r name hex; do
		spec+="{\"name\": \"bin/$name\", \"caps\": \"$hex\"},"
		n=$((n + 1))
	done <<'EOF'
empty|
len7|01000002002000
len21|010000020020000000000000000000000000000000
len32|0100000200200000000000000000000000000000000000000000000000000000
v1-in-20|0100000100200000000000000000000000000000
v2-in-12|010000020020000000000000
v2-in-24|0100000200200000000000000000000000000000e8030000
v3-in-20|0100000300200000000000000000000000000000
rev4|0100000400200000000000000000000000000000
flag2|0200000200200000000000000000000000000000
EOF
	spec+='{"name": "bin/good", "caps": "0100000200200000000000000000000000000000"}]}'
	mkaci bad.aci "$spec"

	run -1 --separate-stderr "$ACITOOL" list-filecaps bad.aci
	assert "$stderr" == "acitool: list-filecaps: bad.aci: $n malformed security.capability values" "stderr"
	expect_output "/bin/empty [malformed: 0 bytes]
/bin/len7 [malformed: 7 bytes]
/bin/len21 [malformed: 21 bytes]
/bin/len32 [malformed: 32 bytes]
/bin/v1-in-20 [malformed: 20 bytes]
/bin/v2-in-12 [malformed: 12 bytes]
/bin/v2-in-24 [malformed: 24 bytes]
/bin/v3-in-20 [malformed: 20 bytes]
/bin/rev4 [malformed: 20 bytes]
/bin/flag2 [malformed: 20 bytes]
$(printf '%s' "${lines[10]}")"
	assert "${lines[10]}" =~ '^/bin/good cap_net_raw[+=]ep$' "the good value is still listed"

	# One malformed value among good ones: singular message.
	mkaci one.aci '{"files": [{"name": "bin/a", "caps": "01000002"}, {"name": "bin/b", "caps": "010000010020000000000000"}]}'
	run -1 --separate-stderr "$ACITOOL" list-filecaps one.aci
	assert "$stderr" == "acitool: list-filecaps: one.aci: 1 malformed security.capability value" "stderr"
	assert "${#lines[@]}" -eq 2 "both entries listed"
}

@test "list-filecaps --json: valid JSON, malformed values flagged" {
	mkaci j.aci '{"files": [
		{"name": "bin/good", "caps": "0100000200200000000000000000000000000000"},
		{"name": "bin/bad", "caps": "01000002002000"},
		{"name": "bin/hi", "caps": "0100000200000000000000000000008000000000"}]}'
	run -1 --separate-stderr "$ACITOOL" list-filecaps --json j.aci
	assert "$stderr" == "acitool: list-filecaps: j.aci: 1 malformed security.capability value" "stderr"
	assert "${#lines[@]}" -eq 1 "one line of JSON"
	run -0 json_summary "$output"
	# Capability 63 has no name: it is listed by number.
	expect_output "/bin/good rootfs/bin/good 0100000200200000000000000000000000000000 2 None True CAP_NET_RAW -
/bin/bad rootfs/bin/bad 01000002002000 malformed
/bin/hi rootfs/bin/hi 0100000200000000000000000000008000000000 2 None True 63 -"

	# --json=false is the text form; --json=true the JSON one (actool's boolean style).
	run -1 --separate-stderr "$ACITOOL" list-filecaps --json=false j.aci
	assert "${lines[1]}" == "/bin/bad [malformed: 7 bytes]" "--json=false"
	run -1 --separate-stderr "$ACITOOL" list-filecaps --json=true j.aci
	assert "${output:0:1}" == "[" "--json=true"
}

@test "list-filecaps: paths are shown inside the container; --json keeps the stored name" {
	mkaci dot.aci '{"prefix": "./", "files": [{"name": "bin/ping", "caps": "0100000200200000000000000000000000000000"}]}'
	run_acitool list-filecaps dot.aci
	assert "$output" =~ '^/bin/ping cap_net_raw[+=]ep$' "text"
	run -0 --separate-stderr "$ACITOOL" list-filecaps --json dot.aci
	run -0 json_summary "$output"
	expect_output "/bin/ping ./rootfs/bin/ping 0100000200200000000000000000000000000000 2 None True CAP_NET_RAW -"
}

@test "list-filecaps: bsdtar's LIBARCHIVE.xattr + SCHILY.xattr twins list once" {
	grep -q '^feature security-capability yes' "$ACT_FIXTURES/gnu-tree.features" ||
		skip "the fixture tree had no security.capability on this host"
	# bsdtar puts the xattrs on the hardlink entry ping6 too.
	run -0 --separate-stderr "$ACITOOL" list-filecaps "$FX/bsdtar-tree.tar"
	assert "$stderr" == "" "stderr"
	assert "${#lines[@]}" -eq 2 "lines: $output"
	assert "${lines[0]}" =~ '^/bin/ping cap_net_raw[+=]ep$' "ping"
	assert "${lines[1]}" =~ '^/bin/ping6 cap_net_raw[+=]ep$' "ping6"

	# After an edit of ping, the listing agrees with what extraction gives ping6.
	run_acitool add-filecaps "$FX/bsdtar-tree.tar" edited.aci /bin/ping cap_kill+p
	run -0 --separate-stderr "$ACITOOL" list-filecaps --json edited.aci
	run -0 json_summary "$output"
	expect_output "/bin/ping rootfs/bin/ping 0000000220000000000000000000000000000000 2 None False CAP_KILL -
/bin/ping6 rootfs/bin/ping6 0000000220000000000000000000000000000000 2 None False CAP_KILL -"
}

@test "list-filecaps: two different values on one entry are malformed, not a silent pick" {
	# LIBARCHIVE.xattr (cap_net_raw+ep) and SCHILY.xattr (another value) on one entry,
	# and SCHILY.xattr.security.capability given twice: extractors disagree on which wins.
	local f
	for f in xattr-conflict xattr-duplicate; do
		run -1 --separate-stderr "$ACITOOL" list-filecaps "$FX/bad/$f.tar"
		expect_output "/bin/ping [malformed: two different values]"
		assert "$stderr" =~ "^acitool: list-filecaps: .*$f.tar: 1 malformed security.capability value\$" "stderr"
		run -1 --separate-stderr "$ACITOOL" list-filecaps --json "$FX/bad/$f.tar"
		run -0 python3 -c 'import json, sys; [e] = json.loads(sys.argv[1]); print(e["path"], e["malformed"])' "$output"
		expect_output "/bin/ping True"
	done
}

@test "list-filecaps: usage and read errors" {
	run_acitool 2 list-filecaps
	expect_error_line list-filecaps "missing IMAGE"
	run_acitool 2 list-filecaps --bogus "$FX/minimal.tar"
	run_acitool 1 list-filecaps nope.aci
	expect_error_line list-filecaps "nope.aci: No such file or directory"
	run -1 --separate-stderr "$ACITOOL" list-filecaps "$FX/bad/truncated.tar"
	assert "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 "one error line"
	assert "$stderr" =~ '^acitool: list-filecaps: ' "error line"
}

@test "list-filecaps: names with a newline, an escape or a byte not UTF-8, one line each, and in JSON" {
	python3 - <<'PY'
import io, tarfile
out = tarfile.open("odd.aci", "w", format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape")
def add(name, data=b"", pax=None):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.pax_headers = pax or {}
    out.addfile(ti, io.BytesIO(data))
add("manifest", b'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/odd",'
                b'"app":{"exec":["/x"],"user":"0","group":"0"}}')
d = tarfile.TarInfo("rootfs"); d.type = tarfile.DIRTYPE; out.addfile(d)
cap = "\x01\x00\x00\x02\x00\x20\x00\x00" + "\x00" * 12
for name in ("rootfs/a\nb", "rootfs/esc\x1b[31mred", "rootfs/caf\udce9"):
    add(name, b"x", {"SCHILY.xattr.security.capability": cap})
out.close()
PY
	run -0 "$ACITOOL" list-filecaps odd.aci
	assert "$output" == '/a\nb cap_net_raw=ep
/esc\x1b[31mred cap_net_raw=ep
/caf\xe9 cap_net_raw=ep' "the listing"
	run -0 "$ACITOOL" list-filecaps --json odd.aci
	run -0 python3 -c 'import json, sys; print([e["path"] for e in json.loads(sys.argv[1])])' "$output"
	assert "$output" == "['/a\\nb', '/esc\\x1b[31mred', '/caf\\\\xe9']" "JSON paths, read back"
}

@test "list-filecaps: a tarball of a rootfs alone, paths as inside the container" {
	# What 'tar -C rootfs --xattrs -cf r.tar .' writes.
	python3 - <<'PY'
import io, tarfile
out = tarfile.open("r.tar", "w", format=tarfile.PAX_FORMAT)
for name in ("./", "./bin/"):
    d = tarfile.TarInfo(name); d.type = tarfile.DIRTYPE; out.addfile(d)
ti = tarfile.TarInfo("./bin/ping"); ti.size = 1
ti.pax_headers = {"SCHILY.xattr.security.capability": "\x01\x00\x00\x02\x00\x20\x00\x00" + "\x00" * 12}
out.addfile(ti, io.BytesIO(b"x"))
out.close()
PY
	run -0 "$ACITOOL" list-filecaps r.tar
	assert "$output" == "/bin/ping cap_net_raw=ep" "the listing"
}

@test "list-filecaps: several images, each line after its image's name, as grep prints" {
	mkaci a.aci '{"files": [{"name": "bin/ping", "caps": "0100000200200000000000000000000000000000"}]}'
	mkaci b.aci '{"files": [{"name": "bin/arping", "caps": "0100000200200000000000000000000000000000"},
		{"name": "bin/bind", "caps": "0100000200040000000000000000000000000000"}]}'
	cp a.aci $'odd\nname.aci'
	run -0 --separate-stderr "$ACITOOL" list-filecaps a.aci "$FX/minimal.tgz" b.aci $'odd\nname.aci'
	assert "$stderr" == "" "stderr"
	assert "${#lines[@]}" -eq 4 "lines: $output"
	assert "${lines[0]}" =~ '^a\.aci: /bin/ping cap_net_raw[+=]ep$' "a.aci"
	assert "${lines[1]}" =~ '^b\.aci: /bin/arping cap_net_raw[+=]ep$' "b.aci, 1"
	assert "${lines[2]}" =~ '^b\.aci: /bin/bind cap_net_bind_service[+=]ep$' "b.aci, 2"
	assert "${lines[3]}" =~ '^odd\\nname\.aci: /bin/ping ' "a name with a newline, escaped"

	# One JSON array; each object names its image.
	run -0 --separate-stderr "$ACITOOL" list-filecaps --json a.aci b.aci
	run -0 python3 -c '
import json, sys
print(" ".join(e["image"] + ":" + e["path"] for e in json.loads(sys.argv[1])))' "$output"
	expect_output "a.aci:/bin/ping b.aci:/bin/arping b.aci:/bin/bind"

	# A broken image in the middle: an error line for it, the others listed,
	# exit 1; --json prints no partial array.
	run -1 --separate-stderr "$ACITOOL" list-filecaps a.aci nope.aci "$FX/bad/truncated.tar" b.aci
	assert "${#lines[@]}" -eq 3 "lines: $output"
	assert "${lines[2]}" =~ '^b\.aci: /bin/bind ' "b.aci is listed after the errors"
	assert "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 "two error lines: $stderr"
	assert "$stderr" =~ "nope.aci: No such file" "the missing image"
	run -1 --separate-stderr "$ACITOOL" list-filecaps --json a.aci "$FX/bad/truncated.tar" b.aci
	assert "$output" == "" "no partial JSON"
	assert "$stderr" =~ "^acitool: list-filecaps: .*truncated.tar" "the broken image"
}
