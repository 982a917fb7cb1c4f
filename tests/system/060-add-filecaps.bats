#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# add-filecaps (and patch-manifest --filecap): the security.capability xattr
# written straight into the tar stream. Every expected value is checked with
# an independent reader (python's tarfile, tests/tools/tarcmp.py and
# tarinfo.py), never with acitool alone; expected bytes are written out by
# hand from the kernel's layout (pitfalls §10.1): magic_etc, then
# permitted/inheritable for capabilities 0-31, then for 32-63, little-endian.

bats_require_minimum_version 1.5.0

load helpers

# cap_net_raw+ep, the golden vector of pitfalls §10.2.
NET_RAW_EP=0100000200200000000000000000000000000000

setup_file() {
	copy_fixtures minimal kitchen kitchen-global gnu-tree bsdtar-tree
	export ACI_PY=$ACT_TESTS_DIR/tools/mkaci.py
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	mkdir out
}

mkaci() {
	python3 "$ACI_PY" "$@"
}

# cap_hex IMAGE ENTRY [XATTR]: the SCHILY.xattr value (default
# security.capability) of the one entry named ENTRY, as python's tarfile
# reads it, in hex; "absent" when the entry has none.
cap_hex() {
	python3 -c '
import sys, tarfile
name = "SCHILY.xattr." + (sys.argv[3] if len(sys.argv) > 3 else "security.capability")
with tarfile.open(sys.argv[1]) as t:
    ms = [m for m in t.getmembers() if m.name == sys.argv[2]]
if len(ms) != 1:
    sys.exit("%s: %d entries named %s" % (sys.argv[1], len(ms), sys.argv[2]))
v = ms[0].pax_headers.get(name)
print("absent" if v is None else v.encode("utf-8", "surrogateescape").hex())
' "$@"
}

# xattrs_of IMAGE ENTRY: every SCHILY.xattr of ENTRY but security.capability,
# "name=hex" sorted, one a line (python's tarfile).
xattrs_of() {
	python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = t.getmember(sys.argv[2])
for k in sorted(m.pax_headers):
    if k.startswith("SCHILY.xattr.") and k != "SCHILY.xattr.security.capability":
        print("%s=%s" % (k[13:], m.pax_headers[k].encode("utf-8", "surrogateescape").hex()))
' "$@"
}

# tarcmp_lines A B [ARGS...]: tarcmp's difference lines (exit 0 or 1 only).
tarcmp_lines() {
	run $TARCMP "$@"
	echo "$output"
	assert "$status" -le 1 "tarcmp.py exit status (2: an archive did not read cleanly)"
}

# The tarcmp line for an entry that gained a security.capability value.
added() {
	echo "[$1] $2: pax SCHILY.xattr.security.capability: A=<absent> B=hex:$3"
}

# trim STRING: without leading and trailing blanks.
trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# compression_of FILE: none, gzip, bzip2 or xz, from the magic bytes.
compression_of() {
	python3 -c '
import sys
b = open(sys.argv[1], "rb").read(512)
print("gzip" if b[:2] == b"\x1f\x8b" else "bzip2" if b[:3] == b"BZh" else
      "xz" if b[:6] == b"\xfd7zXZ\x00" else "none" if b[257:262] == b"ustar" else "?")
' "$1"
}

# ---------------------------------------------------------------------------

@test "add-filecaps: add then list" {
	run -0 --separate-stderr "$ACITOOL" add-filecaps "$FX/minimal.tar" out/ping.aci \
		/bin/ping cap_net_raw+ep
	assert "$output$stderr" == "" "add-filecaps prints nothing (no warning: CAP_NET_RAW is in the default set)"

	run_acitool list-filecaps out/ping.aci
	# getcap's text changed in libcap 2.41 ('+ep' became '=ep').
	assert "$output" =~ '^/bin/ping cap_net_raw[+=]ep$' "list-filecaps"
	run_acitool list-filecaps --json out/ping.aci
	run python3 -c '
import json, sys
[e] = json.loads(sys.argv[1])
print(e["path"], e["entry"], e["revision"], e["effective"], e["permitted"], e["inheritable"])' "$output"
	expect_output "/bin/ping rootfs/bin/ping 2 True ['CAP_NET_RAW'] []"

	assert "$(cap_hex out/ping.aci rootfs/bin/ping)" == "$NET_RAW_EP" "xattr (python tarfile)"
}

@test "add-filecaps: cap_net_raw+ep is the golden vector, one record, nothing else changes" {
	run_acitool add-filecaps "$FX/minimal.tar" out/ping.aci /bin/ping cap_net_raw+ep
	assert "$(cap_hex out/ping.aci rootfs/bin/ping)" == "$NET_RAW_EP" "xattr (python tarfile)"
	assert "$($TARINFO --xattr security.capability out/ping.aci rootfs/bin/ping)" == \
		"$NET_RAW_EP" "xattr (tarinfo.py raw walk)"

	# Exactly one pax record for it, SCHILY only (GNU tar ignores LIBARCHIVE.*).
	run -0 $TARINFO out/ping.aci rootfs/bin/ping
	run python3 -c '
import json, sys
o = json.loads(sys.argv[1])
print(sorted(o["pax"]), o.get("pax_duplicate_keys", []), o["libarchive_xattrs"])' "$output"
	expect_output "['SCHILY.xattr.security.capability'] [] {}"

	tarcmp_lines "$FX/minimal.tar" out/ping.aci
	expect_output "$(added 3 rootfs/bin/ping $NET_RAW_EP)"
}

@test "add-filecaps: libcap text forms give the expected bytes" {
	# CAPS | security.capability, written out by hand from the kernel layout.
	local caps hex n=0
	while IFS='|' read -r caps hex; do
		caps=$(trim "$caps") hex=${hex// /}
		n=$((n + 1))
		# --force: some lie outside minimal's (default) bounding set.
		run_acitool add-filecaps --force "$FX/minimal.tar" "out/$n.aci" /bin/ping "$caps"
		assert "$(cap_hex "out/$n.aci" rootfs/bin/ping)" == "$hex" "bytes for '$caps'"
	done <<'EOF'
cap_net_raw+ep                                   | 01000002 00200000 00000000 00000000 00000000
cap_net_raw=ep                                   | 01000002 00200000 00000000 00000000 00000000
CAP_NET_RAW=pe                                   | 01000002 00200000 00000000 00000000 00000000
13+ep                                            | 01000002 00200000 00000000 00000000 00000000
cap_net_admin,cap_net_raw+ep                     | 01000002 00300000 00000000 00000000 00000000
cap_kill+ep cap_net_raw+ep                       | 01000002 20200000 00000000 00000000 00000000
cap_net_raw,cap_kill+ip cap_net_raw+e cap_kill+e | 01000002 20200000 20200000 00000000 00000000
cap_net_raw+p cap_kill+i                         | 00000002 00200000 20000000 00000000 00000000
cap_net_raw+eip                                  | 01000002 00200000 00200000 00000000 00000000
cap_net_raw=ep cap_net_raw-e                     | 00000002 00200000 00000000 00000000 00000000
cap_dac_override,cap_sys_rawio,cap_sys_ptrace+ep | 01000002 02000a00 00000000 00000000 00000000
cap_chown+ep                                     | 01000002 01000000 00000000 00000000 00000000
cap_setfcap+ep                                   | 01000002 00000080 00000000 00000000 00000000
cap_mac_override+ep                              | 01000002 00000000 00000000 01000000 00000000
cap_checkpoint_restore+i                         | 00000002 00000000 00000000 00000000 00010000
=                                                | 00000002 00000000 00000000 00000000 00000000
EOF
	assert "$n" -eq 16 "cases run"
}

@test "add-filecaps: effective not all-or-nothing, or bad CAPS: usage error, no output" {
	local caps
	for caps in 'cap_net_raw+e' 'cap_net_raw+ep cap_kill+p' 'cap_net_raw+p cap_kill+ep' \
		'cap_net_raw+ep cap_kill+i'; do
		run_acitool 2 add-filecaps "$FX/minimal.tar" out/x.aci /bin/ping "$caps"
		expect_error_line add-filecaps "effective capabilities must be empty or match"
		expect_files out
	done
	for caps in '' 'cap_bogus+ep' 'cap_net_raw' 'cap_net_raw+x' 'cap_net_raw+ep junk' '64+ep'; do
		run_acitool 2 add-filecaps "$FX/minimal.tar" out/x.aci /bin/ping "$caps"
		expect_error_line add-filecaps "'/bin/ping'"
		expect_files out
	done
}

@test "add-filecaps: /bin/ping, bin/ping, rootfs/bin/ping, ./rootfs/bin/ping are one entry" {
	local p first=
	for p in /bin/ping bin/ping rootfs/bin/ping ./rootfs/bin/ping //bin//ping /bin/./ping; do
		rm -f out/ping.aci
		run_acitool add-filecaps "$FX/minimal.tar" out/ping.aci "$p" cap_net_raw+ep
		assert "$(cap_hex out/ping.aci rootfs/bin/ping)" == "$NET_RAW_EP" "xattr for '$p'"
		first=${first:-$(sha256 out/ping.aci)}
		assert "$(sha256 out/ping.aci)" == "$first" "output for '$p' = output for /bin/ping"
	done
}

@test "add-filecaps: an archive that stores ./rootfs/bin/ping" {
	mkaci dot.aci '{"prefix": "./", "files": [{"name": "bin/ping"}, {"name": "bin/other"}]}'
	local p
	for p in /bin/ping bin/ping rootfs/bin/ping ./rootfs/bin/ping; do
		rm -f out/ping.aci
		run_acitool add-filecaps dot.aci out/ping.aci "$p" cap_net_raw+ep
		# The entry keeps its './' spelling and nothing else changes.
		assert "$(cap_hex out/ping.aci ./rootfs/bin/ping)" == "$NET_RAW_EP" "xattr for '$p'"
		tarcmp_lines dot.aci out/ping.aci
		expect_output "$(added 3 ./rootfs/bin/ping $NET_RAW_EP)"
	done
}

@test "add-filecaps: not in the image, a directory, a symlink, a device, a fifo: exit 1, no output" {
	local p why
	while IFS='|' read -r p why; do
		run_acitool 1 add-filecaps "$FX/kitchen.tar" out/x.aci "$p" cap_net_raw+ep
		expect_error_line add-filecaps "'$p'.*$why"
		expect_files out
	done <<'EOF'
/bin/nope|no such file in the image
/manifest|no such file in the image
/bin|is a directory
/link|is a symlink
/dev/null|is a device
/dev/loop0|is a device
/dev/fifo|is a fifo
EOF
	# Several paths: one bad one fails the run; the good one is not written alone.
	run_acitool 1 add-filecaps "$FX/kitchen.tar" out/x.aci /bin/suid cap_kill+p /link cap_kill+p
	expect_files out
	# Outside rootfs/ is a usage error.
	run_acitool 2 add-filecaps "$FX/kitchen.tar" out/x.aci ../etc/passwd cap_kill+p
	expect_files out
	# The same file named twice.
	run_acitool 2 add-filecaps "$FX/kitchen.tar" out/x.aci /bin/ping cap_kill+p rootfs/bin/ping cap_kill+p
	expect_error_line add-filecaps "named twice"
	expect_files out
}

@test "add-filecaps: hardlinks: naming the entry that holds the data" {
	# kitchen: rootfs/bin/ping (data, xattrs) then rootfs/bin/ping6, a hardlink to it.
	run_acitool add-filecaps "$FX/kitchen.tar" out/k.aci /bin/ping cap_net_raw+ep
	assert "$(cap_hex out/k.aci rootfs/bin/ping)" == "$NET_RAW_EP" "data entry"
	assert "$(cap_hex out/k.aci rootfs/bin/ping6)" == "absent" "hardlink entry"
	tarcmp_lines "$FX/kitchen.tar" out/k.aci
	expect_output "[3] rootfs/bin/ping: pax SCHILY.xattr.security.capability: A=hex:0100000202000a00000000000000000000000000 B=hex:$NET_RAW_EP (first difference at byte 4)"
}

@test "add-filecaps: hardlinks: naming the hardlink puts the caps on its target (second pass)" {
	run_acitool add-filecaps "$FX/kitchen.tar" out/k.aci /bin/ping6 cap_net_raw+ep
	python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    link = t.getmember("rootfs/bin/ping6")
    assert link.islnk() and link.linkname == "rootfs/bin/ping", (link.type, link.linkname)
' out/k.aci
	assert "$(cap_hex out/k.aci rootfs/bin/ping)" == "$NET_RAW_EP" "the data entry has the caps"
	assert "$(cap_hex out/k.aci rootfs/bin/ping6)" == "absent" "the hardlink entry has none"
	tarcmp_lines "$FX/kitchen.tar" out/k.aci
	expect_output "[3] rootfs/bin/ping: pax SCHILY.xattr.security.capability: A=hex:0100000202000a00000000000000000000000000 B=hex:$NET_RAW_EP (first difference at byte 4)"

	# Same result with --replace (the second pass goes to the same temp file).
	cp "$FX/kitchen.tar" out/r.aci
	run_acitool add-filecaps --replace out/r.aci /bin/ping6 cap_net_raw+ep
	cmp out/r.aci out/k.aci
	expect_files out k.aci r.aci

	# Both names with the same caps is one pass; different caps is an error.
	run_acitool add-filecaps - out/both.aci /bin/ping cap_net_raw+ep /bin/ping6 cap_net_raw+ep \
		<"$FX/kitchen.tar"
	cmp out/both.aci out/k.aci
	run_acitool 1 add-filecaps "$FX/kitchen.tar" out/x.aci /bin/ping cap_kill+p /bin/ping6 cap_net_raw+ep
	expect_error_line add-filecaps "'/bin/ping6' is a hardlink to '/bin/ping', which is given other capabilities"
	expect_files out both.aci k.aci r.aci
}

@test "add-filecaps: hardlink named, OUTPUT standard output or stdin a file: one look ahead, the same bytes" {
	run_acitool add-filecaps "$FX/kitchen.tar" out/k.aci /bin/ping6 cap_net_raw+ep
	# OUTPUT '-' cannot be written twice: the input is looked through first.
	"$ACITOOL" add-filecaps "$FX/kitchen.tar" - /bin/ping6 cap_net_raw+ep >out/stdout.aci
	cmp out/k.aci out/stdout.aci
	"$ACITOOL" patch-manifest --filecap=/bin/ping6=cap_net_raw+ep "$FX/kitchen.tgz" - >out/z.aci
	assert "$(cap_hex out/z.aci rootfs/bin/ping)" == "$NET_RAW_EP" "gzip to stdout: the data entry"
	# stdin a file, read from its middle, to a file and to stdout.
	{ head -c 1000 /dev/zero; cat "$FX/kitchen.tar"; } >off.tar
	{ head -c 1000 >/dev/null; "$ACITOOL" add-filecaps - out/mid.aci /bin/ping6 cap_net_raw+ep; } <off.tar
	cmp out/k.aci out/mid.aci
	{ head -c 1000 >/dev/null; "$ACITOOL" add-filecaps - - /bin/ping6 cap_net_raw+ep >out/mid2.aci; } <off.tar
	cmp out/k.aci out/mid2.aci
}

@test "add-filecaps: hardlink named, image from a pipe: a clear error, and no whole image" {
	local msg="'/bin/ping6' is a hardlink to 'rootfs/bin/ping', which comes earlier in the image, and IMAGE is a pipe, which cannot be read twice: name '/bin/ping' instead"
	run bash -c 'cat "$1" | "$2" add-filecaps - out/k.aci /bin/ping6 cap_net_raw+ep' _ "$FX/kitchen.tar" "$ACITOOL"
	assert "$status" -eq 1 "exit status"
	expect_error_line add-filecaps "$msg"
	expect_files out
	# To a pipe: the error comes at the hardlink, so what went out is no
	# whole image (no end-of-archive marker) that a reader could take.
	run bash -c 'set -o pipefail; cat "$1" | "$2" add-filecaps - - /bin/ping6 cap_net_raw+ep >out/p.aci' _ "$FX/kitchen.tar" "$ACITOOL"
	assert "$status" -eq 1 "exit status"
	expect_error_line add-filecaps "$msg"
	run $TARINFO out/p.aci
	assert "$status" -eq 2 "a strict reader of what reached the pipe"
	# Naming the target, as the message says, works from the pipe.
	run_acitool add-filecaps - out/k.aci /bin/ping cap_net_raw+ep <"$FX/kitchen.tar"
	assert "$(cap_hex out/k.aci rootfs/bin/ping)" == "$NET_RAW_EP" "the data entry has the caps"
}

@test "add-filecaps: hardlink entries that carry xattrs (bsdtar) agree with their target" {
	# bsdtar writes every xattr on the hardlink entry too. moby's extractor
	# (go-archive createTarFile) applies them for hardlinks as well, so a stale
	# value there would undo the edit on extraction.
	assert "$(cap_hex "$FX/bsdtar-tree.tar" rootfs/bin/ping6)" == "$NET_RAW_EP" "fixture: caps on the hardlink entry"

	local kill=0000000220000000000000000000000000000000 args
	for args in "/bin/ping cap_kill+p" "/bin/ping6 cap_kill+p" "/bin/ping cap_kill+p /bin/ping6 cap_kill+p"; do
		rm -f out/set.aci
		run_acitool add-filecaps "$FX/bsdtar-tree.tar" out/set.aci $args
		assert "$(cap_hex out/set.aci rootfs/bin/ping)" == "$kill" "data entry ($args)"
		assert "$(cap_hex out/set.aci rootfs/bin/ping6)" == "$kill" "hardlink entry ($args)"
	done

	run_acitool add-filecaps --remove "$FX/bsdtar-tree.tar" out/rm.aci /bin/ping
	assert "$(cap_hex out/rm.aci rootfs/bin/ping)" == absent "data entry"
	assert "$(cap_hex out/rm.aci rootfs/bin/ping6)" == absent "hardlink entry"

	# Other xattrs of the hardlink entry and every other entry: unchanged.
	assert "$(xattrs_of out/set.aci rootfs/bin/ping6)" == "$(xattrs_of "$FX/bsdtar-tree.tar" rootfs/bin/ping6)" "other xattrs of ping6"
	tarcmp_lines "$FX/bsdtar-tree.tar" out/set.aci --skip rootfs/bin/ping --skip rootfs/bin/ping6
	expect_output ""

	# GNU tar writes no xattrs on hardlink entries: nothing is added there.
	run_acitool add-filecaps "$FX/gnu-tree.tar" out/gnu.aci /bin/ping cap_kill+p
	tarcmp_lines "$FX/gnu-tree.tar" out/gnu.aci --skip rootfs/bin/ping
	expect_output ""
}

@test "add-filecaps: every other xattr of the entry is kept byte for byte" {
	# security.selinux + user.comment; NUL and newline bytes; 8 KiB; all 256 byte values and an empty value.
	local f files=(rootfs/bin/ping rootfs/files/xattr-nul rootfs/files/xattr-long rootfs/files/xattr-bytes)
	run_acitool add-filecaps "$FX/kitchen.tar" out/k.aci /bin/ping cap_net_raw+ep \
		/files/xattr-nul cap_net_raw+ep /files/xattr-long cap_net_raw+ep /files/xattr-bytes cap_net_raw+ep
	for f in "${files[@]}"; do
		assert "$(cap_hex out/k.aci "$f")" == "$NET_RAW_EP" "caps of $f"
		assert "$(xattrs_of out/k.aci "$f")" == "$(xattrs_of "$FX/kitchen.tar" "$f")" "other xattrs of $f"
	done
	# The test can fail: the fixture values are what we think they are.
	assert "$(xattrs_of "$FX/kitchen.tar" rootfs/files/xattr-nul)" == "user.nul=00610a62000a00" "fixture user.nul"

	# Nothing else differs, in this entry or any other.
	tarcmp_lines "$FX/kitchen.tar" out/k.aci
	expect_output "[3] rootfs/bin/ping: pax SCHILY.xattr.security.capability: A=hex:0100000202000a00000000000000000000000000 B=hex:$NET_RAW_EP (first difference at byte 4)
$(added 17 rootfs/files/xattr-nul $NET_RAW_EP)
$(added 18 rootfs/files/xattr-long $NET_RAW_EP)
$(added 19 rootfs/files/xattr-bytes $NET_RAW_EP)"
}

@test "add-filecaps: the edited entry keeps its other pax records (ACL, unknown keywords)" {
	run_acitool add-filecaps "$FX/kitchen.tar" out/k.aci /files/acl cap_net_raw+ep
	tarcmp_lines "$FX/kitchen.tar" out/k.aci
	expect_output "$(added 20 rootfs/files/acl $NET_RAW_EP)"
}

@test "add-filecaps: every other entry is unchanged (GNU tar image: sparse, hardlink, long names)" {
	run_acitool add-filecaps "$FX/gnu-tree.tar" out/g.aci /data/sparse cap_net_raw+ep \
		/data/random cap_net_raw+ep
	tarcmp_lines "$FX/gnu-tree.tar" out/g.aci
	expect_output "$(added 10 rootfs/data/random $NET_RAW_EP)
$(added 11 rootfs/data/sparse $NET_RAW_EP)"
	# The sparse file's logical size survives its new header.
	run -0 $TARINFO out/g.aci rootfs/data/sparse
	assert "$output" =~ '"size": 3145728' "sparse size"
}

@test "add-filecaps: the empty set '=' is not --remove" {
	# kitchen's ping has caps; minimal's has none.
	run_acitool add-filecaps "$FX/kitchen.tar" out/empty.aci /bin/ping =
	assert "$(cap_hex out/empty.aci rootfs/bin/ping)" == 0000000200000000000000000000000000000000 "'=' writes a 20-byte zero set"
	run_acitool add-filecaps --remove "$FX/kitchen.tar" out/removed.aci /bin/ping
	assert "$(cap_hex out/removed.aci rootfs/bin/ping)" == absent "--remove leaves no xattr"

	run_acitool add-filecaps "$FX/minimal.tar" out/empty-min.aci /bin/ping =
	assert "$(cap_hex out/empty-min.aci rootfs/bin/ping)" == 0000000200000000000000000000000000000000 "'=' on a file without caps"
}

@test "add-filecaps --remove: the xattr goes, the rest stays" {
	run_acitool add-filecaps --remove "$FX/kitchen.tar" out/k.aci /bin/ping
	assert "$(cap_hex out/k.aci rootfs/bin/ping)" == absent "caps"
	assert "$(xattrs_of out/k.aci rootfs/bin/ping)" == "$(xattrs_of "$FX/kitchen.tar" rootfs/bin/ping)" "other xattrs"
	tarcmp_lines "$FX/kitchen.tar" out/k.aci
	expect_output "[3] rootfs/bin/ping: pax SCHILY.xattr.security.capability: A=hex:0100000202000a00000000000000000000000000 B=<absent>"

	# Removing what is not there changes nothing.
	run_acitool add-filecaps --remove "$FX/minimal.tar" out/m.aci /bin/ping
	tarcmp_lines "$FX/minimal.tar" out/m.aci
	expect_output ""
	# Several paths; still an error for a path that is not in the image.
	run_acitool add-filecaps --remove "$FX/kitchen.tar" out/k2.aci /bin/ping /bin/suid
	assert "$(cap_hex out/k2.aci rootfs/bin/ping)" == absent "caps"
	run_acitool 1 add-filecaps --remove "$FX/kitchen.tar" out/x.aci /bin/nope
	expect_files out k.aci m.aci k2.aci
}

@test "remove-filecaps: add-filecaps --remove under its own name" {
	run_acitool remove-filecaps "$FX/kitchen.tar" out/k.aci /bin/ping
	assert "$(cap_hex out/k.aci rootfs/bin/ping)" == absent "caps"
	tarcmp_lines "$FX/kitchen.tar" out/k.aci
	expect_output "[3] rootfs/bin/ping: pax SCHILY.xattr.security.capability: A=hex:0100000202000a00000000000000000000000000 B=<absent>"
	run_acitool add-filecaps --remove "$FX/kitchen.tar" out/k2.aci /bin/ping
	cmp out/k.aci out/k2.aci

	# In place, several paths, and --print-id.
	cp "$FX/kitchen.tar" out/inplace.aci
	run -0 --separate-stderr "$ACITOOL" remove-filecaps --replace --print-id out/inplace.aci /bin/ping /bin/suid
	cmp out/inplace.aci out/k.aci
	assert "$output" == "sha512-$(sha512sum <out/k.aci | cut -c1-128)" "--print-id"

	# Operands are PATHs: CAPS read as a path get the hint; options that
	# only add-filecaps has are unknown here.
	run_acitool 1 remove-filecaps "$FX/kitchen.tar" out/x.aci /bin/ping cap_net_raw+ep
	expect_error_line remove-filecaps "'cap_net_raw[+]ep': no such file in the image .*removing takes PATHs only"
	run_acitool 2 remove-filecaps "$FX/kitchen.tar" out/x.aci
	expect_error_line remove-filecaps "missing PATH"
	local opt
	for opt in --remove --rootid=1 --force --drop-rootid; do
		run_acitool 2 remove-filecaps "$opt" "$FX/kitchen.tar" out/x.aci /bin/ping
		assert "${lines[0]}" =~ "unknown option '$opt'" "$opt"
	done
	expect_files out k.aci k2.aci inplace.aci
}

@test "add-filecaps --rootid 1000: a 24-byte revision 3 value" {
	run_acitool add-filecaps --rootid 1000 "$FX/minimal.tar" out/v3.aci /bin/ping cap_net_raw+ep
	assert "$(cap_hex out/v3.aci rootfs/bin/ping)" == 0100000300200000000000000000000000000000e8030000 "v3 bytes (rootid 1000 = e8 03 00 00)"
	run_acitool list-filecaps out/v3.aci
	assert "$output" =~ '^/bin/ping cap_net_raw[+=]ep \[rootid=1000\]$' "list-filecaps"

	run_acitool add-filecaps --rootid 4294967295 "$FX/minimal.tar" out/max.aci /bin/ping cap_kill+i
	assert "$(cap_hex out/max.aci rootfs/bin/ping)" == 0000000300000000200000000000000000000000ffffffff "v3, rootid 2^32-1"
	for bad in -1 4294967296 x 10x ''; do
		run_acitool 2 add-filecaps --rootid "$bad" "$FX/minimal.tar" out/x.aci /bin/ping cap_kill+i
	done
	run_acitool 2 add-filecaps --remove --rootid 1 "$FX/minimal.tar" out/x.aci /bin/ping
	expect_files out v3.aci max.aci
}

@test "add-filecaps --drop-rootid: revision 3 values become revision 2" {
	# a: v3 rootid 1000; b: v2; c: v3 rootid 0; d: no caps.
	mkaci v3.aci '{"files": [
		{"name": "bin/a", "caps": "0100000300200000000000000000000000000000e8030000"},
		{"name": "bin/b", "caps": "0100000200200000000000000000000000000000"},
		{"name": "bin/c", "caps": "000000030000000020000000000000000000000000000000"},
		{"name": "bin/d"}]}'
	run_acitool add-filecaps --drop-rootid v3.aci out/v2.aci
	assert "$(cap_hex out/v2.aci rootfs/bin/a)" == "$NET_RAW_EP" "a"
	assert "$(cap_hex out/v2.aci rootfs/bin/c)" == 0000000200000000200000000000000000000000 "c"
	tarcmp_lines v3.aci out/v2.aci
	expect_output "[3] rootfs/bin/a: pax SCHILY.xattr.security.capability: A=hex:0100000300200000000000000000000000000000e8030000 B=hex:$NET_RAW_EP (first difference at byte 3)
[5] rootfs/bin/c: pax SCHILY.xattr.security.capability: A=hex:000000030000000020000000000000000000000000000000 B=hex:0000000200000000200000000000000000000000 (first difference at byte 3)"

	# With a new value in the same pass; a hardlink entry's v3 value goes too.
	mkaci v3l.aci '{"files": [
		{"name": "bin/a", "caps": "0100000300200000000000000000000000000000e8030000"},
		{"name": "bin/a2", "link": "bin/a", "caps": "0100000300200000000000000000000000000000e8030000"},
		{"name": "bin/d"}]}'
	run_acitool add-filecaps --drop-rootid v3l.aci out/v2l.aci /bin/d cap_kill+p
	assert "$(cap_hex out/v2l.aci rootfs/bin/a)" == "$NET_RAW_EP" "a"
	assert "$(cap_hex out/v2l.aci rootfs/bin/a2)" == "$NET_RAW_EP" "a2, hardlink to a"
	assert "$(cap_hex out/v2l.aci rootfs/bin/d)" == 0000000220000000000000000000000000000000 "d"
	tarcmp_lines v3l.aci out/v2l.aci
	expect_output "[3] rootfs/bin/a: pax SCHILY.xattr.security.capability: A=hex:0100000300200000000000000000000000000000e8030000 B=hex:$NET_RAW_EP (first difference at byte 3)
[4] rootfs/bin/a2: pax SCHILY.xattr.security.capability: A=hex:0100000300200000000000000000000000000000e8030000 B=hex:$NET_RAW_EP (first difference at byte 3)
$(added 5 rootfs/bin/d 0000000220000000000000000000000000000000)"
}

@test "patch-manifest --capability --filecap: manifest and xattr in one pass" {
	# From a pipe to a pipe: a second read or write of the image cannot happen.
	run --separate-stderr bash -c 'cat "$1" | "$ACITOOL" patch-manifest --capability CAP_NET_RAW \
		--filecap /bin/ping=cap_net_raw+ep - - >"$2"' _ "$FX/minimal.tgz" out/p.aci
	assert "$status" -eq 0 "exit status; stderr: $stderr"
	assert "$stderr" == "" "stderr (no warning: the retain set holds CAP_NET_RAW)"
	assert "$(compression_of out/p.aci)" == gzip "compression"

	run python3 -c '
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = json.load(t.extractfile("manifest"))
print(json.dumps(m["app"]["isolators"]))' out/p.aci
	expect_output '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW"]}}]'
	assert "$(cap_hex out/p.aci rootfs/bin/ping)" == "$NET_RAW_EP" "xattr"
	tarcmp_lines "$FX/minimal.tgz" out/p.aci --skip-data manifest
	expect_output "$(added 3 rootfs/bin/ping $NET_RAW_EP)"

	# The same tar as the two edits made one after the other (the gzip
	# bytes differ: one spliced window here, two there).
	run_acitool patch-manifest --capability CAP_NET_RAW "$FX/minimal.tgz" out/step1.aci
	run_acitool add-filecaps out/step1.aci out/step2.aci /bin/ping cap_net_raw+ep
	cmp <(gzip -dc out/p.aci) <(gzip -dc out/step2.aci)
}

@test "patch-manifest --filecap reads the input once and renames the output once" {
	command -v strace >/dev/null || skip "no strace"
	strace -f -qq -e trace=openat,rename,renameat,renameat2 -o trace.log true 2>/dev/null ||
		skip "strace cannot trace here"
	cp "$FX/kitchen.tar" in.aci
	# LeakSanitizer cannot run under ptrace (sanitizer builds only).
	export ASAN_OPTIONS=detect_leaks=0
	strace -f -qq -e trace=openat,rename,renameat,renameat2 -o trace.log \
		"$ACITOOL" patch-manifest --capability CAP_NET_RAW --filecap /bin/ping=cap_net_raw+ep \
		in.aci out/p.aci
	assert "$(grep -c 'open.*"in.aci"' trace.log)" -eq 1 "opens of the input"
	assert "$(grep -c 'rename.*out/' trace.log)" -eq 1 "renames into place"

	# The measure can tell: a named hardlink whose target came first takes two passes.
	strace -f -qq -e trace=openat,rename,renameat,renameat2 -o trace2.log \
		"$ACITOOL" patch-manifest --filecap /bin/ping6=cap_net_raw+ep in.aci out/p2.aci
	assert "$(grep -c 'open.*"in.aci"' trace2.log)" -eq 2 "opens of the input, hardlink case"
	# To standard output: a look through first, then the one pass.
	strace -f -qq -e trace=openat -o trace3.log \
		"$ACITOOL" patch-manifest --filecap /bin/ping6=cap_net_raw+ep in.aci - >out/p3.aci
	assert "$(grep -c 'open.*"in.aci"' trace3.log)" -eq 2 "opens of the input, to stdout"
	cmp out/p2.aci out/p3.aci
	# Whatever is named: the look goes as far as the last name, no further.
	strace -f -qq -e trace=openat -o trace4.log \
		"$ACITOOL" patch-manifest --filecap /bin/ping=cap_net_raw+ep in.aci - >out/p4.aci
	assert "$(grep -c 'open.*"in.aci"' trace4.log)" -eq 2 "opens of the input, to stdout, a file named"
}

@test "add-filecaps: outside the app's bounding set, one warning line, or an error with the effective flag" {
	# ISOLATORS (JSON, '-' = none: the default set) | CAPS | OUTCOME: what
	# is outside, after "warn" (never takes effect) or "error" (a permitted
	# capability with the effective flag: the kernel refuses the exec).
	local iso caps want spec kind names n=0 are it
	while IFS='|' read -r iso caps want; do
		n=$((n + 1))
		iso=$(trim "$iso") caps=$(trim "$caps") want=$(trim "$want")
		kind=${want%% *} names=${want#* }
		are=is it=it
		[[ $names == *,* ]] && are=are it=they
		if [ "$iso" = - ]; then
			spec='{"files": [{"name": "ping"}]}'
		else
			spec='{"isolators": '"$iso"', "files": [{"name": "ping"}]}'
		fi
		mkaci "in$n.aci" "$spec"
		case $kind in
		'')
			run -0 --separate-stderr "$ACITOOL" add-filecaps "in$n.aci" "out/$n.aci" /ping "$caps"
			assert "$stderr" == "" "stderr for $iso / $caps"
			;;
		warn)
			run -0 --separate-stderr "$ACITOOL" add-filecaps "in$n.aci" "out/$n.aci" /ping "$caps"
			assert "$stderr" == "acitool: add-filecaps: warning: '/ping': $names $are outside the app's capability bounding set: $it can never take effect" "stderr for $iso / $caps"
			;;
		error)
			run -1 --separate-stderr "$ACITOOL" add-filecaps "in$n.aci" "out/$n.aci" /ping "$caps"
			assert "$stderr" == "acitool: add-filecaps: '/ping': $names $are outside the app's capability bounding set, with the effective flag: the kernel would refuse to execute the file (EPERM); --force writes it all the same" "stderr for $iso / $caps"
			[ ! -e "out/$n.aci" ] || die "an output for $iso / $caps"
			run -0 --separate-stderr "$ACITOOL" add-filecaps --force "in$n.aci" "out/$n.aci" /ping "$caps"
			assert "$stderr" == "acitool: add-filecaps: warning: '/ping': $names $are outside the app's capability bounding set, with the effective flag: executing the file will fail with EPERM" "--force's warning for $iso / $caps"
			;;
		esac
		assert "$output" == "" "stdout"
		assert "$(cap_hex "out/$n.aci" rootfs/ping)" != absent "caps written ($iso / $caps)"
	done <<'EOF'
-                                                                               | cap_net_raw+ep                     |
-                                                                               | cap_chown,cap_kill,cap_setfcap+ep  |
-                                                                               | cap_sys_admin+ep                   | error CAP_SYS_ADMIN
-                                                                               | cap_sys_admin+i                    | warn CAP_SYS_ADMIN
-                                                                               | cap_sys_admin,cap_bpf+i            | warn CAP_SYS_ADMIN, CAP_BPF
-                                                                               | cap_net_raw,cap_sys_admin,cap_bpf+ep | error CAP_SYS_ADMIN, CAP_BPF
[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW"]}}]   | cap_net_raw+ep                     |
[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW"]}}]   | cap_kill+p                         | warn CAP_KILL
[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_SYS_ADMIN"]}}] | cap_sys_admin+ep                   |
[{"name": "os/linux/capabilities-remove-set", "value": {"set": ["CAP_NET_RAW"]}}]   | cap_net_raw+ep                     | error CAP_NET_RAW
[{"name": "os/linux/capabilities-remove-set", "value": {"set": ["CAP_NET_RAW"]}}]   | cap_kill+ep                        |
[{"name": "os/linux/capabilities-remove-set", "value": {"set": ["CAP_SYS_ADMIN"]}}] | cap_sys_admin+ep                   | error CAP_SYS_ADMIN
-                                                                               | =                                  |
EOF
	# Every capability outside the default set, in one line.
	run -0 --separate-stderr "$ACITOOL" add-filecaps in1.aci out/all.aci /ping all=p
	assert "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 "warning lines for all=p"
	assert "$stderr" =~ "CAP_SYS_ADMIN, .* are outside .*: they can never take effect$" "all=p"
	# --remove has nothing to warn about; --force has no meaning with it.
	run -0 --separate-stderr "$ACITOOL" add-filecaps --remove in1.aci out/rm.aci /ping
	assert "$stderr" == "" "stderr of --remove"
	run -2 --separate-stderr "$ACITOOL" add-filecaps --remove --force in1.aci out/rm2.aci /ping
	# CAPS after --remove are read as a PATH: the error says so.
	run -1 --separate-stderr "$ACITOOL" add-filecaps --remove in1.aci out/rm3.aci /ping cap_net_raw+ep
	assert "$stderr" == "acitool: add-filecaps: 'cap_net_raw+ep': no such file in the image (it reads as capabilities, but removing takes PATHs only)"
	run -1 --separate-stderr "$ACITOOL" add-filecaps --remove in1.aci out/rm3.aci /nothing
	assert "$stderr" == "acitool: add-filecaps: '/nothing': no such file in the image"
}

@test "patch-manifest --filecap: the warning uses the patched manifest" {
	# minimal has no isolators: the default set, without CAP_SYS_ADMIN.
	run -0 --separate-stderr "$ACITOOL" patch-manifest --capability CAP_SYS_ADMIN \
		--filecap /bin/ping=cap_sys_admin+ep "$FX/minimal.tar" out/a.aci
	assert "$stderr" == "" "retain set now holds CAP_SYS_ADMIN: no warning"
	run -1 --separate-stderr "$ACITOOL" patch-manifest --revoke-capability CAP_NET_RAW \
		--filecap /bin/ping=cap_net_raw+ep "$FX/minimal.tar" out/b.aci
	assert "$stderr" =~ "^acitool: patch-manifest: .*'/bin/ping': CAP_NET_RAW is outside the app's capability bounding set, with the effective flag: the kernel would refuse" "stderr"
	[ ! -e out/b.aci ] || die "an output"
	run -0 --separate-stderr "$ACITOOL" patch-manifest --force --revoke-capability CAP_NET_RAW \
		--filecap /bin/ping=cap_net_raw+ep "$FX/minimal.tar" out/b.aci
	assert "$stderr" == "acitool: patch-manifest: warning: '/bin/ping': CAP_NET_RAW is outside the app's capability bounding set, with the effective flag: executing the file will fail with EPERM" "stderr"
	assert "$(cap_hex out/b.aci rootfs/bin/ping)" == "$NET_RAW_EP" "caps written with --force"
	run -0 --separate-stderr "$ACITOOL" patch-manifest --filecap /bin/ping=cap_sys_admin+p \
		"$FX/minimal.tar" out/c.aci
	assert "$stderr" =~ "CAP_SYS_ADMIN is outside .*: it can never take effect" "no manifest patch: the image's default set"
	run -2 --separate-stderr "$ACITOOL" patch-manifest --force --capability CAP_NET_RAW "$FX/minimal.tar" out/d.aci
	assert "$stderr" =~ "--force goes with --filecap" "--force alone"
}

@test "add-filecaps --replace: edits in place, keeps mode, owner and compression" {
	cp "$FX/minimal.txz" out/img.aci
	chmod 0640 out/img.aci
	if is_root; then chown 1000:50 out/img.aci; fi
	local before
	before=$(stat -c '%a %u:%g' out/img.aci)
	run_acitool add-filecaps --replace out/img.aci /bin/ping cap_net_raw+ep
	assert "$(stat -c '%a %u:%g' out/img.aci)" == "$before" "mode and owner"
	assert "$(compression_of out/img.aci)" == xz "compression"
	assert "$(cap_hex out/img.aci rootfs/bin/ping)" == "$NET_RAW_EP" "xattr"
	expect_files out img.aci

	# A failed --replace leaves the image as it was.
	cp out/img.aci saved.aci
	run_acitool 1 add-filecaps --replace out/img.aci /bin/nope cap_net_raw+ep
	cmp out/img.aci saved.aci
	expect_files out img.aci
}

@test "add-filecaps: every compression in, every compression out" {
	run_acitool add-filecaps "$FX/minimal.tar" plain.aci /bin/ping cap_net_raw+ep
	local in out want
	for in in tar tgz tbz2 txz; do
		# Default: the input's compression.
		run_acitool add-filecaps "$FX/minimal.$in" "out/$in.aci" /bin/ping cap_net_raw+ep
		case $in in tar) want=none ;; tgz) want=gzip ;; tbz2) want=bzip2 ;; txz) want=xz ;; esac
		assert "$(compression_of "out/$in.aci")" == "$want" "compression kept for .$in"
		for out in none gzip bzip2 xz; do
			rm -f o.aci
			run_acitool add-filecaps --compression="$out" "$FX/minimal.$in" o.aci /bin/ping cap_net_raw+ep
			assert "$(compression_of o.aci)" == "$out" "--compression=$out from .$in"
			# The tar stream inside is the same whatever the codecs.
			case $out in
			none) cmp o.aci plain.aci ;;
			gzip) gzip -dc o.aci | cmp - plain.aci ;;
			bzip2) bzip2 -dc o.aci | cmp - plain.aci ;;
			xz) xz -dc o.aci | cmp - plain.aci ;;
			esac
		done
	done
	assert "$(cap_hex plain.aci rootfs/bin/ping)" == "$NET_RAW_EP" "xattr"
	run_acitool add-filecaps --no-compression "$FX/minimal.tgz" nc.aci /bin/ping cap_net_raw+ep
	cmp nc.aci plain.aci
}

@test "add-filecaps: the same input and arguments give the same bytes" {
	local ext
	for ext in tar tgz tbz2 txz; do
		cp "$FX/minimal.$ext" "in.$ext"
		run_acitool add-filecaps "in.$ext" "out/1.$ext" /bin/ping cap_net_raw+ep
		touch -d '2001-02-03 04:05:06' "in.$ext"
		run_acitool add-filecaps "in.$ext" "out/2.$ext" /bin/ping cap_net_raw+ep
		assert "$(sha256 "out/1.$ext")" == "$(sha256 "out/2.$ext")" "sha256 of two runs (.$ext)"
	done
	# No time in the gzip header (MTIME, bytes 4-7).
	assert "$(od -An -tx1 -j4 -N4 out/1.tgz | tr -d ' ')" == 00000000 "gzip MTIME"
}

@test "add-filecaps: bsdtar's twin of the capability goes; the other twins stay as they were" {
	# The fixture has both records for every xattr (pitfalls §8.3). The header
	# is edited in place: the capability is one SCHILY record (a stale
	# LIBARCHIVE twin would contradict it), every other record is untouched.
	run -0 $TARINFO "$FX/bsdtar-tree.tar" rootfs/bin/ping
	assert "$output" =~ '"LIBARCHIVE.xattr.security.capability"' "fixture has the LIBARCHIVE twin"

	run_acitool add-filecaps "$FX/bsdtar-tree.tar" out/b.aci /bin/ping cap_kill+p
	run -0 $TARINFO out/b.aci rootfs/bin/ping
	run python3 -c '
import json, sys
o = json.loads(sys.argv[1])
print(sorted(k for k in o["pax"] if "xattr" in k), o.get("pax_duplicate_keys", []))
print(sorted(o["xattrs"].items()))' "$output"
	expect_output "['LIBARCHIVE.xattr.user.comment', 'SCHILY.xattr.security.capability', 'SCHILY.xattr.user.comment'] []
[('security.capability', '0000000220000000000000000000000000000000'), ('user.comment', '70696e672062696e617279')]"
	# python's tarfile agrees.
	assert "$(cap_hex out/b.aci rootfs/bin/ping)" == 0000000220000000000000000000000000000000 "caps"
	assert "$(xattrs_of out/b.aci rootfs/bin/ping)" == "user.comment=70696e672062696e617279" "other xattrs"
}

@test "add-filecaps: needs no privilege (run as nobody)" {
	local w=$BATS_TEST_TMPDIR/world
	nobody_dir "$w" "$FX/minimal.tgz"

	# Really no privilege: no capability at all, and setcap on a file fails.
	run -0 "${NOBODY[@]}" grep '^CapEff:' /proc/self/status
	assert "$output" =~ 'CapEff:[[:space:]]+0+$' "effective set of the unprivileged user"
	touch "$w/probe" && chmod 666 "$w/probe"
	run "${NOBODY[@]}" setcap cap_net_raw+ep "$w/probe"
	assert "$status" -ne 0 "setcap as nobody fails"

	run -0 "${NOBODY[@]}" "$ACITOOL" add-filecaps "$w/in.aci" "$w/out.aci" /bin/ping cap_net_raw+ep
	assert "$(stat -c %u "$w/out.aci")" == 65534 "output owner"
	assert "$(cap_hex "$w/out.aci" rootfs/bin/ping)" == "$NET_RAW_EP" "xattr"
	run -0 "${NOBODY[@]}" "$ACITOOL" list-filecaps "$w/out.aci"
	assert "$output" =~ '^/bin/ping cap_net_raw[+=]ep$' "list-filecaps as nobody"
}

@test "add-filecaps: names with a newline, an escape or a byte not UTF-8 stay on one line, escaped" {
	# odd.aci: such names; bad.aci: one more, with a malformed value, which
	# add-filecaps copies with a warning.
	python3 - <<'PY'
import io, tarfile
def image(path, bad):
    out = tarfile.open(path, "w", format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape")
    def add(name, data=b"", pax=None):
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.pax_headers = pax or {}
        out.addfile(ti, io.BytesIO(data))
    add("manifest", b'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/odd",'
                    b'"app":{"exec":["/x"],"user":"0","group":"0"}}')
    d = tarfile.TarInfo("rootfs"); d.type = tarfile.DIRTYPE; out.addfile(d)
    add("rootfs/esc\x1b[31mred", b"x")
    add("rootfs/caf\udce9", b"x")
    if bad:
        add("rootfs/a\nb", b"x", {"SCHILY.xattr.security.capability": "\x01\x02\x03"})
    out.close()
image("odd.aci", False)
image("bad.aci", True)
PY
	run -0 --separate-stderr "$ACITOOL" add-filecaps bad.aci out/o1.aci $'/esc\e[31mred' cap_sys_admin+p
	assert "${#stderr_lines[@]}" -eq 2 "stderr lines: $stderr"
	assert "${stderr_lines[0]}" == "acitool: add-filecaps: warning: 'rootfs/a\\nb': malformed security.capability value (3 bytes), copied as it is"
	assert "${stderr_lines[1]}" == "acitool: add-filecaps: warning: '/esc\\x1b[31mred': CAP_SYS_ADMIN is outside the app's capability bounding set: it can never take effect"
	run -1 --separate-stderr "$ACITOOL" add-filecaps odd.aci out/o2.aci $'/a\nc' cap_kill+ep
	assert "$stderr" == "acitool: add-filecaps: '/a\\nc': no such file in the image" "one line"
	# lint prints such names the same way.
	run -0 "$ACITOOL" add-filecaps --force odd.aci out/o3.aci $'/caf\xe9' cap_sys_admin+ep
	run -0 "$ACITOOL" lint out/o3.aci
	assert "$output" =~ "out/o3.aci: filecap-outside-bounding: /caf\\\\xe9: CAP_SYS_ADMIN outside" "lint's line"
}

@test "a run that fails after writing to standard output leaves no stream a reader takes for an image" {
	# The error comes after the last entry went out (a name not in the
	# image), so the stream ends in an entry whose data never comes.
	run bash -c '"$1" add-filecaps "$2" - /bin/nothing cap_kill+ep >out/a.tar' _ "$ACITOOL" "$FX/kitchen.tar"
	assert "$status" -eq 1 "exit status"
	expect_error_line add-filecaps "'/bin/nothing': no such file in the image"
	run tar -tf out/a.tar
	assert "$status" -ne 0 "GNU tar's status: $output"
	if command -v bsdtar >/dev/null; then
		run bsdtar -tf out/a.tar
		assert "$status" -ne 0 "bsdtar's status: $output"
	fi
	run python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' out/a.tar out/x
	assert "$status" -ne 0 "python's tarfile extracting it"
	assert "$(tail -c 512 out/a.tar | head -c 18)" == "ACITOOL-RUN-FAILED" "the last header's name"
	# Compressed, the checks of the whole image (here the bounding set)
	# fail before the end too: the gzip stream is spoiled.
	run bash -c '"$1" patch-manifest --capability CAP_KILL --filecap=/bin/ping=cap_net_raw+ep "$2" - >out/b.tgz' \
		_ "$ACITOOL" "$FX/kitchen.tgz"
	assert "$status" -eq 1 "exit status"
	run gzip -t out/b.tgz
	assert "$status" -ne 0 "gzip -t: $output"
	# A run that succeeds writes the image alone.
	"$ACITOOL" add-filecaps "$FX/kitchen.tar" - /bin/ping cap_net_raw+ep >out/c.tar
	run_acitool add-filecaps "$FX/kitchen.tar" out/d.tar /bin/ping cap_net_raw+ep
	cmp out/c.tar out/d.tar
}
