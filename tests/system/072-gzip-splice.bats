#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# A gzip image read from a file is spliced (docs/design.md, "gzip splice"):
# the output's deflate data is the input's, but for a window around each
# edit. Inputs from many writers (gzip -1/-6/-9, pigz, libdeflate, zopfli,
# python, Go); every output read by gzip, pigz, busybox, python's gzip and
# zlib, bsdtar and Go, compared with its input entry by entry, and checked
# to share the input's compressed bytes outside the windows.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	# Go's compress/gzip: a writer (actool's) and an independent reader.
	build_go_tool gogzip
}

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	[ -x "$BATS_FILE_TMPDIR/gogzip" ] ||
		skip "no Go to build tests/tools/gogzip.go (make check installs golang-go)"
	GOGZIP=$BATS_FILE_TMPDIR/gogzip
}

# decoders_agree FILE: every independent decoder reads all of FILE, each
# member's CRC and length checked.
decoders_agree() {
	gzip -t "$1"
	pigz -t "$1"
	busybox gunzip -c "$1" >/dev/null
	bsdtar -tf "$1" >/dev/null
	"$GOGZIP" check <"$1" >/dev/null
	python3 - "$1" <<'EOF2'
import gzip, sys, zlib
with gzip.open(sys.argv[1]) as f:
    while f.read(1 << 20):
        pass
# zlib, member by member, as a stream (its gzip mode checks FHCRC too).
with open(sys.argv[1], "rb") as f:
    o, members = zlib.decompressobj(31), 0
    while True:
        data = o.unused_data or f.read(1 << 20)
        if not data:
            break
        if o.eof:
            o, members = zlib.decompressobj(31), members + 1
        o.decompress(data)
    assert o.eof, "the last member is cut short"
EOF2
}

# differing IN OUT: the compressed bytes of OUT that are not IN's: OUT is
# walked in 512-byte steps, each run of 4 KiB or more found in IN (after the
# last one) is followed to its end, and what no run covers is counted.
# Shorter runs do not count: a text compressed the same way twice repeats
# its bytes.
differing() {
	python3 - "$1" "$2" <<'EOF2'
import sys
a, b = (open(p, "rb").read() for p in sys.argv[1:3])
i = j = diff = 0
while j < len(b):
    k, n = a.find(b[j:j + 256], i) if len(b) - j >= 256 else -1, 0
    if k >= 0:
        # The run's length: by halving, slices compared in C.
        n, step = 256, 1 << 20
        while step:
            if k + n + step <= len(a) and a[k + n:k + n + step] == b[j + n:j + n + step]:
                n += step
            else:
                step //= 2
    if n >= 4096 or (k >= 0 and j + n == len(b)):
        i, j = k + n, j + n
    else:
        step = min(512, len(b) - j)
        diff, j = diff + step, j + step
print(diff)
EOF2
}

# spliced IN OUT LIMIT [any-size]: OUT shares all but LIMIT KiB of IN's
# compressed bytes, and is about its size (unless any-size: a window of a
# run of zeros compressed anew at another level).
spliced() {
	local diff size_in size_out
	diff=$(differing "$1" "$2")
	size_in=$(stat -c %s "$1")
	size_out=$(stat -c %s "$2")
	assert "$diff" -le $(($3 * 1024)) "compressed bytes of $2 not in $1 (of $size_out)"
	[ "${4:-}" != any-size ] || return 0
	assert "$size_out" -le $((size_in + size_in / 1000 + 4096)) "size of $2 against $1"
	assert "$size_out" -ge $((size_in - size_in / 1000 - 4096)) "size of $2 against $1"
}

# patch_and_check IN [LIMIT]: a manifest patch and a capability on a file
# in the middle, each output read by every decoder and spliced from its
# input with at most LIMIT KiB (768) compressed anew.
patch_and_check() {
	rm -f p.aci c.aci
	run_acitool patch-manifest --capability CAP_NET_RAW "$1" p.aci
	decoders_agree p.aci
	run -0 $TARCMP big.tar p.aci --skip-data manifest
	spliced "$1" p.aci "${2:-768}"
	run_acitool add-filecaps p.aci c.aci /f20 cap_net_raw+ep
	decoders_agree c.aci
	run -1 $TARCMP p.aci c.aci
	assert "${#lines[@]}" -eq 1 "differences"
	expect_output --substring "rootfs/f20: pax SCHILY.xattr.security.capability"
	spliced p.aci c.aci "${2:-768}"
}

@test "gzip -1, -6 (with a name) and -9 images are spliced, and every decoder reads them" {
	[ "${ACT_VALGRIND:-0}" = 0 ] || skip "six 12 MiB patches: the other writers' tests cover the splice under valgrind"
	make_big
	for level in 1 9; do
		gzip -n -$level -c big.tar >in.aci
		patch_and_check in.aci
	done
	# Without -n: FNAME and MTIME in the header, kept.
	cp big.tar named.tar
	gzip -6 named.tar
	patch_and_check named.tar.gz
	cmp -n 20 named.tar.gz p.aci
}

@test "pigz, libdeflate and python gzip images are spliced" {
	[ "${ACT_VALGRIND:-0}" = 0 ] || skip "six 12 MiB patches: the other writers' tests cover the splice under valgrind"
	make_big
	pigz -6 -c big.tar >pigz.aci
	patch_and_check pigz.aci
	libdeflate-gzip -6 -c big.tar >libdeflate.aci
	# libdeflate makes few, large blocks (one of 3.6 MB of tar around
	# f20): a window cannot end inside a block.
	patch_and_check libdeflate.aci 2048
	python3 -c 'import gzip, sys; open(sys.argv[2], "wb").write(gzip.compress(open(sys.argv[1], "rb").read(), 9))' \
		big.tar python.aci
	patch_and_check python.aci
}

@test "Go's compress/gzip images (actool's) are spliced, and Go reads the output" {
	make_big
	"$GOGZIP" compress <big.tar >go.aci
	patch_and_check go.aci
	run -0 "$GOGZIP" check <c.aci
	assert "$output" -eq "$(bsdtar -tf c.aci | wc -l)" "entries Go reads"
}

@test "zopfli's image (few, large blocks) is spliced" {
	make_big
	# zopfli is slow: the manifest and the first dozen files.
	python3 - <<'EOF2'
import tarfile
with tarfile.open("big.tar") as src, tarfile.open("small.tar", "w", format=tarfile.PAX_FORMAT) as out:
    for m in src.getmembers()[:13]:
        out.addfile(m, src.extractfile(m))
EOF2
	zopfli --i1 -c small.tar >zopfli.aci
	run_acitool patch-manifest --capability CAP_NET_RAW zopfli.aci p.aci
	decoders_agree p.aci
	run -0 $TARCMP small.tar p.aci --skip-data manifest
	run_acitool add-filecaps p.aci c.aci /f11 cap_net_raw+ep
	decoders_agree c.aci
	run -1 $TARCMP p.aci c.aci
	assert "${#lines[@]}" -eq 1 "differences"
}

@test "FNAME, FEXTRA, FCOMMENT and FHCRC are kept, the header CRC right" {
	make_big
	python3 - <<'EOF2'
import struct, zlib
data = open("big.tar", "rb").read()
extra = b"AC" + struct.pack("<H", 6) + b"splice"
head = (b"\x1f\x8b\x08" + bytes([0x02 | 0x04 | 0x08 | 0x10]) + b"\0\0\0\0\x00\x03"
        + struct.pack("<H", len(extra)) + extra + b"image.tar\0" + b"made by hand\0")
head += struct.pack("<H", zlib.crc32(head) & 0xffff)
c = zlib.compressobj(6, zlib.DEFLATED, -15)
body = c.compress(data) + c.flush()
open("headers.aci", "wb").write(head + body + struct.pack("<II", zlib.crc32(data), len(data)))
open("headers.len", "w").write(str(len(head)))
EOF2
	decoders_agree headers.aci
	patch_and_check headers.aci
	cmp -n "$(cat headers.len)" headers.aci p.aci
	cmp -n "$(cat headers.len)" headers.aci c.aci
}

# files_image OUT random|lines: the manifest of the minimal fixture, then
# files rootfs/f000...: 12 of 150 to 700 KB of random bytes (stored blocks
# next to every edit), or 300 of 1 to 4 KiB of lines of text.
files_image() {
	python3 - "$ACT_FIXTURES/minimal.tar" "$1" "$2" <<'EOF2'
import io, random, sys, tarfile
rnd = random.Random(7)
with tarfile.open(sys.argv[1]) as src, tarfile.open(sys.argv[2], "w", format=tarfile.PAX_FORMAT) as out:
    m = src.getmember("manifest")
    out.addfile(m, src.extractfile(m))
    for i in range(12 if sys.argv[3] == "random" else 300):
        if sys.argv[3] == "random":
            data = rnd.randbytes(rnd.randrange(150_000, 700_000))
        else:
            data = b"".join(b"%d: line %d of file %d\n" % (rnd.randrange(1 << 30), j, i)
                            for j in range(rnd.randrange(40, 160)))
        ti = tarfile.TarInfo("rootfs/f%03d" % i)
        ti.size, ti.mtime = len(data), 1700000000
        out.addfile(ti, io.BytesIO(data))
EOF2
}

@test "stored blocks next to the edits: zlib level 0 and gzip -1 of random data" {
	files_image stored.tar random
	python3 -c 'import gzip, sys; open(sys.argv[2], "wb").write(gzip.compress(open(sys.argv[1], "rb").read(), 0))' \
		stored.tar level0.aci
	gzip -n -1 -c stored.tar >random.aci
	for in in level0.aci random.aci; do
		rm -f p.aci
		run_acitool patch-manifest --capability CAP_NET_RAW --filecap /f000=cap_net_raw+ep \
			--filecap /f005=cap_net_raw+ep $in p.aci
		decoders_agree p.aci
		run -1 $TARCMP stored.tar p.aci --skip-data manifest
		assert "${#lines[@]}" -eq 2 "differences"
		spliced $in p.aci 1536
	done
}

@test "edits within 32 KiB of each other, and an edit in the last block" {
	files_image small.tar lines
	gzip -n -6 -c small.tar >small.aci
	# Three files side by side and the manifest: windows that meet.
	run_acitool patch-manifest --capability CAP_NET_RAW --filecap /f150=cap_net_raw+ep \
		--filecap /f151=cap_net_raw+ep --filecap /f153=cap_net_raw+ep small.aci p.aci
	decoders_agree p.aci
	run -1 $TARCMP small.tar p.aci --skip-data manifest
	assert "${#lines[@]}" -eq 3 "differences"
	# The last file: its header is in the stream's last block.
	run_acitool add-filecaps p.aci last.aci /f299 cap_net_raw+ep
	decoders_agree last.aci
	run -1 $TARCMP p.aci last.aci
	assert "${#lines[@]}" -eq 1 "differences"
	expect_output --substring "rootfs/f299: pax SCHILY.xattr.security.capability"
	spliced p.aci last.aci 512
}

@test "members of other writers: each kept, an edit in the second" {
	make_big
	# Two members cut mid-entry, as cat a.gz b.gz makes them.
	head -c 5000000 big.tar | gzip -n -6 >two.aci
	tail -c +5000001 big.tar | pigz -6 >>two.aci
	run_acitool add-filecaps two.aci c.aci /f40 cap_net_raw+ep /f02 cap_net_raw+ep
	decoders_agree c.aci
	run -1 $TARCMP big.tar c.aci
	assert "${#lines[@]}" -eq 2 "differences"
	run -0 gzip_members c.aci
	assert "${#lines[@]}" -eq 2 "members"
	spliced two.aci c.aci 1536
}

@test "the same input and arguments give the same spliced bytes" {
	make_big
	gzip -n -6 -c big.tar >in.aci
	run_acitool patch-manifest --capability CAP_NET_RAW --filecap /f30=cap_net_raw+ep in.aci a.aci
	taskset -c 0 "$ACITOOL" patch-manifest --capability CAP_NET_RAW --filecap /f30=cap_net_raw+ep \
		in.aci b.aci
	cmp a.aci b.aci
	# A dry run and --replace take the same path.
	cp in.aci r.aci
	run_acitool patch-manifest --replace --capability CAP_NET_RAW --filecap /f30=cap_net_raw+ep r.aci
	cmp a.aci r.aci
}

@test "an edit several hundred MiB into a gzip image" {
	[ "${ACT_VALGRIND:-0}" = 0 ] || skip "300 MiB under valgrind takes too long"
	mkdir -p layout/rootfs
	bsdtar -xf "$ACT_FIXTURES/minimal.tar" -C layout manifest
	head -c 300M /dev/zero >layout/rootfs/zeros
	echo "after the zeros" >layout/rootfs/after
	tar --format=pax --no-recursion -C layout -cf deep.tar manifest rootfs rootfs/zeros \
		rootfs/after
	gzip -n -1 -c deep.tar >deep.aci
	rm deep.tar layout/rootfs/zeros
	run_acitool add-filecaps deep.aci c.aci /after cap_net_raw+ep
	decoders_agree c.aci
	run -0 $TARINFO --xattr security.capability c.aci rootfs/after
	assert "$output" == 0100000200200000000000000000000000000000 "the capability"
	spliced deep.aci c.aci 512 any-size
}
