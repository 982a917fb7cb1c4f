#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# patch-manifest's rootfs edits (--add=DEST=SRC, --remove-path, --owner-root,
# --mtime) in the one pass: host files and trees as new entries with what
# the disk says of them (xattrs and file capabilities included), read back by
# python's tarfile, GNU tar, bsdtar and getcap; replaced entries where they
# stand; every other entry byte for byte (tarcmp); the errors.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	mkdir -p host/tree/sub
	printf 'hello\n' >host/tree/a
	printf 'b\n' >host/tree/sub/b
	ln host/tree/a host/tree/hl
	ln -s a host/tree/ln
	chmod 0750 host/tree/sub
	touch -d @1600000000 host/tree/a host/tree/sub/b
	printf 'one\n' >host/one
	mkimage in.aci m.json 2>/dev/null || true
}

# The tar image small enough to read whole: manifest, rootfs, rootfs/hello.
small() {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a"%s}' "${1:-}" >m.json
	mkimage in.aci m.json
}

# entries IMAGE: "name type mode uid:gid size linkname" lines, python's tarfile.
entries() {
	python3 - "$1" <<'EOF'
import sys, tarfile
kinds = {tarfile.REGTYPE: "file", tarfile.DIRTYPE: "dir", tarfile.SYMTYPE: "symlink",
         tarfile.LNKTYPE: "hardlink"}
with tarfile.open(sys.argv[1], "r:*") as t:
    for m in t.getmembers():
        print(m.name, kinds.get(m.type, m.type), "%o" % m.mode, "%d:%d" % (m.uid, m.gid),
              m.size, m.linkname or "-")
EOF
}

@test "exact path or into a directory: the trailing '/' decides" {
	small
	run_acitool patch-manifest --add=/etc/conf=host/one --add=/opt/=host/one \
		--add=/srv/app=host/tree --add=/lib/=host/tree --add=/data/=host/tree/ in.aci out.aci
	run entries out.aci
	echo "$output"
	for want in "rootfs/etc/conf file 644" "rootfs/opt/one file 644" "rootfs/srv/app dir 755" \
		"rootfs/srv/app/a file 644" "rootfs/srv/app/sub dir 750" "rootfs/srv/app/sub/b file" \
		"rootfs/lib/tree dir" "rootfs/lib/tree/sub/b file" "rootfs/data dir" "rootfs/data/sub/b file"; do
		expect_output --substring "$want"
	done
	# Missing parents: 0755 directories owned by root, before their content.
	expect_output --substring "rootfs/etc dir 755 0:0 0 -"
	run -0 python3 -c '
import sys, tarfile
names = tarfile.open("out.aci").getnames()
for n in names:
    p = n.rsplit("/", 1)[0]
    assert p == n or p in names[:names.index(n)], (n, "before its parent")
'
	run_acitool validate out.aci
	# The entries of the image stay as they were, in order.
	run -0 $TARCMP in.aci out.aci --only-old
}

@test "a tree keeps modes, times, symlinks, hardlinks and xattrs; --owner-root, --mtime" {
	small
	setfattr -n user.note -v "a\\000b" host/tree/a 2>/dev/null || skip "no user xattrs here"
	run_acitool patch-manifest --add=/t=host/tree in.aci out.aci
	python3 - <<'EOF'
import os, tarfile
t = tarfile.open("out.aci")
a, hl, ln, sub = (t.getmember("rootfs/t/" + n) for n in ("a", "hl", "ln", "sub"))
assert a.isfile() and a.mtime == 1600000000 and a.mode == 0o644, (a.mode, a.mtime)
assert a.uid == os.getuid(), a.uid
assert a.pax_headers.get("SCHILY.xattr.user.note") == "a\x00b", a.pax_headers
assert hl.islnk() and hl.linkname == "rootfs/t/a", hl.linkname
assert ln.issym() and ln.linkname == "a"
assert sub.isdir() and sub.mode == 0o750
assert t.extractfile(a).read() == b"hello\n"
EOF
	run_acitool patch-manifest --owner-root --mtime=@1234 --add=/t=host/tree in.aci out2.aci
	python3 - <<'EOF'
import tarfile
for m in tarfile.open("out2.aci").getmembers():
    if m.name.startswith("rootfs/t"):
        assert (m.uid, m.gid, m.mtime) == (0, 0, 1234), (m.name, m.uid, m.mtime)
EOF
	# GNU tar and bsdtar extract it, the xattr with them.
	mkdir gnu bsd
	tar --xattrs --xattrs-include='*' -xpf out.aci -C gnu
	bsdtar --xattrs -xpf out.aci -C bsd
	for d in gnu bsd; do
		cmp "$d/rootfs/t/a" host/tree/a
		assert "$(stat -c %i "$d/rootfs/t/a")" == "$(stat -c %i "$d/rootfs/t/hl")" "$d: one inode"
		assert "$(getfattr --only-values -n user.note "$d/rootfs/t/a" | od -An -c | tr -s ' ')" == " a \\0 b" "$d: the xattr"
	done
}

@test "a setcap'd host binary keeps its capability: getcap after GNU tar and bsdtar" {
	[ "$(id -u)" -eq 0 ] || skip "setcap and extracting security.capability need root"
	cp /bin/true host/ping
	setcap cap_net_raw+ep host/ping
	small
	run_acitool patch-manifest --add=/usr/bin/ping=host/ping in.aci out.aci
	run -0 $TARINFO --xattr security.capability out.aci rootfs/usr/bin/ping
	assert "$output" == "$(getfattr --only-values -n security.capability host/ping | od -An -tx1 | tr -d ' \n')" "the value, as on disk"
	mkdir gnu bsd
	tar --xattrs --xattrs-include='*' -xpf out.aci -C gnu
	bsdtar --xattrs -xpf out.aci -C bsd
	for d in gnu bsd; do
		run -0 getcap "$d/rootfs/usr/bin/ping"
		expect_output --substring "cap_net_raw=ep"
	done
	# --filecap on the added file, in the same pass, wins over the disk's.
	run_acitool patch-manifest --add=/usr/bin/ping=host/ping \
		--filecap=/usr/bin/ping=cap_net_bind_service+ep in.aci out2.aci
	mkdir gnu2
	tar --xattrs --xattrs-include='*' -xpf out2.aci -C gnu2
	run -0 getcap gnu2/rootfs/usr/bin/ping
	expect_output --substring "cap_net_bind_service=ep"
}

@test "replacing an entry: where it stood, every other entry byte for byte" {
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	run_acitool patch-manifest --add=/files/text=host/one in.aci out.aci
	run -0 python3 -c '
import tarfile
a = tarfile.open("in.aci").getnames(); b = tarfile.open("out.aci").getnames()
assert a == b, "same names, same order"
assert tarfile.open("out.aci").extractfile("rootfs/files/text").read() == b"one\n"'
	run -0 $TARCMP in.aci out.aci --skip rootfs/files/text
	# A file over a directory, or the other way, asks for --remove-path.
	run_acitool 1 patch-manifest --add=/files=host/one in.aci x.aci
	expect_error_line patch-manifest "--add=/files=host/one: /files is a directory in the image, the new one a file: --remove-path=/files first"
	run_acitool 1 patch-manifest --add=/files/text=host/tree in.aci x.aci
	expect_error_line patch-manifest "/files/text is a file in the image, the new one a directory"
	run_acitool patch-manifest --remove-path=/files --add=/files=host/one in.aci y.aci
	run -0 python3 -c '
import tarfile
n = tarfile.open("y.aci").getnames()
assert "rootfs/files" in n and not [x for x in n if x.startswith("rootfs/files/")], n'
	# Under a symlink (the image's /link): nothing is added through it.
	run_acitool 1 patch-manifest --add=/link/x=host/one in.aci x.aci
	expect_error_line patch-manifest "/link is a symlink in the image: nothing can be added under it"
	expect_files . in.aci out.aci y.aci host
}

@test "removing: the path and everything under it; hardlinks; what is missing" {
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	run_acitool patch-manifest --remove-path=/files --remove-path=/link in.aci out.aci
	run -0 python3 -c '
import tarfile
n = tarfile.open("out.aci").getnames()
assert not [x for x in n if x == "rootfs/link" or x.startswith("rootfs/files")], n'
	run -0 $TARCMP in.aci out.aci --skip rootfs/link --skip-under rootfs/files
	# /bin/ping6 is a hardlink to /bin/ping.
	run_acitool 1 patch-manifest --remove-path=/bin/ping in.aci x.aci
	expect_error_line patch-manifest "/bin/ping6 is a hardlink to /bin/ping, which is removed: remove both, or neither"
	run_acitool patch-manifest --remove-path=/bin/ping --remove-path=/bin/ping6 in.aci y.aci
	run_acitool 1 patch-manifest --remove-path=/nope in.aci x.aci
	expect_error_line patch-manifest "--remove-path=/nope: no /nope in the image$"
	run_acitool patch-manifest --ignore-missing --remove-path=/nope in.aci z.aci
	expect_files . in.aci out.aci y.aci z.aci host
}

@test "an image with dependencies: a removal says what it cannot hide" {
	small ',"dependencies":[{"imageName":"example.com/base"}]'
	run_acitool patch-manifest --remove-path=/hello in.aci out.aci
	expect_error_line patch-manifest "warning: --remove-path=/hello: the image has dependencies: if one provides /hello too, it stays \(only pathWhitelist hides it\)"
	run_acitool 1 patch-manifest --remove-path=/bin/sh in.aci x.aci
	expect_error_line patch-manifest "no /bin/sh in the image \(a dependency's files cannot be removed: only pathWhitelist hides them\)"
}

@test "bad rootfs options: one line, nothing written" {
	small
	local args want rc
	while IFS='|' read -r rc args want; do
		[ -n "$rc" ] || continue
		eval "set -- $args"
		run_acitool "$rc" patch-manifest "$@" in.aci out.aci
		expect_error_line patch-manifest "$want"
		[ ! -e out.aci ] || die "out.aci written for: $args"
	done <<'EOF'
1|--add=/x=missing|--add=/x=missing: missing: No such file or directory
2|--add=/x|--add=/x: not DEST=SRC
2|--add==host/one|--add==host/one: not DEST=SRC
2|--add=.=host/one|the rootfs itself cannot be replaced: end DEST with '/' to copy into it
2|--add=../x=host/one|'../x' is not a path in the rootfs
1|--add=/x/=host/one/|host/one/: not a directory
1|--add=/a=host/one --add=/a=host/tree/a|--add=/a=host/one and --add=/a=host/tree/a both give /a
2|--owner-root --remove-path=/hello|--owner-root and --mtime go with --add
2|--mtime=yesterday --add=/x=host/one|--mtime: 'yesterday' is not a number of seconds
EOF
}

@test "with manifest edits, in a gzip image cut into members mid-entry: one pass, nothing lost" {
	cp "$ACT_FIXTURES/kitchen.tgz" k.tgz
	gzip -dc k.tgz >k.tar
	# Three members, cut where no entry ends.
	head -c 20000 k.tar | gzip -n >multi.aci
	tail -c +20001 k.tar | head -c 900000 | gzip -n >>multi.aci
	tail -c +920001 k.tar | gzip -n >>multi.aci
	run_acitool patch-manifest --label=version=2 --remove-path=/files/size-513 \
		--add=/files/one=host/one --add=/new/=host/tree multi.aci out.aci
	gzip -t out.aci
	run -0 $TARCMP k.tar out.aci --skip manifest --skip rootfs/files/size-513 \
		--skip rootfs/files/one --skip-under rootfs/new
	# The same call, the same bytes.
	run_acitool patch-manifest --label=version=2 --remove-path=/files/size-513 \
		--add=/files/one=host/one --add=/new/=host/tree multi.aci again.aci
	cmp out.aci again.aci
}
