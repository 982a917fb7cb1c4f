#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Faults during a write: signals in the middle of a write, a full disk, a file
# size limit, a read-only directory, broken pipes, symlinks at the output,
# two writers at once. After each one the input is byte for byte as it was,
# no temporary file (.NAME.acitool-XXXXXX) is left, and a failure is exit 1
# with one error line.

bats_require_minimum_version 1.5.0

load helpers

# setup_file builds $BIG, a 128 MiB gzip image of random data (stored deflate
# blocks: quick to make, slow to recompress, so a signal lands mid-write),
# $MID, a 3 MiB plain one, bigger than the 1 MiB tmpfs of the disk-full tests,
# and $MANY, 48 MiB in 48 files (--progress prints between entries); under
# valgrind, which writes some 30 times slower, 12 MiB in 12 files, so that
# the tests that wait for a whole write stay within their 60 s.
setup_file() {
	act_fixtures
	local d=$BATS_FILE_TMPDIR many=48
	[ "${ACT_VALGRIND:-0}" = 0 ] || many=12
	python3 - "$d" "$many" <<'EOF'
import gzip, io, sys, tarfile
d, many = sys.argv[1], int(sys.argv[2])
man = (b'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/big",'
       b'"app":{"exec":["/bin/sh"],"user":"0","group":"0"}}')
def image(out, size, compress, files=1):
    raw = open(out, "wb")
    f = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=0, mtime=0) if compress else raw
    data = [("rootfs/data" + ("%02d" % i if files > 1 else ""), tarfile.REGTYPE, size // files)
            for i in range(files)]
    with open("/dev/urandom", "rb") as rnd, tarfile.open(fileobj=f, mode="w|",
                                                         format=tarfile.PAX_FORMAT) as t:
        for name, kind, n in [("manifest", tarfile.REGTYPE, len(man)),
                              ("rootfs", tarfile.DIRTYPE, 0)] + data:
            ti = tarfile.TarInfo(name)
            ti.type, ti.size, ti.mtime = kind, n, 1700000000
            ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
            t.addfile(ti, io.BytesIO(man) if name == "manifest" else rnd if n else None)
    if compress:
        f.close()
    raw.close()
image(d + "/big.aci", 128 << 20, True)
image(d + "/mid.aci", 3 << 20, False)
image(d + "/many.aci", many << 20, True, many)
EOF
	export BIG=$d/big.aci MID=$d/mid.aci MANY=$d/many.aci
	# An LD_PRELOAD shim: ACT_FAULTS="call=ERRNO,..." makes those calls fail
	# (fsync-file and fsync-dir are fsync on a regular file or a directory).
	export SHIM=
	if command -v cc >/dev/null && [ "${ACT_SANITIZE:-0}" = 0 ]; then
		cat >"$d/faults.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fault(const char *call)
{
	static const struct { const char *name; int code; } codes[] = {
		{ "EINVAL", EINVAL }, { "EPERM", EPERM }, { "EIO", EIO }, { "ENOSYS", ENOSYS },
	};
	const char *s = getenv("ACT_FAULTS");
	size_t n = strlen(call);

	for (; s && *s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL) {
		if (strncmp(s, call, n) != 0 || s[n] != '=')
			continue;
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (strncmp(s + n + 1, codes[i].name, strlen(codes[i].name)) == 0)
				return codes[i].code;
	}
	return 0;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))
#define FAIL_IF(call) do { int e_ = fault(call); if (e_) { errno = e_; return -1; } } while (0)

/* ACT_HOLD=FILE: the output is not put in place until FILE exists, so that
 * a test acts while the output is written, however fast the write. */
static void hold(void)
{
	const char *go = getenv("ACT_HOLD");
	struct stat st;

	while (go && stat(go, &st) != 0)
		usleep(10000);
}

int renameat2(int a, const char *b, int c, const char *d, unsigned int f)
{
	hold();
	FAIL_IF("renameat2");
	return REAL(renameat2)(a, b, c, d, f);
}

int rename(const char *a, const char *b)
{
	FAIL_IF("rename");
	return REAL(rename)(a, b);
}

int link(const char *a, const char *b)
{
	FAIL_IF("link");
	return REAL(link)(a, b);
}

int fsync(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0)
		FAIL_IF(S_ISDIR(st.st_mode) ? "fsync-dir" : "fsync-file");
	return REAL(fsync)(fd);
}
CEOF
		cc -shared -fPIC -o "$d/faults.so" "$d/faults.c" -ldl && SHIM=$d/faults.so
	fi
	export BIG_SUM MID_SUM MANY_SUM
	BIG_SUM=$(sha256 "$BIG")
	MID_SUM=$(sha256 "$MID")
	MANY_SUM=$(sha256 "$MANY")
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	local m
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
}

MOUNTS=()

# mount_tmpfs DIR SIZE: a tmpfs of SIZE on DIR, unmounted by teardown; skips
# without root or where mounting is not allowed (an unprivileged container).
mount_tmpfs() {
	is_root || skip "mounting a tmpfs needs root"
	mkdir -p "$1"
	mount -t tmpfs -o size="$2",mode=0755 tmpfs "$1" 2>/dev/null || skip "cannot mount a tmpfs here"
	MOUNTS+=("$1")
}

# Temporary files acitool could have left in a directory.
tmp_files() {
	find "$1" -maxdepth 1 -name '.*.acitool-*' -printf '%f\n'
}

# wait_grown DIR: the temporary file in DIR once it holds 4 MiB (bounded: 60 s).
wait_grown() {
	local dir=$1 f i
	for ((i = 0; i < 3000; i++)); do
		for f in "$dir"/.*.acitool-??????; do
			if [ -f "$f" ] && [ "$(stat -c %s "$f" 2>/dev/null || echo 0)" -ge $((4 << 20)) ]; then
				echo "$f"
				return 0
			fi
		done
		kill -0 "$PID" 2>/dev/null || die "acitool ended before its temporary file grew: $(cat stderr.log)"
		sleep 0.02
	done
	die "no temporary file grew in $dir"
}

# check_intact IMAGE SUM: byte for byte as it was, its manifest readable.
check_intact() {
	assert "$(sha256 "$1")" == "$2" "sha256 of $1"
	run_acitool cat-manifest "$1"
	expect_output --substring '"name":"example.com/big"'
}

# check_valid IMAGE: gzip and tar read it whole.
check_valid() {
	gzip -t "$1"
	run -0 tar -tzf "$1"
	assert "$output" == $'manifest\nrootfs/\nrootfs/data' "tar -t $1"
}

@test "SIGINT, SIGTERM, SIGHUP in the middle of writing OUTPUT: dies of it, nothing left" {
	local sig num tmp
	mkdir out
	for sig in INT TERM HUP; do
		num=$(kill -l $sig)
		start_acitool -- patch-manifest --capability=CAP_NET_RAW "$BIG" out/new.aci
		tmp=$(wait_grown out)
		echo "# $sig when $tmp held $(stat -c %s "$tmp") bytes"
		kill -s $sig "$PID"
		wait_status
		assert "$RC" -eq $((128 + num)) "exit status after SIG$sig (died of it)"
		assert "$(cat stderr.log)" == "" "stderr after SIG$sig"
		expect_files out
		check_intact "$BIG" "$BIG_SUM"
	done
	check_valid "$BIG"
}

@test "SIGINT, SIGTERM, SIGHUP in the middle of --replace: the image as it was, no temp" {
	local sig num tmp
	mkdir dir
	cp "$BIG" dir/image.aci
	chmod 0640 dir/image.aci
	for sig in INT TERM HUP; do
		num=$(kill -l $sig)
		start_acitool -- patch-manifest --capability=CAP_NET_RAW --replace dir/image.aci
		tmp=$(wait_grown dir)
		echo "# $sig when $tmp held $(stat -c %s "$tmp") bytes"
		kill -s $sig "$PID"
		wait_status
		assert "$RC" -eq $((128 + num)) "exit status after SIG$sig (died of it)"
		expect_files dir image.aci
		assert "$(stat -c %a dir/image.aci)" == 640 "mode"
		check_intact dir/image.aci "$BIG_SUM"
	done
	check_valid dir/image.aci
}

@test "a signal the caller ignores stays ignored (nohup, background jobs)" {
	# nohup ignores SIGHUP, a shell's background job SIGINT: acitool must not
	# die of them (it used to install its handler over SIG_IGN).
	mkdir out
	start_acitool --ignore-signal=HUP,INT -- patch-manifest --capability=CAP_NET_RAW \
		"$MANY" out/new.aci
	wait_grown out >/dev/null
	kill -s HUP "$PID"
	kill -s INT "$PID"
	wait_status
	assert "$RC" -eq 0 "exit status"
	expect_files out new.aci
	run_acitool cat-manifest out/new.aci
	expect_output --substring 'CAP_NET_RAW'
	gzip -t out/new.aci
	check_intact "$MANY" "$MANY_SUM"
}

@test "SIGPIPE: OUTPUT - into 'head -c 100' ends acitool, no stray files" {
	mkdir work
	cd work
	# Default SIGPIPE: dies of it (128 + 13), silently.
	run -0 bash -c 'set -o pipefail
		env --default-signal=PIPE timeout 120 "$0" patch-manifest --capability=CAP_NET_RAW "$1" - 2>../err.log |
			head -c 100 | wc -c
		echo "rc=${PIPESTATUS[0]}"' "$ACITOOL" "$BIG"
	assert "$output" == $'100\nrc=141' "bytes read and acitool's status"
	assert "$(cat ../err.log)" == "" "stderr"
	# SIGPIPE ignored by the caller: EPIPE, an error line, exit 1.
	run -0 bash -c 'set -o pipefail
		env --ignore-signal=PIPE timeout 120 "$0" patch-manifest --capability=CAP_NET_RAW "$1" - 2>../err.log |
			head -c 100 | wc -c
		echo "rc=${PIPESTATUS[0]}"' "$ACITOOL" "$BIG"
	assert "$output" == $'100\nrc=1' "bytes read and acitool's status"
	output=$(cat ../err.log)
	expect_error_line patch-manifest '\(stdout\): write error: Broken pipe'
	expect_files .
	check_intact "$BIG" "$BIG_SUM"
}

@test "a file size limit (ulimit -f): exit 1 with an error line, no temp file" {
	mkdir out
	local c
	for c in none gzip xz; do
		# 1000 KiB, less than the 3 MiB image.
		run bash -c 'ulimit -f 1000 && exec "$0" "$@"' "$ACITOOL" patch-manifest \
			--capability=CAP_NET_RAW --compression=$c "$MID" out/new.aci
		echo "$output"
		assert "$status" -eq 1 "exit status (--compression=$c)"
		expect_error_line patch-manifest "out/new.aci: write error: File too large"
		expect_files out
	done
	assert "$(sha256 "$MID")" == "$MID_SUM" "sha256 of the input"
}

@test "a signal at any moment: OUTPUT is the old file or a whole new one, never a temp" {
	mkdir out
	cp "$ACT_FIXTURES/kitchen.tgz" out/new.aci
	local i rc
	for ((i = 0; i < 100; i++)); do
		start_acitool -- patch-manifest --capability=CAP_NET_RAW --overwrite \
			"$ACT_FIXTURES/kitchen.tgz" out/new.aci
		sleep "0.00$((RANDOM % 10))"
		kill -s TERM "$PID" 2>/dev/null || true
		rc=0
		wait "$PID" || rc=$?
		[ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || die "run $i: exit status $rc: $(cat stderr.log)"
		[ -z "$(tmp_files out)" ] || die "run $i: temporary file left: $(tmp_files out)"
		gzip -t out/new.aci || die "run $i: out/new.aci is not a whole gzip file"
	done
	expect_files out new.aci
}

# xattrs_of FILE: its xattrs, name=hex value, sorted (SELinux labels left out).
xattrs_of() {
	python3 -c '
import os, sys
p = sys.argv[1]
for n in sorted(os.listxattr(p, follow_symlinks=False)):
    if n != "security.selinux":
        print("%s=%s" % (n, os.getxattr(p, n, follow_symlinks=False).hex()))' "$1"
}

@test "an input file changed while it is read: exit 1 with an error line" {
	# Untouched spans are copied by offset from the input file, after they
	# were read: a file that changed meanwhile must not give a mixed image.
	gzip -dc "$MANY" >in.tar
	mkfifo out.fifo
	env --default-signal=PIPE "$ACITOOL" patch-manifest --capability=CAP_NET_RAW \
		in.tar - >out.fifo 2>stderr.log &
	PID=$!
	exec 7<out.fifo
	# acitool has begun (and blocks on the full pipe) when the file changes.
	head -c 65536 <&7 >/dev/null
	touch -d @1 in.tar
	cat <&7 >/dev/null
	exec 7<&-
	wait_status
	assert "$RC" -eq 1 "exit status"
	assert "$(cat stderr.log)" == "acitool: patch-manifest: in.tar: the file changed while it was read" "stderr"

	# Left alone, the same file goes through.
	run_acitool patch-manifest --capability=CAP_NET_RAW in.tar out.tar
	tar -tf out.tar >/dev/null
}

@test "--replace keeps the image file's mode, owner and xattrs" {
	mkdir dir
	cp "$ACT_FIXTURES/minimal.tgz" dir/image.aci
	setfattr -n user.origin -v x dir/image.aci 2>/dev/null ||
		skip "the file system of $BATS_TEST_TMPDIR has no user xattrs"
	setfattr -n user.empty dir/image.aci
	setfattr -n user.binary -v 0x00ff0a00 dir/image.aci
	chmod 0640 dir/image.aci
	local owner
	owner=$(stat -c %u:%g dir/image.aci)
	if is_root; then
		chown 1234:5678 dir/image.aci
		owner=1234:5678
		# Namespaces only root may set: kept too when acitool runs as root.
		setfattr -n trusted.note -v t dir/image.aci 2>/dev/null || true
		setfattr -n security.capability -v 0x0100000200200000000000000000000000000000 \
			dir/image.aci 2>/dev/null || true
	fi
	local before
	before=$(xattrs_of dir/image.aci)
	echo "$before"
	run_acitool patch-manifest --capability=CAP_NET_RAW --replace dir/image.aci
	run_acitool cat-manifest dir/image.aci
	expect_output --substring CAP_NET_RAW
	assert "$(xattrs_of dir/image.aci)" == "$before" "xattrs after --replace"
	assert "$(stat -c %a dir/image.aci)" == 640 "mode after --replace"
	assert "$(stat -c %u:%g dir/image.aci)" == "$owner" "owner after --replace"
	expect_files dir image.aci
}

# as_nobody_setup: let user 65534 reach $BATS_TEST_TMPDIR (bats makes its temp
# dirs 0700) and run $ACITOOL; NOBODY is the command prefix. Skips without root.
as_nobody_setup() {
	is_root || skip "needs root to run acitool as an unprivileged user"
	command -v setpriv >/dev/null || skip "no setpriv"
	local d=$BATS_TEST_TMPDIR
	while [ "${#d}" -ge "${#BATS_RUN_TMPDIR}" ]; do
		chmod o+x "$d"
		d=${d%/*}
	done
	NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	"${NOBODY[@]}" test -x "$ACITOOL" -a -x "$BATS_TEST_TMPDIR" ||
		skip "user 65534 cannot reach $ACITOOL or $BATS_TEST_TMPDIR"
}

@test "--replace as an unprivileged user keeps set-id bits and user xattrs" {
	as_nobody_setup
	mkdir -m 1777 w
	install -m 0644 -o 65534 -g 65534 "$ACT_FIXTURES/minimal.tgz" w/image.aci
	setfattr -n user.origin -v x w/image.aci 2>/dev/null ||
		skip "the file system of $BATS_TEST_TMPDIR has no user xattrs"
	# An odd mode: a write by a process without CAP_FSETID clears set-id bits.
	chmod 6750 w/image.aci
	# A file capability the user cannot set: dropped, not an error.
	setfattr -n security.capability -v 0x0100000200200000000000000000000000000000 \
		w/image.aci 2>/dev/null || true
	run timeout 120 "${NOBODY[@]}" "$ACITOOL" patch-manifest --capability=CAP_NET_RAW \
		--replace w/image.aci
	echo "$output"
	assert "$status" -eq 0 "exit status"
	assert "$output" == "" "stderr"
	assert "$(stat -c %a w/image.aci)" == 6750 "mode after --replace"
	assert "$(stat -c %u:%g w/image.aci)" == 65534:65534 "owner after --replace"
	assert "$(xattrs_of w/image.aci)" == "user.origin=78" "xattrs after --replace"
	run_acitool cat-manifest w/image.aci
	expect_output --substring CAP_NET_RAW
	expect_files w image.aci
}

@test "the temp file is made with O_EXCL; file and directory are synced before exit" {
	command -v strace >/dev/null || skip "no strace"
	strace -f -qq -e trace=fsync -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	# LeakSanitizer cannot run under ptrace (sanitizer builds only).
	export ASAN_OPTIONS=detect_leaks=0
	mkdir dir
	cp "$ACT_FIXTURES/kitchen.tgz" dir/image.aci
	local t=(strace -f -qq -y -e trace=openat,fsync,fdatasync,rename,renameat,renameat2,exit_group)
	"${t[@]}" -o replace.log "$ACITOOL" patch-manifest --capability=CAP_NET_RAW --replace dir/image.aci
	"${t[@]}" -o new.log "$ACITOOL" patch-manifest --capability=CAP_NET_RAW dir/image.aci dir/new.aci
	local log target
	for log in replace new; do
		target=image.aci
		[ $log = replace ] || target=new.aci
		run -0 python3 - $log.log "$PWD/dir" $target <<'EOF'
import re, sys
log, d, target = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(log).read().splitlines()
def find(pattern, start=0):
    for i in range(start, len(lines)):
        m = re.search(pattern, lines[i])
        if m:
            return i, m
    sys.exit("not found after line %d: %s\n%s" % (start, pattern, "\n".join(lines)))
tmp = r"\.%s\.acitool-[A-Za-z0-9]{6}" % re.escape(target)
# Created exclusively: a symlink planted at the name would not be followed.
i, m = find(r'openat\(AT_FDCWD<[^>]*>, "dir/(%s)", O_RDWR\|O_CREAT\|O_EXCL\|O_CLOEXEC, 0600\) = (\d+)' % tmp)
name, fd = m.group(1), m.group(2)
i, _ = find(r"fsync\(%s<%s/%s>\) = 0" % (fd, re.escape(d), re.escape(name)), i)
i, _ = find(r'rename(at2)?\(.*"dir/%s", .*"dir/%s".* = 0' % (re.escape(name), re.escape(target)), i)
i, _ = find(r"fsync\(\d+<%s>\) = 0" % re.escape(d), i)
find(r"exit_group\(0\)", i)
print("ok")
EOF
		assert "$output" == ok "order of open, fsync, rename, fsync dir, exit ($log)"
	done
	grep -q 'RENAME_NOREPLACE' new.log
	expect_files dir image.aci new.aci
}

@test "--no-sync: nothing is synced, and OUTPUT is the same whole image" {
	command -v strace >/dev/null || skip "no strace"
	strace -f -qq -e trace=fsync -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	export ASAN_OPTIONS=detect_leaks=0
	make_big # 12 MiB: past the first write-back
	local t=(strace -f -qq -e signal=none -e trace=fsync,fdatasync,sync_file_range,syncfs,sync,msync) v
	for v in "" --no-sync=false; do
		rm -f synced.tar
		"${t[@]}" -o synced.log "$ACITOOL" patch-manifest $v --capability=CAP_NET_RAW big.tar synced.tar
		cat synced.log
		assert "$(grep -c '^[0-9]* *fsync(.* = 0$' synced.log)" -eq 2 "fsyncs of file and directory ($v)"
		grep -q 'sync_file_range(.*SYNC_FILE_RANGE_WRITE) = 0' synced.log
	done
	cp big.tar replaced.tar
	mkdir -p lay/rootfs/bin
	tar -xOf big.tar manifest >lay/manifest
	echo hello >lay/rootfs/bin/hello
	for v in --no-sync --no-sync=true; do
		rm -f nosync.tar
		"${t[@]}" -o nosync.log "$ACITOOL" patch-manifest $v --capability=CAP_NET_RAW big.tar nosync.tar
		"${t[@]}" -o replace.log "$ACITOOL" patch-manifest $v --capability=CAP_NET_RAW --replace replaced.tar
		"${t[@]}" -o build.log "$ACITOOL" build $v --overwrite lay built.aci
		cat nosync.log replace.log build.log
		assert "$(cat nosync.log replace.log build.log)" == "" "sync calls with $v"
		cmp synced.tar nosync.tar
		cmp synced.tar replaced.tar
	done
	run -0 $TARCMP --skip-data manifest big.tar nosync.tar
	run_acitool cat-manifest built.aci
	expect_files . big.tar build.log built.aci lay nosync.log nosync.tar replace.log \
		replaced.tar synced.log synced.tar
}

@test "a symlink as OUTPUT is replaced itself, never written through" {
	local in=$ACT_FIXTURES/minimal.tgz sum
	cp "$ACT_FIXTURES/kitchen.tgz" other.aci
	sum=$(sha256 other.aci)
	ln -s other.aci link.aci
	ln -s nowhere.aci dangling.aci

	# Without --overwrite a symlink is an existing OUTPUT, dangling or not.
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW "$in" link.aci
	expect_error_line patch-manifest "link.aci: output exists"
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW "$in" dangling.aci
	expect_error_line patch-manifest "dangling.aci: output exists"
	[ -L link.aci ] && [ -L dangling.aci ]

	# With --overwrite the link itself becomes the new image.
	run_acitool patch-manifest --capability=CAP_NET_RAW --overwrite "$in" link.aci
	run_acitool patch-manifest --capability=CAP_NET_RAW --overwrite "$in" dangling.aci
	local f
	for f in link.aci dangling.aci; do
		[ ! -L $f ] && [ -f $f ] || die "$f is still a symlink"
		run_acitool cat-manifest $f
		expect_output --substring CAP_NET_RAW
	done
	assert "$(sha256 other.aci)" == "$sum" "sha256 of the symlink's target"
	expect_files . other.aci link.aci dangling.aci
}

@test "--replace of a symlink edits the image it leads to; the link stays" {
	mkdir store links
	cp "$ACT_FIXTURES/minimal.tgz" store/v1.aci
	chmod 0640 store/v1.aci
	local xa=
	setfattr -n user.origin -v x store/v1.aci 2>/dev/null && xa=1
	ln -s ../store/v1.aci links/current.aci
	ln -s current.aci links/chain.aci

	run_acitool patch-manifest --capability=CAP_NET_RAW --replace links/current.aci
	assert "$(readlink links/current.aci)" == ../store/v1.aci "the link"
	run_acitool cat-manifest store/v1.aci
	expect_output --substring CAP_NET_RAW
	assert "$(stat -c %a store/v1.aci)" == 640 "mode of the image"
	[ -z "$xa" ] || assert "$(xattrs_of store/v1.aci)" == "user.origin=78" "xattrs of the image"

	# Through a chain of links.
	run_acitool patch-manifest --revoke-capability=CAP_MKNOD --replace links/chain.aci
	assert "$(readlink links/chain.aci)" == current.aci "the first link"
	assert "$(readlink links/current.aci)" == ../store/v1.aci "the second link"
	run_acitool cat-manifest store/v1.aci
	expect_output --substring CAP_MKNOD

	# A dangling link: an error, nothing created anywhere.
	ln -s ../store/missing.aci links/broken.aci
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW --replace links/broken.aci
	expect_error_line patch-manifest "links/broken.aci: No such file or directory"
	expect_files links current.aci chain.aci broken.aci
	expect_files store v1.aci
}

@test "disk full: OUTPUT on a full tmpfs: exit 1, one error line, nothing left" {
	mount_tmpfs full 1m
	local c
	for c in none gzip xz; do
		run_acitool 1 patch-manifest --capability=CAP_NET_RAW --compression=$c "$MID" full/out.aci
		expect_error_line patch-manifest "full/out.aci: write error: No space left on device"
		expect_files full
	done
	# The space is given back: the temporary file is gone, not only unnamed.
	assert "$(stat -f -c %f full)" -eq "$(stat -f -c %b full)" "free blocks of the tmpfs"
	assert "$(sha256 "$MID")" == "$MID_SUM" "sha256 of the input"
}

@test "disk full: --replace of an image on a nearly full tmpfs leaves it as it was" {
	mount_tmpfs full 5m
	cp "$MID" full/image.aci
	chmod 0604 full/image.aci
	# 3 MiB image, 2 MiB free: the new copy cannot be written whole.
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW --replace full/image.aci
	expect_error_line patch-manifest "full/image.aci: write error: No space left on device"
	expect_files full image.aci
	assert "$(sha256 full/image.aci)" == "$MID_SUM" "sha256 of the image"
	assert "$(stat -c %a full/image.aci)" == 604 "mode of the image"
	run_acitool cat-manifest full/image.aci
	# Room for it again: the same command works.
	mount -o remount,size=16m full
	run_acitool patch-manifest --capability=CAP_NET_RAW --replace full/image.aci
	run_acitool cat-manifest full/image.aci
	expect_output --substring CAP_NET_RAW
	expect_files full image.aci
}

@test "disk full: OUTPUT - on /dev/full: exit 1, one error line" {
	[ -w /dev/full ] || skip "no /dev/full"
	local c in
	for in in "$MID" "$ACT_FIXTURES/minimal.tgz"; do
		for c in none gzip bzip2 xz; do
			run timeout 120 bash -c '"$0" "$@" 2>&1 >/dev/full' "$ACITOOL" patch-manifest \
				--capability=CAP_NET_RAW --compression=$c "$in" -
			echo "$output"
			assert "$status" -eq 1 "exit status ($in, --compression=$c)"
			expect_error_line patch-manifest '\(stdout\): write error: No space left on device'
		done
	done
	expect_files .
}

@test "a read-only target directory (DAC as an unprivileged user): exit 1, nothing created" {
	as_nobody_setup
	mkdir ro
	install -m 0644 -o 65534 -g 65534 "$MID" ro/image.aci
	chmod 0555 ro
	if "${NOBODY[@]}" touch ro/probe 2>/dev/null; then
		rm -f ro/probe
		skip "cannot make a directory unwritable here"
	fi
	run timeout 120 "${NOBODY[@]}" "$ACITOOL" patch-manifest --capability=CAP_NET_RAW \
		ro/image.aci ro/out.aci
	echo "$output"
	assert "$status" -eq 1 "exit status"
	expect_error_line patch-manifest "ro/out.aci: cannot create a temporary file in 'ro': Permission denied"
	expect_files ro image.aci

	# --replace of an image the user owns, in a directory it may not write.
	run timeout 120 "${NOBODY[@]}" "$ACITOOL" patch-manifest --capability=CAP_NET_RAW \
		--replace ro/image.aci
	echo "$output"
	assert "$status" -eq 1 "exit status of --replace"
	expect_error_line patch-manifest "ro/image.aci: cannot create a temporary file in 'ro': Permission denied"
	expect_files ro image.aci
	assert "$(sha256 ro/image.aci)" == "$MID_SUM" "sha256 of the image"
}

@test "two --replace of one image at once: one result or the other, never a mix" {
	mkdir dir
	local i rc1 rc2 p1 p2 iso rc
	for ((i = 0; i < 5; i++)); do
		cp "$MID" dir/image.aci
		"$ACITOOL" patch-manifest --capability=CAP_NET_RAW --compression=gzip --replace \
			dir/image.aci 2>err1.log &
		p1=$!
		"$ACITOOL" patch-manifest --capability=CAP_CHOWN --compression=gzip --replace \
			dir/image.aci 2>err2.log &
		p2=$!
		rc1=0 rc2=0
		wait $p1 || rc1=$?
		wait $p2 || rc2=$?
		echo "# run $i: exit $rc1 and $rc2; $(cat err1.log err2.log)"
		# Each succeeds or fails cleanly; at least one succeeds.
		for rc in $rc1 $rc2; do
			[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || die "exit status $rc"
		done
		[ "$rc1" -eq 0 ] || [ "$rc2" -eq 0 ] || die "both failed"
		if [ "$rc1" -ne 0 ]; then
			output=$(cat err1.log)
			expect_error_line patch-manifest .
		fi
		if [ "$rc2" -ne 0 ]; then
			output=$(cat err2.log)
			expect_error_line patch-manifest .
		fi
		expect_files dir image.aci
		gzip -t dir/image.aci
		# The data as it was, the manifest one of the two edits.
		run $TARCMP "$MID" dir/image.aci --skip-data manifest
		assert "$status" -eq 0 "tarcmp: $output"
		iso=$(python3 -c '
import json, sys, tarfile
with tarfile.open(sys.argv[1], "r:*") as t:
    print(json.dumps(json.load(t.extractfile("manifest"))["app"]["isolators"]))' dir/image.aci)
		case "$iso" in
		*'["CAP_NET_RAW"]'* | *'["CAP_CHOWN"]'*) ;;
		*) die "isolators: $iso" ;;
		esac
		assert "$(grep -o CAP_ <<<"$iso" | wc -l)" -eq 1 "capabilities named"
	done
}

@test "OUTPUT on another file system than the input, and back" {
	mount_tmpfs other 32m
	assert "$(stat -c %d other)" != "$(stat -c %d "$MID")" "device of the tmpfs"
	run_acitool patch-manifest --capability=CAP_NET_RAW "$MID" other/out.aci
	expect_files other out.aci
	run $TARCMP "$MID" other/out.aci --skip-data manifest
	assert "$status" -eq 0 "tarcmp: $output"
	# From the tmpfs to the disk.
	run_acitool patch-manifest --capability=CAP_CHOWN other/out.aci back.aci
	run_acitool cat-manifest back.aci
	expect_output --substring CAP_CHOWN
	# --replace on the tmpfs, --overwrite across.
	run_acitool patch-manifest --capability=CAP_KILL --replace other/out.aci
	run_acitool patch-manifest --capability=CAP_KILL --overwrite other/out.aci back.aci
	cmp other/out.aci back.aci
	expect_files other out.aci
	expect_files . other back.aci
}

@test "closed standard descriptors: nothing but the image goes into OUTPUT" {
	# With stderr closed the temporary file used to be opened as descriptor 2,
	# and --progress wrote its lines into the image (exit 0, a corrupt image).
	mkdir out
	run -0 bash -c '"$0" patch-manifest --capability=CAP_NET_RAW --progress "$1" out/a.aci 2>&-' \
		"$ACITOOL" "$MANY"
	run_acitool patch-manifest --capability=CAP_NET_RAW "$MANY" out/b.aci
	cmp out/a.aci out/b.aci
	# A closed stdout for OUTPUT -, a closed stdin for IMAGE -: still errors.
	run bash -c '"$0" patch-manifest --capability=CAP_NET_RAW "$1" - 2>&1 >&-' "$ACITOOL" "$MID"
	assert "$status" -eq 1 "exit status with stdout closed"
	expect_error_line patch-manifest '\(stdout\): write error: Bad file descriptor'
	run bash -c '"$0" patch-manifest --capability=CAP_NET_RAW - out/c.aci 2>&1 <&-' "$ACITOOL"
	assert "$status" -eq 1 "exit status with stdin closed"
	expect_error_line patch-manifest '\(stdin\): Bad file descriptor'
	expect_files out a.aci b.aci

	# Whatever the timing: the temporary file is never descriptor 0, 1 or 2.
	command -v strace >/dev/null || skip "no strace to see the descriptor"
	export ASAN_OPTIONS=detect_leaks=0
	strace -f -qq -e trace=openat -o trace.log bash -c \
		'exec "$0" patch-manifest --capability=CAP_NET_RAW --overwrite "$1" out/a.aci <&- >&- 2>&-' \
		"$ACITOOL" "$MID"
	run -0 grep 'acitool-' trace.log
	assert "$output" =~ 'O_EXCL.* = ([3-9]|[1-9][0-9]+)$' "descriptor of the temporary file"
}

need_shim() {
	[ "${ACT_SANITIZE:-0}" = 0 ] || skip "no LD_PRELOAD fault shim under AddressSanitizer"
	[ -n "$SHIM" ] || skip "no C compiler for the fault shim"
}

# run_faults EXPECTED_RC FAULTS ARGS...: run_acitool with the shim failing FAULTS.
run_faults() {
	local expect=$1 faults=$2
	shift 2
	echo "\$ ACT_FAULTS=$faults acitool $*"
	run timeout 120 env ACT_FAULTS="$faults" LD_PRELOAD="$SHIM" "$ACITOOL" "$@"
	echo "$output"
	echo "[ rc=$status (expected $expect) ]"
	[ "$status" -eq "$expect" ] || die "exit status $status, expected $expect"
}

@test "a failing fsync or rename (injected): exit 1, no temp file, the image as it was" {
	need_shim
	local in=$ACT_FIXTURES/minimal.tgz f
	mkdir dir
	cp "$ACT_FIXTURES/kitchen.tgz" dir/image.aci
	local sum
	sum=$(sha256 dir/image.aci)
	for f in fsync-file=EIO rename=EIO; do
		run_faults 1 $f patch-manifest --capability=CAP_NET_RAW --replace dir/image.aci
		expect_error_line patch-manifest "dir/image.aci: cannot (sync|rename .* into place): Input/output error"
		assert "$(sha256 dir/image.aci)" == "$sum" "sha256 of the image ($f)"
		expect_files dir image.aci
	done
	for f in fsync-file=EIO renameat2=EIO; do
		run_faults 1 $f patch-manifest --capability=CAP_NET_RAW "$in" dir/new.aci
		expect_error_line patch-manifest "dir/new.aci: .*Input/output error"
		expect_files dir image.aci
	done
	# The directory cannot be synced after the rename: the new file is in
	# place and whole, and exit 1 says it may not survive a crash.
	run_faults 1 fsync-dir=EIO patch-manifest --capability=CAP_NET_RAW "$in" dir/new.aci
	expect_error_line patch-manifest "dir/new.aci: cannot sync the directory 'dir': Input/output error"
	run_acitool cat-manifest dir/new.aci
	expect_output --substring CAP_NET_RAW
	expect_files dir image.aci new.aci
}

@test "file systems without RENAME_NOREPLACE or hard links (injected): OUTPUT is made" {
	need_shim
	local in=$ACT_FIXTURES/minimal.tgz f
	# NFS, 9p and many FUSE file systems refuse RENAME_NOREPLACE; sshfs and
	# some SMB servers refuse hard links too (OUTPUT could not be made at all).
	for f in renameat2=EINVAL renameat2=EINVAL,link=EPERM renameat2=ENOSYS,link=ENOSYS; do
		rm -rf out
		mkdir out
		run_faults 0 $f patch-manifest --capability=CAP_NET_RAW "$in" out/new.aci
		run_acitool cat-manifest out/new.aci
		expect_output --substring CAP_NET_RAW
		expect_files out new.aci
	done
}

@test "an OUTPUT made by someone else during the write is not replaced" {
	local cases=("") f
	if [ "${ACT_SANITIZE:-0}" = 0 ] && [ -n "$SHIM" ]; then
		cases+=(renameat2=EINVAL renameat2=EINVAL,link=EPERM)
	fi
	for f in "${cases[@]}"; do
		echo "# faults: ${f:-none}"
		rm -rf out go
		mkdir out
		# With the shim, acitool waits for ./go before it puts OUTPUT in
		# place (a spliced gzip is written in a flash); without it (the
		# sanitizer build, slow enough), the write is the window.
		start_acitool ${SHIM:+ACT_FAULTS=$f ACT_HOLD=$PWD/go LD_PRELOAD=$SHIM} -- \
			patch-manifest --capability=CAP_NET_RAW "$MANY" out/new.aci
		wait_grown out >/dev/null
		echo precious >out/new.aci
		touch go
		wait_status
		assert "$RC" -eq 1 "exit status"
		output=$(cat stderr.log)
		expect_error_line patch-manifest "out/new.aci: output exists \\(use --overwrite\\)"
		assert "$(cat out/new.aci)" == precious "out/new.aci"
		expect_files out new.aci
	done
}

@test "a read-only file system: exit 1, nothing changed" {
	mount_tmpfs rofs 8m
	cp "$MID" rofs/image.aci
	mount -o remount,ro rofs
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW --replace rofs/image.aci
	expect_error_line patch-manifest "rofs/image.aci: cannot create a temporary file in 'rofs': Read-only file system"
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW "$MID" rofs/out.aci
	expect_error_line patch-manifest "Read-only file system"
	expect_files rofs image.aci
	assert "$(sha256 rofs/image.aci)" == "$MID_SUM" "sha256 of the image"
}

@test "--replace of a hard-linked image: a new file, the other link keeps the old image" {
	mkdir dir
	cp "$ACT_FIXTURES/minimal.tgz" dir/image.aci
	ln dir/image.aci dir/other.aci
	local sum
	sum=$(sha256 dir/other.aci)
	run_acitool patch-manifest --capability=CAP_NET_RAW --replace dir/image.aci
	run_acitool cat-manifest dir/image.aci
	expect_output --substring CAP_NET_RAW
	assert "$(sha256 dir/other.aci)" == "$sum" "sha256 of the other link"
	assert "$(stat -c %h dir/image.aci)" -eq 1 "links to the new image"
	expect_files dir image.aci other.aci
}
