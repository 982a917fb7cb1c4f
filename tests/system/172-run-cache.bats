#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# run's rootfs cache: an image is extracted once per image ID, and each run
# mounts it as the read-only lower layer of an overlay with a fresh upper
# layer, so every run still starts from a clean copy.

load helpers
load run

# cache_line: what --verbose says of the rootfs.
cache_line() {
	printf '%s\n' "$output" | grep '^acitool: run: rootfs: ' || true
}

@test "cache: the first run extracts into the cache, the next ones mount it" {
	image img.aci '{}'
	run_acitool run --verbose img.aci -- -c 'echo ran'
	assert "$(cache_line)" =~ "extracted into the cache, as an overlay" "first run"
	expect_output --substring "ran"
	# The entry is named by the image ID.
	local id
	id=$("$ACITOOL" id img.aci)
	[ -d "$ACITOOL_CACHE_DIR/images/$id/rootfs/bin" ] || die "no entry $id"
	# A file changed less than 2 s before is read again (its times may not
	# show a second change within the same clock tick): found by its ID.
	run_acitool run --verbose img.aci -- -c 'echo ran'
	assert "$(cache_line)" =~ "cached .found by its image ID., as an overlay" "second run"
	# A copy elsewhere: read, the same ID, the same entry.
	cp img.aci copy.aci
	run_acitool run --verbose copy.aci -- -c 'echo ran'
	assert "$(cache_line)" =~ "found by its image ID" "a copy of the image"
	assert "$(ls "$ACITOOL_CACHE_DIR/images" | wc -l)" == 1 "entries"
	# Older files are linked by their identity, and then not read at all.
	sleep 3
	run_acitool run img.aci -- -c 'echo ran'
	run_acitool run --verbose img.aci -- -c 'echo ran'
	assert "$(cache_line)" =~ "found by the file, unread" "a settled file"
	# The same tar in every compression: one entry, named by the ID that
	# acitool id gives.
	gzip -c img.aci >img.gz.aci
	xz -c img.aci >img.xz.aci
	bzip2 -c img.aci >img.bz2.aci
	local f
	for f in img.gz.aci img.xz.aci img.bz2.aci; do
		run_acitool run "$f" -- -c true
		assert "$(ls "$ACITOOL_CACHE_DIR/images")" == "$("$ACITOOL" id "$f")" "entry of $f"
	done
	# From standard input, read every time.
	run bash -c "'$ACITOOL' run - -- -c 'echo ran' <img.aci"
	assert "$output" =~ "ran" "from stdin"
	assert "$(ls "$ACITOOL_CACHE_DIR/images" | wc -l)" == 1 "entries"
}

@test "cache: every run starts clean; the cache never changes" {
	image img.aci '{"entries":[{"name":"etc/motd","data":"original\n"}]}'
	run_acitool run img.aci -- -c 'echo changed >/etc/motd; rm /bin/ls; touch /new; cat /etc/motd'
	expect_output "changed"
	run_acitool run img.aci -- -c 'cat /etc/motd; test -e /bin/ls && echo ls; test -e /new || echo no new'
	expect_output "original
ls
no new"
	local id
	id=$("$ACITOOL" id img.aci)
	assert "$(cat "$ACITOOL_CACHE_DIR/images/$id/rootfs/etc/motd")" == original "the cached file"
}

@test "cache: file capabilities and owners come through the overlay" {
	image img.aci '{"app":{"user":"1000","group":"1000","isolators":[{"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_NET_RAW"]}}]}}'
	run_acitool add-filecaps img.aci fc.aci /bin/busybox cap_net_raw+ep
	run_acitool run fc.aci -- -c "$PING"
	expect_output --substring "1 packets received"
	run_acitool run fc.aci -- -c "$PING"
	expect_output --substring "1 packets received"
	getcap "$ACITOOL_CACHE_DIR/images/$("$ACITOOL" id fc.aci)/rootfs/bin/busybox" | grep -q cap_net_raw ||
		die "the cached busybox has no file capability"
}

@test "cache: an image rewritten in place is not taken for the old one" {
	image img.aci '{"entries":[{"name":"etc/motd","data":"one\n"}]}'
	run_acitool run img.aci -- -c 'cat /etc/motd'
	expect_output "one"
	image new.aci '{"entries":[{"name":"etc/motd","data":"two\n"}]}'
	cat new.aci >img.aci
	run_acitool run img.aci -- -c 'cat /etc/motd'
	expect_output "two"
}

@test "cache: --no-cache extracts afresh, and leaves the cache alone" {
	image img.aci '{}'
	run_acitool run --verbose --no-cache img.aci -- -c 'echo ran'
	assert "$(cache_line)" == "" "rootfs line"
	[ ! -e "$ACITOOL_CACHE_DIR/images" ] || assert "$(ls "$ACITOOL_CACHE_DIR/images")" == "" "entries"
}

@test "cache prune: removes what no run uses, keeps what one does" {
	image img.aci '{}'
	image other.aci '{"entries":[{"name":"etc/x","data":"x\n"}]}'
	run_acitool run img.aci -- -c true
	run_acitool run other.aci -- -c true
	start_acitool -- run other.aci -- -c 'touch /tmp/ready; sleep 100'
	for i in $(seq 100); do
		compgen -G "$TMPDIR/acitool-run.*/rootfs/tmp/ready" >/dev/null && break
		sleep 0.1
	done
	run_acitool cache prune
	expect_output "1 removed, 1 in use"
	assert "$(ls "$ACITOOL_CACHE_DIR/images")" == "$("$ACITOOL" id other.aci)" "entries left"
	kill -TERM "$PID"
	wait_status
	run_acitool cache prune --cache-dir="$ACITOOL_CACHE_DIR"
	expect_output "1 removed, 0 in use"
	# The next run renders again.
	run_acitool run --verbose img.aci -- -c true
	assert "$(cache_line)" =~ "extracted into the cache," "after prune"
	run_acitool 2 cache
	run_acitool 2 cache clean
}

@test "cache: a broken image leaves no entry behind" {
	image img.aci '{}'
	head -c 100000 img.aci >cut.aci
	run_acitool 125 run cut.aci
	[ ! -e "$ACITOOL_CACHE_DIR/images" ] || assert "$(ls -A "$ACITOOL_CACHE_DIR/images")" == "" "entries"
}
