#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# --dry-run: every check of a real run, nothing written, and what would
# change printed: the lines 'acitool diff IMAGE OUTPUT' prints after the
# real run (build: what 'acitool ls OUTPUT' prints).

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	copy_fixtures kitchen
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	mkdir tmp
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	cp "$FX/kitchen.tgz" in.aci
	touch -d @1600000000 in.aci
	IN_SUM=$(sha256 in.aci)
}

# unchanged: in.aci has its bytes and mtime, and nothing else was left.
unchanged() {
	assert "$(sha256 in.aci)" == "$IN_SUM" "IMAGE's bytes"
	assert "$(stat -c %Y in.aci)" == 1600000000 "IMAGE's mtime"
	expect_files . in.aci tmp "$@"
	expect_files tmp
}

# same_as_real VERB ARGS... [-- TAIL...]: 'VERB --dry-run ARGS in.aci
# dry.aci TAIL' prints what diff shows after the real run, and writes nothing.
same_as_real() {
	local verb=$1 args=() tail=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	tail=("$@")
	run_acitool "$verb" --dry-run "${args[@]}" in.aci dry.aci "${tail[@]}"
	local dry=$output
	unchanged
	run_acitool "$verb" "${args[@]}" in.aci real.aci "${tail[@]}"
	run_acitool '?' diff in.aci real.aci
	assert "$dry" == "$output" "--dry-run against diff of the real output"
	[ -n "$dry" ] || die "the edit changes nothing: a test that cannot fail"
	rm real.aci
}

@test "--dry-run: patch-manifest, add-filecaps and remove-filecaps print the real run's diff" {
	same_as_real patch-manifest --capability=CAP_NET_RAW,CAP_CHOWN --user=7
	same_as_real patch-manifest --exec="/bin/sh -c 'exit 0'" --filecap=/bin/ping=cap_net_raw+ep
	same_as_real add-filecaps -- /bin/suid cap_net_raw+ep /files/one cap_net_raw+p
	same_as_real remove-filecaps -- /bin/ping
	# patch-manifest's OUTPUT may be left out.
	run_acitool patch-manifest --dry-run --user=7 in.aci
	assert "$output" == 'manifest: .app.user: "0" -> "7"' "the one change"
	unchanged
}

@test "--dry-run: --replace leaves IMAGE untouched; OUTPUT is checked, not written" {
	run_acitool patch-manifest --dry-run --replace --user=7 in.aci
	expect_output 'manifest: .app.user: "0" -> "7"'
	unchanged
	run_acitool add-filecaps --dry-run in.aci out.aci /bin/ping cap_net_raw+ep
	unchanged
	# An OUTPUT that exists is refused, as in a real run, and kept.
	echo keep >out.aci
	run_acitool 1 patch-manifest --dry-run --user=7 in.aci out.aci
	expect_error_line patch-manifest "out.aci: output exists"
	assert "$(cat out.aci)" == keep
	run_acitool patch-manifest --dry-run --overwrite --user=7 in.aci out.aci
	assert "$(cat out.aci)" == keep "--overwrite under --dry-run writes nothing"
	rm out.aci
	unchanged
}

@test "--dry-run: bad input fails as a real run does, and writes nothing" {
	run_acitool 2 patch-manifest --dry-run --capability=CAP_BOGUS in.aci
	run_acitool 1 add-filecaps --dry-run in.aci out.aci /nope cap_net_raw+ep
	expect_output --substring "/nope"
	run_acitool 1 add-filecaps --dry-run --replace in.aci /bin/suid cap_chown+ep
	expect_output --substring "--force writes it all the same"
	run_acitool 1 patch-manifest --dry-run --user=7 "$ACT_FIXTURES/bad/truncated.tar"
	unchanged
	# IMAGE is read again for the diff: a pipe cannot be.
	run_acitool 2 patch-manifest --dry-run --user=7 - < <(cat in.aci)
	expect_output --substring "IMAGE must be a file, not a pipe"
	# stdin that is a file can.
	run_acitool patch-manifest --dry-run --user=7 - <in.aci
	expect_output 'manifest: .app.user: "0" -> "7"'
}

@test "--dry-run --print-id: the ID the real run's OUTPUT has" {
	run_acitool patch-manifest --dry-run --print-id --user=7 in.aci
	local id=${lines[-1]}
	assert "$id" =~ "^sha512-[0-9a-f]{128}$"
	run_acitool patch-manifest --print-id --user=7 in.aci real.aci
	assert "$output" == "$id"
}

@test "build --dry-run: the entries 'acitool ls' shows of the real image, nothing written" {
	mkdir -p d/rootfs/bin
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/dry"}' >d/manifest
	printf 'hi\n' >d/rootfs/bin/hello
	run_acitool build --dry-run --owner-root --mtime=1700000000 d
	local dry=$output
	expect_files . in.aci tmp d
	expect_files tmp
	run_acitool build --owner-root --mtime=1700000000 d real.aci
	run_acitool ls real.aci
	assert "$dry" == "$output"
	expect_output --substring " rootfs/bin/hello"
	run_acitool 1 build --dry-run d real.aci
	expect_output --substring "output exists"
}
