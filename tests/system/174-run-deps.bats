#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# run and bundle of an image with dependencies: rendered from a folder of
# images first (as 'acitool render' does), then run on runc; the app sees
# the files of every image, the upper one's where both have a path.

bats_require_minimum_version 1.5.0

load helpers
load run

# A base that runs (busybox, passwd) and a top image of a few files on it.
images() {
	mkdir -p imgs
	image imgs/base.aci '{"manifest":{"name":"example.com/base","app":null},
		"entries":[{"name":"etc/msg","data":"from base\n"},{"name":"etc/base","data":"base\n"}]}'
	python3 - "$@" <<'EOF'
import io, json, sys, tarfile
man = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/top",
       "app": {"exec": ["/bin/sh", "-c", "cat /etc/msg /etc/base; id -u"],
               "user": "user", "group": "user"},
       "dependencies": [{"imageName": "example.com/" + d} for d in sys.argv[1:] or ["base"]]}
with tarfile.open("imgs/top.aci", "w") as t:
    for name, data in (("manifest", json.dumps(man).encode()), ("rootfs", None),
                       ("rootfs/etc", None), ("rootfs/etc/msg", b"from top\n")):
        ti = tarfile.TarInfo(name)
        if data is None:
            ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            t.addfile(ti)
        else:
            ti.size, ti.mode = len(data), 0o644
            t.addfile(ti, io.BytesIO(data))
EOF
}

@test "run: the image with its dependencies, the upper file winning; its user from base's passwd" {
	images
	run_acitool run imgs/top.aci
	assert "$output" == "from top
base
1000" "what the app saw"
	# Another folder, named.
	mkdir elsewhere
	mv imgs/base.aci elsewhere/
	run_acitool 125 run imgs/top.aci
	expect_error_line run "example.com/top -> example.com/base: no image in imgs has that name and labels"
	run_acitool run --image-dir=elsewhere imgs/top.aci
	assert "${lines[0]}" == "from top" "rendered from elsewhere"
}

@test "bundle: DIR/rootfs is the render, DIR/manifest has no dependencies left" {
	images
	run_acitool bundle imgs/top.aci b
	assert "$(cat b/rootfs/etc/msg)" == "from top" "the upper file"
	[ -x b/rootfs/bin/busybox ] || die "base's busybox missing"
	run -0 python3 -c 'import json; m = json.load(open("b/manifest")); assert "dependencies" not in m, m'
	rm -rf b
	run_acitool 1 bundle imgs/missing.aci b
	[ ! -e b ] || die "b left behind"
}
