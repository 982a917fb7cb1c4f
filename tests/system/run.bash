# SPDX-License-Identifier: Apache-2.0
# Shared by the run tests (170, 171): each needs root, runc and
# busybox-static; each test leaves no bundle in its TMPDIR and no
# container behind.

RETAIN=os/linux/capabilities-retain-set
REMOVE=os/linux/capabilities-remove-set

setup_file() {
	is_root || return 0
	command -v runc >/dev/null || return 0
	[ -x /bin/busybox ] && /bin/busybox --list | grep -qx nc || return 0
	export ACT_RUN_OK=1
}

setup() {
	is_root || skip "needs root: runc makes the namespaces"
	[ -n "${ACT_RUN_OK:-}" ] || skip "needs runc and busybox-static with nc"
	# Runs leave nothing in TMPDIR: checked after each test.
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	export ACITOOL_CACHE_DIR=$BATS_TEST_TMPDIR/cache
	mkdir -p "$TMPDIR"
	cd "$BATS_TEST_TMPDIR"
}

# The IDs of the containers whose bundle is in this test's TMPDIR (other
# bats files run at the same time, with containers of their own).
my_containers() {
	runc list --format json | python3 -c '
import json, sys
for c in json.load(sys.stdin) or []:
    if c["bundle"].startswith(sys.argv[1] + "/"):
        print(c["id"])' "$TMPDIR"
}

# wait_container: until this test's container runs (bounded: 10 s).
wait_container() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -n "$(my_containers)" ] && return 0
		sleep 0.1
	done
	die "no container started"
}

teardown() {
	local left
	[ -n "${ACT_RUN_OK:-}" ] && is_root || return 0
	# A test that failed midway may leave its acitool running: end it,
	# and its container, so the next test starts clean; then fail.
	[ -z "${PID:-}" ] || kill -KILL "$PID" 2>/dev/null || true
	left=$(my_containers)
	for id in $left; do
		runc delete --force "$id"
	done
	assert "$left" == "" "acitool containers left"
	# No overlay of a run is left mounted, and no bundle.
	left=$(grep -F " $BATS_TEST_TMPDIR/" /proc/mounts || true)
	for m in $(echo "$left" | cut -d' ' -f2); do
		umount -l "$m"
	done
	assert "$left" == "" "mounts left"
	expect_files "$TMPDIR"
}

# image OUT SPEC_JSON: an image that runs (tests/tools/mkrunimage.py).
image() {
	python3 "$ACT_TESTS_DIR/tools/mkrunimage.py" "$1" "$2"
}

# caps ISOLATOR_NAME CAPS...: an app spec with that capability isolator.
caps_spec() {
	local name=$1 user=$2
	shift 2
	local set
	set=$(printf '"%s",' "$@")
	echo "{\"app\":{\"user\":\"$user\",\"group\":\"$user\",\"isolators\":[{\"name\":\"$name\",\"value\":{\"set\":[${set%,}]}}]}}"
}

# The app's capability sets, as its kernel reports them.
status_caps() {
	run_acitool "$@" -- -c 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status'
}

PING='ping -c1 -W2 127.0.0.1'
# A bind of port 80 that succeeded waits for a peer (then times out);
# one that failed says why at once.
BIND80='nc -l -p 80 -w 1 2>&1; true'
