#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# rkt's functional tests of run, as tables (the ACE reference, section 2.5):
# capability sets read back as CapBnd, users and groups, no-new-privileges,
# OOM scores, and rkt's hidden kernel paths with --insecure-options.

load helpers
load run

# spec_iso NAME VALUE_JSON [USER GROUP]: an app spec with one isolator.
spec_iso() {
	echo "{\"app\":{\"user\":\"${3:-0}\",\"group\":\"${4:-0}\",\"isolators\":[{\"name\":\"$1\",\"value\":$2}]}}"
}

bnd() {
	run_acitool run "$@" -- -c 'grep ^CapBnd: /proc/self/status'
	output=${output##*CapBnd:	}
}

set_json() {
	local s
	s=$(printf '"%s",' "$@")
	echo "{\"set\":[${s%,}]}"
}

@test "rkt: capability isolators, as CapBnd (appCapsTests)" {
	local DEFAULT=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID
		CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SYS_CHROOT CAP_MKNOD CAP_AUDIT_WRITE CAP_SETFCAP)
	local -a cases=(
		"retain|CAP_NET_ADMIN|0000000000001000"
		"retain|CAP_CHOWN|0000000000000001"
		"retain|CAP_CHOWN CAP_FOWNER CAP_SYS_ADMIN CAP_NET_ADMIN|0000000000201009"
		"retain|CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_SETGID CAP_SETFCAP CAP_SETPCAP CAP_SETUID CAP_SYS_ADMIN CAP_SYS_CHROOT CAP_SYS_NICE CAP_SYS_PTRACE CAP_SYS_TTY_CONFIG CAP_SYS_RESOURCE CAP_SYS_BOOT CAP_AUDIT_WRITE CAP_AUDIT_CONTROL|00000000f5ecafff"
		"remove|CAP_CHOWN|00000000a80425fa"
		"remove|CAP_SYS_ADMIN|00000000a80425fb"
		"remove|CAP_CHOWN CAP_SYS_ADMIN|00000000a80425fa"
		"remove|${DEFAULT[*]}|0000000000000000"
		"remove|${DEFAULT[*]/CAP_SYS_CHROOT/}|0000000000040000"
		"remove|${DEFAULT[*]} CAP_SYS_ADMIN|0000000000000000"
	)
	local c kind caps want host
	host=$(grep ^CapBnd: /proc/self/status | cut -f2)
	for c in "${cases[@]}"; do
		IFS='|' read -r kind caps want <<<"$c"
		# shellcheck disable=SC2086
		image img.aci "$(spec_iso os/linux/capabilities-$kind-set "$(set_json $caps)")"
		bnd img.aci
		# runc can give the app only what acitool has (some machines
		# lack CAP_SYS_RESOURCE, for one).
		want=$(printf '%016x' $((0x$want & 0x$host)))
		assert "$output" == "$want" "$kind $caps"
	done
}

@test "rkt: --caps-retain and --caps-remove over the image (TestCapsOverride)" {
	image mknod.aci "$(spec_iso os/linux/capabilities-retain-set "$(set_json CAP_MKNOD)")"
	image chown.aci "$(spec_iso os/linux/capabilities-remove-set "$(set_json CAP_CHOWN)")"
	bnd --caps-retain=CAP_SYS_ADMIN mknod.aci
	assert "$output" == 0000000000200000 "retain MKNOD, --caps-retain SYS_ADMIN"
	bnd --caps-retain=CAP_SYS_ADMIN chown.aci
	assert "$output" == 0000000000200000 "remove CHOWN, --caps-retain SYS_ADMIN"
	bnd --caps-remove=CAP_KILL chown.aci
	assert "$output" == 00000000a80425db "remove CHOWN, --caps-remove KILL"
	bnd --caps-remove=CAP_KILL mknod.aci
	assert "$output" == 00000000a80425db "retain MKNOD, --caps-remove KILL"
}

@test "rkt: users and groups (rkt_run_user_group_test)" {
	# rkt's inspect image: user1 (1000) in group1 (100), no root lines.
	local entries='"entries":[{"name":"etc/passwd","data":"user1:x:1000:100::/:\n"},{"name":"etc/group","data":"group1:x:100:user1\n"}]'
	local -a cases=(
		"0|0||||0 0" "0|0|200|||200 0" "0|0||300||0 300" "0|0|200|300||200 300"
		"0|0|user1|300||1000 300" "0|0|200|group1||200 100" "400|500||||400 500"
		"400|500|200|||200 500" "400|500||300||400 300" "400|500|user1|group1||1000 100"
		"root|root||||0 0" "0|0|root|root||0 0" "0|0|/bin/busybox|/bin/busybox||0 0"
	)
	local c u g fu fg _ want args
	for c in "${cases[@]}"; do
		IFS='|' read -r u g fu fg _ want <<<"$c"
		image img.aci "{\"app\":{\"user\":\"$u\",\"group\":\"$g\"},$entries}"
		args=()
		[ -n "$fu" ] && args+=("--user=$fu")
		[ -n "$fg" ] && args+=("--group=$fg")
		run_acitool run "${args[@]}" img.aci -- -c 'echo $(id -u) $(id -g)'
		assert "$output" == "$want" "image $u/$g, flags ${args[*]}"
	done
}

@test "rkt: no-new-privileges and OOM score (rkt_no_new_privs_test, rkt_oom_test)" {
	local NNP=os/linux/no-new-privileges
	local -a cases=("true||1" "true|--user=1000|1" "false||0")
	local c v flag want
	for c in "${cases[@]}"; do
		IFS='|' read -r v flag want <<<"$c"
		image img.aci "$(spec_iso $NNP "$v")"
		run_acitool run $flag img.aci -- -c 'grep ^NoNewPrivs: /proc/self/status'
		assert "$output" == "NoNewPrivs:	$want" "$NNP $v $flag"
	done
	# false then true: true wins.
	image img.aci "{\"app\":{\"user\":\"0\",\"group\":\"0\",\"isolators\":[{\"name\":\"$NNP\",\"value\":false},{\"name\":\"$NNP\",\"value\":true}]}}"
	run_acitool run img.aci -- -c 'grep ^NoNewPrivs: /proc/self/status'
	assert "$output" == "NoNewPrivs:	1" "false then true"
	image img.aci '{}'
	run_acitool run img.aci -- -c 'grep ^NoNewPrivs: /proc/self/status; cat /proc/self/oom_score_adj'
	assert "$output" == "NoNewPrivs:	0
0" "none"
	image img.aci "$(spec_iso os/linux/oom-score-adj 99)"
	run_acitool run img.aci -- -c 'cat /proc/self/oom_score_adj'
	assert "$output" == 99 "oom-score-adj 99"
	run_acitool run --oom-score-adj=42 img.aci -- -c 'cat /proc/self/oom_score_adj'
	assert "$output" == 42 "--oom-score-adj 42"
}

@test "rkt: hidden kernel paths; --insecure-options" {
	image img.aci '{}'
	run_acitool run img.aci -- -c 'wc -c </proc/kallsyms; ls /sys/fs | wc -l; { echo x >/proc/sysrq-trigger; } 2>/dev/null || echo ro'
	expect_output "0
0
ro"
	run_acitool run --insecure-options=paths img.aci -- -c 'head -c1 /proc/kallsyms | wc -c; ls /sys/fs | grep -x cgroup'
	expect_output "1
cgroup"
	run_acitool run --verbose --insecure-options=capabilities,seccomp img.aci -- -c 'grep -E "^(CapBnd|Seccomp):" /proc/self/status'
	expect_output --substring "Seccomp:	0"
	assert "$(printf '%s\n' "$output" | grep ^CapBnd: | cut -f2)" == "$(grep ^CapBnd: /proc/self/status | cut -f2)" "all of acitool's capabilities"
	run_acitool 2 run --insecure-options=image img.aci
}
