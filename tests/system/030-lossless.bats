#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Lossless rewrite (pitfalls §8, §9, §12, Top-15 #1, #7, #14, #15): after
# patch-manifest, every entry but the manifest is what it was, checked with
# readers that are not acitool: tarcmp.py (python tarfile plus a raw header
# walk), the raw bytes of the uncompressed stream, GNU tar and bsdtar
# listings, GNU tar extraction of sparse files.

bats_require_minimum_version 1.5.0

load helpers

FIXTURE_NAMES=(kitchen kitchen-global gnu-tree gnu-format bsdtar-tree minimal)
EXTS=(tar tgz tbz2 txz)

setup_file() {
	act_fixtures
	# The python side of the checks, one script with sub-commands.
	cat >"$BATS_FILE_TMPDIR/raw.py" <<'EOF'
import bz2, gzip, io, json, lzma, subprocess, sys, tarfile

def plain(path):
    d = open(path, "rb").read()
    if d[:2] == b"\x1f\x8b":
        return gzip.decompress(d)
    if d[:3] == b"BZh":
        return bz2.decompress(d)
    if d[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(d)
    return d

def is_manifest(m):
    n = m.name
    while n.startswith("./"):
        n = n[2:]
    return n.rstrip("/") == "manifest"

def members(data):
    tf = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    ms = tf.getmembers()
    return ms, tf.offset

def manifest_span(data, what):
    """[first header block, end of padded data) of the one manifest entry."""
    ms, _ = members(data)
    found = [m for m in ms if is_manifest(m)]
    if len(found) != 1:
        sys.exit("%s: %d manifest entries" % (what, len(found)))
    m = found[0]
    return m.offset, m.offset_data + -(-m.size // 512) * 512

def first_diff(a, b):
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)

def rawcheck(a_path, b_path):
    """B's uncompressed stream is A's outside the manifest entry's span."""
    a, b = plain(a_path), plain(b_path)
    sa, ea = manifest_span(a, a_path)
    sb, eb = manifest_span(b, b_path)
    if sa != sb or a[:sa] != b[:sb]:
        sys.exit("bytes before the manifest differ: manifest at %d in A, %d in B, "
                 "first difference at byte %d" % (sa, sb, first_diff(a[:sa], b[:sb])))
    if a[ea:] != b[eb:]:
        i = first_diff(a[ea:], b[eb:])
        sys.exit("bytes after the manifest differ: A from %d, B from %d; first difference "
                 "at A+%d (A has %d bytes after it, B %d)"
                 % (ea, eb, i, len(a) - ea, len(b) - eb))
    if a[sa:ea] == b[sb:eb]:
        sys.exit("the manifest entry did not change")

def reorder(src, dst, how):
    """Rebuild src (any codec) with the manifest's raw bytes moved.

    how = last: the manifest entry last. how = global-last: every other entry,
    then the bytes before the first entry (kitchen-global's pax global
    header), then the manifest."""
    d = plain(src)
    ms, end = members(d)
    offs = [m.offset for m in ms] + [end]
    spans = [d[offs[i]:offs[i + 1]] for i in range(len(ms))]
    man = [s for m, s in zip(ms, spans) if is_manifest(m)]
    rest = [s for m, s in zip(ms, spans) if not is_manifest(m)]
    head = d[:offs[0]]
    if how == "last":
        out = head + b"".join(rest) + man[0]
    else:
        if not head:
            sys.exit("%s: nothing before the first entry" % src)
        out = b"".join(rest) + head + man[0]
    out += d[end:]
    codec = {"tgz": ["gzip", "-n", "-c"], "tbz2": ["bzip2", "-c"],
             "txz": ["xz", "-T1", "-c"]}.get(dst.rsplit(".", 1)[-1])
    if codec:
        out = subprocess.run(codec, input=out, stdout=subprocess.PIPE, check=True).stdout
    open(dst, "wb").write(out)

def capsets(path):
    """The manifest's capability isolators, read with tarfile and json."""
    d = plain(path)
    tf = tarfile.open(fileobj=io.BytesIO(d), mode="r:")
    m = [x for x in tf.getmembers() if is_manifest(x)][0]
    man = json.loads(tf.extractfile(m).read())
    for i in man["app"].get("isolators") or []:
        if i["name"].startswith("os/linux/capabilities-"):
            print(i["name"], ",".join(i["value"]["set"]))

def headerbytes(path):
    """Every header chain (pax, GNU long name, ustar) of the stream, hex, one a line."""
    d = plain(path)
    ms, _ = members(d)
    for m in ms:
        print(m.name, d[m.offset:m.offset_data].hex())

cmd = sys.argv[1]
if cmd == "rawcheck":
    rawcheck(sys.argv[2], sys.argv[3])
elif cmd == "reorder":
    reorder(sys.argv[2], sys.argv[3], sys.argv[4])
elif cmd == "capsets":
    capsets(sys.argv[2])
elif cmd == "headerbytes":
    headerbytes(sys.argv[2])
elif cmd == "plain":
    sys.stdout.buffer.write(plain(sys.argv[2]))
else:
    sys.exit("raw.py: unknown command " + cmd)
EOF
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

RAW() {
	python3 "$BATS_FILE_TMPDIR/raw.py" "$@"
}

# codec FILE: the compression named by the file's magic bytes.
codec() {
	local m
	m=$(head -c 6 "$1" | od -An -tx1 | tr -d ' \n')
	case "$m" in
	1f8b*) echo gzip ;;
	425a68*) echo bzip2 ;;
	fd377a585a00) echo xz ;;
	*) echo none ;;
	esac
}

# check_lossless IN OUT: OUT is IN with only the manifest changed, and the
# change is the one asked for. Every reader here is independent of acitool.
check_lossless() {
	local in=$1 out=$2

	assert "$(codec "$out")" == "$(codec "$in")" "compression of $out"
	# Entry by entry: everything of every other entry, every pax record byte
	# for byte, the manifest's metadata too (only its data may differ).
	run $TARCMP --skip-data manifest "$in" "$out"
	echo "$output"
	assert "$status" -eq 0 "tarcmp --skip-data manifest $in $out"
	# Byte for byte outside the manifest entry's span (and the span changed,
	# so the comparison above is not vacuous).
	run RAW rawcheck "$in" "$out"
	echo "$output"
	assert "$status" -eq 0 "uncompressed bytes outside the manifest of $in and $out"
	# The edit itself.
	run -0 RAW capsets "$out"
	assert "$output" == "os/linux/capabilities-retain-set CAP_NET_RAW,CAP_CHOWN" "capability isolators of $out"
}

# lossless_all FIXTURE: every compression of one fixture; gzip also through
# libarchive's codec (ACITOOL_CODEC=libarchive).
lossless_all() {
	local fx=$1 ext in
	for ext in "${EXTS[@]}"; do
		in=$ACT_FIXTURES/$fx.$ext
		run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "$in" "out-$fx.$ext"
		check_lossless "$in" "out-$fx.$ext"
	done
	ACITOOL_CODEC=libarchive run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN \
		"$ACT_FIXTURES/$fx.tgz" "out-$fx-la.tgz"
	check_lossless "$ACT_FIXTURES/$fx.tgz" "out-$fx-la.tgz"
}

@test "lossless: kitchen (pax, every entry kind, binary xattrs, ACL, unknown keyword)" {
	lossless_all kitchen
}

@test "lossless: kitchen-global (pax global header before the manifest)" {
	lossless_all kitchen-global
}

@test "lossless: gnu-tree (GNU tar pax: sparse 1.0, xattrs, hardlink, long names)" {
	lossless_all gnu-tree
}

@test "lossless: gnu-format (GNU format: L/K long names, old GNU sparse S members)" {
	lossless_all gnu-format
}

@test "lossless: bsdtar-tree (restricted pax, LIBARCHIVE.xattr and SCHILY.xattr twins)" {
	lossless_all bsdtar-tree
}

@test "lossless: minimal (plain ustar headers, no pax)" {
	lossless_all minimal
}

@test "lossless: the manifest stored last, every fixture and compression" {
	local fx ext
	for fx in "${FIXTURE_NAMES[@]}"; do
		for ext in "${EXTS[@]}"; do
			RAW reorder "$ACT_FIXTURES/$fx.$ext" "last-$fx.$ext" last
			run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "last-$fx.$ext" "out-$fx.$ext"
			check_lossless "last-$fx.$ext" "out-$fx.$ext"
		done
	done
}

@test "lossless: stdin a file read from its middle, every compression" {
	# The file's offsets are then not the stream's: what is copied file to
	# file must come from the right place.
	local ext
	head -c 10240 /dev/zero | tr '\0' J >junk
	for ext in "${EXTS[@]}"; do
		cat junk "$ACT_FIXTURES/kitchen.$ext" >prefixed.$ext
		{
			dd bs=10240 count=1 of=/dev/null status=none
			"$ACITOOL" patch-manifest --capability CAP_NET_RAW,CAP_CHOWN - out-mid.$ext
		} <prefixed.$ext
		check_lossless "$ACT_FIXTURES/kitchen.$ext" out-mid.$ext
	done
}

# The kitchen image holds what a naive repack loses; check those records by
# name in the output, so a tarcmp that compared nothing could not pass.
@test "lossless: the kitchen's hard cases are in the output, byte for byte" {
	run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "$ACT_FIXTURES/kitchen.tar" out.tar
	run -0 $TARINFO --xattr security.capability out.tar rootfs/bin/ping
	assert "$output" == "0100000202000a00000000000000000000000000" "ping's caps (0x0a, 0x00)"
	run -0 $TARINFO --xattr user.nul out.tar rootfs/files/xattr-nul
	assert "$output" == "00610a62000a00" "user.nul (NUL and newline)"
	run -0 $TARINFO --xattr user.allbytes out.tar rootfs/files/xattr-bytes
	assert "$output" == "$(python3 -c 'print(bytes(range(256)).hex())')" "user.allbytes"
	run -0 $TARINFO --xattr user.long out.tar rootfs/files/xattr-long
	assert "${#output}" -eq 16384 "user.long: 8192 bytes"
	run -0 $TARINFO --xattr user.empty out.tar rootfs/files/xattr-bytes
	assert "$output" == "" "user.empty"
	run -0 $TARINFO out.tar rootfs/files/acl
	run -0 python3 -c '
import json, sys
p = json.loads(sys.argv[1])["pax"]
print(bytes.fromhex(p["SCHILY.acl.access"]).decode(), bytes.fromhex(p["ACITOOLTEST.keyword"]).decode())
' "$output"
	assert "$output" == "user::rw-,user:1000:r--,group::r--,mask::r--,other::r-- x" "ACL and unknown keyword"
	run -0 $TARINFO out.tar rootfs/files/nsec
	assert "$output" =~ '"mtime": "1700000000.123456789"' "nanosecond mtime"
	run -0 $TARINFO out.tar rootfs/files/bigid
	assert "$output" =~ '"uid": 3000000, "gid": 4000000, "uname": "big", "gname": "big"' "big ids"
	run -0 $TARINFO out.tar rootfs/dev/loop0
	assert "$output" =~ '"devmajor": 7, "devminor": 0' "block device numbers"
	# Every header chain of every entry but the manifest, byte for byte.
	diff <(RAW headerbytes "$ACT_FIXTURES/kitchen.tar" | grep -v '^manifest ') \
		<(RAW headerbytes out.tar | grep -v '^manifest ')
}

@test "lossless: a gzip of several members (as bgzip or cat a.gz b.gz writes), both gzip codecs" {
	local codec
	python3 - "$ACT_FIXTURES/kitchen.tar" members.tgz <<'EOF'
import gzip, sys
d = open(sys.argv[1], "rb").read()
cuts = [0, 1000, 700001, len(d)]  # not on tar block boundaries
with open(sys.argv[2], "wb") as f:
    for a, b in zip(cuts, cuts[1:]):
        f.write(gzip.compress(d[a:b], mtime=0))
EOF
	for codec in default libarchive; do
		ACITOOL_CODEC=$codec run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN members.tgz "out-$codec.tgz"
		check_lossless members.tgz "out-$codec.tgz"
	done
}

# tar_listing TOOL FILE: a verbose listing with the manifest's size masked
# and runs of blanks squeezed (column widths follow the widest size).
tar_listing() {
	local tool=$1 file=$2
	case "$tool" in
	gnu) LC_ALL=C.UTF-8 TZ=UTC tar --xattrs --xattrs-include='*' --numeric-owner --full-time \
		-tvvf "$file" ;;
	bsd) LC_ALL=C.UTF-8 TZ=UTC bsdtar -tvf "$file" ;;
	esac 2>"$file.$tool.err" | tr -s ' ' | sed -E 's/^(-[^ ]+ [^ ]+( [^ ]+ [^ ]+)?) [0-9]+ (.* manifest)$/\1 SIZE \3/'
}

@test "GNU tar and bsdtar list input and output alike (but the manifest's size)" {
	local fx ext in
	for fx in "${FIXTURE_NAMES[@]}"; do
		for ext in "${EXTS[@]}"; do
			in=$ACT_FIXTURES/$fx.$ext
			cp "$in" "in-$fx.$ext"
			run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "$in" "out-$fx.$ext"
			for tool in gnu bsd; do
				tar_listing $tool "in-$fx.$ext" >"in-$fx.$ext.$tool"
				tar_listing $tool "out-$fx.$ext" >"out-$fx.$ext.$tool"
				# The mask must have hit exactly one line.
				assert "$(grep -c ' SIZE .*manifest$' "out-$fx.$ext.$tool")" -eq 1 \
					"masked manifest lines in the $tool listing of $fx.$ext"
				diff "in-$fx.$ext.$tool" "out-$fx.$ext.$tool"
				diff "in-$fx.$ext.$tool.err" "out-$fx.$ext.$tool.err"
			done
		done
	done
	# The GNU listing shows the xattrs, so the comparison covers them.
	grep -q 'x: 20 security.capability' "out-kitchen.tar.gnu"
}

@test "sparse files come out of GNU tar with the same content and apparent size" {
	local fx ext
	for fx in gnu-tree gnu-format; do
		for ext in tar txz; do
			run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "$ACT_FIXTURES/$fx.$ext" "out-$fx.$ext"
			mkdir "x-in-$fx.$ext" "x-out-$fx.$ext"
			tar -xf "$ACT_FIXTURES/$fx.$ext" -C "x-in-$fx.$ext"
			tar -xf "out-$fx.$ext" -C "x-out-$fx.$ext"
			assert "$(stat -c %s "x-out-$fx.$ext/rootfs/data/sparse")" -eq 3145728 \
				"apparent size of data/sparse from $fx.$ext"
			assert "$(stat -c %s "x-out-$fx.$ext/rootfs/data/allhole")" -eq 1048576 \
				"apparent size of data/allhole from $fx.$ext"
			cmp "x-in-$fx.$ext/rootfs/data/sparse" "x-out-$fx.$ext/rootfs/data/sparse"
			cmp "x-in-$fx.$ext/rootfs/data/allhole" "x-out-$fx.$ext/rootfs/data/allhole"
			# The data regions are where mkimages.py put them, the rest zeros.
			python3 - "x-out-$fx.$ext/rootfs/data/sparse" <<'EOF'
import hashlib, sys
def prng(label, n):
    out, i = bytearray(), 0
    while len(out) < n:
        out += hashlib.sha256(b"acitool-fixture:" + label.encode() + i.to_bytes(8, "big")).digest()
        i += 1
    return bytes(out[:n])
d = open(sys.argv[1], "rb").read()
want = bytearray(3 << 20)
want[0:8192] = prng("sparse-a", 8192)
want[1 << 20:(1 << 20) + 4096] = prng("sparse-b", 4096)
sys.exit(0 if d == bytes(want) else "data/sparse: wrong content")
EOF
			diff -r --no-dereference "x-in-$fx.$ext/rootfs" "x-out-$fx.$ext/rootfs"
		done
	done
	# Both fixtures really hold sparse members (tarfile says so).
	run -0 $TARINFO "$ACT_FIXTURES/gnu-format.tar" rootfs/data/sparse
	assert "$output" =~ '"sparse": true' "gnu-format data/sparse is a sparse member"
	run -0 $TARINFO "$ACT_FIXTURES/gnu-tree.tar" rootfs/data/sparse
	assert "$output" =~ '"sparse": true' "gnu-tree data/sparse is a sparse member"
}

@test "pax global header: kept in place, before or away from the manifest" {
	local how
	run -0 $TARINFO --global "$ACT_FIXTURES/kitchen-global.tar"
	local want=$output
	assert "$want" =~ '"before_entry": 0' "the fixture's global header precedes entry 0"
	# As generated: the manifest is the first entry after the global header.
	run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "$ACT_FIXTURES/kitchen-global.tar" out.tar
	run -0 $TARINFO --global out.tar
	assert "$output" == "$want" "global headers of the output"
	assert "$(head -c 512 out.tar | cut -b 157 | head -c 1)" == "g" "typeflag of the first block"
	check_lossless "$ACT_FIXTURES/kitchen-global.tar" out.tar
	# Every other entry first, then the global header, then the manifest.
	RAW reorder "$ACT_FIXTURES/kitchen-global.tar" glast.tar global-last
	run -0 $TARINFO --global glast.tar
	assert "$output" =~ '"before_entry": 3' "global header of the reordered input"
	run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN glast.tar out2.tar
	run -0 $TARINFO --global out2.tar
	assert "$output" =~ '"before_entry": 3' "global header of its output"
	assert "$output" =~ '"comment": "61636974' "global header records of its output"
	check_lossless glast.tar out2.tar
}

@test "bsdtar's LIBARCHIVE.xattr and SCHILY.xattr twins stay as they were on untouched entries" {
	run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "$ACT_FIXTURES/bsdtar-tree.tar" out.tar
	python3 - "$ACT_TESTS_DIR/tools/tarinfo.py" "$ACT_FIXTURES/bsdtar-tree.tar" out.tar <<'EOF'
import json, subprocess, sys
def entries(p):
    out = subprocess.run(["python3", sys.argv[1], p], stdout=subprocess.PIPE, check=True).stdout
    return json.loads(out)
a, b = entries(sys.argv[2]), entries(sys.argv[3])
twins = 0
for x, y in zip(a, b):
    if x["name"] == "manifest":
        continue
    for k in x["xattrs"]:
        if k in x["libarchive_xattrs"]:
            twins += 1
    if x["pax"] != y["pax"] or x.get("pax_duplicate_keys") != y.get("pax_duplicate_keys"):
        sys.exit("%s: pax records differ:\n  in  %s\n  out %s" % (x["name"], x["pax"], y["pax"]))
if len(a) != len(b):
    sys.exit("entry count %d -> %d" % (len(a), len(b)))
if twins < 5:
    sys.exit("the input has only %d LIBARCHIVE/SCHILY twins" % twins)
EOF
	# Record order within each pax header is kept too: raw header bytes.
	diff <(RAW headerbytes "$ACT_FIXTURES/bsdtar-tree.tar" | grep -v '^manifest ') \
		<(RAW headerbytes out.tar | grep -v '^manifest ')
}

@test "UTF-8 names: the same bytes under LC_ALL=C and LC_ALL=C.UTF-8, no hdrcharset" {
	local loc
	# A manifest entry whose owner names are not ASCII is serialised anew by
	# the pax writer: that is where the locale could leak in.
	python3 - "$ACT_FIXTURES/minimal.tar" utf8.tar <<'EOF'
import io, sys, tarfile
src = tarfile.open(sys.argv[1])
with tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT, encoding="utf-8") as out:
    for m in src.getmembers():
        data = src.extractfile(m).read() if m.isreg() else None
        if m.name == "manifest":
            m.uname, m.gname = "j\u00fcrgen", "gr\u00fcppe-\u65e5\u672c"
        out.addfile(m, io.BytesIO(data) if data is not None else None)
    t = tarfile.TarInfo("rootfs/gr\u00fc\u00dfe-\u65e5\u672c\u8a9e.txt")
    t.size, t.mtime = 6, 1700000000
    out.addfile(t, io.BytesIO(b"hello\n"))
EOF
	for loc in C C.UTF-8 POSIX; do
		LC_ALL=$loc run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN \
			"$ACT_FIXTURES/kitchen.tar" "kitchen-$loc.tar"
		LC_ALL=$loc run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN utf8.tar "utf8-$loc.tar"
		LC_ALL=$loc run_acitool add-filecaps utf8.tar "fc-$loc.tar" \
			"/grüße-日本語.txt" cap_net_raw+ep
	done
	for loc in C POSIX; do
		cmp "kitchen-C.UTF-8.tar" "kitchen-$loc.tar"
		cmp "utf8-C.UTF-8.tar" "utf8-$loc.tar"
		cmp "fc-C.UTF-8.tar" "fc-$loc.tar"
	done
	for f in kitchen-C.tar utf8-C.tar fc-C.tar; do
		run grep -c hdrcharset "$f"
		assert "$output" == "0" "hdrcharset records in $f"
	done
	check_lossless "$ACT_FIXTURES/kitchen.tar" kitchen-C.tar
	check_lossless utf8.tar utf8-C.tar
	# The re-serialised headers carry the names as UTF-8.
	run -0 $TARINFO utf8-C.tar manifest
	assert "$output" =~ '"uname": "jürgen", "gname": "grüppe-日本"' "manifest owner names"
	run -0 $TARINFO fc-C.tar "rootfs/grüße-日本語.txt"
	assert "$output" =~ '"security.capability": "0100000200200000000000000000000000000000"' \
		"caps on the UTF-8 named file"
	run $TARCMP --skip-data manifest utf8.tar fc-C.tar
	assert "$output" =~ "grüße-日本語.txt: pax SCHILY.xattr.security.capability" "tarcmp of add-filecaps"
	assert "$(printf '%s\n' "$output" | wc -l)" -eq 1 "tarcmp: only the caps differ"
}

@test "output is deterministic: same input and arguments, same bytes, every codec" {
	local fx ext
	for fx in kitchen gnu-tree; do
		for ext in "${EXTS[@]}"; do
			run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "$ACT_FIXTURES/$fx.$ext" "a-$fx.$ext"
			run_acitool patch-manifest --capability CAP_NET_RAW,CAP_CHOWN "$ACT_FIXTURES/$fx.$ext" "b-$fx.$ext"
			cmp "a-$fx.$ext" "b-$fx.$ext"
			# A pipe gives the same bytes as files.
			"$ACITOOL" patch-manifest --capability CAP_NET_RAW,CAP_CHOWN - - <"$ACT_FIXTURES/$fx.$ext" >"c-$fx.$ext"
			cmp "a-$fx.$ext" "c-$fx.$ext"
		done
	done
	# Two runs a second apart would differ by a gzip timestamp; check
	# instead that every gzip member's header has MTIME 0 and no name.
	python3 - a-kitchen.tgz a-gnu-tree.tgz <<'EOF'
import sys, zlib
for p in sys.argv[1:]:
    d, n = open(p, "rb").read(), 0
    while d:
        if d[:3] != b"\x1f\x8b\x08":
            sys.exit("%s: member %d: not a gzip header" % (p, n))
        if d[4:8] != bytes(4) or d[3] & 0x08:
            sys.exit("%s: member %d: MTIME %s, FLG %#x" % (p, n, d[4:8].hex(), d[3]))
        z = zlib.decompressobj(31)
        z.decompress(d)
        if not z.eof:
            sys.exit("%s: member %d is incomplete" % (p, n))
        d, n = z.unused_data, n + 1
EOF
}

# peak_rss_kib CMD...: run CMD, print its peak resident set size in KiB.
peak_rss_kib() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o rss.txt "$@" || return
		tail -n 1 rss.txt
	else
		python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
	fi
}

# make_big OUT [last]: a 50 MiB image, the manifest first (or last).
make_big() {
	python3 - "$ACT_FIXTURES/minimal.tar" "$@" <<'EOF'
import io, random, sys, tarfile
src = tarfile.open(sys.argv[1])
man = src.extractfile("manifest").read()
last = len(sys.argv) > 3
r = random.Random(7)
def add(tf, name, data=None, kind=tarfile.REGTYPE):
    t = tarfile.TarInfo(name)
    t.type, t.mtime, t.mode = kind, 1700000000, 0o755 if kind == tarfile.DIRTYPE else 0o644
    t.size = len(data) if data is not None else 0
    tf.addfile(t, io.BytesIO(data) if data is not None else None)
with tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as tf:
    if not last:
        add(tf, "manifest", man)
    add(tf, "rootfs", kind=tarfile.DIRTYPE)
    for i in range(5):
        # Compressible but not trivially: numbered lines and random words.
        words = [b"%x" % r.getrandbits(32) for _ in range(4096)]
        data = b"".join(b"%09d %s %s\n" % (n, words[n % 4096], words[(n * 7) % 4096])
                        for n in range((10 << 20) // 20))[:10 << 20]
        add(tf, "rootfs/big%d" % i, data)
    if last:
        add(tf, "manifest", man)
EOF
}

@test "a 50 MiB image rewrites in bounded memory (peak RSS under 64 MiB)" {
	local kib
	# AddressSanitizer's shadow memory and quarantine make RSS meaningless.
	[ "${ACT_SANITIZE:-0}" = 0 ] || skip "peak RSS is not measured under sanitizers"
	[ "${ACT_VALGRIND:-0}" = 0 ] || skip "peak RSS is valgrind's under valgrind (and 50 MiB a run takes minutes)"
	make_big big.tar
	make_big big-last.tar last
	gzip -1 -n -c big.tar >big.tgz
	bzip2 -1 -c big.tar >big.tbz2
	xz -0 -T1 -c big.tar >big.txz
	assert "$(stat -c %s big.tar)" -gt 52000000 "size of the big image"
	for args in "big.tar o.tar" "big.tgz o.tgz" "big.tbz2 o.tbz2" "--compression=none big.txz o.tar" \
		"--compression=none big.tgz o.tar" "big-last.tar o.tar"; do
		rm -f o.tar o.tgz o.tbz2
		kib=$(peak_rss_kib "$ACITOOL" patch-manifest --capability CAP_NET_RAW,CAP_CHOWN $args)
		echo "patch-manifest $args: peak RSS $kib KiB"
		assert "$kib" -lt 65536 "peak RSS (KiB) of patch-manifest $args"
	done
	check_lossless big-last.tar o.tar # the last one above
	# add-filecaps re-serialises a 10 MiB entry: its data streams through.
	rm -f o.tar
	kib=$(peak_rss_kib "$ACITOOL" add-filecaps big.tar o.tar /big2 cap_net_raw+ep)
	echo "add-filecaps: peak RSS $kib KiB"
	assert "$kib" -lt 65536 "peak RSS (KiB) of add-filecaps"
	run -0 $TARINFO --xattr security.capability o.tar rootfs/big2
	run $TARCMP --skip-data manifest big.tar o.tar
	assert "$output" =~ "rootfs/big2: pax SCHILY.xattr.security.capability" "tarcmp of add-filecaps"
	assert "$(printf '%s\n' "$output" | wc -l)" -eq 1 "tarcmp: only the caps differ"
}

@test "xz output of a 50 MiB image in bounded memory (peak RSS under 64 MiB)" {
	local kib
	[ "${ACT_SANITIZE:-0}" = 0 ] || skip "peak RSS is not measured under sanitizers"
	[ "${ACT_VALGRIND:-0}" = 0 ] || skip "peak RSS is valgrind's under valgrind (and 50 MiB a run takes minutes)"
	make_big big.tar
	kib=$(peak_rss_kib "$ACITOOL" patch-manifest --capability CAP_NET_RAW,CAP_CHOWN --compression=xz big.tar o.txz)
	assert "$kib" -lt 65536 "peak RSS (KiB) of xz output"
	xz -t o.txz
	# xz -T's 24 MiB blocks, the untouched ones held while they are read.
	xz -T2 -6 -c big.tar >big.txz
	kib=$(peak_rss_kib "$ACITOOL" patch-manifest --capability CAP_NET_RAW,CAP_CHOWN big.txz o2.txz)
	echo "xz -T2 -6 in, xz out: peak RSS $kib KiB"
	assert "$kib" -lt 65536 "peak RSS (KiB) of an xz -T patch"
	run -0 $TARCMP --skip-data manifest big.tar o2.txz
}

@test "plain tar: spans copied on their own thread, cut by many edited entries, keep their order" {
	# 300 files, some over a MiB (the copying thread takes a MiB at once),
	# and every 7th given file capabilities: 43 spans, each followed by a
	# rewritten entry the sink writes itself.
	python3 - "$ACT_FIXTURES/minimal.tar" <<'EOF2'
import io, random, sys, tarfile
rnd = random.Random(11)
with tarfile.open(sys.argv[1]) as src, tarfile.open("many.tar", "w", format=tarfile.PAX_FORMAT) as out:
    m = src.getmember("manifest")
    out.addfile(m, src.extractfile(m))
    for i in range(300):
        n = rnd.choice([0, 100, 5000, 70_000, 1_500_000])
        ti = tarfile.TarInfo("rootfs/f%03d" % i)
        ti.size, ti.mtime, ti.mode = n, 1700000000, 0o755
        out.addfile(ti, io.BytesIO(rnd.randbytes(n)))
EOF2
	local args=() i
	for ((i = 0; i < 300; i += 7)); do
		args+=("$(printf '/f%03d' $i)" cap_net_raw+ep)
	done
	run_acitool add-filecaps many.tar out.tar "${args[@]}"
	# Independently: every entry's name, metadata and data as they were, the
	# capabilities on exactly the 43 files, and nothing else changed.
	run -0 python3 - many.tar out.tar <<'EOF2'
import hashlib, sys, tarfile
a, b = (list(tarfile.open(p)) for p in sys.argv[1:3])
ta, tb = (tarfile.open(p) for p in sys.argv[1:3])
assert [x.name for x in a] == [y.name for y in b], "names or order differ"
capped = 0
for x, y in zip(a, b):
    assert (x.size, x.mode, x.mtime, x.type) == (y.size, y.mode, y.mtime, y.type), x.name
    if x.isfile():
        da, db = ta.extractfile(x).read(), tb.extractfile(y).read()
        assert hashlib.sha256(da).digest() == hashlib.sha256(db).digest(), "data of " + x.name
    cap = "SCHILY.xattr.security.capability" in y.pax_headers
    want = x.name.startswith("rootfs/f") and int(x.name[8:]) % 7 == 0
    assert cap == want, "capability of %s: %s" % (x.name, cap)
    capped += cap
print(capped)
EOF2
	assert "$output" == 43 "files given capabilities"
	run $TARCMP many.tar out.tar
	assert "$(grep -c 'pax SCHILY.xattr.security.capability' <<<"$output")" -eq 43 "tarcmp: the capabilities"
	assert "$(grep -vc 'pax SCHILY.xattr.security.capability' <<<"$output")" -eq 0 "tarcmp: nothing else"
}
