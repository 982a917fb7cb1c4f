#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cat-file: one file's data, byte for byte, checked against python's tarfile;
# links followed inside the image as in a chroot at rootfs/.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	copy_fixtures kitchen gnu-tree
	mkdir -p "$FX/bad"
	cp "$ACT_FIXTURES"/bad/{truncated,duplicate-entry}.tar "$FX/bad"/
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "cat-file: every regular file of every compression, as python's tarfile extracts it" {
	python3 - "$ACITOOL" "$FX"/{kitchen,gnu-tree}.{tar,tgz,tbz2,txz} <<'PYEOF'
import hashlib, subprocess, sys, tarfile
acitool, n = sys.argv[1], 0
for image in sys.argv[2:]:
    with tarfile.open(image, "r:*", encoding="utf-8", errors="surrogateescape") as t:
        for m in t.getmembers():
            if not m.isreg() or not m.name.startswith("rootfs/"):
                continue
            want = t.extractfile(m).read()
            got = subprocess.run([acitool, "cat-file", image, m.name.encode("utf-8", "surrogateescape")],
                                 capture_output=True)
            assert got.returncode == 0, (image, m.name, got.stderr)
            assert got.stdout == want, (image, m.name, len(got.stdout), len(want))
            n += 1
print(n, "files")
assert n == 4 * (20 + 10), n
PYEOF
}

@test "cat-file: a sparse file's holes are zeros, up to its size" {
	run_acitool cat-file "$FX/gnu-tree.tar" /data/sparse
	# bash strips NULs: count the bytes through a file instead.
	"$ACITOOL" cat-file "$FX/gnu-tree.tgz" /data/sparse >sparse
	"$ACITOOL" cat-file "$FX/gnu-tree.txz" data/allhole >allhole
	assert "$(stat -c %s sparse)" -eq 3145728 "sparse size"
	assert "$(stat -c %s allhole)" -eq 1048576 "all-hole size"
	assert "$(tr -d '\0' <allhole | wc -c)" -eq 0 "all zeros"
	tar -xOf "$FX/gnu-tree.tar" rootfs/data/sparse | cmp - sparse
}

@test "cat-file: symlinks and hardlinks are followed inside the image" {
	python3 - <<'PYEOF'
import io, tarfile
def add(t, name, kind=tarfile.REGTYPE, data=b"", link=""):
    ti = tarfile.TarInfo(name)
    ti.type, ti.size, ti.linkname, ti.mtime = kind, len(data), link, 0
    t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
with tarfile.open("links.aci", "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "manifest", data=b"{}")
    for d in ("rootfs", "rootfs/usr", "rootfs/usr/lib", "rootfs/etc"):
        add(t, d, tarfile.DIRTYPE)
    add(t, "rootfs/usr/lib/os-release", data=b"ID=example\n")
    add(t, "rootfs/etc/os-release", tarfile.SYMTYPE, link="../usr/lib/os-release")
    add(t, "rootfs/lib", tarfile.SYMTYPE, link="usr/lib")
    add(t, "rootfs/abs", tarfile.SYMTYPE, link="/etc/os-release")
    add(t, "rootfs/climb", tarfile.SYMTYPE, link="../../../../usr/lib/os-release")
    add(t, "rootfs/hard", tarfile.LNKTYPE, link="rootfs/usr/lib/os-release")
    add(t, "rootfs/loop1", tarfile.SYMTYPE, link="loop2")
    add(t, "rootfs/loop2", tarfile.SYMTYPE, link="loop1")
    add(t, "rootfs/dangling", tarfile.SYMTYPE, link="nowhere")
    add(t, "rootfs/todir", tarfile.SYMTYPE, link="usr")
PYEOF
	local p
	for p in /etc/os-release /lib/os-release /abs /climb /hard etc/../lib/os-release; do
		run_acitool cat-file links.aci "$p"
		assert "$output" == "ID=example" "cat-file $p"
	done
	run_acitool 1 cat-file links.aci /loop1
	expect_error_line cat-file "/loop1: Too many levels of symbolic links"
	run_acitool 1 cat-file links.aci /dangling
	expect_error_line cat-file "/dangling: leads to /nowhere, not in the image"
	run_acitool 1 cat-file links.aci /todir
	expect_error_line cat-file "/todir: leads to /usr, a directory, not a file"
	# A link needs a second pass: not on a pipe.
	run_acitool 1 cat-file - /etc/os-release <links.aci
	expect_error_line cat-file "a link: to follow it, give the image as a file"
	run_acitool cat-file - /usr/lib/os-release < <(cat links.aci)
	assert "$output" == "ID=example" "a plain file from a pipe"
}

@test "cat-file: what is not a file is an error" {
	run_acitool 1 cat-file "$FX/kitchen.tar" /bin
	expect_error_line cat-file "/bin: is a directory, not a file"
	run_acitool 1 cat-file "$FX/kitchen.tar" /dev/null
	expect_error_line cat-file "/dev/null: is a character device, not a file"
	run_acitool 1 cat-file "$FX/kitchen.tar" /nope
	expect_error_line cat-file "/nope: not in the image"
	run_acitool 2 cat-file "$FX/kitchen.tar" /
	run_acitool 2 cat-file "$FX/kitchen.tar"
	run_acitool 2 cat-file "$FX/kitchen.tar" /a /b
	run_acitool 1 cat-file /nonexistent.aci /bin/ping
	expect_error_line cat-file "/nonexistent.aci: No such file or directory"
}

@test "cat-file: the image is read through: a broken or ambiguous image fails" {
	run_acitool 1 cat-file "$FX/bad/truncated.tar" /bin/ping
	expect_output --substring "acitool: cat-file: "
	# rootfs/bin/ping, and ./rootfs/bin/ping after it.
	run_acitool 1 cat-file "$FX/bad/duplicate-entry.tar" /bin/ping
	expect_output --substring "in the image twice"
}
