#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# File capabilities written by acitool, extracted by real tools: GNU tar
# (--xattrs --xattrs-include='*', pitfalls §9.1) and bsdtar, as root, into a
# temp dir; then getcap, and the raw xattr bytes read back with python's
# os.getxattr. Everything here needs root and a file system that holds
# security.capability; CI runs as root.

bats_require_minimum_version 1.5.0

load helpers

NET_RAW_EP=0100000200200000000000000000000000000000

setup_file() {
	copy_fixtures minimal kitchen bsdtar-tree gnu-tree
}

setup() {
	is_root || skip "extracting file capabilities needs root"
	cd "$BATS_TEST_TMPDIR"
	# Can this file system hold security.capability?
	: >probe
	setcap cap_net_raw+ep probe 2>/dev/null && [ -n "$(getcap probe)" ] ||
		skip "the file system of $BATS_TEST_TMPDIR cannot hold security.capability"
	rm -f probe
}

# gnu_x IMAGE DIR [MEMBER...]: extract with GNU tar, xattrs of every namespace.
gnu_x() {
	local img=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	tar --xattrs --xattrs-include='*' --warning=no-unknown-keyword -xpf "$img" -C "$dir" "$@"
}

# bsd_x IMAGE DIR [MEMBER...]: extract with bsdtar (xattrs are restored by default as root).
bsd_x() {
	local img=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	bsdtar -xpf "$img" -C "$dir" "$@"
}

# disk_xattr FILE [NAME]: the xattr (default security.capability) of FILE on
# disk in hex, or "absent".
disk_xattr() {
	python3 -c '
import errno, os, sys
try:
    print(os.getxattr(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "security.capability",
                      follow_symlinks=False).hex())
except OSError as e:
    if e.errno != errno.ENODATA:
        raise
    print("absent")
' "$@"
}

# ---------------------------------------------------------------------------

@test "extract: GNU tar and bsdtar restore cap_net_raw+ep; getcap shows it" {
	run_acitool add-filecaps "$FX/minimal.tar" ping.aci /bin/ping cap_net_raw+ep
	gnu_x ping.aci gnu
	bsd_x ping.aci bsd
	local d
	for d in gnu bsd; do
		assert "$(disk_xattr $d/rootfs/bin/ping)" == "$NET_RAW_EP" "$d: xattr bytes"
		run -0 getcap $d/rootfs/bin/ping
		assert "$output" =~ "^$d/rootfs/bin/ping cap_net_raw[+=]ep\$" "$d: getcap"
		assert "$(stat -c %a $d/rootfs/bin/ping)" == 755 "$d: mode"
		# The data is intact.
		assert "$(sha256 $d/rootfs/bin/ping)" == "$(tar -xOf "$FX/minimal.tar" rootfs/bin/ping | sha256sum | cut -d' ' -f1)" "$d: data"
	done
	# The test can fail: without the edit there are no caps.
	gnu_x "$FX/minimal.tar" plain
	assert "$(disk_xattr plain/rootfs/bin/ping)" == absent "unedited image"
}

@test "extract: every compression acitool writes extracts with its caps" {
	local ext d
	for ext in tar tgz tbz2 txz; do
		run_acitool add-filecaps "$FX/minimal.$ext" "ping.$ext" /bin/ping cap_net_raw+ep
		gnu_x "ping.$ext" "gnu-$ext"
		bsd_x "ping.$ext" "bsd-$ext"
		for d in "gnu-$ext" "bsd-$ext"; do
			assert "$(disk_xattr "$d/rootfs/bin/ping")" == "$NET_RAW_EP" "$d"
		done
	done
}

@test "extract: a named hardlink's caps are on both names (one inode)" {
	# kitchen: rootfs/bin/ping holds the data, rootfs/bin/ping6 links to it.
	run_acitool add-filecaps "$FX/kitchen.tar" k.aci /bin/ping6 cap_net_raw+ep
	local d
	gnu_x k.aci gnu rootfs/bin/ping rootfs/bin/ping6
	bsd_x k.aci bsd rootfs/bin/ping rootfs/bin/ping6
	for d in gnu bsd; do
		assert "$(stat -c %i $d/rootfs/bin/ping6)" == "$(stat -c %i $d/rootfs/bin/ping)" "$d: one inode"
		assert "$(stat -c %h $d/rootfs/bin/ping)" == 2 "$d: link count"
		assert "$(disk_xattr $d/rootfs/bin/ping)" == "$NET_RAW_EP" "$d: ping"
		assert "$(disk_xattr $d/rootfs/bin/ping6)" == "$NET_RAW_EP" "$d: ping6"
		run -0 getcap $d/rootfs/bin/ping6
		assert "$output" =~ "cap_net_raw[+=]ep\$" "$d: getcap ping6"
	done

	# The same from a GNU tar image (no xattrs on its hardlink entry).
	run_acitool add-filecaps "$FX/gnu-tree.tar" g.aci /bin/ping6 cap_kill+p
	gnu_x g.aci g rootfs/bin/ping rootfs/bin/ping6
	assert "$(disk_xattr g/rootfs/bin/ping6)" == 0000000220000000000000000000000000000000 "gnu-tree ping6"
}

@test "extract: an extractor that applies hardlink entries' xattrs gets the new caps" {
	# moby's go-archive (createTarFile) sets a hardlink entry's SCHILY.xattr.*
	# on the shared inode after the target's. This python extractor does the same.
	cat >mobyx.py <<'EOF'
import os, sys, tarfile
img, dest = sys.argv[1], sys.argv[2]
with tarfile.open(img) as t:
    for m in t:
        path = os.path.join(dest, m.name)
        if m.isdir():
            os.makedirs(path, exist_ok=True)
        elif m.isreg():
            with open(path, "wb") as f:
                f.write(t.extractfile(m).read())
        elif m.islnk():
            os.link(os.path.join(dest, m.linkname), path)
        else:
            continue
        if not m.islnk():
            os.chown(path, m.uid, m.gid)
            os.chmod(path, m.mode)
        for k, v in m.pax_headers.items():
            if k.startswith("SCHILY.xattr."):
                os.setxattr(path, k[13:], v.encode("utf-8", "surrogateescape"))
EOF
	# The extractor does what it says: a hardlink entry's value wins.
	python3 - <<'EOF'
import io, tarfile
with tarfile.open("two.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for name, typ, caps in (("rootfs", tarfile.DIRTYPE, None), ("rootfs/a", tarfile.REGTYPE, "01000002002000000000000000000000" "00000000"),
                            ("rootfs/b", tarfile.LNKTYPE, "00000002200000000000000000000000" "00000000")):
        ti = tarfile.TarInfo(name)
        ti.type, ti.mode = typ, 0o755
        if typ == tarfile.LNKTYPE:
            ti.linkname = "rootfs/a"
        data = b"x\n" if typ == tarfile.REGTYPE else b""
        ti.size = len(data)
        if caps:
            ti.pax_headers = {"SCHILY.xattr.security.capability": bytes.fromhex(caps).decode("latin-1")}
        t.addfile(ti, io.BytesIO(data))
EOF
	mkdir two && python3 mobyx.py two.tar two
	assert "$(disk_xattr two/rootfs/a)" == 0000000220000000000000000000000000000000 "the hardlink entry's value won"

	# bsdtar-tree: ping6 is a hardlink entry that carries ping's xattrs.
	run_acitool add-filecaps "$FX/bsdtar-tree.tar" set.aci /bin/ping cap_kill+p
	mkdir set && python3 mobyx.py set.aci set
	assert "$(disk_xattr set/rootfs/bin/ping)" == 0000000220000000000000000000000000000000 "set: ping"
	run_acitool add-filecaps --remove "$FX/bsdtar-tree.tar" rm.aci /bin/ping
	mkdir rm && python3 mobyx.py rm.aci rm
	assert "$(disk_xattr rm/rootfs/bin/ping)" == absent "--remove: ping"
	# GNU tar and bsdtar agree.
	gnu_x set.aci gnu
	bsd_x set.aci bsd
	assert "$(disk_xattr gnu/rootfs/bin/ping6)" == 0000000220000000000000000000000000000000 "GNU tar"
	assert "$(disk_xattr bsd/rootfs/bin/ping6)" == 0000000220000000000000000000000000000000 "bsdtar"
}

@test "extract: other xattrs with NUL and newline bytes survive the edit and extraction" {
	run_acitool add-filecaps "$FX/kitchen.tar" k.aci /files/xattr-nul cap_net_raw+ep /bin/ping cap_kill+p
	local d
	gnu_x k.aci gnu rootfs/files/xattr-nul rootfs/bin/ping
	bsd_x k.aci bsd rootfs/files/xattr-nul rootfs/bin/ping
	for d in gnu bsd; do
		assert "$(disk_xattr $d/rootfs/files/xattr-nul)" == "$NET_RAW_EP" "$d: caps"
		assert "$(disk_xattr $d/rootfs/files/xattr-nul user.nul)" == 00610a62000a00 "$d: user.nul"
		assert "$(disk_xattr $d/rootfs/bin/ping)" == 0000000220000000000000000000000000000000 "$d: ping caps"
		assert "$(disk_xattr $d/rootfs/bin/ping user.comment)" == "$(printf 'several xattrs on one entry' | od -An -tx1 | tr -d ' \n')" "$d: ping user.comment"
	done
}

@test "extract: setuid and caps together (chown, chmod, then setxattr)" {
	# chown(2) clears both the setuid bit and security.capability (pitfalls §10.6).
	run_acitool add-filecaps "$FX/kitchen.tar" k.aci /bin/suid cap_net_raw+ep
	local d
	gnu_x k.aci gnu rootfs/bin/suid
	bsd_x k.aci bsd rootfs/bin/suid
	for d in gnu bsd; do
		assert "$(stat -c %a $d/rootfs/bin/suid)" == 4755 "$d: mode"
		assert "$(disk_xattr $d/rootfs/bin/suid)" == "$NET_RAW_EP" "$d: caps"
	done
}

@test "extract: '=' gives an empty set on disk, --remove gives none" {
	run_acitool add-filecaps "$FX/kitchen.tar" empty.aci /bin/ping =
	run_acitool add-filecaps --remove "$FX/kitchen.tar" removed.aci /bin/ping
	local d
	for d in gnu bsd; do
		${d}_x empty.aci "empty-$d" rootfs/bin/ping
		${d}_x removed.aci "removed-$d" rootfs/bin/ping
		${d}_x "$FX/kitchen.tar" "orig-$d" rootfs/bin/ping
		assert "$(disk_xattr "empty-$d/rootfs/bin/ping")" == 0000000200000000000000000000000000000000 "$d: '='"
		assert "$(disk_xattr "removed-$d/rootfs/bin/ping")" == absent "$d: --remove"
		assert "$(disk_xattr "orig-$d/rootfs/bin/ping")" == 0100000202000a00000000000000000000000000 "$d: the fixture had caps"
	done
}

@test "extract: revision 3 (--rootid) and --drop-rootid" {
	# Some kernels refuse a v3 value whose rootid is not root of the caller's namespace.
	: >v3probe
	python3 -c 'import os; os.setxattr("v3probe", "security.capability", bytes.fromhex("0100000300200000000000000000000000000000e8030000"))' 2>/dev/null ||
		skip "this kernel does not store a revision 3 value with rootid 1000 here"
	run_acitool add-filecaps --rootid 1000 "$FX/minimal.tar" v3.aci /bin/ping cap_net_raw+ep
	gnu_x v3.aci v3
	assert "$(disk_xattr v3/rootfs/bin/ping)" == 0100000300200000000000000000000000000000e8030000 "v3 on disk"
	run -0 getcap -n v3/rootfs/bin/ping
	assert "$output" =~ 'cap_net_raw[+=]ep \[rootid=1000\]$' "getcap -n"

	run_acitool add-filecaps --drop-rootid v3.aci v2.aci
	bsd_x v2.aci v2
	assert "$(disk_xattr v2/rootfs/bin/ping)" == "$NET_RAW_EP" "v2 on disk"
}

@test "extract: an image edited by an unprivileged user gets its caps when root extracts it" {
	local w=$BATS_TEST_TMPDIR/world
	nobody_dir "$w" "$FX/minimal.txz"
	run -0 "${NOBODY[@]}" "$ACITOOL" patch-manifest --capability CAP_NET_RAW \
		--filecap /bin/ping=cap_net_raw+ep "$w/in.aci" "$w/out.aci"
	gnu_x "$w/out.aci" x
	assert "$(disk_xattr x/rootfs/bin/ping)" == "$NET_RAW_EP" "caps on disk"
	run -0 python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["app"]["isolators"][-1]["value"]["set"])' x/manifest
	expect_output "['CAP_NET_RAW']"
}
