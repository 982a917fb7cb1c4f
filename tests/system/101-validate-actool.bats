#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# validate side by side with appc's actool validate (built as in
# 050-actool-compat.bats): the same verdict where actool is right, and on
# purpose a different one where actool follows its Go code rather than the
# spec (acitool-validate(1), DIFFERENCES FROM ACTOOL).

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	build_actool
	act_fixtures
	export FX=$BATS_FILE_TMPDIR/fx
	mkdir -p "$FX/bad"
	cp "$ACT_FIXTURES"/{minimal,kitchen,kitchen-global,gnu-tree,gnu-format,bsdtar-tree}.tar "$FX"/
	cp "$ACT_FIXTURES"/minimal.tgz "$FX"/
	(cd "$ACT_FIXTURES/bad" && cp $(ls | grep -v manifest-huge) "$FX/bad"/)
}

setup() {
	[ -z "${ACTOOL_MISSING:-}" ] || skip "$ACTOOL_MISSING"
	ACTOOL=$BATS_FILE_TMPDIR/actool
	cd "$BATS_TEST_TMPDIR"
}

# verdicts ACTOOL_RC ACITOOL_RC FILE...: each tool's exit status on each FILE.
verdicts() {
	local want_a=$1 want_b=$2 f
	shift 2
	for f in "$@"; do
		run timeout 60 "$ACTOOL" validate "$f"
		echo "actool validate $f: rc=$status: $output"
		assert "$status" -eq "$want_a" "actool's exit status on $f"
		run timeout 60 "$ACITOOL" validate "$f"
		echo "acitool validate $f: rc=$status: $output"
		assert "$status" -eq "$want_b" "acitool's exit status on $f"
	done
}

# man OUT [PYTHON]: a valid manifest with an app, then PYTHON run on it as m.
man() {
	python3 -c '
import json, sys
m = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/test",
     "labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "amd64"}],
     "app": {"exec": ["/bin/sh"], "user": "0", "group": "0"}}
exec(sys.argv[2])
open(sys.argv[1], "w").write(json.dumps(m) + "\n")
' "$1" "${2:-}"
}

@test "validate vs actool: both accept good images, layouts and manifests" {
	verdicts 0 0 "$FX"/{minimal,kitchen,gnu-tree,gnu-format,bsdtar-tree}.tar "$FX/minimal.tgz"
	mkdir lay && tar -xf "$FX/minimal.tar" -C lay
	tar -xOf "$FX/minimal.tar" manifest >manifest.json
	verdicts 0 0 lay manifest.json
	# The spec's own example (spec/aci.md), with a real image ID for its
	# "sha512-..." placeholder.
	man aci-md.json 'm = {"acKind": "ImageManifest", "acVersion": "0.8.11",
  "name": "example.com/reduce-worker",
  "labels": [{"name": "version", "value": "1.0.0"}, {"name": "arch", "value": "amd64"},
             {"name": "os", "value": "linux"}],
  "app": {"exec": ["/usr/bin/reduce-worker", "--quiet"], "user": "100", "group": "300",
    "supplementaryGids": [400, 500],
    "eventHandlers": [{"exec": ["/usr/bin/data-downloader"], "name": "pre-start"},
                      {"exec": ["/usr/bin/deregister-worker", "--verbose"], "name": "post-stop"}],
    "workingDirectory": "/opt/work",
    "environment": [{"name": "REDUCE_WORKER_DEBUG", "value": "true"}],
    "isolators": [{"name": "resource/cpu", "value": {"request": "250m", "limit": "500m"}},
                  {"name": "resource/memory", "value": {"request": "1G", "limit": "2G"}},
                  {"name": "os/linux/capabilities-retain-set",
                   "value": {"set": ["CAP_NET_BIND_SERVICE"]}}],
    "mountPoints": [{"name": "work", "path": "/var/lib/work", "readOnly": False}],
    "ports": [{"name": "health", "port": 4000, "protocol": "tcp", "socketActivated": True},
              {"name": "ftp-data", "port": 20000, "count": 1000, "protocol": "tcp"}]},
  "dependencies": [{"imageName": "example.com/reduce-worker-base", "imageID": "sha512-" + "ab" * 64,
    "labels": [{"name": "os", "value": "linux"}, {"name": "env", "value": "canary"}],
    "size": 22017258}],
  "pathWhitelist": ["/etc/ca/example.com/crt", "/usr/bin/map-reduce-worker"],
  "annotations": [{"name": "authors", "value": "Carly Container <carly@example.com>"},
    {"name": "created", "value": "2014-10-27T19:32:27.67021798Z"},
    {"name": "documentation", "value": "https://example.com/docs"},
    {"name": "homepage", "value": "https://example.com"},
    {"name": "appc.io/executor/supports-systemd-notify", "value": "false"}]}'
	verdicts 0 0 aci-md.json
}

@test "validate vs actool: both refuse what the spec and actool's code refuse" {
	local f
	for f in duplicate-entry manifest-absolute manifest-bom manifest-dir manifest-hardlink \
		manifest-notjson manifest-symlink no-manifest path-traversal rootfs-not-dir \
		top-level-extra truncated two-manifests bad-checksum; do
		verdicts 1 1 "$FX/bad/$f.tar"
	done
	verdicts 1 1 "$FX/bad/truncated.tgz" "$FX/bad/corrupt.tbz2" "$FX/bad/archive.zip"
	local i=0 case
	while IFS= read -r case; do
		man "m$i.json" "$case"
		verdicts 1 1 "m$i.json"
		i=$((i + 1))
	done <<'EOF'
m["acVersion"] = "1.2.3-!!+@@"
m["acVersion"] = "0.0.0"
m["acVersion"] = "v1.2.3"
m["name"] = "Example.com/app"
m["name"] = ""
m["labels"][0]["value"] = "Linux"
m["labels"][1]["value"] = "arm64"
m["labels"].append({"name": "os", "value": "linux"})
m["labels"].append({"name": "name", "value": "x"})
m["app"] = {}
m["app"]["workingDirectory"] = "../home/fred"
m["app"]["environment"] = [{"name": "VERBOSE|DEBUG", "value": ""}]
m["app"]["environment"] = [{"name": "X", "value": "a"}, {"name": "X", "value": "b"}]
m["app"]["eventHandlers"] = [{"name": "pre-stop", "exec": ["/x"]}]
m["app"]["mountPoints"] = [{"name": "X_y", "path": "/x"}]
m["app"]["ports"] = [{"name": "p", "protocol": "tcp", "port": 0}]
m["app"]["ports"] = [{"name": "p", "protocol": "tcp", "port": 65535, "count": 2}]
m["app"]["isolators"] = [{"name": "os/linux/seccomp-retain-set", "value": {"set": ["read"]}}, {"name": "os/linux/seccomp-remove-set", "value": {"set": ["reboot"]}}]
m["app"]["isolators"] = [{"name": "os/linux/capabilities-retain-set", "value": {"set": []}}]
m["app"]["isolators"] = [{"name": "os/linux/seccomp-remove-set", "value": {"set": ["reboot"], "errno": "Eperm"}}]
m["app"]["isolators"] = [{"name": "os/linux/oom-score-adj", "value": 1001}]
m["app"]["isolators"] = [{"name": "os/linux/cpu-shares", "value": 1}]
m["app"]["isolators"] = [{"name": "os/linux/no-new-privileges", "value": "foo"}]
m["app"]["isolators"] = [{"name": "resource/memory", "value": {"limit": "1GB"}}]
m["app"]["isolators"] = [{"name": "resource/block-bandwidth", "value": {"default": False, "limit": "1"}}]
m["app"]["isolators"] = [{"name": "os/linux/selinux-context", "value": {"user": "u", "role": "a:b", "type": "t", "level": "s0"}}]
m["app"]["isolators"] = [{"name": "os/linux/apparmor-profile", "value": {"profile": ""}}]
m["annotations"] = [{"name": "created", "value": "2014-10-27 19:32:27Z"}]
m["annotations"] = [{"name": "homepage", "value": "ftp://x"}]
m["annotations"] = [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]
m["dependencies"] = [{"imageName": "a", "imageID": "sha256-abc"}]
EOF
}

@test "validate vs actool: what acitool refuses on purpose and actool accepts" {
	# The rootfs prefix bug (appc-spec.md §1.4), data after the archive,
	# no end-of-archive marker.
	verdicts 0 1 "$FX/bad/rootfs-prefix.tar" "$FX/bad/trailing-garbage.tar" \
		"$FX/bad/truncated-at-block.tar"
	# xattr records acitool's rewriting verbs refuse: ambiguous capabilities.
	verdicts 0 1 "$FX/bad/xattr-conflict.tar" "$FX/bad/bad-xattr-base64.tar"
	# A bare manifest is an image manifest to acitool; actool takes a
	# PodManifest for one (acitool does not check pod manifests).
	local i=0 case
	while IFS= read -r case; do
		man "m$i.json" "$case"
		verdicts 0 1 "m$i.json"
		i=$((i + 1))
	done <<'EOF'
m["acKind"] = "PodManifest"
m["acVersion"] = "00.08.011"
m["acVersion"] = "9.0.0"
m["name"] = "example..com//app"
m["app"]["supplementaryGIDs"] = [-1]
m["app"]["exec"] = [""]
m["app"]["mountPoints"] = [{"name": "x", "path": "/a"}, {"name": "x", "path": "/b"}]
m["app"]["mountPoints"] = [{"name": "x"}]
m["app"]["ports"] = [{"name": "p", "port": 80}]
m["app"]["ports"] = [{"name": "p", "protocol": "tcp", "port": 80}, {"name": "p", "protocol": "udp", "port": 80}]
m["app"]["isolators"] = [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_PONIES"]}}]
m["app"]["isolators"] = [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_KILL"]}}, {"name": "os/linux/capabilities-remove-set", "value": {"set": ["CAP_KILL"]}}]
m["app"]["isolators"] = [{"name": "os/linux/seccomp-remove-set", "value": {"set": ["reboot"], "errno": "EACCESS"}}]
m["app"]["isolators"] = [{"name": "resource/cpu", "value": {"request": "30m", "limit": "1m"}}]
m["pathWhitelist"] = ["relative/path"]
m["dependencies"] = [{"imageName": "a", "imageID": "sha512-..."}]
EOF
}

@test "validate vs actool: what acitool accepts on purpose and actool refuses" {
	# A pax global header (libarchive applies it), a rootfs implied by its
	# entries (no explicit rootfs/ directory entry).
	verdicts 1 0 "$FX/kitchen-global.tar"
	tar -xOf "$FX/minimal.tar" manifest >m.json
	python3 -c '
import io, sys, tarfile
with tarfile.open("implied.tar", "w") as t:
    for name, data in (("manifest", open("m.json", "rb").read()), ("rootfs/a", b"a")):
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))'
	verdicts 1 0 implied.tar
	local i=0 case
	while IFS= read -r case; do
		man "m$i.json" "$case"
		verdicts 1 0 "m$i.json"
		i=$((i + 1))
	done <<'EOF'
m["app"]["isolators"] = [{"name": "example.com/ponies", "value": {"x": 1}}]
m["app"]["isolators"] = [{"name": "resource/memory", "value": {"limit": "1K"}}]
EOF
}

@test "validate vs actool: where actool crashes, acitool reports" {
	# Exit 2 is a Go panic (appc-spec.md §4.7, 11).
	man noackind.json 'del m["acKind"]'
	man novalue.json 'm["app"]["isolators"] = [{"name": "os/linux/no-new-privileges"}]'
	verdicts 2 1 noackind.json novalue.json
	run "$ACITOOL" validate noackind.json novalue.json
	expect_output "noackind.json: acKind: missing
novalue.json: app.isolators[0].value: missing"
}

# pod OUT [PYTHON]: the pod manifest of spec/pods.md's example (real image
# IDs, an empty volume and an rkt-style annotation added), then PYTHON run
# on it as m.
pod() {
	python3 -c '
import json, sys
i = "sha512-" + "a" * 128
m = {"acVersion": "0.8.11", "acKind": "PodManifest",
     "apps": [{"name": "reduce-worker",
               "image": {"name": "example.com/reduce-worker", "id": i,
                         "labels": [{"name": "version", "value": "1.0.0"}]},
               "app": {"exec": ["/bin/reduce-worker", "--quiet"], "user": "100", "group": "300",
                       "mountPoints": [{"name": "work", "path": "/mnt/foo"}],
                       "isolators": [{"name": "resource/memory", "value": {"limit": "1G"}}]},
               "readOnlyRootFS": True,
               "mounts": [{"volume": "work", "path": "/mnt/foo"}]},
              {"name": "register", "image": {"id": i},
               "annotations": [{"name": "coreos.com/rkt/x", "value": "y"}]}],
     "volumes": [{"name": "work", "kind": "host", "source": "/opt/tenant1/work", "readOnly": True},
                 {"name": "scratch", "kind": "empty", "mode": "0755", "uid": 0, "gid": 0}],
     "isolators": [{"name": "resource/memory", "value": {"limit": "4G"}}],
     "annotations": [{"name": "ip-address", "value": "10.1.2.3"}],
     "ports": [{"name": "ftp", "hostPort": 2121}]}
exec(sys.argv[2])
open(sys.argv[1], "w").write(json.dumps(m) + "\n")
' "$1" "${2:-}"
}

@test "validate vs actool: pod manifests, the same verdicts but where the spec is stricter" {
	pod pod.json
	verdicts 0 0 pod.json
	run_acitool validate --type=manifest --verbose pod.json
	local c n=0
	# Both refuse these: one problem each, named.
	while IFS='|' read -r c want; do
		[ -n "$c" ] || continue
		n=$((n + 1))
		pod bad.json "$c"
		verdicts 1 1 bad.json
		run_acitool 1 validate bad.json
		assert "${#lines[@]}" -eq 1 "one problem for: $c"
		assert "$output" =~ "^bad\\.json: $want" "problem for: $c"
	done <<'PY'
m["apps"].append(dict(m["apps"][1]))|apps\[2\]\.name: duplicate app 'register' \(also apps\[1\]\)
m["volumes"].append(dict(m["volumes"][0]))|volumes\[2\]\.name: duplicate volume 'work'
m["volumes"][0]["source"] = "opt/x"|volumes\[0\]\.source: not an absolute path: 'opt/x'
m["volumes"][1]["source"] = "/x"|volumes\[1\]\.source: an empty volume has no source
m["volumes"][0]["kind"] = "nfs"|volumes\[0\]\.kind: unknown kind 'nfs'
m["volumes"][0]["mode"] = "0755"|volumes\[0\]\.mode: a host volume has no mode
m["apps"][1]["name"] = "Register"|apps\[1\]\.name: not an ACName: 'Register'
del m["apps"][0]["app"]["user"]|apps\[0\]\.app\.user: missing
m["acVersion"] = "0.8"|acVersion: not a SemVer 2.0.0 version: '0.8'
m["isolators"][0]["value"]["limit"] = "lots"|isolators\[0\]\.value\.limit: not a quantity: 'lots'
PY
	assert "$n" -eq 10 "cases"
	# sysctl is a pod isolator: fine here, refused in an app.
	pod ok.json 'm["isolators"].append({"name": "os/unix/sysctl", "value": {"net.ipv4.ip_forward": "1"}})'
	verdicts 0 0 ok.json
	pod bad.json 'm["apps"][0]["app"]["isolators"].append({"name": "os/unix/sysctl", "value": {}})'
	verdicts 0 1 bad.json
	run_acitool 1 validate bad.json
	expect_output "bad.json: apps[0].app.isolators[1].name: os/unix/sysctl applies to a pod, not to an app"
	# The spec requires these; actool's code does not look. Capabilities
	# are an app's, never a pod's (spec/ace.md).
	for c in 'del m["apps"]' 'del m["apps"][1]["image"]' 'del m["apps"][0]["mounts"][0]["volume"]' \
		'm["apps"][1]["image"]["id"] = "sha512-xyz"' \
		'm["isolators"].append({"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_KILL"]}})'; do
		pod bad.json "$c"
		verdicts 0 1 bad.json
	done
	# Inside an image only an image manifest will do.
	mkdir -p lay/rootfs
	cp pod.json lay/manifest
	verdicts 1 1 lay
}
