#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# A bzip2 image read from a file is spliced (docs/design.md, "bzip2
# splice"): the output's blocks are the input's, bits shifted, but for the
# blocks an edit touches. Inputs from many writers (bzip2 -1/-9, pbzip2's
# streams back to back, lbzip2, busybox's own compressor, python); every
# output read by bzip2, lbzip2, pbzip2, busybox, python's bz2, bsdtar and
# Go's compress/bzip2, compared with its input entry by entry, and checked
# to hold the input's blocks (by their CRCs) but those an edit touched.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	build_go_tool gobzip2
}

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	[ -x "$BATS_FILE_TMPDIR/gobzip2" ] ||
		skip "no Go to build tests/tools/gobzip2.go (make check installs golang-go)"
	command -v lbzip2 >/dev/null && command -v pbzip2 >/dev/null ||
		skip "no lbzip2 or pbzip2 (make check installs them)"
	GOBZIP2=$BATS_FILE_TMPDIR/gobzip2
}

# decoders_agree FILE: every independent decoder reads all of FILE, every
# block's and stream's CRC checked.
decoders_agree() {
	bzip2 -t "$1"
	lbzip2 -t "$1"
	pbzip2 -t "$1"
	busybox bunzip2 -c "$1" >/dev/null
	bsdtar -tf "$1" >/dev/null
	"$GOBZIP2" check <"$1" >/dev/null
	python3 -c 'import bz2, sys
with bz2.open(sys.argv[1]) as f:
    while f.read(1 << 20):
        pass' "$1"
}

# spliced IN OUT MADE: OUT has every block of IN (by CRC) but at most MADE
# (edited ones), at most 2 * MADE of its own, and is about IN's size.
spliced() {
	local size_in size_out
	run -0 bash -c "comm -23 <(python3 '$ACT_TESTS_DIR/tools/bzblocks.py' '$1' | sort) \
		<(python3 '$ACT_TESTS_DIR/tools/bzblocks.py' '$2' | sort) | wc -l"
	assert "$output" -le "$3" "blocks of $1 not in $2"
	run -0 bash -c "comm -13 <(python3 '$ACT_TESTS_DIR/tools/bzblocks.py' '$1' | sort) \
		<(python3 '$ACT_TESTS_DIR/tools/bzblocks.py' '$2' | sort) | wc -l"
	assert "$output" -le $(($3 * 2)) "blocks of $2 not in $1"
	size_in=$(stat -c %s "$1")
	size_out=$(stat -c %s "$2")
	assert "$size_out" -le $((size_in + size_in / 1000 + 4096)) "size of $2 against $1"
	assert "$size_out" -ge $((size_in - size_in / 1000 - 4096)) "size of $2 against $1"
}

# patch_and_check IN: a manifest patch and a capability on a file in the
# middle, each output read by every decoder and spliced from its input.
patch_and_check() {
	rm -f p.aci c.aci
	run_acitool patch-manifest --capability CAP_NET_RAW "$1" p.aci
	decoders_agree p.aci
	run -0 $TARCMP big.tar p.aci --skip-data manifest
	spliced "$1" p.aci 1
	run_acitool add-filecaps p.aci c.aci /f20 cap_net_raw+ep
	decoders_agree c.aci
	run -1 $TARCMP p.aci c.aci
	assert "${#lines[@]}" -eq 1 "differences"
	expect_output --substring "rootfs/f20: pax SCHILY.xattr.security.capability"
	spliced p.aci c.aci 2
}

@test "bzip2 -1 and -9 images are spliced, and every decoder reads them" {
	make_big
	for level in 1 9; do
		bzip2 -$level -c big.tar >in.aci
		patch_and_check in.aci
	done
}

@test "pbzip2 (a stream per chunk), lbzip2, busybox and python images are spliced" {
	make_big
	pbzip2 -9 -b3 -c big.tar >pbzip2.aci
	run -0 python3 -c 'import sys; print(open(sys.argv[1], "rb").read().count(b"BZh9"))' pbzip2.aci
	assert "$output" -gt 3 "pbzip2's streams"
	patch_and_check pbzip2.aci
	# The streams are kept, but one an edit's new block runs into (one per
	# edit at most).
	streams=$(python3 -c 'import sys; print(open(sys.argv[1], "rb").read().count(b"BZh9"))' pbzip2.aci)
	run -0 python3 -c 'import sys; print(open(sys.argv[1], "rb").read().count(b"BZh9"))' c.aci
	assert "$output" -ge $((streams - 2)) "streams kept"
	lbzip2 -9 -n 2 -c big.tar >lbzip2.aci
	patch_and_check lbzip2.aci
	busybox bzip2 -c big.tar >busybox.aci
	patch_and_check busybox.aci
	python3 -c 'import bz2, sys; open(sys.argv[2], "wb").write(bz2.compress(open(sys.argv[1], "rb").read(), 5))' \
		big.tar python.aci
	patch_and_check python.aci
}

@test "no edit gives the input's bytes; the same input and arguments, the same bytes" {
	make_big
	bzip2 -9 -c big.tar >in.aci
	run_acitool patch-manifest --capability CAP_NET_RAW in.aci one.aci
	run_acitool patch-manifest --capability CAP_NET_RAW in.aci two.aci
	cmp one.aci two.aci
	# A patch that changes nothing: every block copied as it is.
	run_acitool patch-manifest --capability CAP_NET_RAW one.aci same.aci
	cmp one.aci same.aci
}

@test "a long run of zeros (one block's output past 4 MiB), an edit after it and in the last block" {
	python3 - "$ACT_FIXTURES/minimal.tar" <<'EOF2'
import io, sys, tarfile
with tarfile.open(sys.argv[1]) as src, tarfile.open("big.tar", "w", format=tarfile.PAX_FORMAT) as out:
    m = src.getmember("manifest")
    out.addfile(m, src.extractfile(m))
    for name, data in (("rootfs/zeros", bytes(30 << 20)), ("rootfs/after", b"after\n" * 1000),
                       ("rootfs/last", b"last\n")):
        ti = tarfile.TarInfo(name); ti.size, ti.mtime = len(data), 1700000000
        out.addfile(ti, io.BytesIO(data))
EOF2
	bzip2 -9 -c big.tar >in.aci
	run_acitool add-filecaps in.aci a.aci /after cap_net_raw+ep
	decoders_agree a.aci
	run_acitool add-filecaps a.aci b.aci /last cap_net_raw+ep
	decoders_agree b.aci
	run -1 $TARCMP big.tar b.aci
	assert "${#lines[@]}" -eq 2 "differences"
}

@test "a corrupt block is refused with nothing written; ACITOOL_CODEC=libarchive patches too" {
	make_big
	bzip2 -9 -c big.tar >in.aci
	cp in.aci bad.aci
	printf 'X' | dd of=bad.aci bs=1 seek=$(($(stat -c %s in.aci) / 2)) conv=notrunc 2>/dev/null
	run_acitool 1 patch-manifest --capability CAP_NET_RAW bad.aci out.aci
	expect_error_line patch-manifest "bad.aci: corrupt bzip2 stream: the block at offset [0-9]+: data error"
	[ ! -e out.aci ] || die "out.aci written"
	ACITOOL_CODEC=libarchive run_acitool patch-manifest --capability CAP_NET_RAW in.aci lib.aci
	decoders_agree lib.aci
	run -0 $TARCMP in.aci lib.aci --skip-data manifest
}
