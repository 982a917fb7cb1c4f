#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# ls: every entry with its metadata and xattrs, read once, never extracted.
# --json is checked field by field against python's tarfile; the text form
# against known lines of the fixtures.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	copy_fixtures minimal kitchen bsdtar-tree gnu-tree gnu-format
	mkdir -p "$FX/bad"
	cp "$ACT_FIXTURES"/bad/truncated.tar "$FX/bad"/
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# check_json IMAGE JSON_FILE: the ls --json array says what python's tarfile
# reads in IMAGE, entry by entry and in order.
check_json() {
	python3 - "$1" "$2" <<'PYEOF'
import json, sys, tarfile
TYPES = {tarfile.REGTYPE: "file", tarfile.AREGTYPE: "file", tarfile.DIRTYPE: "directory",
         tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink", tarfile.CHRTYPE:
         "character device", tarfile.BLKTYPE: "block device", tarfile.FIFOTYPE: "fifo",
         tarfile.GNUTYPE_SPARSE: "file"}
got = json.load(open(sys.argv[2]))
with tarfile.open(sys.argv[1], "r:*", encoding="utf-8", errors="surrogateescape") as t:
    members = t.getmembers()
assert len(got) == len(members), (len(got), len(members))
for g, m in zip(got, members):
    want = {"type": TYPES[m.type], "mode": "%04o" % m.mode, "uid": m.uid, "gid": m.gid,
            "uname": m.uname, "gname": m.gname, "size": m.size if m.isreg() else 0,
            "mtime": int(m.mtime)}
    # tarfile drops a directory's trailing slash, and keeps a sparse file's
    # size as the file's.
    assert g["path"].rstrip("/") == m.name, (g["path"], m.name)
    for k, v in want.items():
        assert g[k] == v, (m.name, k, g[k], v)
    frac = str(m.pax_headers.get("mtime", "0")).partition(".")[2]
    assert g["mtime_nsec"] == int((frac + "000000000")[:9]), (m.name, g["mtime_nsec"])
    if m.issym() or m.islnk():
        assert g["linkname"] == m.linkname, (m.name, g["linkname"])
    else:
        assert "linkname" not in g, m.name
    if m.ischr() or m.isblk():
        assert (g["devmajor"], g["devminor"]) == (m.devmajor, m.devminor), m.name
    xattrs = {k[len("SCHILY.xattr."):]: v.encode("utf-8", "surrogateescape").hex()
              for k, v in m.pax_headers.items() if k.startswith("SCHILY.xattr.")}
    gx = {x["name"]: x["value"] for x in g["xattrs"]}
    assert len(gx) == len(g["xattrs"]), (m.name, "an xattr listed twice")
    assert gx == xattrs, (m.name, gx, xattrs)
print(len(got), "entries agree")
PYEOF
}

@test "ls --json: every fixture and compression, as python's tarfile reads it" {
	local f n=0
	for f in "$FX"/*.tar "$FX"/*.tgz "$FX"/*.tbz2 "$FX"/*.txz; do
		run_acitool ls --json "$f"
		printf '%s\n' "$output" >ls.json
		run python3 -c 'import json,sys; json.load(open(sys.argv[1]))' ls.json
		assert "$status" -eq 0 "one JSON document for $f"
		run check_json "$f" ls.json
		echo "$output"
		assert "$status" -eq 0 "ls --json of $f"
		n=$((n + 1))
	done
	assert "$n" -eq 20 "images listed"
}

@test "ls: tar -tv lines, xattrs below, capabilities decoded, times in UTC" {
	run_acitool ls "$FX/kitchen.tgz"
	expect_output --substring "-rwxr-xr-x root/root       129 2023-11-14 22:13:20 rootfs/bin/ping
    user.comment=\"several xattrs on one entry\"
    security.selinux=\"system_u:object_r:ping_exec_t:s0\"
    security.capability=cap_dac_override,cap_sys_rawio,cap_sys_ptrace=ep
hrwxr-xr-x root/root         0 2023-11-14 22:13:20 rootfs/bin/ping6 link to rootfs/bin/ping
-rwsr-xr-x root/root       129 2023-11-14 22:13:20 rootfs/bin/suid"
	expect_output --substring "crw-rw-rw- root/root       1,3 2023-11-14 22:13:20 rootfs/dev/null"
	expect_output --substring "brw-rw---- root/disk       7,0 2023-11-14 22:13:20 rootfs/dev/loop0"
	expect_output --substring "lrwxrwxrwx root/root         0 2023-11-14 22:13:20 rootfs/link -> bin/ping"
	expect_output --substring "12 2023-11-14 22:13:20.123456789 rootfs/files/nsec"
	expect_output --substring " 1960-01-01 00:00:00 rootfs/files/pre-1970"
	expect_output --substring "drwxrwxrwt root/root         0 2023-11-14 22:13:20 rootfs/tmp/
    trusted.overlay.opaque=\"y\""
	# Binary values in hex, long ones cut with their length.
	expect_output --substring "    user.nul=0x00610a62000a00"
	expect_output --substring "    user.empty=\"\""
	expect_output --substring "... (8192 bytes)"
	assert "$(printf '%s\n' "$output" | grep -vc '^    ')" -eq \
		"$(python3 -c 'import tarfile,sys; print(len(tarfile.open(sys.argv[1]).getmembers()))' \
			"$FX/kitchen.tgz")" "one line per entry"
	# The same bytes whatever the time zone and locale.
	local first=$output
	TZ=America/New_York LC_ALL=C run_acitool ls "$FX/kitchen.txz"
	assert "$output" == "$first" "ls under another TZ and locale, and another compression"
}

@test "ls: revision 3 capabilities show their rootid; a malformed value says so" {
	python3 "$ACT_TESTS_DIR/tools/mkaci.py" caps.aci '{"files": [
		{"name": "bin/v3", "caps": "000000030020000000000000000000000000000039300000"},
		{"name": "bin/bad", "caps": "0000000200"}]}'
	run_acitool ls caps.aci /bin/v3 /bin/bad
	expect_output --substring "security.capability=cap_net_raw=p [rootid=12345]"
	expect_output --substring "security.capability=[malformed: 5 bytes]"
	run_acitool ls --json caps.aci /bin/v3
	run python3 -c '
import json, sys
x = json.loads(sys.argv[1])[0]["xattrs"][0]
assert x["name"] == "security.capability" and x["revision"] == 3 and x["rootid"] == 12345, x
assert x["capabilities"] == "cap_net_raw=p", x' "$output"
	assert "$status" -eq 0 "decoded v3 value in JSON"
}

@test "ls PATH: only those entries and what is below; a missing PATH fails after the listing" {
	run_acitool ls "$FX/kitchen.tar" /bin
	local bin=$output
	assert "$(printf '%s\n' "$bin" | grep -v '^    ' | cut -c52- | tr '\n' '|')" == \
		"rootfs/bin/|rootfs/bin/ping|rootfs/bin/ping6 link to rootfs/bin/ping|rootfs/bin/suid|" \
		"entries under /bin"
	run_acitool ls "$FX/kitchen.tar" bin
	assert "$output" == "$bin" "bin"
	run_acitool ls "$FX/kitchen.tar" rootfs/bin/
	assert "$output" == "$bin" "rootfs/bin/"
	# /bin/ping is not /bin/ping6's parent.
	run_acitool ls --json "$FX/kitchen.tar" /bin/ping
	assert "$(python3 -c 'import json,sys; print([e["path"] for e in json.loads(sys.argv[1])])' "$output")" \
		== "['rootfs/bin/ping']"
	run_acitool 1 ls "$FX/kitchen.tar" /files/one /nope
	assert "${lines[0]}" =~ " rootfs/files/one$" "the entry found is listed"
	assert "${lines[-1]}" == "acitool: ls: /nope: not in the image"
	run_acitool 2 ls "$FX/kitchen.tar" ../x
	expect_output --substring "not a path inside the rootfs"
}

@test "ls --numeric-owner, and standard input" {
	run_acitool ls --numeric-owner "$FX/kitchen.tar" /files/alice
	assert "$output" =~ "^-rw-r--r-- 1000/50 " "uid/gid"
	run_acitool ls - <"$FX/kitchen.tbz2"
	expect_output --substring "root/root       129 2023-11-14 22:13:20 rootfs/bin/ping"
}

@test "ls: names are escaped, one line per entry" {
	python3 - <<'PYEOF'
import io, tarfile
with tarfile.open("odd.aci", "w", format=tarfile.PAX_FORMAT, encoding="utf-8",
                  errors="surrogateescape") as t:
    for name, kind in (("manifest", tarfile.REGTYPE), ("rootfs", tarfile.DIRTYPE),
                       ("rootfs/new\nline", tarfile.REGTYPE),
                       ("rootfs/esc\x1b[31m", tarfile.REGTYPE),
                       ("rootfs/caf\udce9", tarfile.REGTYPE)):
        ti = tarfile.TarInfo(name)
        ti.type, ti.mtime = kind, 0
        t.addfile(ti, io.BytesIO(b"") if kind == tarfile.REGTYPE else None)
PYEOF
	run_acitool ls odd.aci
	assert "${#lines[@]}" -eq 5 "one line per entry"
	expect_output --substring 'rootfs/new\nline'
	expect_output --substring 'rootfs/esc\x1b[31m'
	expect_output --substring 'rootfs/caf\xe9'
	run_acitool ls --json odd.aci
	expect_output --substring '"path":"rootfs/new\nline"'
	expect_output --substring '"path":"rootfs/caf\\xe9"'
}

@test "ls: a broken image fails, with no partial JSON" {
	run_acitool 1 ls --json "$FX/bad/truncated.tar"
	assert "$output" =~ "^acitool: ls: " "an error line, no JSON"
	assert "$output" !~ "\\[" "no JSON array"
	run_acitool 1 ls "$ACT_FIXTURES/bad/not-an-archive.txt"
	run_acitool 2 ls
	run_acitool 1 ls /nonexistent.aci
	expect_error_line ls "/nonexistent.aci: No such file or directory"
}
