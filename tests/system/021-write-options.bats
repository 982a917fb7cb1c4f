#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Options every writing verb shares: --compression-level, --fast, --progress.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	# A compressible image: the manifest and 2 MiB of text made of words.
	python3 - "$ACT_FIXTURES/minimal.tar" <<'EOF2'
import io, random, sys, tarfile
with tarfile.open(sys.argv[1]) as src, tarfile.open("text.tar", "w", format=tarfile.PAX_FORMAT) as out:
    for m in src.getmembers():
        out.addfile(m, src.extractfile(m) if m.isfile() else None)
    rnd = random.Random(1)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randrange(2, 9)))
             for _ in range(3000)]
    data = "\n".join(" ".join(rnd.choice(words) for _ in range(rnd.randrange(3, 12)))
                     for _ in range(50000)).encode()
    ti = tarfile.TarInfo("rootfs/words")
    ti.size, ti.mtime = len(data), 1700000000
    out.addfile(ti, io.BytesIO(data))
EOF2
}

size() {
	stat -c %s "$1"
}

@test "--compression-level: 1 is larger than 9, for gzip, bzip2 and xz; both read back" {
	local c
	for c in gzip bzip2 xz; do
		run_acitool patch-manifest --capability CAP_NET_RAW --compression=$c \
			--compression-level=1 text.tar l1.$c
		run_acitool patch-manifest --capability CAP_NET_RAW --compression=$c \
			--compression-level=9 text.tar l9.$c
		assert "$(size l1.$c)" -gt "$(size l9.$c)" "$c: level 1 size vs level 9"
		run -0 $TARCMP l1.$c l9.$c
	done
}

@test "--fast is --compression-level=1" {
	run_acitool patch-manifest --capability CAP_NET_RAW --compression=gzip --fast text.tar f.aci
	run_acitool patch-manifest --capability CAP_NET_RAW --compression=gzip \
		--compression-level=1 text.tar l1.aci
	assert "$(sha256 f.aci)" == "$(sha256 l1.aci)" "sha256"
	run_acitool patch-manifest --capability CAP_NET_RAW --compression=gzip text.tar d.aci
	assert "$(size f.aci)" -gt "$(size d.aci)" "--fast size vs the default"
}

@test "--compression-level out of range or not a number: usage error, nothing written" {
	local l
	for l in 0 10 -1 x 5x ''; do
		run_acitool 2 patch-manifest --capability CAP_NET_RAW --compression-level="$l" \
			text.tar out.aci
		expect_error_line patch-manifest "--compression-level"
	done
	expect_files . text.tar
}

@test "contradictory compression settings and an unknown ACITOOL_CODEC: usage errors" {
	# Each would otherwise let one setting win in silence.
	run_acitool 2 patch-manifest --capability CAP_NET_RAW --compression=gzip --fast \
		--compression-level=9 text.tar out.aci
	expect_error_line patch-manifest "--fast and --compression-level=9 exclude each other"
	run_acitool 2 build --compression-level=9 --fast /nonexistent out.aci
	expect_error_line build "--fast and --compression-level=9 exclude each other"
	run_acitool 2 patch-manifest --capability CAP_NET_RAW --compression=none \
		--compression-level=9 text.tar out.aci
	expect_error_line patch-manifest "--compression-level has no meaning without compression"
	run_acitool 2 add-filecaps --no-compression --fast text.tar out.aci /x cap_net_raw+ep
	expect_error_line add-filecaps "--fast has no meaning without compression"
	ACITOOL_CODEC=libarchve run_acitool 2 patch-manifest --capability CAP_NET_RAW text.tar out.aci
	expect_error_line patch-manifest "ACITOOL_CODEC: 'libarchve' is neither 'libarchive' nor 'default'"
	ACITOOL_CODEC=libarchve run_acitool 2 cat-manifest text.tar
	expect_files . text.tar
	# What stays allowed: --fast with level 1, a level for an input's own
	# compression (none here: nothing to apply it to), the named choices.
	run_acitool patch-manifest --capability CAP_NET_RAW --compression=gzip --fast \
		--compression-level=1 text.tar a.aci
	run_acitool patch-manifest --capability CAP_NET_RAW --compression-level=9 text.tar b.aci
	ACITOOL_CODEC=default run_acitool patch-manifest --capability CAP_NET_RAW text.tar c.aci
	ACITOOL_CODEC= run_acitool patch-manifest --capability CAP_NET_RAW text.tar d.aci
	cmp b.aci c.aci
	cmp c.aci d.aci
}

@test "--no-sync takes true or false; another value is a usage error, nothing written" {
	run_acitool 2 patch-manifest --capability CAP_NET_RAW --no-sync=maybe text.tar out.aci
	expect_error_line patch-manifest "--no-sync.*'maybe' is not a boolean"
	run_acitool 2 add-filecaps --no-sync=1x text.tar out.aci /x cap_net_raw+ep
	expect_error_line add-filecaps "'1x' is not a boolean"
	expect_files . text.tar
}

@test "--progress: a final progress line on stderr; --no-progress and a pipe: none" {
	run -0 --separate-stderr "$ACITOOL" patch-manifest --capability CAP_NET_RAW --progress \
		text.tar p.aci
	assert "$stderr" =~ "MiB of .* MiB \(100%\), 5 entries" "progress line"
	run -0 --separate-stderr "$ACITOOL" patch-manifest --capability CAP_NET_RAW --no-progress \
		text.tar q.aci
	assert "$stderr" == "" "stderr with --no-progress"
	# stderr is not a terminal here: quiet by default.
	run -0 --separate-stderr "$ACITOOL" patch-manifest --capability CAP_NET_RAW text.tar r.aci
	assert "$stderr" == "" "stderr by default, not a terminal"
	assert "$(sha256 p.aci)" == "$(sha256 q.aci)" "progress does not change the output"
}

@test "--progress: plain lines in a log, a line redrawn in place on a terminal" {
	"$ACITOOL" patch-manifest --capability CAP_NET_RAW --progress text.tar p.aci 2>log
	cat -A log
	# One line every 5 s and the last (a slow run, under valgrind, has more).
	assert "$(wc -l <log)" -ge 1 "lines in the log"
	assert "$(tr -d '\r\033' <log)" == "$(cat log)" "no carriage return or escape"
	assert "$(tail -n1 log)" =~ "^ +[0-9.]+ MiB of .* MiB \(100%\), 5 entries, " "the last line"
	[ -z "$(tail -c1 log)" ] || die "the log does not end in a newline"
	# script(1) gives it a terminal: the line is redrawn, then erased to its end.
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	script -qec "'$ACITOOL' patch-manifest --capability CAP_NET_RAW --progress text.tar t.aci" \
		/dev/null >tty.log
	cat -A tty.log
	grep -q $'^\r *[0-9.]* MiB of .*\033\\[K' tty.log || die "no redrawn line on the terminal"
}
