#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# run and bundle: rkt's capabilities guide and the ACE's duties, run for
# real on runc with busybox-static. What is judged is the kernel's view from
# inside the app (/proc/self/status, a real ping, a real bind), never
# acitool's own config.json. Needs root and runc (CI is root).

load helpers
load run

@test "run: no isolator: appc's 14 default capabilities, and root pings" {
	image img.aci '{}'
	status_caps run img.aci
	expect_output "CapInh:	0000000000000000
CapPrm:	00000000a80425fb
CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
CapAmb:	0000000000000000"
	run_acitool run img.aci -- -c "$PING"
	expect_output --substring "1 packets received"
}

@test "run: remove-set CAP_NET_RAW: root's ping is refused, port 80 binds" {
	image img.aci "$(caps_spec $REMOVE 0 CAP_NET_RAW)"
	status_caps run img.aci
	expect_output --substring "CapBnd:	00000000a80405fb"
	run_acitool 1 run img.aci -- -c "$PING"
	expect_output --substring "permission denied"
	run_acitool run img.aci -- -c "$BIND80"
	expect_output --substring "timed out"
	assert "$output" !~ "Permission denied" "port 80"
}

@test "run: retain-set CAP_NET_RAW: ping works, port 80 does not, until patched" {
	image img.aci "$(caps_spec $RETAIN 0 CAP_NET_RAW)"
	status_caps run img.aci
	expect_output --substring "CapBnd:	0000000000002000"
	run_acitool run img.aci -- -c "$PING"
	expect_output --substring "1 packets received"
	run_acitool run img.aci -- -c "$BIND80"
	expect_output --substring "bind: Permission denied"
	run_acitool patch-manifest --capability=CAP_NET_RAW,CAP_NET_BIND_SERVICE img.aci both.aci
	run_acitool run both.aci -- -c "$BIND80"
	expect_output --substring "timed out"
	run_acitool run both.aci -- -c "$PING"
	expect_output --substring "1 packets received"
}

@test "run: user 1000: no ping until the file gets cap_net_raw+ep; lint agrees" {
	image img.aci "$(caps_spec $RETAIN 1000 CAP_NET_RAW)"
	# Nothing gives a non-root app its retained caps: lint says so, and so
	# does the kernel.
	run_acitool lint img.aci
	expect_output --substring "retain-unreachable"
	status_caps run img.aci
	expect_output --substring "CapEff:	0000000000000000"
	run_acitool 1 run img.aci -- -c "id -u; $PING"
	expect_output --substring "1000"
	expect_output --substring "permission denied"

	run_acitool add-filecaps img.aci fc.aci /bin/busybox cap_net_raw+ep
	run_acitool lint fc.aci
	assert "$output" !~ "retain-unreachable|filecap-" "lint on the file-capped image"
	run_acitool run fc.aci -- -c "id -u; $PING"
	expect_output --substring "1 packets received"
	status_caps run fc.aci
	expect_output --substring "CapEff:	0000000000002000"
}

@test "run: no-new-privileges: the file capability does not apply; lint agrees" {
	image img.aci "$(caps_spec $RETAIN 1000 CAP_NET_RAW)"
	run_acitool add-filecaps img.aci fc.aci /bin/busybox cap_net_raw+ep
	run_acitool patch-manifest --isolators=os/linux/no-new-privileges,true fc.aci nnp.aci
	run_acitool lint nnp.aci
	expect_output --substring "filecap-nnp"
	run_acitool 1 run nnp.aci -- -c "grep NoNewPrivs /proc/self/status; $PING"
	expect_output --substring "NoNewPrivs:	1"
	expect_output --substring "permission denied"
	run_acitool patch-manifest --isolators=os/linux/no-new-privileges,false fc.aci nnp0.aci
	run_acitool run nnp0.aci -- -c "grep NoNewPrivs /proc/self/status; $PING"
	expect_output --substring "NoNewPrivs:	0"
	expect_output --substring "1 packets received"
}

@test "run: a file capability outside the bounding set: exec fails; lint agrees" {
	image img.aci "$(caps_spec $RETAIN 1000 CAP_NET_RAW)"
	run_acitool '?' add-filecaps --force img.aci out.aci /bin/busybox cap_sys_admin+ep
	run_acitool lint out.aci
	expect_output --substring "filecap-outside-bounding"
	run_acitool '?' run out.aci -- -c 'echo started'
	assert "$status" -ne 0 "exit status"
	assert "$output" !~ "started" "output"
	expect_output --substring "operation not permitted"
	# Inside the bounding set, lint is silent and the same exec works.
	run_acitool add-filecaps img.aci in.aci /bin/busybox cap_net_raw+ep
	run_acitool lint in.aci
	assert "$output" !~ "filecap-outside-bounding" "lint"
	run_acitool run in.aci -- -c 'echo started'
	expect_output "started"
}

@test "run: --caps-ambient: user 1000 binds port 80 with no file capability" {
	image img.aci "$(caps_spec $RETAIN 1000 CAP_NET_BIND_SERVICE)"
	run_acitool run img.aci -- -c "$BIND80"
	expect_output --substring "bind: Permission denied"
	run_acitool run --caps-ambient=cap_net_bind_service img.aci -- -c "$BIND80"
	expect_output --substring "timed out"
	status_caps run --caps-ambient=CAP_NET_BIND_SERVICE img.aci
	expect_output --substring "CapAmb:	0000000000000400"
	expect_output --substring "CapInh:	0000000000000400"
	# Only what the app may have at all.
	run_acitool 125 run --caps-ambient=CAP_NET_RAW img.aci -- -c true
	expect_error_line run "CAP_NET_RAW is not in the app's bounding set"
}

@test "run: --caps-retain and --caps-remove replace the image's isolators" {
	image img.aci "$(caps_spec $RETAIN 0 CAP_NET_BIND_SERVICE)"
	status_caps run --caps-retain=CAP_NET_RAW,CAP_CHOWN img.aci
	expect_output --substring "CapBnd:	0000000000002001"
	status_caps run --caps-remove=NET_RAW img.aci
	expect_output --substring "CapBnd:	00000000a80405fb"
	run_acitool run --verbose --caps-remove=NET_RAW img.aci -- -c true
	expect_output --substring "isolator $RETAIN: modified: replaced by --caps-remove"
	run_acitool 2 run --caps-retain=CAP_NET_RAW --caps-remove=CAP_CHOWN img.aci
	expect_output --substring "exclude each other"
	run_acitool 2 run --caps-retain=CAP_NOPE img.aci
	expect_output --substring "CAP_NOPE"
}

@test "run: user and group are resolved inside the image, the spec's way" {
	image img.aci '{"app":{"user":"user","group":"extra","supplementaryGIDs":[7,8]}}'
	run_acitool run img.aci -- -c 'id -u; id -g; id -G; echo "$HOME $USER $LOGNAME"'
	expect_output "1000
555
555 7 8
/home/user user user"
	run_acitool run --user=4321 --group=root img.aci -- -c 'id -u; id -g; echo "$HOME"'
	expect_output "4321
0
/"
	# A path: its owner; a name nowhere: an error naming the field.
	run_acitool run --user=/bin/busybox img.aci -- -c 'id -u'
	expect_output "0"
	run_acitool 125 run --user=ghost img.aci -- -c true
	expect_error_line run "--user 'ghost': no such name in the image's /etc/passwd"
	image bad.aci '{"app":{"user":"ghost","group":"0"}}'
	run_acitool 125 run bad.aci
	expect_error_line run "app.user 'ghost'"
}

@test "run: environment: the image's, --set-env over it, and the ACE's own" {
	image img.aci '{"manifest":{"name":"example.com/my_app"},"app":{"environment":[{"name":"A","value":"from image"},{"name":"B","value":"b"},{"name":"AC_APP_NAME","value":"spoofed"}]}}'
	run_acitool run --set-env=B=from-flag --set-env=C=c img.aci -- -c 'env | sort'
	expect_output "A=from image
AC_APP_NAME=my-app
B=from-flag
C=c
HOME=/root
LOGNAME=root
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PWD=/
SHLVL=1
USER=root
container=acitool"
	run_acitool run --name=other img.aci -- -c 'echo $AC_APP_NAME'
	expect_output "other"
	run_acitool 2 run --set-env=no-equals img.aci
	run_acitool 125 run --name=Bad_Name img.aci
	expect_error_line run "not an AC name"
}

@test "run: exec is found inside the image; --exec replaces it, ARGS append" {
	image img.aci '{"app":{"exec":["echo","from","image"],"environment":[{"name":"PATH","value":"/nowhere:/bin"}]}}'
	run_acitool run img.aci
	expect_output "from image"
	run_acitool run img.aci -- and args
	expect_output "from image and args"
	run_acitool run --exec=/bin/id img.aci -- -u
	expect_output "0"
	run_acitool 125 run --exec=missing img.aci
	expect_error_line run "exec 'missing': not found in the image's PATH '/nowhere:/bin'"
	image empty.aci '{"app":{"exec":[]}}'
	run_acitool 125 run empty.aci
	expect_error_line run "empty app.exec .try --exec=PROGRAM."
}

@test "run: exit status: the app's; 128+N for a signal; signals are passed on" {
	image img.aci '{}'
	run_acitool 7 run img.aci -- -c 'exit 7'
	# The app traps SIGTERM: acitool passes it on.
	start_acitool -- run img.aci -- -c 'trap "echo got TERM; exit 3" TERM; touch /tmp/ready; sleep 100 & wait'
	for i in $(seq 100); do
		compgen -G "$TMPDIR/acitool-run.*/rootfs/tmp/ready" >/dev/null && break
		sleep 0.1
	done
	kill -TERM "$PID"
	wait_status
	assert "$RC" == 3 "exit status"
	# PID 1 without a handler ignores SIGTERM: SIGKILL follows.
	start_acitool -- run --stop-timeout=0 --exec=/bin/sleep img.aci -- 100
	wait_container
	kill -TERM "$PID"
	wait_status
	assert "$RC" == 137 "exit status"
}

@test "run: working directory: used when it exists, an error when not" {
	image img.aci '{"app":{"workingDirectory":"/home/user"}}'
	run_acitool run img.aci -- -c pwd
	expect_output "/home/user"
	image bad.aci '{"app":{"workingDirectory":"/no/such"}}'
	run_acitool 125 run bad.aci -- -c pwd
	expect_error_line run "app.workingDirectory '/no/such': no such directory in the image"
}

@test "run: the ACE's filesystem: /tmp, /dev/console, /etc/hosts, hostname" {
	image img.aci '{}'
	run_acitool run --hostname=box img.aci -- -c 'stat -c "%a %F" /tmp; test -c /dev/console && echo console; hostname; grep -c localhost /etc/hosts; grep box /etc/hosts'
	expect_output "1777 directory
console
box
2
127.0.0.1	box"
	# The image's own /etc/hosts is left alone.
	image own.aci '{"entries":[{"name":"etc/hosts","data":"10.0.0.1 mine\n"}]}'
	run_acitool run own.aci -- -c 'cat /etc/hosts'
	expect_output "10.0.0.1 mine"
	# A private network with loopback up, or the host's.
	run_acitool run img.aci -- -c 'ls /sys/class/net | sort'
	expect_output "lo"
	run_acitool run --net=host img.aci -- -c 'ls /sys/class/net | sort'
	assert "$output" == "$(ls /sys/class/net | sort)" "interfaces"
}

@test "run: volumes: host binds, read-only honoured, empty ones, bad sources" {
	image img.aci '{"app":{"mountPoints":[{"name":"data","path":"/data"},{"name":"ro","path":"/ro","readOnly":true},{"name":"scratch","path":"/scratch"}]}}'
	mkdir host ro
	echo hello >ro/file
	run_acitool run --volume=data,kind=host,source=$PWD/host --volume=ro,kind=host,source=$PWD/ro \
		img.aci -- -c 'echo written >/data/out; cat /ro/file; { echo x >/ro/file; } 2>/dev/null || echo ro refused; ls -A /scratch | wc -l'
	expect_output --substring "hello
ro refused
0"
	expect_output --substring "warning: mount point 'scratch' (/scratch) has no volume: an empty directory is mounted there"
	assert "$(cat host/out)" == written "the host's file"
	assert "$(cat ro/file)" == hello "the read-only file"
	# readOnly on the volume wins over the mount point's.
	run_acitool run --volume=data,kind=host,source=$PWD/host,readOnly=true --volume=ro,kind=empty \
		--volume=scratch,kind=empty img.aci -- -c '{ echo y >/data/out; } 2>/dev/null || echo refused'
	expect_output "refused"
	run_acitool 125 run --volume=data,kind=host,source=$PWD/missing img.aci -- -c true
	expect_error_line run "volume 'data': source '$PWD/missing': No such file or directory"
	ln -s host link
	run_acitool 125 run --volume=data,kind=host,source=$PWD/link img.aci -- -c true
	expect_error_line run "reached through a symlink"
	run_acitool 125 run --volume=nope,kind=empty img.aci -- -c true
	expect_error_line run "--volume 'nope': the app has no mount point of that name"
	run_acitool 2 run --volume=data,kind=host img.aci
}

@test "run: a volume onto a file in the image replaces it by a directory" {
	image img.aci '{"app":{"mountPoints":[{"name":"data","path":"/etc/data"}]},"entries":[{"name":"etc/data","data":"a file\n"}]}'
	mkdir host
	echo inside >host/f
	run_acitool run --volume=data,kind=host,source=$PWD/host img.aci -- -c 'cat /etc/data/f'
	expect_output --substring "inside"
	expect_output --substring "mount point '/etc/data' was a file in the image: replaced by a directory"
}

@test "run: nothing reaches outside the rootfs through the image's symlinks" {
	# If these were followed on the host, uid 4242 and the host script would win.
	echo 'user:x:4242:4242::/:/bin/sh' >hostpasswd
	printf '#!/bin/sh\necho escaped\n' >hostprog
	chmod +x hostprog
	image img.aci "{\"app\":{\"user\":\"user\",\"group\":\"0\"},\"entries\":[{\"name\":\"etc/passwd\",\"symlink\":\"$PWD/hostpasswd\"},{\"name\":\"bin/evil\",\"symlink\":\"$PWD/hostprog\"}]}"
	run_acitool 125 run img.aci -- -c true
	expect_error_line run "app.user 'user': no such name in the image's /etc/passwd"
	run_acitool 125 run --user=0 --exec=/bin/evil img.aci
	expect_error_line run "exec '/bin/evil' in the image: No such file or directory"
	# Climbing with .. stays inside too.
	image up.aci '{"app":{"user":"user","group":"0"},"entries":[{"name":"etc/passwd","symlink":"../../../../../../etc/passwd"}]}'
	run_acitool 125 run up.aci -- -c true
	expect_error_line run "app.user 'user'"
}

@test "run: odd images: a device for /etc/passwd, a dangling /tmp, one target twice" {
	# A device node is looked at, never opened: opening one acts on the
	# host's device (1:3 is /dev/null, harmless if this test fails).
	image dev.aci '{"app":{"user":"user","group":"0"},"entries":[{"name":"etc/passwd","chardev":[1,3]}]}'
	run_acitool 125 run dev.aci -- -c true
	expect_error_line run "app.user 'user': '/etc/passwd' in the image: not a regular file"
	image tmp.aci '{"entries":[{"name":"tmp","symlink":"/nowhere"}]}'
	run_acitool run tmp.aci -- -c 'echo ran'
	expect_output "ran"
	image two.aci '{"app":{"mountPoints":[{"name":"a","path":"/data"},{"name":"b","path":"/x/../data/"}]}}'
	run_acitool 125 run two.aci -- -c true
	expect_error_line run "two on '/x/../data/'"
	# An exec that a volume brings.
	mkdir vol
	printf '#!/bin/sh\necho from the volume\n' >vol/prog
	chmod +x vol/prog
	image vx.aci '{"app":{"exec":["/opt/prog"],"mountPoints":[{"name":"v","path":"/opt"}]}}'
	run_acitool run --volume=v,kind=host,source=$PWD/vol vx.aci
	expect_output "from the volume"
}

@test "run: isolators it cannot enforce are named; --strict refuses them" {
	image img.aci '{"app":{"isolators":[{"name":"resource/network-bandwidth","value":{"default":true,"limit":"1G"}},{"name":"resource/memory","value":{"limit":"64Mi"}},{"name":"os/linux/oom-score-adj","value":500},{"name":"resource/cpu","value":{"limit":"500m"}}]}}'
	# rkt's masked paths hide /sys/fs, cgroups included: unmasked here.
	run_acitool run --insecure-options=paths img.aci -- -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /proc/self/oom_score_adj; cat /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us'
	expect_output "acitool: run: isolator resource/network-bandwidth: ignored: not implemented by acitool
67108864
500
50000"
	run_acitool run --verbose img.aci -- -c true
	expect_output --substring "isolator resource/memory: enforced: memory limit 67108864 bytes"
	expect_output --substring "isolator resource/cpu: enforced: CPU quota 50000 µs per 100 ms"
	# rkt's flags replace the image's values.
	run_acitool run --verbose --insecure-options=paths --memory=42Mi --cpu=900m --cpu-shares=12345 --oom-score-adj=42 img.aci -- -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /proc/self/oom_score_adj; cd /sys/fs/cgroup/cpu,cpuacct 2>/dev/null || cd /sys/fs/cgroup/cpu; cat cpu.cfs_quota_us cpu.shares'
	expect_output --substring "isolator resource/memory: modified: replaced by --memory"
	expect_output --substring "44040192
42
90000
12345"
	run_acitool 2 run --memory=lots img.aci
	run_acitool 2 run --oom-score-adj=1001 img.aci
	run_acitool 125 run --strict img.aci -- -c 'echo ran'
	assert "$output" !~ "ran" "output"
	expect_output --substring "--strict: 1 isolator not enforced"
}

@test "run: images it must refuse, and a missing runc" {
	image noapp.aci '{"manifest":{"app":null}}'
	run_acitool 125 run noapp.aci
	expect_error_line run "the image has no app: nothing to run"
	image deps.aci '{"manifest":{"dependencies":[{"imageName":"example.com/base"}]}}'
	run_acitool 125 run deps.aci
	expect_error_line run "example.com/run-test -> example.com/base: no image in \. has that name and labels"
	# On standard input the dependencies cannot be looked for.
	run bash -c "'$ACITOOL' run - <deps.aci"
	assert "$status" == 125 "exit status"
	expect_error_line run "the image has dependencies: give it by file name, not on standard input"
	image bad.aci '{"app":{"isolators":[{"name":"os/linux/oom-score-adj","value":5000}]}}'
	run_acitool 125 run bad.aci
	expect_error_line run "the image's manifest: app.isolators"
	image ok.aci '{}'
	run env PATH=/nonexistent "$ACITOOL" run ok.aci
	assert "$status" == 125 "exit status"
	expect_error_line run "runc: not found on PATH .install Debian's runc package"
	run_acitool 125 run "$BATS_TEST_TMPDIR/none.aci"
	expect_error_line run "none.aci"
}

@test "run: event handlers: pre-start before the app, post-stop after, as root" {
	# The app runs as user 1000 under a seccomp filter that refuses getuid;
	# the handlers run as root with appc's default set and no filter.
	local hooks='"eventHandlers":[{"name":"pre-start","exec":["/bin/sh","-c","test ! -e /s/main && id -u >/s/prestart && grep -E \"^(CapBnd|Seccomp|NoNewPrivs):\" /proc/self/status"]},{"name":"post-stop","exec":["sh","-c","cat /s/main; echo post-stop ran"]}]'
	image img.aci "{\"app\":{\"user\":\"user\",\"group\":\"user\",\"exec\":[\"/bin/sh\",\"-c\",\"echo main: \$(cat /s/prestart); echo main >/s/main; exit 4\"],$hooks,\"isolators\":[{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"reboot\"]}},{\"name\":\"os/linux/no-new-privileges\",\"value\":true}]},\"entries\":[{\"name\":\"s\",\"dir\":true,\"mode\":\"1777\"}]}"
	run_acitool 4 run img.aci
	expect_output "CapBnd:	00000000a80425fb
NoNewPrivs:	0
Seccomp:	0
main: 0
main
post-stop ran"
	# A pre-start that fails: no app, post-stop still, its status.
	image bad.aci '{"app":{"exec":["/bin/sh","-c","echo app ran"],"eventHandlers":[{"name":"pre-start","exec":["/bin/sh","-c","exit 6"]},{"name":"post-stop","exec":["/bin/echo","post-stop ran"]}]}}'
	run_acitool 6 run bad.aci
	expect_output "acitool: run: pre-start handler: exit status 6: the app was not started
post-stop ran"
	# bundle writes a config for each, on the same rootfs.
	run_acitool bundle img.aci b
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["root"]["path"] == sys.argv[2] and c["process"]["user"]["uid"] == 0, c' b/hooks/pre-start/config.json "$PWD/b/rootfs"
	[ -f b/hooks/post-stop/config.json ] || die "no post-stop config"
	# A handler not in the image: an error before anything runs.
	image missing.aci '{"app":{"eventHandlers":[{"name":"post-stop","exec":["nothere"]}]}}'
	run_acitool 125 run missing.aci
	expect_error_line run "app.eventHandlers .post-stop.: exec 'nothere'"
}

@test "run: SIGTERM mid-run leaves no bundle, mount or container" {
	image img.aci '{}'
	start_acitool -- run --stop-timeout=1 --exec=/bin/sleep img.aci -- 100
	wait_container
	kill -TERM "$PID"
	wait_status
	assert "$RC" == 137 "exit status"
	assert "$(grep -c "$TMPDIR" /proc/mounts || true)" == 0 "mounts left"
	# teardown checks TMPDIR and runc list
}

@test "run: not root: a clear error" {
	image img.aci '{}'
	nobody_dir w img.aci
	run "${NOBODY[@]}" "$ACITOOL" run w/in.aci
	assert "$status" == 125 "exit status"
	expect_error_line run "needs root"
}

@test "bundle: DIR/config.json and DIR/rootfs that runc runs by hand" {
	image img.aci "$(caps_spec $RETAIN 0 CAP_NET_RAW)"
	run_acitool bundle --hostname=h img.aci b -- -c 'grep CapBnd /proc/self/status'
	expect_files b config.json hosts manifest rootfs
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["process"]["capabilities"]["bounding"] == ["CAP_NET_RAW"], c' b/config.json
	run runc run --bundle b "acitool-test-$$"
	echo "$output"
	assert "$output" == "CapBnd:	0000000000002000" "runc's output"
	# The same image and options give the same config.
	run_acitool bundle --hostname=h img.aci b2 -- -c 'grep CapBnd /proc/self/status'
	assert "$(sed "s|$PWD/b2|DIR|" b2/config.json)" == "$(sed "s|$PWD/b|DIR|" b/config.json)" "config.json"
	# A failure leaves DIR as it was.
	run_acitool 1 bundle --user=ghost img.aci b3
	[ ! -e b3 ] || die "b3 left behind"
	mkdir b4
	run_acitool 1 bundle --exec=nope img.aci b4
	expect_files b4
}
