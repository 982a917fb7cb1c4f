#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# build: a layout directory to an image; extract: the way back. Images are
# checked with python's tarfile and bsdtar, extracted trees with getcap,
# getfattr and stat. The parts that need root (setcap, chown, mknod) skip
# without it; CI runs as root.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# Root can set file capabilities here (and the file system keeps them).
can_setcap() {
	is_root || return 1
	: >"$BATS_TEST_TMPDIR/probe"
	setcap cap_net_raw+ep "$BATS_TEST_TMPDIR/probe" 2>/dev/null &&
		[ -n "$(getcap "$BATS_TEST_TMPDIR/probe")" ]
	local r=$?
	rm -f "$BATS_TEST_TMPDIR/probe"
	return $r
}

MANIFEST='{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/tree","x-unknown":[1, 2]}'

# mklayout DIR: a tree with everything build must keep.
mklayout() {
	local d=$1 r=$1/rootfs
	mkdir -p "$r/bin" "$r/empty" "$r/etc/sub dir" "$r/ü-ñ"
	printf '%s' "$MANIFEST" >"$d/manifest"
	printf 'ping\n' >"$r/bin/ping"
	chmod 4755 "$r/bin/ping"
	ln "$r/bin/ping" "$r/bin/ping-link"
	ln -s ping "$r/bin/ping-sym"
	ln -s ../../nowhere "$r/etc/dangling"
	printf 'a\n' >"$r/etc/sub dir/file with spaces"
	printf 'b\n' >"$r/ü-ñ/ÿ"
	printf 'c\n' >"$r/etc/new"$'\n'"line"
	printf 'd\n' >"$r/a-b"
	head -c 300000 /dev/urandom >"$r/bin/big"
	mkfifo "$r/fifo"
	setfattr -n user.binary -v 0s/wABCgsM "$r/etc/sub dir/file with spaces"
	setfattr -n user.empty "$r/bin/big"
	setfattr -n user.dir -v yes "$r/etc"
	if can_setcap; then
		setcap cap_net_raw+ep "$r/bin/ping"
		chown 1234:5678 "$r/etc/sub dir/file with spaces"
		mknod "$r/null" c 1 3
	fi
	# A POSIX ACL (user 1234 rw), as the raw xattr, where the file system has them.
	setfattr -n system.posix_acl_access -v 0x0200000001000600ffffffff02000600d204000004000400ffffffff10000600ffffffff20000400ffffffff \
		"$r/ü-ñ/ÿ" 2>/dev/null || :
	touch -h -d '2001-02-03 04:05:06.123456789' "$r/etc/dangling" "$r/a-b"
}

# tree DIR: every path under DIR with type, mode, owner, link count, size,
# mtime and symlink target, by find.
tree() {
	(cd "$1" && find . -mindepth 1 -printf '%p %y %m %U:%G %n %s %T@ %l\n' | sort)
}

# xattrs DIR: every xattr under DIR, symlinks not followed (getfattr).
xattrs() {
	(cd "$1" && getfattr -h -R -d -m - -e hex . 2>/dev/null)
}

# The image's entries, one per line: name, type, link, mode, uid:gid, mtime,
# xattrs (hex), by python's tarfile.
tarlist() {
	python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        x = sorted((k[len("SCHILY.xattr."):], v.encode("utf-8", "surrogateescape").hex())
                   for k, v in m.pax_headers.items() if k.startswith("SCHILY.xattr."))
        print(repr(m.name), m.type.decode(), repr(m.linkname), oct(m.mode),
              "%d:%d" % (m.uid, m.gid), m.pax_headers.get("mtime", m.mtime), m.uname,
              m.gname, x)' "$1"
}

@test "build: every kind of entry, in a stable order, read by tarfile and bsdtar" {
	mklayout lay
	run_acitool build lay img.aci
	assert "$output" == "" "nothing printed"
	assert "$(compression img.aci)" == gzip "default compression"
	run tarlist img.aci
	echo "$output"
	names=$(printf '%s\n' "$output" | sed -E "s/^('[^']*').*/\\1/")
	expected="'manifest'
'rootfs'
'rootfs/a-b'
'rootfs/bin'
'rootfs/bin/big'
'rootfs/bin/ping'
'rootfs/bin/ping-link'
'rootfs/bin/ping-sym'
'rootfs/empty'
'rootfs/etc'
'rootfs/etc/dangling'
'rootfs/etc/new\\nline'
'rootfs/etc/sub dir'
'rootfs/etc/sub dir/file with spaces'
'rootfs/fifo'"
	is_root && can_setcap && expected+="
'rootfs/null'"
	expected+="
'rootfs/ü-ñ'
'rootfs/ü-ñ/ÿ'"
	assert "$names" == "$expected" "entry order"
	assert "$output" =~ "'rootfs/bin/ping-link' 1 'rootfs/bin/ping' 0o4755" "hardlink to the first name"
	assert "$output" =~ "'rootfs/bin/ping-sym' 2 'ping' " "symlink"
	assert "$output" =~ "'rootfs/etc/dangling' 2 '../../nowhere' 0o777 [0-9]+:[0-9]+ 981173106.123456789 " "dangling symlink, ns mtime"
	assert "$output" =~ "'rootfs/fifo' 6 " "fifo"
	assert "$output" =~ "'rootfs/bin/big' 0 '' 0o644 [0-9:]+ [0-9.]+   \[\('user.empty', ''\)\]" "empty xattr value, no user names"
	assert "$output" =~ "file with spaces' 0 '' 0o644 [0-9:]+ [0-9.]+   \[\('user.binary', 'ff00010a0b0c'\)\]" "binary xattr value"
	assert "$output" =~ "'rootfs/etc' 5 '' 0o755 [0-9:]+ [0-9.]+   \[\('user.dir', '796573'\)\]" "directory xattr"
	if can_setcap; then
		assert "$output" =~ "'rootfs/bin/ping' 0 '' 0o4755 [0-9:]+ [0-9.]+   \[\('security.capability', '0100000200200000000000000000000000000000'\)\]" "file capability"
		assert "$output" =~ "'rootfs/etc/sub dir/file with spaces' 0 '' 0o644 1234:5678" "owner"
		assert "$output" =~ "'rootfs/null' 3 " "device"
	fi
	# The manifest as it is on disk, data as it is.
	run -0 bsdtar -xOf img.aci manifest
	assert "$output" == "$MANIFEST" "manifest bytes"
	run -0 bsdtar -xOf img.aci rootfs/bin/big
	bsdtar -xOf img.aci rootfs/bin/big | cmp - lay/rootfs/bin/big
	run -0 bsdtar -tvf img.aci
	assert "$output" =~ "hrwsr-xr-x .* rootfs/bin/ping-link link to rootfs/bin/ping" "bsdtar sees the hardlink"
	if can_setcap; then
		run_acitool list-filecaps img.aci
		expect_output "/bin/ping cap_net_raw=ep"
	fi
}

@test "build: the same tree twice gives the same bytes; mtime options" {
	mklayout lay
	run_acitool build lay a.aci
	run_acitool build --compression=none lay a.tar
	cat lay/rootfs/bin/big >/dev/null # atime and ctime are not stored
	chmod 644 lay/rootfs/a-b
	run_acitool build lay b.aci
	cmp a.aci b.aci
	sleep 0.01
	touch lay/rootfs/bin lay/rootfs/etc
	run_acitool build --no-compression lay b.tar
	assert "$(compression b.tar)" == none
	# The touched directories' mtime changed: only they differ.
	run tarlist a.tar
	a=$output
	run tarlist b.tar
	assert "$(diff <(echo "$a") <(echo "$output") | grep -c '^>')" -eq 2 "entries that changed"

	# SOURCE_DATE_EPOCH clamps: older times stay, newer ones become it.
	SOURCE_DATE_EPOCH=1000000000 run_acitool build --compression=none lay sde.tar
	run tarlist sde.tar
	assert "$output" =~ "'rootfs/a-b' 0 '' 0o644 [0-9:]+ 981173106.123456789 " "older time kept"
	assert "$output" =~ "'rootfs/bin' 5 '' 0o755 [0-9:]+ 1000000000 " "newer time clamped"
	SOURCE_DATE_EPOCH=1000000000 run_acitool build --compression=none lay sde2.tar
	cmp sde.tar sde2.tar
	# --mtime sets every time; --owner-root every owner.
	run_acitool build --mtime=5 --owner-root --compression=none lay m.tar
	run tarlist m.tar
	assert "$(echo "$output" | grep -vc " 0:0 5 ")" -eq 0 "every entry 0:0 at time 5"
	run_acitool build --mtime=1000000000 --clamp-mtime --compression=none lay c.tar
	cmp sde.tar c.tar
	# GNU tar's spelling, @EPOCH, as a Makefile passes it to both.
	run_acitool build --mtime=@1000000000 --clamp-mtime --compression=none lay c2.tar
	cmp c.tar c2.tar
	run_acitool 2 build --mtime=@ lay j.aci
	run_acitool 2 build --mtime=@@5 lay j.aci
	SOURCE_DATE_EPOCH=junk run_acitool 2 build lay j.aci
	run_acitool 2 build --mtime=-1 lay j.aci
	run_acitool 2 build --clamp-mtime lay j.aci
	expect_files . lay a.aci a.tar b.aci b.tar sde.tar sde2.tar m.tar c.tar c2.tar
}

@test "build: compression options" {
	mklayout lay
	run_acitool build --compression=xz lay x.aci
	assert "$(compression x.aci)" == xz
	run_acitool build --compression=bzip2 --fast lay b.aci
	assert "$(compression b.aci)" == bzip2
	run_acitool build lay - >s.aci
	run_acitool build --no-compression=true lay n.aci
	assert "$(compression n.aci)" == none
	run_acitool 2 build --replace lay
	run_acitool 2 build --no-compression --compression=xz lay y.aci
	run_acitool 2 build lay
	run_acitool 2 build lay a b c
	for f in x.aci b.aci n.aci; do
		run_acitool cat-manifest "$f"
		expect_output "$MANIFEST"
	done
}

@test "build: what is not a layout is refused, and nothing is written" {
	mkdir -p nomanifest/rootfs
	run_acitool 1 build nomanifest out.aci
	expect_error_line build "nomanifest: no manifest"

	mkdir -p invalid/rootfs
	echo '{"acKind":"ImageManifest","acVersion":"0.8.11"}' >invalid/manifest
	run_acitool 1 build invalid out.aci
	expect_error_line build "invalid/manifest: invalid manifest"
	echo 'not json' >invalid/manifest
	run_acitool 1 build invalid out.aci
	# Checked against the spec, not only for the members acitool needs.
	echo '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"Not An ACIdentifier"}' >invalid/manifest
	run_acitool 1 build invalid out.aci
	expect_error_line build "invalid manifest: name: not an ACIdentifier"

	mkdir rootfsfile
	printf '%s' "$MANIFEST" >rootfsfile/manifest
	: >rootfsfile/rootfs
	run_acitool 1 build rootfsfile out.aci
	expect_error_line build "rootfs is not a directory"

	mkdir -p norootfs real
	printf '%s' "$MANIFEST" >norootfs/manifest
	run_acitool 1 build norootfs out.aci
	expect_error_line build "no rootfs"
	ln -s ../real norootfs/rootfs
	run_acitool 1 build norootfs out.aci
	expect_error_line build "rootfs is not a directory"

	mklayout extra
	: >extra/README
	run_acitool 1 build extra out.aci
	expect_error_line build "'README' does not belong in a layout"

	run_acitool 1 build missing-dir out.aci
	mklayout lay
	run_acitool build lay out.aci
	run_acitool 1 build lay out.aci
	expect_error_line build "exists"
	run_acitool build --overwrite lay out.aci
	# The output inside the tree it is made of.
	run_acitool 1 build lay lay/rootfs/out.aci
	expect_error_line build "the output being written"
	# Beside manifest and rootfs: the same words, not the temporary name.
	run_acitool 1 build lay lay/out.aci
	expect_error_line build "lay: OUTPUT must lie outside DIR"
	expect_files lay manifest rootfs
	expect_files lay/rootfs a-b bin empty etc fifo "$(is_root && can_setcap && echo null)" ü-ñ
	expect_files . nomanifest invalid rootfsfile norootfs real extra lay out.aci
}

@test "build --force: what actool builds, each broken rule a warning" {
	# Both build with actool: the name in appc's types.md, and a 1.x version.
	local m
	mkdir -p lay/rootfs
	for m in '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/~user/app"}' \
		'{"acKind":"ImageManifest","acVersion":"1.0.0","name":"example.com/app"}'; do
		printf '%s' "$m" >lay/manifest
		rm -f out.aci
		run_acitool 1 build lay out.aci
		expect_error_line build "lay/manifest: invalid manifest: "
		[ ! -e out.aci ] || die "out.aci written without --force"
		run -0 --separate-stderr "$ACITOOL" build --force lay out.aci
		assert "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 "one warning: $stderr"
		assert "$stderr" =~ "^acitool: build: warning: lay/manifest: (name|acVersion): .* \(written with --force\)$" "warning"
		run -0 python3 -c 'import sys, tarfile; sys.stdout.write(tarfile.open("out.aci").extractfile("manifest").read().decode())'
		assert "$output" == "$m" "the manifest as written"
	done
	# The image is read by the other verbs, which need a readable manifest only.
	run_acitool patch-manifest --name=example.com/other out.aci out2.aci
	# Not a readable image manifest: refused all the same.
	for m in 'not json' '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[]}' \
		'{"acKind":"ImageManifest","acVersion":"0.8.11"}'; do
		printf '%s' "$m" >lay/manifest
		rm -f out.aci
		run_acitool 1 build --force lay out.aci
		expect_error_line build "lay/manifest: invalid manifest: "
		[ ! -e out.aci ] || die "out.aci written for: $m"
	done
}

@test "build: an unreadable file fails the build" {
	local dir
	dir=$(mktemp -d /tmp/act-unreadable.XXXXXX)
	chmod 755 "$dir"
	mklayout "$dir/lay"
	chmod 000 "$dir/lay/rootfs/bin/big"
	chmod 777 "$dir"
	if is_root; then
		# Root reads everything: build as nobody.
		chmod -R a+rX "$dir/lay/rootfs/etc" "$dir/lay/rootfs/ü-ñ"
		run -1 setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$ACITOOL" build "$dir/lay" "$dir/out.aci"
	else
		run -1 "$ACITOOL" build "$dir/lay" "$dir/out.aci"
	fi
	echo "$output"
	assert "$output" =~ "^acitool: build: .*rootfs/bin/big: Permission denied$"
	run ls -A "$dir"
	assert "$output" == "lay" "no output left"
	rm -rf "$dir"
}

@test "extract: build, extract, build gives the same bytes; getcap, getfattr and stat agree" {
	mklayout lay
	run_acitool build lay img.aci
	run_acitool extract img.aci out
	if ! is_root; then
		expect_output --substring "warning: not root: owners not restored"
		return
	fi
	assert "$output" == "" "nothing printed as root"
	assert "$(tree out)" == "$(tree lay)" "paths, types, modes, owners, links, sizes, times"
	assert "$(xattrs out)" == "$(xattrs lay)" "xattrs"
	assert "$(xattrs out)" =~ "user.binary=0xff00010a0b0c" "a binary xattr"
	assert "$(cd out && getcap -r .)" == "$(cd lay && getcap -r .)" "getcap -r"
	if can_setcap; then
		assert "$(cd out && getcap -r . | sort)" == "./rootfs/bin/ping cap_net_raw=ep
./rootfs/bin/ping-link cap_net_raw=ep" "file capabilities survive the chown"
		assert "$(stat -c %a out/rootfs/bin/ping)" == 4755 "setuid survives the chown"
	fi
	if getfattr -n system.posix_acl_access lay/rootfs/ü-ñ/ÿ >/dev/null 2>&1; then
		assert "$(getfattr -n system.posix_acl_access -e hex out/rootfs/ü-ñ/ÿ 2>/dev/null)" =~ "0x0200000001000600ffffffff02000600d2040000" "ACL restored"
	fi
	cmp out/rootfs/bin/big lay/rootfs/bin/big
	run_acitool build out again.aci
	cmp img.aci again.aci
	# From standard input, xz, into an empty directory (its mode kept).
	run_acitool build --compression=xz lay img.xz.aci
	mkdir empty
	chmod 750 empty
	run_acitool extract - empty/ <img.xz.aci
	assert "$(tree empty)" == "$(tree lay)" "extracted from a pipe"
	assert "$(stat -c %a empty)" == 750 "an existing DIR keeps its mode"
	expect_files . lay img.aci out again.aci img.xz.aci empty
}

@test "extract: as non-root, owners, privileged xattrs and devices are skipped with one warning" {
	is_root || skip "needs root to make the image and to become nobody"
	mklayout lay
	run_acitool build lay img.aci
	local dir
	dir=$(mktemp -d /tmp/act-extract.XXXXXX)
	chmod 777 "$dir"
	cp img.aci "$dir/"
	run -0 setpriv --reuid=65534 --regid=65534 --clear-groups "$ACITOOL" extract "$dir/img.aci" "$dir/out"
	echo "$output"
	assert "${#lines[@]}" -eq 1 "one warning line"
	local want="^acitool: extract: warning: not root: owners not restored"
	can_setcap && want+="; 1 security.\* or trusted.\* xattrs skipped; 1 device nodes skipped$"
	assert "$output" =~ "$want" "the warning"
	assert "$(stat -c %U "$dir/out/rootfs/bin/ping")" == nobody "owned by the caller"
	assert "$(getcap -r "$dir/out")" == "" "no file capabilities"
	assert "$(stat -c %a "$dir/out/rootfs/bin/ping")" == 755 "set-id bit dropped"
	assert "$(getfattr --absolute-names -n user.binary -e hex "$dir/out/rootfs/etc/sub dir/file with spaces" | sed -n 's/^user.binary=//p')" == 0xff00010a0b0c "user xattrs kept"
	rm -rf "$dir"
}

@test "extract: DIR must not exist or be empty" {
	mklayout lay
	run_acitool build lay img.aci
	mkdir full
	: >full/keep
	run_acitool 1 extract img.aci full
	expect_error_line extract "full: not an empty directory"
	: >afile
	run_acitool 1 extract img.aci afile
	expect_error_line extract "afile: exists and is not a directory"
	ln -s lay alink
	run_acitool 1 extract img.aci alink
	run_acitool 1 extract img.aci nonexistent/out
	run_acitool 2 extract img.aci
	run_acitool 2 extract img.aci a b
	expect_files . lay img.aci full afile alink
	expect_files full keep
}

# wait_files DIR N: until DIR holds N files (bounded: 60 s).
wait_files() {
	local i
	for ((i = 0; i < 3000; i++)); do
		[ "$(find "$1" -type f 2>/dev/null | wc -l)" -lt "$2" ] || return 0
		kill -0 "$PID" 2>/dev/null || die "acitool ended early: $(cat stderr.log)"
		sleep 0.02
	done
	die "$1 never held $2 files"
}

@test "extract: SIGINT, SIGTERM, SIGHUP mid-extract: dies of it, what it extracted is gone" {
	local sig num tmp
	# 200 files of 32 KiB, of which the first 2 MiB are fed through a FIFO:
	# acitool then waits for more, with part of the tree on disk.
	python3 - <<'PY'
import io, tarfile
with tarfile.open("img.tar", "w", format=tarfile.PAX_FORMAT) as t:
    def add(name, data=None, dir=False):
        i = tarfile.TarInfo(name)
        i.mtime = 1700000000
        if dir:
            i.type, i.mode = tarfile.DIRTYPE, 0o755
            t.addfile(i)
        else:
            i.size, i.mode = len(data), 0o644
            t.addfile(i, io.BytesIO(data))
    add("manifest", b'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/sig"}')
    add("rootfs", dir=True)
    for n in range(200):
        add("rootfs/f%03d" % n, bytes([n]) * 32768)
PY
	mkdir empty
	for sig in INT TERM HUP; do
		for dir in new empty; do
			num=$(kill -l $sig)
			rm -f fifo
			mkfifo fifo
			start_acitool -- extract fifo $dir
			exec 7>fifo
			head -c $((2 << 20)) img.tar >&7
			if [ $dir = new ]; then
				wait_files . 20
				tmp=$(find . -maxdepth 1 -name '.new.acitool-*')
				[ -n "$tmp" ] || die "no temporary directory"
			else
				wait_files empty 20
			fi
			echo "# $sig into $dir with $(find . -type f | wc -l) files on disk"
			kill -s $sig "$PID"
			wait_status
			exec 7>&-
			assert "$RC" -eq $((128 + num)) "exit status after SIG$sig (died of it)"
			assert "$(cat stderr.log)" == "" "stderr after SIG$sig"
			expect_files . empty fifo img.tar stderr.log
			expect_files empty
		done
	done

	# Fed whole, the same image extracts: the FIFO was not the problem.
	start_acitool -- extract fifo new
	exec 7>fifo
	cat img.tar >&7
	exec 7>&-
	wait_status
	assert "$RC" -eq 0 "exit status"
	assert "$(find new/rootfs -type f | wc -l)" -eq 200 "files extracted"
}

# mkhostile OUTDIR TARGET: images that try to write outside DIR (into TARGET).
mkhostile() {
	python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
M = b'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/h"}'
def img(path, entries, manifest=M):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        if manifest is not None:
            ti = tarfile.TarInfo("manifest"); ti.size = len(manifest)
            t.addfile(ti, io.BytesIO(manifest))
        ti = tarfile.TarInfo("rootfs"); ti.type = tarfile.DIRTYPE; ti.mode = 0o755
        t.addfile(ti)
        for name, kind, arg in entries:
            ti = tarfile.TarInfo(name)
            if kind == "file":
                ti.size = len(arg); t.addfile(ti, io.BytesIO(arg))
            else:
                ti.type = tarfile.SYMTYPE if kind == "sym" else tarfile.LNKTYPE
                ti.linkname = arg; t.addfile(ti)
out, target = sys.argv[1], sys.argv[2]
a = ("rootfs/a", "file", b"a")
img(out + "/dotdot.aci", [a, ("rootfs/../../evil", "file", b"x")])
img(out + "/dotdot-inside.aci", [a, ("rootfs/b/../../../evil", "file", b"x")])
img(out + "/absolute.aci", [a, (target + "/evil", "file", b"x")])
img(out + "/symlink-abs.aci", [a, ("rootfs/link", "sym", target), ("rootfs/link/evil", "file", b"x")])
img(out + "/symlink-up.aci", [a, ("rootfs/link", "sym", "../../.."), ("rootfs/link/evil", "file", b"x")])
img(out + "/hardlink-out.aci", [a, ("rootfs/h", "hard", "../../victim")])
img(out + "/hardlink-abs.aci", [a, ("rootfs/h", "hard", target + "/victim")])
img(out + "/hardlink-sym.aci", [a, ("rootfs/link", "sym", target), ("rootfs/h", "hard", "rootfs/link/victim")])
img(out + "/top-level.aci", [a, ("evil", "file", b"x")])
img(out + "/twice.aci", [a, ("rootfs/link", "sym", target), ("rootfs/link", "file", b"x")])
img(out + "/no-manifest.aci", [a], manifest=None)
img(out + "/bad-manifest.aci", [a], manifest=b'{"acKind":"ImageManifest"}')
PY
}

@test "extract: hostile and broken images: exit 1, nothing written outside DIR, DIR removed" {
	mkdir images target
	echo victim >target/victim
	mkhostile images "$PWD/target"
	local f
	for f in images/*.aci; do
		run_acitool 1 extract "$f" out
		assert "${#lines[@]}" -eq 1 "one error line for $f"
		expect_files . images target
		expect_files target victim
		assert "$(cat target/victim)" == victim "victim untouched by $f"
	done
	run_acitool 1 extract images/twice.aci out
	expect_error_line extract "twice"
	run_acitool 1 extract images/symlink-abs.aci out
	expect_error_line extract "symlink"
	# A truncated image, into an existing empty directory: emptied again.
	mklayout lay
	run_acitool build --compression=none lay img.tar
	head -c 200000 img.tar >cut.tar
	mkdir empty
	run_acitool 1 extract cut.tar empty
	expect_files empty
	expect_files . images target lay img.tar cut.tar empty
}

@test "build: files with holes are stored sparse; every reader gets the same data" {
	mkdir -p sp/rootfs
	printf '%s' "$MANIFEST" >sp/manifest
	truncate -s 10M sp/rootfs/tail-hole
	printf 'data' | dd of=sp/rootfs/tail-hole bs=1 seek=5000000 conv=notrunc 2>/dev/null
	truncate -s 3M sp/rootfs/all-hole
	printf 'start' >sp/rootfs/head-and-end
	truncate -s 8M sp/rootfs/head-and-end
	printf 'end' >>sp/rootfs/head-and-end
	[ "$(du -k sp/rootfs/all-hole | cut -f1)" -eq 0 ] || skip "this file system has no holes"
	run_acitool build --compression=none sp sp.tar
	assert "$(stat -c %s sp.tar)" -lt 100000 "holes are not stored"
	run -0 python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        if m.isfile():
            data = t.extractfile(m).read()
            if data != open("sp/" + m.name, "rb").read():
                sys.exit("python: %s differs" % m.name)
            print(m.name, m.size, len(m.sparse or ()))' sp.tar
	assert "$output" == "manifest ${#MANIFEST} 0
rootfs/all-hole 3145728 1
rootfs/head-and-end 8388611 2
rootfs/tail-hole 10485760 2" "sizes and sparse regions"
	mkdir bsd gnu
	bsdtar -xf sp.tar -C bsd
	tar -xf sp.tar -C gnu
	run_acitool extract sp.tar ours
	local f
	for f in all-hole head-and-end tail-hole; do
		cmp sp/rootfs/$f bsd/rootfs/$f
		cmp sp/rootfs/$f gnu/rootfs/$f
		cmp sp/rootfs/$f ours/rootfs/$f
	done
	assert "$(du -k ours/rootfs/all-hole | cut -f1)" -eq 0 "extracted with its holes"
	run_acitool build --compression=none ours again.tar
	cmp sp.tar again.tar
}

@test "build and extract: names that are not UTF-8 are bytes, kept both ways" {
	mkdir -p lay/rootfs/bin
	printf '%s' "$MANIFEST" >lay/manifest
	printf 'x\n' >"lay/rootfs/bin/caf"$'\xe9'
	ln -s "caf"$'\xe9' "lay/rootfs/bin/l"$'\xff'
	run_acitool build --compression=none lay a.tar
	# Python reads the name back as its bytes (hdrcharset=BINARY), GNU tar too.
	run -0 python3 -c '
import sys, tarfile
t = tarfile.open(sys.argv[1], encoding="utf-8", errors="surrogateescape")
for m in t.getmembers():
    if m.name.startswith("rootfs/bin/"):
        print(m.name.encode("utf-8", "surrogateescape").hex() + ":" +
              m.linkname.encode("utf-8", "surrogateescape").hex())' a.tar
	hex() { printf "$1" | od -An -tx1 | tr -d ' \n'; }
	assert "$output" == "$(hex 'rootfs/bin/caf\xe9'):
$(hex 'rootfs/bin/l\xff'):$(hex 'caf\xe9')" "names, as bytes"
	run -0 tar -tf a.tar
	assert "$output" =~ 'rootfs/bin/caf\\351' "GNU tar's listing"
	# Extracted, built again: the same bytes.
	run_acitool extract a.tar x
	[ -f "x/rootfs/bin/caf"$'\xe9' ] || die "the file under its bytes"
	[ "$(readlink "x/rootfs/bin/l"$'\xff')" = "caf"$'\xe9' ] || die "the symlink and its target"
	run_acitool build --compression=none x b.tar
	cmp a.tar b.tar
}
