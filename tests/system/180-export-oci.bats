#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# export-oci: an image as an OCI image layout, judged by the tools that read
# one: a standard-library checker (digests, sizes, diff_ids), umoci (which
# checks diff_ids and unpacks xattrs), skopeo (inspect, copy to a
# docker-archive), and runc running what umoci unpacked, where a file
# capability either works or does not.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	OCICHECK="python3 $ACT_TESTS_DIR/tools/ocicheck.py"
}

# bb.aci: busybox, ping with cap_net_raw+ep, an app of every field.
bb() {
	[ -x /bin/busybox ] || skip "needs busybox-static"
	python3 "$ACT_TESTS_DIR/tools/mkrunimage.py" bb0.aci '{"manifest":{"name":"example.com/bb",
	  "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"aarch64"},
	            {"name":"version","value":"1.2"},{"name":"channel","value":"beta"}],
	  "annotations":[{"name":"created","value":"2024-01-02T03:04:05Z"},{"name":"authors","value":"me"}]},
	  "app":{"exec":["/bin/ping","-c1","-W1","127.0.0.1"],"user":"1000","group":"1000",
	  "environment":[{"name":"A","value":"1"},{"name":"B","value":"x=y"}],
	  "ports":[{"name":"http","protocol":"tcp","port":80,"count":2},{"name":"q","protocol":"quic","port":9}],
	  "mountPoints":[{"name":"data","path":"/data","readOnly":true}],"workingDirectory":"/tmp",
	  "supplementaryGIDs":[5],"userLabels":{"team":"net"},
	  "isolators":[{"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_NET_RAW","CAP_KILL"]}},
	               {"name":"os/linux/no-new-privileges","value":false},
	               {"name":"resource/memory","value":{"limit":"512Mi"}}]}}'
	"$ACITOOL" add-filecaps bb0.aci bb.aci /bin/busybox cap_net_raw+ep
}

@test "a layout the checker, umoci and skopeo take; the file capability kept" {
	bb
	run_acitool export-oci bb.aci oci
	assert "$output" == "acitool: export-oci: warning: port q: protocol 'quic' has no OCI form: left out
acitool: export-oci: note: the isolators have no OCI field: 'podman run --memory=536870912 --cap-drop=all --cap-add=KILL,NET_RAW example.com/bb' applies them" "the warning and the note"
	run -0 $OCICHECK oci 1.2
	command -v umoci >/dev/null || skip "no umoci (make check installs it)"
	if [ "$(id -u)" -eq 0 ]; then
		umoci unpack --image oci:1.2 bundle
		run -0 getcap bundle/rootfs/bin/busybox
		expect_output --substring "cap_net_raw=ep"
	else
		umoci unpack --rootless --image oci:1.2 bundle
	fi
	cmp bundle/rootfs/bin/busybox /bin/busybox
	run -0 skopeo inspect oci:oci:1.2
	expect_output --substring '"Architecture": "arm64"'
	skopeo copy oci:oci:1.2 docker-archive:"$PWD/d.tar":localhost/bb:1.2
	run -0 python3 -c '
import json, tarfile
t = tarfile.open("d.tar"); m = json.load(t.extractfile("manifest.json"))
assert m[0]["RepoTags"] == ["localhost/bb:1.2"], m'
}

@test "the config: every field that maps, the rest as io.appc labels" {
	bb
	run_acitool export-oci bb.aci oci:t
	run -0 $OCICHECK oci t
	python3 - "$output" <<'EOF'
import json, sys
c = json.loads(sys.argv[1]); cfg = c["config"]
assert (c["architecture"], c.get("variant"), c["os"]) == ("arm64", None, "linux"), c
assert c["created"] == "2024-01-02T03:04:05Z" and c["author"] == "me", c
assert cfg["Entrypoint"] == ["/bin/ping", "-c1", "-W1", "127.0.0.1"] and "Cmd" not in cfg
assert cfg["User"] == "1000:1000" and cfg["Env"] == ["A=1", "B=x=y"], cfg
assert cfg["ExposedPorts"] == {"80/tcp": {}, "81/tcp": {}}, cfg["ExposedPorts"]
assert cfg["Volumes"] == {"/data": {}} and cfg["WorkingDir"] == "/tmp", cfg
l = cfg["Labels"]
assert l["io.appc.label.version"] == "1.2" and l["io.appc.label.channel"] == "beta"
assert l["team"] == "net" and l["io.appc.annotation.authors"] == "me"
assert json.loads(l["io.appc.app.supplementaryGIDs"]) == [5]
assert json.loads(l["io.appc.app.mountPoints"])[0]["readOnly"] is True
assert [i["name"] for i in json.loads(l["io.appc.app.isolators"])][0] == "os/linux/capabilities-retain-set"
m = json.loads(l["io.appc.image.manifest"])
assert m["name"] == "example.com/bb" and m["app"]["supplementaryGIDs"] == [5]
EOF
	run_acitool export-oci --no-embed-manifest bb.aci oci2:t
	run -0 $OCICHECK oci2 t
	[[ $output != *io.appc.image.manifest* ]] || die "manifest embedded"
}

@test "the layer: names without rootfs/, links, xattrs as SCHILY records, sparse files whole" {
	run_acitool export-oci --layer-compression=none "$ACT_FIXTURES/kitchen.tgz" oci:k
	run -0 $OCICHECK oci k
	python3 - "$ACT_FIXTURES/kitchen.tgz" <<'EOF'
import json, sys, tarfile
idx = json.load(open("oci/index.json"))
m = json.load(open("oci/blobs/sha256/" + idx["manifests"][0]["digest"][7:]))
layer = m["layers"][0]
assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar", layer
aci = {x.name: x for x in tarfile.open(sys.argv[1])}
t = tarfile.open("oci/blobs/sha256/" + layer["digest"][7:])
names = t.getnames()
assert "manifest" not in names and not [n for n in names if n.startswith("rootfs/")], names[:5]
assert names[0] in (".", "./"), names[0]
for x in t.getmembers():
    if x.name in (".", "./"):
        continue
    a = aci["rootfs/" + x.name]
    assert (x.type, x.mode, x.uid, x.gid, x.mtime) == (a.type, a.mode, a.uid, a.gid, a.mtime) or a.type == tarfile.GNUTYPE_SPARSE, x.name
    if x.islnk():
        assert "rootfs/" + x.linkname == a.linkname, (x.name, x.linkname)
    for k, v in a.pax_headers.items():
        if k.startswith(("SCHILY.xattr.", "LIBARCHIVE.xattr.")):
            name = k.split("xattr.", 1)[1]
            assert any(h.startswith("SCHILY.xattr.") and h.endswith(name) for h in x.pax_headers), (x.name, k)
    assert not [h for h in x.pax_headers if h.startswith(("GNU.sparse", "LIBARCHIVE.xattr"))], (x.name, x.pax_headers)
EOF
}

@test "one layout, several images: a new tag is added, the same tag replaced; same bytes twice" {
	bb
	run_acitool export-oci --tag=a bb.aci oci
	run_acitool export-oci --tag=b bb0.aci oci
	run -0 python3 -c '
import json
print(sorted(d["annotations"]["org.opencontainers.image.ref.name"] for d in json.load(open("oci/index.json"))["manifests"]))'
	assert "$output" == "['a', 'b']" "both tags"
	cp oci/index.json index1
	run_acitool export-oci --tag=a bb0.aci oci
	run -0 $OCICHECK oci a
	run -0 python3 -c 'import json; print(len(json.load(open("oci/index.json"))["manifests"]))'
	assert "$output" == "2" "still two"
	run_acitool export-oci --tag=a bb.aci again
	run_acitool export-oci --tag=a bb.aci again2
	diff -r again again2
}

@test "refused, nothing made: dependencies, a .wh. name, a bad tag, a folder that is no layout" {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","dependencies":[{"imageName":"example.com/b"}]}' >d.json
	mkimage d.aci d.json
	run_acitool 1 export-oci d.aci out
	expect_error_line export-oci "the image has dependencies: 'acitool render --flatten' makes one without"
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a"}' >m.json
	mkimage a.aci m.json
	run_acitool patch-manifest --add=/etc/.wh.x=m.json a.aci wh.aci
	run_acitool 1 export-oci wh.aci out2
	expect_error_line export-oci "'rootfs/etc/.wh.x': a name starting with '.wh.' is a whiteout in an OCI layer"
	run_acitool 1 export-oci --tag='bad tag' a.aci out3
	expect_error_line export-oci "tag 'bad tag' is not an OCI tag"
	run -0 python3 -c 'import json; print(json.load(open("out3/index.json"))["manifests"])' 2>/dev/null || true
	mkdir junk
	touch junk/file
	run_acitool 1 export-oci a.aci junk
	expect_error_line export-oci "junk: neither an OCI image layout \(no oci-layout\) nor empty"
	[ ! -e out/index.json ] && [ ! -e out2/index.json ] && [ ! -e out3/index.json ] ||
		die "an index.json was written"
}

@test "the file capability works at run time: runc runs umoci's bundle as uid 1000" {
	[ "$(id -u)" -eq 0 ] || skip "needs root: runc"
	command -v runc >/dev/null && command -v umoci >/dev/null || skip "needs runc and umoci"
	bb
	run_acitool export-oci bb.aci oci:t
	umoci unpack --image oci:t b
	# umoci's config sets no-new-privileges, which drops file capabilities:
	# off, and CAP_NET_RAW in the bounding set, as the image's isolator says.
	python3 - <<'EOF'
import json
c = json.load(open("b/config.json")); p = c["process"]
p["terminal"] = False
p["noNewPrivileges"] = False
p["user"] = {"uid": 1000, "gid": 1000}
p["args"] = ["/bin/ping", "-c1", "-W1", "127.0.0.1"]
p["capabilities"]["bounding"] = sorted(set(p["capabilities"]["bounding"]) | {"CAP_NET_RAW"})
c.setdefault("linux", {})["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]
json.dump(c, open("b/config.json", "w"))
EOF
	id=acitool-export-$$
	run bash -c "cd b && runc run $id; rc=\$?; runc delete -f $id >/dev/null 2>&1; exit \$rc"
	echo "$output"
	[ "$status" -eq 0 ] || die "ping as uid 1000 failed"
	expect_output --substring "1 packets received"
	# The same without the capability on the file: refused.
	setcap -r b/rootfs/bin/busybox
	run bash -c "cd b && runc run $id; rc=\$?; runc delete -f $id >/dev/null 2>&1; exit \$rc"
	[ "$status" -ne 0 ] || die "ping worked without the file capability"
}
