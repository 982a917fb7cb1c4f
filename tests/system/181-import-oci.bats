#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# import: an OCI image layout squashed into one ACI. Judged against umoci,
# which built the layers (whiteouts, a replaced tree, hardlinks across
# layers, a file capability) and unpacks the same image; and against the
# image export-oci made of an ACI, which must come back as it was.

bats_require_minimum_version 1.5.0

load helpers
load oci

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	command -v umoci >/dev/null || skip "no umoci (make check installs it)"
}

# L:t, three layers: files, hardlinks, long names and a setcap'd binary; then one file
# deleted, a tree removed, a second hardlink to a lower file; then an opaque
# directory made by hand.
umoci_image() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: setcap, umoci's unpack with owners"
	umoci init --layout L
	umoci new --image L:t
	umoci unpack --image L:t b >/dev/null
	mkdir -p b/rootfs/etc b/rootfs/d/sub b/rootfs/opq
	echo one >b/rootfs/etc/one
	echo gone >b/rootfs/etc/gone
	echo x >b/rootfs/d/sub/x
	echo lower >b/rootfs/opq/lower
	ln -s ../etc/one b/rootfs/d/link
	cp /bin/true b/rootfs/capbin
	setcap cap_net_raw+ep b/rootfs/capbin
	ln b/rootfs/etc/one b/rootfs/etc/one-link
	# Names and a link target past ustar's 100 bytes.
	long=$(printf 'n%.0s' {1..120})
	mkdir b/rootfs/$long
	echo long >b/rootfs/$long/$long
	ln -s $long/$long b/rootfs/longlink
	ln b/rootfs/$long/$long b/rootfs/longhard
	umoci repack --image L:t b
	rm -rf b
	umoci unpack --image L:t b >/dev/null
	rm b/rootfs/etc/gone
	rm -r b/rootfs/d/sub
	echo two >b/rootfs/etc/two
	ln b/rootfs/etc/one b/rootfs/etc/one-link2
	umoci repack --image L:t b
	python3 - <<'EOF'
import io, tarfile
with tarfile.open("opq.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for name, data in (("opq/.wh..wh..opq", b""), ("opq/upper", b"up\n")):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o644
        t.addfile(ti, io.BytesIO(data))
EOF
	umoci raw add-layer --image L:t opq.tar
	umoci config --image L:t --config.entrypoint /capbin --config.cmd=-v --config.user 1000:1000 \
		--config.env A=1 --config.env '1BAD=x' --config.workingdir /etc --config.exposedports 80/tcp \
		--config.volume /data --config.label team=net --author me
}

@test "three umoci layers: the same tree umoci unpacks, capability and links included" {
	umoci_image
	umoci unpack --image L:t ref >/dev/null
	run_acitool import --name=example.com/um L:t um.aci
	run_acitool validate um.aci
	run_acitool extract um.aci x
	diff <(oci_tree ref/rootfs) <(oci_tree x/rootfs)
	# What was removed is gone, what was added is there.
	[ ! -e x/rootfs/etc/gone ] && [ ! -e x/rootfs/d/sub ] && [ ! -e x/rootfs/opq/lower ] ||
		die "a whiteout was not applied"
	run -0 getcap x/rootfs/capbin
	expect_output --substring "cap_net_raw=ep"
	# No whiteout name in the image, every entry once.
	run -0 python3 -c '
import tarfile
n = tarfile.open("um.aci").getnames()
assert len(n) == len(set(n)), "an entry twice"
assert not [x for x in n if "/.wh." in x], n'
}

@test "the config as the manifest: name, tag, platform, exec, user, environment, ports, volumes" {
	umoci_image
	run_acitool import --name=example.com/um L:t um.aci
	expect_output --substring "warning: Env '1BAD=x': not a name appc takes: left out"
	run -0 python3 -c '
import json, tarfile
m = json.loads(tarfile.open("um.aci").extractfile("manifest").read())
labels = {l["name"]: l["value"] for l in m["labels"]}
assert m["name"] == "example.com/um" and labels == {"version": "t", "os": "linux", "arch": "amd64"}, m
app = m["app"]
assert app["exec"] == ["/capbin", "-v"] and (app["user"], app["group"]) == ("1000", "1000"), app
assert app["environment"] == [{"name": "A", "value": "1"}] and app["workingDirectory"] == "/etc", app
assert app["ports"] == [{"name": "80-tcp", "protocol": "tcp", "port": 80, "count": 1,
                         "socketActivated": False}], app["ports"]
assert app["mountPoints"] == [{"name": "volume-data", "path": "/data"}], app["mountPoints"]
assert app["userLabels"] == {"team": "net"}, app
an = {a["name"]: a["value"] for a in m["annotations"]}
assert an["authors"] == "me", an
assert json.loads(an["appc.io/docker/entrypoint"]) == ["/capbin"], an
assert json.loads(an["appc.io/docker/cmd"]) == ["-v"], an
i = json.load(open("L/index.json"))["manifests"][0]["digest"]
cfg = json.load(open("L/blobs/sha256/" + i[7:]))["config"]["digest"]
assert an["appc.io/oci/manifest-digest"] == i and an["appc.io/docker/imageid"] == cfg, an'
	# Without a name to go by, --name is asked for.
	run_acitool 1 import L:t noname.aci
	expect_error_line import "the image has no name \(io.containerd.image.name\): --name gives one"
	[ ! -e noname.aci ] || die "noname.aci written"
}

@test "export-oci then import: the same rootfs and the same manifest" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	python3 "$ACT_TESTS_DIR/tools/mkrunimage.py" bb0.aci '{"manifest":{"name":"example.com/bb",
	  "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"},{"name":"version","value":"1.2"}]},
	  "app":{"exec":["/bin/sh"],"isolators":[{"name":"os/linux/no-new-privileges","value":true}]}}'
	"$ACITOOL" add-filecaps bb0.aci bb.aci /bin/busybox cap_net_raw+ep
	run_acitool export-oci bb.aci oci
	run_acitool import oci:oci:1.2 back.aci
	python3 - <<'EOF'
import hashlib, json, tarfile
def entries(p):
    out = {}
    with tarfile.open(p) as t:
        for m in t.getmembers():
            if m.name == "manifest":
                out[m.name] = json.loads(t.extractfile(m).read())
                continue
            data = hashlib.sha256(t.extractfile(m).read()).hexdigest() if m.isfile() else None
            xattrs = {k: v for k, v in m.pax_headers.items() if "xattr" in k}
            out[m.name.rstrip("/")] = (m.type, m.mode, m.uid, m.gid, m.mtime, m.linkname, data, xattrs)
    return out
a, b = entries("bb.aci"), entries("back.aci")
assert a["manifest"] == b["manifest"], (a["manifest"], b["manifest"])
assert set(a) == set(b), set(a) ^ set(b)
for k in a:
    assert a[k] == b[k], (k, a[k], b[k])
EOF
}

@test "refused, nothing written: a blob that does not match, a missing tag, a name that climbs out" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	python3 "$ACT_TESTS_DIR/tools/mkrunimage.py" bb.aci '{}'
	run_acitool export-oci --tag=t --layer-compression=none bb.aci oci
	cp -r oci bad
	layer=$(python3 -c '
import json
i = json.load(open("bad/index.json")); m = json.load(open("bad/blobs/sha256/" + i["manifests"][0]["digest"][7:]))
print(m["layers"][0]["digest"][7:])')
	printf 'X' | dd of="bad/blobs/sha256/$layer" bs=1 seek=1000 conv=notrunc 2>/dev/null
	run_acitool 1 import --name=example.com/x bad:t x.aci
	expect_error_line import "bad/blobs/sha256/$layer: its content does not match its digest"
	run_acitool 1 import --name=example.com/x oci:oci:nope x.aci
	expect_error_line import "oci: no image tagged 'nope'"
	# A layer whose name climbs out of the root, digests and all right.
	umoci init --layout E
	umoci new --image E:t
	python3 - <<'EOF'
import io, tarfile
with tarfile.open("evil.tar", "w") as t:
    ti = tarfile.TarInfo("../evil"); ti.size = 1; t.addfile(ti, io.BytesIO(b"x"))
EOF
	umoci raw add-layer --image E:t evil.tar
	run_acitool 1 import --name=example.com/x E:t x.aci
	expect_error_line import "'../evil' climbs out of the root"
	[ ! -e x.aci ] || die "x.aci written"
}

@test "docker-archive: what skopeo writes (layers behind symlinks) gives what the layout gives" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	command -v skopeo >/dev/null || skip "no skopeo (make check installs it)"
	python3 "$ACT_TESTS_DIR/tools/mkrunimage.py" bb.aci '{"manifest":{"name":"example.com/bb",
	  "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"},{"name":"version","value":"1.2"}]}}'
	run_acitool export-oci bb.aci oci
	skopeo copy oci:oci:1.2 docker-archive:"$PWD/d.tar":localhost/bb:1.2
	run -0 tar -tvf d.tar
	expect_output --substring "layer.tar -> ../"
	run_acitool import oci:oci:1.2 from-oci.aci
	# A plain archive's layers are read where they stand: no TMPDIR needed.
	TMPDIR=$PWD/nowhere run_acitool import docker-archive:d.tar from-docker.aci
	run_acitool import docker-archive:d.tar:localhost/bb:1.2 by-ref.aci
	run -0 $TARCMP from-oci.aci from-docker.aci
	cmp from-docker.aci by-ref.aci
	# A compressed one has them copied into TMPDIR, removed at the end.
	xz -c d.tar >d.tar.xz
	mkdir tmp
	TMPDIR=$PWD/tmp run_acitool import docker-archive:d.tar.xz from-xz.aci
	cmp from-docker.aci from-xz.aci
	[ -z "$(ls tmp)" ] || die "left in TMPDIR: $(ls tmp)"
	TMPDIR=$PWD/nowhere run_acitool 1 import docker-archive:d.tar.xz x.aci
	expect_error_line import "$PWD/nowhere: cannot make a directory for the layers in it: No such file or directory"
	# A layer that does not match its diff_id, one byte changed in place.
	python3 - <<'PYEOF'
import tarfile
with tarfile.open("d.tar") as t:
    m = next(m for m in t.getmembers() if m.isfile() and m.name.endswith(".tar"))
    off = m.offset_data + m.size // 2
with open("d.tar", "r+b") as f:
    f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ 1]))
PYEOF
	run_acitool 1 import docker-archive:d.tar x.aci
	expect_output --substring "its uncompressed tar does not match its diff_id"
	run_acitool 1 import docker-archive:d.tar:localhost/bb:9 x.aci
	expect_error_line import "d.tar: no image tagged 'localhost/bb:9'"
	printf 'not a tar' >junk.tar
	run_acitool 1 import docker-archive:junk.tar x.aci
	[ ! -e x.aci ] || die "x.aci written"
}

@test "zstd layers, a hardlink to a symlink or fifo, a user's group from the image's /etc/passwd" {
	command -v skopeo >/dev/null || skip "no skopeo (make check installs it)"
	umoci init --layout L
	umoci new --image L:t
	umoci unpack --rootless --image L:t b >/dev/null
	mkdir -p b/rootfs/etc
	printf 'root:x:0:0::/root:/bin/sh\napp:x:1001:1002::/home/app:/bin/sh\n' >b/rootfs/etc/passwd
	echo hi >b/rootfs/f
	ln -s f b/rootfs/s
	umoci repack --image L:t b
	python3 - <<'PYEOF'
import io, tarfile
with tarfile.open("hl.tar", "w", format=tarfile.PAX_FORMAT) as t:
    ti = tarfile.TarInfo("s2"); ti.type = tarfile.LNKTYPE; ti.linkname = "s"; t.addfile(ti)
    ti = tarfile.TarInfo("fifo"); ti.type = tarfile.FIFOTYPE; ti.mode = 0o600; t.addfile(ti)
    ti = tarfile.TarInfo("./fifo2"); ti.type = tarfile.LNKTYPE; ti.linkname = "fifo"; t.addfile(ti)
PYEOF
	umoci raw add-layer --image L:t hl.tar
	umoci config --image L:t --config.entrypoint /f --config.user app
	skopeo copy --dest-compress-format zstd oci:L:t oci:Z:t
	run -0 grep -c 'layer.v1.tar+zstd' Z/blobs/sha256/*
	run_acitool import --name=example.com/z Z:t z.aci
	run_acitool import --name=example.com/z L:t plain.aci
	# The same but for the manifest's digest, which names the zstd blobs.
	run -0 $TARCMP --skip manifest z.aci plain.aci
	run -0 python3 -c '
import json, tarfile
def m(p):
    m = json.loads(tarfile.open(p).extractfile("manifest").read())
    return m, [a for a in m.pop("annotations") if a["name"] != "appc.io/oci/manifest-digest"]
assert m("z.aci") == m("plain.aci")'
	# The copies: a symlink and a fifo of their own, as containerd makes them.
	run -0 python3 -c '
import json, tarfile
t = tarfile.open("z.aci")
s2, f2 = t.getmember("rootfs/s2"), t.getmember("rootfs/fifo2")
assert s2.issym() and s2.linkname == "f", (s2.type, s2.linkname)
assert f2.isfifo() and f2.mode == 0o600, (f2.type, f2.mode)
app = json.loads(t.extractfile("manifest").read())["app"]
assert (app["user"], app["group"]) == ("app", "1002"), app'
	# A uid with a line, and a name without one.
	umoci config --image L:t --config.user 1001
	run_acitool import --name=example.com/z L:t uid.aci
	run -0 python3 -c '
import json, tarfile
app = json.loads(tarfile.open("uid.aci").extractfile("manifest").read())["app"]
assert (app["user"], app["group"]) == ("1001", "1002"), app'
	umoci config --image L:t --config.user nobody
	run_acitool import --name=example.com/z L:t nobody.aci
	expect_output --substring "warning: User 'nobody' has no group and no line in the image's /etc/passwd: group 'nobody'"
}

@test "an index of several platforms: the host's by default, --platform picks, attestations left out" {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	for arch in amd64 aarch64; do
		python3 "$ACT_TESTS_DIR/tools/mkrunimage.py" $arch.aci '{"manifest":{"name":"example.com/bb",
		  "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"'$arch'"}]}}'
		run_acitool export-oci $arch.aci L:$arch
	done
	# One tag for both, as docker buildx writes it: index.json names a
	# nested index that lists the images by platform, and an attestation
	# (platform unknown/unknown).
	python3 - <<'PYEOF'
import hashlib, json, os
idx = json.load(open("L/index.json"))
ms = [dict((k, v) for k, v in m.items() if k != "annotations") for m in idx["manifests"]]
ms.append({"mediaType": ms[0]["mediaType"], "digest": ms[0]["digest"], "size": ms[0]["size"],
           "platform": {"os": "unknown", "architecture": "unknown"}})
def nested(tag, ms):
    b = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                    "manifests": ms}).encode()
    h = hashlib.sha256(b).hexdigest()
    open("L/blobs/sha256/" + h, "wb").write(b)
    return {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + h,
            "size": len(b), "annotations": {"org.opencontainers.image.ref.name": tag}}
# Tag 2: the arm64 image and its attestation only.
idx["manifests"] = [nested("1", ms), nested("2", ms[1:])]
json.dump(idx, open("L/index.json", "w"))
PYEOF
	arch_of() {
		python3 -c '
import json, sys, tarfile
m = json.loads(tarfile.open(sys.argv[1]).extractfile("manifest").read())
print({l["name"]: l["value"] for l in m["labels"]}["arch"])' "$1"
	}
	[ "$(uname -m)" = x86_64 ] || skip "the default platform is the host's: checked on amd64"
	run_acitool import L:1 host.aci
	[ "$(arch_of host.aci)" = amd64 ] || die "the host's image was not picked: $(arch_of host.aci)"
	run_acitool import --platform=linux/arm64 L:1 arm.aci
	[ "$(arch_of arm.aci)" = aarch64 ] || die "--platform=linux/arm64 gave $(arch_of arm.aci)"
	# The one image of tag 2 that is not an attestation, whatever the host.
	run_acitool import L:2 two.aci
	[ "$(arch_of two.aci)" = aarch64 ] || die "tag 2 gave $(arch_of two.aci)"
	run_acitool 1 import --platform=linux/s390x L:1 x.aci
	expect_error_line import "L: no image tagged '1' for that platform"
	run_acitool 2 import --platform=arm64 L:1 x.aci
	expect_error_line import "--platform=arm64: not OS/ARCH\[/VARIANT\]"
	[ ! -e x.aci ] || die "x.aci written"
}

@test "a file under a lower symlink makes it a directory, as overlay does; a whiteout hides only lower layers" {
	umoci init --layout L
	umoci new --image L:t
	python3 - <<'PYEOF'
import io, tarfile
def layer(name, entries):
    with tarfile.open(name, "w", format=tarfile.PAX_FORMAT) as t:
        for n, kind, data in entries:
            ti = tarfile.TarInfo(n)
            if kind == "dir":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            elif kind == "sym":
                ti.type, ti.linkname = tarfile.SYMTYPE, data
                t.addfile(ti)
            else:
                ti.size, ti.mode = len(data), 0o644
                t.addfile(ti, io.BytesIO(data))
layer("l0.tar", [("app", "dir", None), ("app/old", "file", b"old\n"), ("www", "sym", "/app"),
                 ("d", "dir", None), ("d/lower", "file", b"lower\n")])
# The same layer re-creates d, puts d/new in it, then whites d out: the
# whiteout hides the lower layers' d/lower only (as umoci; podman refuses
# such a layer).
layer("l1.tar", [("www/index", "file", b"index\n"), ("d", "dir", None), ("d/new", "file", b"new\n"),
                 (".wh.d", "file", b"")])
PYEOF
	umoci raw add-layer --image L:t l0.tar
	umoci raw add-layer --image L:t l1.tar
	run_acitool import --name=example.com/x L:t x.aci
	expect_output --substring "warning: layer 1: /www is a file or symlink of a lower layer with /www/index under it: a directory, as overlay makes it"
	run -0 python3 -c '
import tarfile
t = tarfile.open("x.aci")
n = {m.name.rstrip("/"): m for m in t.getmembers()}
assert n["rootfs/www"].isdir() and n["rootfs/www/index"].isfile(), "www"
assert t.extractfile("rootfs/www/index").read() == b"index\n"
assert "rootfs/app/old" in n, "the link target is left alone"
assert "rootfs/d/new" in n and "rootfs/d/lower" not in n, sorted(n)'
}
