#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# run's seccomp filters on runc, judged from inside the app: the Seccomp
# line of /proc/self/status, a call that fails with the errno asked for,
# SIGSYS for a killed one. rkt's functional seccomp cases, run for real.

load helpers
load run

RSC=os/linux/seccomp-retain-set
RMC=os/linux/seccomp-remove-set
# busybox stat uses one of these, whichever the libc picks.
STATS='"stat","lstat","newfstatat","statx","fstat"'

# seccomp_spec NAME SET_JSON [ERRNO]: an app spec with that isolator.
seccomp_spec() {
	local e=
	[ -n "${3:-}" ] && e=",\"errno\":\"$3\""
	echo "{\"app\":{\"isolators\":[{\"name\":\"$1\",\"value\":{\"set\":[$2]$e}}]}}"
}

STATUS='grep "^Seccomp:" /proc/self/status; stat -c %F / 2>&1'

@test "seccomp: no isolator: Docker's blacklist, with EPERM" {
	image img.aci '{}'
	run_acitool run img.aci -- -c "$STATUS; unshare -U true 2>&1; echo rc=\$?"
	expect_output "Seccomp:	2
directory
unshare: unshare(0x10000000): Operation not permitted
rc=1"
	run_acitool run --verbose img.aci -- -c true
	expect_output --substring "acitool: run: isolator seccomp (no isolator): enforced: acitool's default, Docker's blacklist: 50 system calls EPERM"
	run_acitool run --seccomp=off img.aci -- -c "$STATUS"
	expect_output --substring "Seccomp:	0"
}

@test "seccomp: rkt's cases: wildcards that run, and what they filter" {
	# rkt's functional test: each of these runs the app.
	local set
	for set in '"@appc.io/all"' '"@rkt/default-whitelist"' '"@docker/default-whitelist"'; do
		image img.aci "$(seccomp_spec $RSC "$set")"
		run_acitool run img.aci -- -c "$STATUS"
		expect_output --substring "directory"
	done
	for set in '"@appc.io/empty"' '"@rkt/default-blacklist"' '"reboot"'; do
		image img.aci "$(seccomp_spec $RMC "$set")"
		run_acitool run img.aci -- -c "$STATUS"
		expect_output --substring "directory"
		run_acitool run --user=1000 img.aci -- -c "$STATUS"
		expect_output --substring "directory"
	done
	# @appc.io/all: no filter at all.
	image img.aci "$(seccomp_spec $RSC '"@appc.io/all","reboot"')"
	run_acitool run img.aci -- -c "$STATUS"
	expect_output --substring "Seccomp:	0"
}

@test "seccomp: a remove-set with errno: the call fails with it" {
	image img.aci "$(seccomp_spec $RMC "$STATS" EXFULL)"
	run_acitool 1 run img.aci -- -c "$STATUS"
	expect_output --substring "stat: can't stat '/': Exchange full"
	# runc sets the user after loading the filter, with stat among its
	# calls: no-new-privileges is forced on, and said so.
	expect_output --substring "warning: no-new-privileges forced on"
	run_acitool run img.aci -- -c 'grep NoNewPrivs /proc/self/status'
	expect_output --substring "NoNewPrivs:	1"
	# --seccomp replaces the isolator.
	run_acitool run --seccomp=mode=retain,@appc.io/all img.aci -- -c "$STATUS"
	expect_output --substring "directory"
	image img.aci '{}'
	run_acitool 1 run "--seccomp=mode=remove,errno=EMULTIHOP,$(echo "$STATS" | tr -d '"')" img.aci -- -c "$STATUS"
	expect_output --substring "Multihop attempted"
}

@test "seccomp: without errno, a refused call kills the app with SIGSYS" {
	image img.aci "$(seccomp_spec $RMC '"uname"')"
	run_acitool 159 run --exec=/bin/uname img.aci
	# A retain-set without the call: killed too; with it, it runs.
	image ret.aci "$(seccomp_spec $RSC '"@rkt/default-whitelist"')"
	run_acitool run ret.aci -- -c 'uname -s'
	expect_output "Linux"
	run_acitool 159 run ret.aci -- -c 'unshare -U true'
}

@test "seccomp: calls newer than a retain-set fail with ENOSYS, not SIGSYS" {
	# rkt's whitelist is from 2016: rseq, statx, clone3 are not in it. glibc
	# and busybox fall back when they get ENOSYS; a SIGSYS would kill them.
	image img.aci "$(seccomp_spec $RSC '"@rkt/default-whitelist"')"
	run_acitool run img.aci -- -c 'sh -c "echo child"; stat -c %F /'
	expect_output "child
directory"
	run_acitool run --user=1000 img.aci -- -c 'id -u'
	expect_output "1000"
}

@test "seccomp: refused: unknown names, wildcards, errnos; two isolators" {
	image img.aci "$(seccomp_spec $RMC '"nosuchcall"')"
	run_acitool 125 run img.aci
	expect_error_line run "isolator '$RMC': 'nosuchcall': not a system call of this architecture"
	image img.aci "$(seccomp_spec $RMC '"@systemd/clock"')"
	run_acitool 125 run img.aci
	expect_error_line run "'@systemd/clock': not a wildcard acitool knows"
	image img.aci "$(seccomp_spec $RMC '"reboot"' ENOPE)"
	run_acitool 125 run img.aci
	expect_error_line run "app.isolators.0..value.errno: unknown errno name 'ENOPE'"
	image good.aci '{}'
	run_acitool 125 run --seccomp=mode=remove,errno=ENOPE,reboot good.aci
	expect_error_line run "--seccomp: errno 'ENOPE': not an errno name"
	image img.aci "{\"app\":{\"isolators\":[{\"name\":\"$RMC\",\"value\":{\"set\":[\"reboot\"]}},{\"name\":\"$RSC\",\"value\":{\"set\":[\"@appc.io/all\"]}}]}}"
	run_acitool 125 run img.aci
	expect_output --substring "seccomp"
	# A remove-set runc itself cannot start without.
	image img.aci "$(seccomp_spec $RMC '"write"')"
	run_acitool 125 run img.aci
	expect_error_line run "removing 'write' leaves runc unable to start the app"
	run_acitool 2 run --seccomp=bogus img.aci
	run_acitool 125 run --seccomp=mode=remove,nosuchcall img.aci
	expect_error_line run "--seccomp: 'nosuchcall'"
}
