#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# xz images are decoded block by block and written as one xz stream of
# independent blocks (2 MiB of tar each) on every core; an input's blocks
# that an edit leaves alone are copied to the output as they are, listed in
# the output's index: an xz -T image, or one acitool wrote, is patched again
# at the speed of decompression. Checked with xz -t/-l, python's lzma and
# tarfile, and bsdtar.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
}

# blocks FILE: one line per xz block: the sha256 of its bytes, as xz -l
# lists them (the index).
blocks() {
	python3 - "$1" <<'EOF2'
import hashlib, subprocess, sys
d = open(sys.argv[1], "rb").read()
out = subprocess.run(["xz", "-lv", "--robot", sys.argv[1]], check=True,
                     stdout=subprocess.PIPE, text=True).stdout
for line in out.splitlines():
    f = line.split("\t")
    if f[0] == "block":
        off, size = int(f[4]), int(f[6])
        print(hashlib.sha256(d[off:off + size]).hexdigest())
EOF2
}

# check FILE: xz, python and bsdtar all read it, and its check is CRC64.
check_xz() {
	xz -t "$1"
	python3 -c 'import lzma, sys; lzma.open(sys.argv[1]).read()' "$1"
	bsdtar -tf "$1" >/dev/null
	run -0 xz -lv --robot "$1"
	assert "$(printf '%s\n' "$output" | awk -F'\t' '$1 == "stream" { print $9 }')" == CRC64 "check"
}

@test "xz output is independent blocks that xz, python and tar read" {
	make_big
	run_acitool patch-manifest --capability CAP_NET_RAW --compression=xz big.tar out.aci
	check_xz out.aci
	run -0 blocks out.aci
	assert "${#lines[@]}" -ge 6 "blocks in a 12 MiB image"
	run -0 $TARCMP big.tar out.aci --skip-data manifest
	cmp <(xz -dc out.aci) <(ACITOOL_CODEC=libarchive "$ACITOOL" patch-manifest \
		--capability CAP_NET_RAW --compression=none big.tar -)
}

@test "the untouched blocks of an xz -T image are copied as they are" {
	make_big
	xz -T2 -6 --block-size=1MiB -c big.tar >in.txz
	run_acitool patch-manifest --capability CAP_NET_RAW in.txz out.aci
	check_xz out.aci
	run -0 $TARCMP big.tar out.aci --skip-data manifest
	blocks in.txz | sort >b1
	blocks out.aci | sort >b2
	assert "$(wc -l <b1)" -ge 10 "blocks in the input"
	# Only the block holding the manifest is recompressed.
	assert "$(comm -13 b1 b2 | wc -l)" -eq 1 "blocks of the output not in the input"
	assert "$(comm -23 b1 b2 | wc -l)" -eq 1 "blocks of the input not in the output"

	# From a file the blocks are read again to be copied; from a pipe they
	# are kept in memory: the same bytes either way.
	cat in.txz | "$ACITOOL" patch-manifest --capability CAP_NET_RAW - piped.aci
	cmp out.aci piped.aci
	# stdin a file read from its middle: blocks are read from their place.
	head -c 10240 /dev/zero | cat - in.txz >prefixed
	{
		dd bs=10240 count=1 of=/dev/null status=none
		"$ACITOOL" patch-manifest --capability CAP_NET_RAW - mid.aci
	} <prefixed
	cmp out.aci mid.aci
}

@test "patching an image acitool wrote copies the untouched blocks; add-filecaps too" {
	make_big
	run_acitool patch-manifest --capability CAP_NET_RAW --compression=xz big.tar once.aci
	run_acitool patch-manifest --revoke-capability CAP_KILL,CAP_MKNOD once.aci twice.aci
	run -0 $TARCMP once.aci twice.aci --skip-data manifest
	check_xz twice.aci
	blocks once.aci | sort >b1
	blocks twice.aci | sort >b2
	assert "$(comm -13 b1 b2 | wc -l)" -le 2 "blocks of the output not in the input"
	assert "$(comm -23 b1 b2 | wc -l)" -eq 1 "blocks of the input not in the output"

	run_acitool add-filecaps once.aci caps.aci /f20 cap_net_raw+ep
	check_xz caps.aci
	run -0 $TARINFO --xattr security.capability caps.aci rootfs/f20
	assert "$output" == 0100000200200000000000000000000000000000 "the capability"
	blocks caps.aci | sort >b3
	assert "$(comm -13 b1 b3 | wc -l)" -le 3 "new blocks for add-filecaps"
	run -1 $TARCMP once.aci caps.aci
	assert "${#lines[@]}" -eq 1 "differences"
}

@test "single-block, CRC32 and concatenated xz inputs are decoded and recompressed" {
	make_big
	xz -T1 -1 -c big.tar >one.txz
	xz -T2 -1 -C crc32 --block-size=1MiB -c big.tar >crc32.txz
	# Two streams back to back, stream padding between and after them.
	head -c 3000000 big.tar | xz -1 -c >two.txz
	head -c 8 /dev/zero >>two.txz
	tail -c +3000001 big.tar | xz -1 -c >>two.txz
	head -c 4 /dev/zero >>two.txz
	for f in one crc32 two; do
		rm -f out.aci
		run_acitool patch-manifest --capability CAP_NET_RAW $f.txz out.aci
		check_xz out.aci
		run -0 $TARCMP big.tar out.aci --skip-data manifest
	done
	# CRC32 blocks cannot go into a CRC64 stream: none of them is copied.
	blocks crc32.txz | sort >b1
	rm -f out.aci
	run_acitool patch-manifest --capability CAP_NET_RAW crc32.txz out.aci
	blocks out.aci | sort >b2
	assert "$(comm -12 b1 b2 | wc -l)" -eq 0 "CRC32 blocks copied"
}

@test "corrupt, truncated and padded-wrong xz inputs are refused" {
	make_big
	xz -T2 -1 --block-size=1MiB -c big.tar >in.txz
	size=$(stat -c %s in.txz)
	head -c $((size - 100)) in.txz >trunc.txz
	python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) // 2] ^= 1; open(sys.argv[2], "wb").write(d)' in.txz flip.txz
	{ cat in.txz; head -c 3 /dev/zero; } >pad3.txz
	{ cat in.txz; echo garbage; } >garbage.txz
	for f in trunc flip pad3 garbage; do
		run -1 "$ACITOOL" patch-manifest --capability CAP_NET_RAW $f.txz out.aci
		expect_error_line patch-manifest "$f.txz"
		[ ! -e out.aci ]
	done
}

@test "xz output is the same bytes twice, whatever the number of cores" {
	make_big
	run_acitool patch-manifest --capability CAP_NET_RAW --compression=xz big.tar a.aci
	taskset -c 0 "$ACITOOL" patch-manifest --capability CAP_NET_RAW --compression=xz big.tar b.aci
	assert "$(sha256 a.aci)" == "$(sha256 b.aci)" "sha256 on all cores and on one"
	run_acitool patch-manifest --revoke-capability CAP_KILL a.aci c.aci
	run_acitool patch-manifest --revoke-capability CAP_KILL a.aci d.aci
	assert "$(sha256 c.aci)" == "$(sha256 d.aci)" "sha256 of a re-patch, twice"
}

@test "the libarchive codec path reads and writes the same xz tar stream" {
	make_big
	xz -T2 -1 --block-size=1MiB -c big.tar >in.txz
	# Level 1: libarchive's xz is one thread at preset 6 otherwise, slow under
	# sanitizers.
	run_acitool patch-manifest --fast --capability CAP_NET_RAW in.txz fast.aci
	ACITOOL_CODEC=libarchive run_acitool patch-manifest --fast --capability CAP_NET_RAW \
		in.txz slow.aci
	xz -t slow.aci
	cmp <(xz -dc fast.aci) <(xz -dc slow.aci)
}
