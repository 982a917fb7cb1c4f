#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# What make and scripts rely on, for every verb: a verb that writes prints
# nothing on success (stdout and stderr), also when it overwrites; with
# --print-id, only the ID; a bad option is exit status 2 and one error line;
# a missing input is exit status 1. The verbs come from 'acitool --help', so
# a new verb is checked too (a new writing verb must get a case here).

bats_require_minimum_version 1.5.0

load helpers

setup() {
	# A directory of its own: bats keeps --separate-stderr files in the test's.
	mkdir "$BATS_TEST_TMPDIR/w" && cd "$BATS_TEST_TMPDIR/w"
	python3 "$ACT_TESTS_DIR/tools/mkaci.py" in.aci '{"files": [{"name": "bin/ping"}]}'
}

# Every verb 'acitool --help' lists.
verbs() {
	"$ACITOOL" --help | awk '/^Verbs:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'
}

# A verb writes an image when its help has --overwrite.
writes() {
	"$ACITOOL" "$1" --help | grep -q -- '--overwrite'
}

# A layout directory for build, made without acitool.
layout() {
	mkdir -p lay/rootfs/bin
	python3 -c 'import json, tarfile
print(tarfile.open("in.aci").extractfile("manifest").read().decode(), end="")' >lay/manifest
	printf '#!/bin/sh\n' >lay/rootfs/bin/ping
	chmod 755 lay/rootfs/bin/ping
	# An OCI image layout for import.
	"$ACITOOL" export-oci in.aci ocilay:t 2>/dev/null
}

# success_args VERB OUT: arguments of one successful run writing OUT.
success_args() {
	case "$1" in
	patch-manifest) echo "--capability=net_raw in.aci $2" ;;
	add-filecaps) echo "in.aci $2 /bin/ping cap_net_raw+ep" ;;
	remove-filecaps) echo "in.aci $2 /bin/ping" ;;
	build) echo "lay $2" ;;
	render) echo "--flatten in.aci $2" ;;
	import) echo "--name=example.com/q ocilay:t $2" ;;
	*) return 1 ;;
	esac
}

@test "quiet: every verb that writes an image prints nothing on success, nor when overwriting" {
	layout
	local v n=0
	for v in $(verbs); do
		writes "$v" || continue
		success_args "$v" x >/dev/null || die "$v writes images: give it a case in success_args"
		# shellcheck disable=SC2046
		run -0 --separate-stderr "$ACITOOL" "$v" $(success_args "$v" "out-$v.aci")
		assert "$output" == "" "$v: stdout on success"
		assert "$stderr" == "" "$v: stderr on success"
		[ -s "out-$v.aci" ] || die "$v wrote no out-$v.aci"
		# shellcheck disable=SC2046
		run -0 --separate-stderr "$ACITOOL" "$v" --overwrite $(success_args "$v" "out-$v.aci")
		assert "$output$stderr" == "" "$v --overwrite: output on success"
		n=$((n + 1))
	done
	assert "$n" -ge 3 "writing verbs checked (patch-manifest, add-filecaps, build)"
}

@test "quiet: extract and bundle print nothing on success (as root; otherwise one warning)" {
	local v
	for v in extract bundle; do
		run -0 --separate-stderr "$ACITOOL" "$v" in.aci "out-$v"
		assert "$output" == "" "$v: stdout on success"
		if is_root; then
			assert "$stderr" == "" "$v: stderr on success"
		else
			assert "$stderr" =~ "^acitool: $v: warning: [^"$'\n'"]*$" "$v: stderr: one warning"
		fi
		[ -f "out-$v/manifest" ] || die "$v: nothing extracted"
	done
	[ -f out-bundle/config.json ] || die "bundle: no config.json"
}

@test "quiet: --print-id prints the ID and nothing else" {
	layout
	local v n=0
	for v in $(verbs); do
		writes "$v" && "$ACITOOL" "$v" --help | grep -q -- --print-id || continue
		# shellcheck disable=SC2046
		run -0 --separate-stderr "$ACITOOL" "$v" --print-id $(success_args "$v" "out-$v.aci")
		assert "$output" =~ "^sha512-[0-9a-f]{128}$" "$v --print-id: stdout"
		assert "$stderr" == "" "$v --print-id: stderr"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || skip "no verb has --print-id"
}

@test "exit status: 2 and one error line for an unknown option, for every verb" {
	local v
	for v in $(verbs); do
		run -2 --separate-stderr "$ACITOOL" "$v" --no-such-option
		assert "$output" == "" "$v: stdout"
		output=$stderr expect_error_line "$v" "--no-such-option"
	done
	run -2 --separate-stderr "$ACITOOL" no-such-verb
	assert "$stderr" =~ "^acitool: unknown verb 'no-such-verb'" "unknown verb"
}

@test "exit status: 1 and one error line for a missing input, for every verb that reads one" {
	local v args n=0
	for v in $(verbs); do
		case "$v" in
		patch-manifest) args="--capability=net_raw missing.aci out.aci" ;;
		add-filecaps) args="missing.aci out.aci /bin/ping cap_net_raw+ep" ;;
		build) args="missing out.aci" ;;
		extract | bundle) args="missing.aci out" ;;
		remove-filecaps) args="missing.aci out.aci /bin/ping" ;;
		cat-manifest | list-filecaps | lint | validate | ls) args="missing.aci" ;;
		cat-file) args="missing.aci /bin/ping" ;;
		*) continue ;; # diff: cmp's exit codes, 2 for trouble (162-diff)
		esac
		# shellcheck disable=SC2086
		run -1 --separate-stderr "$ACITOOL" "$v" $args
		assert "$output" == "" "$v: stdout"
		output=$stderr expect_error_line "$v" "missing"
		expect_files . in.aci
		n=$((n + 1))
	done
	assert "$n" -ge 4 "verbs checked"
}
