#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# validate: images (every compression), layout directories and bare manifests
# checked against the appc spec. Problems are lines 'FILE: FIELD: MESSAGE' on
# stdout and exit 1; errors reading a file are one line on stderr and exit 1;
# a valid file prints nothing. Inputs are built here with python's tarfile and
# json, so the bytes under test are known exactly.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	copy_fixtures minimal kitchen kitchen-global gnu-tree gnu-format bsdtar-tree
	mkdir -p "$FX/bad"
	(cd "$ACT_FIXTURES/bad" && cp $(ls | grep -v manifest-huge) "$FX/bad"/)
	export MK=$BATS_FILE_TMPDIR/mk.py
	cat >"$MK" <<'EOF'
# mk.py OUT MANIFEST ENTRY...: an image of MANIFEST's bytes ('-': no manifest
# entry) then the entries, each NAME (a file), NAME/ (a directory), NAME@TARGET
# (a symlink) or NAME=TARGET (a hardlink). With no ENTRY: rootfs/ and
# rootfs/bin/sh. The codec follows OUT's suffix (.tgz, .tbz2, .txz).
import io, sys, tarfile
out, man, ents = sys.argv[1], sys.argv[2], sys.argv[3:] or ["rootfs/", "rootfs/bin/sh"]
mode = {"tgz": "w:gz", "tbz2": "w:bz2", "txz": "w:xz"}.get(out.rsplit(".", 1)[-1], "w")
with tarfile.open(out, mode, format=tarfile.PAX_FORMAT) as t:
    def add(name, kind, data=b"", link=""):
        ti = tarfile.TarInfo(name)
        ti.type, ti.size, ti.linkname, ti.mtime = kind, len(data), link, 1700000000
        ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
        t.addfile(ti, io.BytesIO(data))
    if man != "-":
        add("manifest", tarfile.REGTYPE, open(man, "rb").read())
    for e in ents:
        if e.endswith("/"):
            add(e.rstrip("/"), tarfile.DIRTYPE)
        elif "@" in e:
            add(e.split("@")[0], tarfile.SYMTYPE, link=e.split("@")[1])
        elif "=" in e:
            add(e.split("=")[0], tarfile.LNKTYPE, link=e.split("=")[1])
        else:
            add(e, tarfile.REGTYPE, b"#!/bin/sh\n")
EOF
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

mkimg() {
	python3 "$MK" "$@"
}

# man OUT [PYTHON]: a manifest written by python's json: a valid one with an
# app, then PYTHON run on it as m (to break it).
man() {
	python3 -c '
import json, sys
m = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/test",
     "labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "amd64"}],
     "app": {"exec": ["/bin/sh"], "user": "0", "group": "0"}}
exec(sys.argv[2])
open(sys.argv[1], "w").write(json.dumps(m, indent=4) + "\n")
' "$1" "${2:-}"
}

@test "validate: valid images of every codec and tar flavour pass silently" {
	for f in minimal.tar minimal.tgz minimal.tbz2 minimal.txz kitchen.tar kitchen-global.tar \
		gnu-tree.tar gnu-format.tgz bsdtar-tree.txz; do
		run_acitool validate "$FX/$f"
		expect_output ""
	done
	run_acitool validate "$FX"/minimal.{tar,tgz,tbz2,txz}
	expect_output ""
	# --verbose says so, naming the type it took each file for.
	man good.json
	mkdir lay && tar -xf "$FX/minimal.tar" -C lay
	run_acitool validate --verbose "$FX/minimal.tgz" lay good.json
	expect_output "$FX/minimal.tgz: valid image
lay: valid layout
good.json: valid manifest"
}

@test "validate: a layout directory and a bare manifest" {
	mkdir lay && tar -xf "$FX/minimal.tar" -C lay
	run_acitool validate lay
	expect_output ""
	tar -xOf "$FX/minimal.tar" manifest >manifest.json
	run_acitool validate manifest.json
	expect_output ""
	run_acitool validate --type=manifest - <manifest.json
	expect_output ""
	run_acitool validate - <"$FX/minimal.txz"
	expect_output ""
}

# check_manifest PYTHON FIELD MESSAGE: the manifest broken by PYTHON has a
# problem at FIELD whose message contains MESSAGE.
check_manifest() {
	local line found=
	man m.json "$1"
	run_acitool 1 validate m.json
	for line in "${lines[@]}"; do
		case "$line" in
		"m.json: $2: "*"$3"*) found=1 ;;
		esac
	done
	[ -n "$found" ] || die "no problem 'm.json: $2: ...$3...' for: $1"
}

@test "validate: every class of manifest problem names its field" {
	# top level
	check_manifest 'del m["acKind"]' acKind missing
	check_manifest 'm["acKind"] = "podManifest"' acKind "must be 'ImageManifest'"
	check_manifest 'm["ACKIND"] = m.pop("acKind")' acKind \
		"missing (there is 'ACKIND': keys are case-sensitive)"
	check_manifest 'm["acVersion"] = "00.08.011"' acVersion "not a SemVer 2.0.0 version"
	check_manifest 'm["acVersion"] = "0.0.0"' acVersion "no version"
	check_manifest 'm["acVersion"] = 1' acVersion "must be a string, not a number"
	check_manifest 'm["acVersion"] = "1.0.0"' acVersion "major version 1"
	check_manifest 'm["name"] = "Example.com/app"' name "not an ACIdentifier: 'Example.com/app'"
	check_manifest 'm["name"] = "example..com//app"' name "not an ACIdentifier"
	# labels and os/arch
	check_manifest 'm["labels"][0]["value"] = "Linux"' "labels[0].value" "unknown os 'Linux'"
	check_manifest 'm["labels"][1]["value"] = "arm64"' "labels[1].value" \
		"unknown arch 'arm64' for os 'linux'"
	check_manifest 'm["labels"].append({"name": "os", "value": "linux"})' "labels[2].name" \
		"duplicate label 'os' (also labels[0])"
	check_manifest 'm["labels"].append({"name": "name", "value": "x"})' "labels[2].name" \
		"cannot be called 'name'"
	# app
	check_manifest 'del m["app"]["user"]' app.user missing
	check_manifest 'm["app"]["group"] = ""' app.group "must not be empty"
	check_manifest 'm["app"]["exec"] = ["", "-c"]' "app.exec[0]" "the program name is empty"
	check_manifest 'm["app"]["exec"] = "/bin/sh"' app.exec "must be an array, not a string"
	check_manifest 'm["app"]["workingDirectory"] = "opt"' app.workingDirectory \
		"not an absolute path: 'opt'"
	check_manifest 'm["app"]["supplementaryGIDs"] = [5, -1]' "app.supplementaryGIDs[1]" \
		"out of range"
	check_manifest 'm["app"]["eventHandlers"] = [{"name": "pre-stop", "exec": ["/x"]}]' \
		"app.eventHandlers[0].name" "unknown event 'pre-stop'"
	check_manifest 'm["app"]["eventHandlers"] = [{"name": "post-stop", "exec": ["/x"]}] * 2' \
		"app.eventHandlers[1].name" "a second post-stop handler"
	check_manifest 'm["app"]["environment"] = [{"name": "1X", "value": ""}]' \
		"app.environment[0].name" "not an environment variable name: '1X'"
	check_manifest 'm["app"]["environment"] = [{"name": "X", "value": "a"}, {"name": "X", "value": "b"}]' \
		"app.environment[1].name" "duplicate environment variable 'X'"
	check_manifest 'm["app"]["mountPoints"] = [{"name": "X_y", "path": "/x"}]' \
		"app.mountPoints[0].name" "not an ACName: 'X_y'"
	check_manifest 'm["app"]["mountPoints"] = [{"name": "db", "path": "db"}]' \
		"app.mountPoints[0].path" "not an absolute path"
	check_manifest 'm["app"]["mountPoints"] = [{"name": "db", "path": "/a"}, {"name": "db", "path": "/b"}]' \
		"app.mountPoints[1].name" "duplicate mount point 'db'"
	check_manifest 'm["app"]["ports"] = [{"name": "www", "protocol": "tcp", "port": 0}]' \
		"app.ports[0].port" "0 is out of range (1 to 65535)"
	check_manifest 'm["app"]["ports"] = [{"name": "www", "protocol": "tcp", "port": 65535, "count": 2}]' \
		"app.ports[0].count" "ends beyond port 65535"
	check_manifest 'm["app"]["ports"] = [{"name": "www", "port": 80}]' \
		"app.ports[0].protocol" missing
	check_manifest 'm["app"]["ports"] = [{"name": "a", "protocol": "tcp", "port": 80}] * 2' \
		"app.ports[1].name" "duplicate port 'a'"
	# isolators
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_PONIES"]}}]' \
		"app.isolators[0].value.set[0]" "unknown capability 'CAP_PONIES'"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["net_raw"]}}]' \
		"app.isolators[0].value.set[0]" "'net_raw' is spelt 'CAP_NET_RAW'"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/capabilities-retain-set", "value": {"set": []}}]' \
		"app.isolators[0].value.set" "must not be empty"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_KILL"]}}, {"name": "os/linux/capabilities-remove-set", "value": {"set": ["CAP_KILL"]}}]' \
		"app.isolators[1].name" "cannot be used together with os/linux/capabilities-retain-set (app.isolators[0])"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/seccomp-remove-set", "value": {"set": ["reboot"]}}, {"name": "os/linux/seccomp-retain-set", "value": {"set": ["read"]}}]' \
		"app.isolators[1].name" "cannot be used together"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/seccomp-remove-set", "value": {"set": ["reboot"], "errno": "EACCESS"}}]' \
		"app.isolators[0].value.errno" "unknown errno name 'EACCESS'"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/no-new-privileges", "value": "yes"}]' \
		"app.isolators[0].value" "must be a boolean, not a string"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/no-new-privileges"}]' \
		"app.isolators[0].value" missing
	check_manifest 'm["app"]["isolators"] = [{"name": "resource/memory", "value": {"limit": "1GB"}}]' \
		"app.isolators[0].value.limit" "not a quantity: '1GB'"
	check_manifest 'm["app"]["isolators"] = [{"name": "resource/cpu", "value": {"request": "2", "limit": "500m"}}]' \
		"app.isolators[0].value.request" "more than the limit"
	check_manifest 'm["app"]["isolators"] = [{"name": "resource/block-iops", "value": {"default": False, "limit": "5"}}]' \
		"app.isolators[0].value.default" "must be true"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/oom-score-adj", "value": 1001}]' \
		"app.isolators[0].value" "1001 is out of range (-1000 to 1000)"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/selinux-context", "value": {"user": "u", "role": "a:b", "type": "t", "level": "s0"}}]' \
		"app.isolators[0].value.role" "must not contain ':'"
	check_manifest 'm["app"]["isolators"] = [{"name": "os/linux/apparmor-profile", "value": {"profile": ""}}]' \
		"app.isolators[0].value.profile" "must not be empty"
	check_manifest 'm["app"]["isolators"] = [{"name": "Bad", "value": 1}]' \
		"app.isolators[0].name" "not an ACIdentifier: 'Bad'"
	# annotations, dependencies, pathWhitelist
	check_manifest 'm["annotations"] = [{"name": "created", "value": "2014-10-27 19:32:27Z"}]' \
		"annotations[0].value" "not an RFC 3339 date-time"
	check_manifest 'm["annotations"] = [{"name": "homepage", "value": "ftp://x"}]' \
		"annotations[0].value" "not an http or https URL: 'ftp://x'"
	check_manifest 'm["annotations"] = [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]' \
		"annotations[1].name" "duplicate annotation 'a'"
	check_manifest 'm["dependencies"] = [{"imageID": "sha512-" + "0" * 128}]' \
		"dependencies[0].imageName" missing
	check_manifest 'm["dependencies"] = [{"imageName": "a", "imageID": "sha512-..."}]' \
		"dependencies[0].imageID" "not an image ID: 'sha512-...'"
	check_manifest 'm["dependencies"] = [{"imageName": "a", "labels": [{"name": "os", "value": "plan9"}]}]' \
		"dependencies[0].labels[0].value" "unknown os 'plan9'"
	check_manifest 'm["pathWhitelist"] = ["/etc/passwd", "etc/group"]' \
		"pathWhitelist[1]" "not an absolute path: 'etc/group'"
}

@test "validate: every problem of a manifest, in document order, and nothing else" {
	man m.json 'm["name"] = "Bad"; m["app"]["user"] = ""; m["app"]["exec"] = ["", "x"]
m["app"]["ports"] = [{"name": "p", "protocol": "tcp", "port": 70000}]'
	run_acitool 1 validate m.json
	expect_output "m.json: name: not an ACIdentifier: 'Bad'
m.json: app.exec[0]: the program name is empty
m.json: app.user: must not be empty
m.json: app.ports[0].port: 70000 is out of range (1 to 65535)"
	# Through an image and a layout, the same lines name the image.
	mkimg img.tgz m.json
	run_acitool 1 validate img.tgz
	assert "${lines[0]}" == "img.tgz: name: not an ACIdentifier: 'Bad'"
	assert "${#lines[@]}" -eq 4 "number of problems"
	# Where the spec allows more than appc's code: unknown members and
	# isolators, a relative exec (sought on PATH), the spec's 'K' suffix.
	man m.json 'm["x-private"] = {"a": 1}; m["app"]["exec"] = ["sh"]
m["app"]["isolators"] = [{"name": "example.com/ponies", "value": None},
    {"name": "resource/memory", "value": {"limit": "512K"}}]'
	run_acitool validate m.json
	expect_output ""
}

@test "validate: the manifest is not JSON, not an object, has a BOM" {
	printf 'this is not JSON' >t.json
	run_acitool 1 validate --type=manifest t.json
	assert "$output" =~ "^t\\.json: not JSON: " "output"
	printf '[]' >t.json
	run_acitool 1 validate t.json
	expect_output "t.json: must be an object, not an array"
	# In an image, such problems are the manifest's.
	run_acitool 1 validate "$FX/bad/manifest-notjson.tar"
	assert "$output" =~ "^$FX/bad/manifest-notjson\\.tar: manifest: not JSON: " "output"
	run_acitool 1 validate "$FX/bad/manifest-bom.tar"
	assert "$output" =~ "manifest-bom\\.tar: manifest: not JSON: .*(BOM|byte order mark)" "output"
	run_acitool 1 validate "$FX/bad/manifest-deep.tar"
	assert "$output" =~ "manifest-deep\\.tar: manifest: not JSON: " "output"
}

# problem FIXTURE LINE: validating bad/FIXTURE gives exactly LINE on stdout,
# nothing on stderr, exit 1.
problem() {
	run -1 --separate-stderr "$ACITOOL" validate "$FX/bad/$1"
	echo "$output"
	echo "stderr: $stderr"
	assert "$output" == "$FX/bad/$1: $2" "problem of $1"
	assert "$stderr" == "" "stderr"
}

@test "validate: image layout problems" {
	problem no-manifest.tar "manifest: missing"
	problem manifest-dir.tar "manifest/: the manifest is a directory, not a regular file"
	problem manifest-symlink.tar "manifest: the manifest is a symlink, not a regular file"
	problem manifest-hardlink.tar "manifest: the manifest is a hardlink, not a regular file"
	problem rootfs-not-dir.tar "rootfs: rootfs is not a directory"
	problem rootfs-prefix.tar "rootfsX/evil: outside rootfs/ (the top level holds only manifest and rootfs)"
	problem top-level-extra.tar "README: outside rootfs/ (the top level holds only manifest and rootfs)"
	problem path-traversal.tar "rootfs/../../etc/passwd: absolute, or climbs out of the image"
	problem duplicate-entry.tar "./rootfs/bin/ping: in the image twice"
	problem hardlink-dir.tar "rootfs/bin/ping6: a hardlink to a directory"
	problem hardlink-outside.tar "rootfs/bin/ping6: a hardlink to a name outside rootfs/"
	problem hardlink-manifest.tar "rootfs/bin/ping6: a hardlink to a name outside rootfs/"
	for f in missing forward self; do
		problem hardlink-$f.tar \
			"rootfs/bin/ping6: a hardlink to a name that is not an earlier entry of the image"
	done
	run -1 --separate-stderr "$ACITOOL" validate "$FX/bad/manifest-absolute.tar"
	assert "$output" == "$FX/bad/manifest-absolute.tar: /manifest: absolute, or climbs out of the image
$FX/bad/manifest-absolute.tar: /rootfs/: absolute, or climbs out of the image
$FX/bad/manifest-absolute.tar: manifest: missing
$FX/bad/manifest-absolute.tar: rootfs: missing" "absolute names"
	run -1 --separate-stderr "$ACITOOL" validate "$FX/bad/two-manifests.tar"
	assert "${lines[0]}" =~ ": manifest: a second manifest entry$" "two manifests"

	# Built here: rootfs only implied by its entries is fine (actool wants
	# the directory entry); a manifest over 1 MiB is not read.
	man m.json
	mkimg implied.tar m.json rootfs/bin/sh
	run_acitool validate implied.tar
	expect_output ""
	mkimg norootfs.tar m.json README
	run_acitool 1 validate norootfs.tar
	expect_output "norootfs.tar: README: outside rootfs/ (the top level holds only manifest and rootfs)
norootfs.tar: rootfs: missing"
	man big.json 'm["annotations"] = [{"name": "pad", "value": "x" * (1 << 20)}]'
	mkimg big.tar big.json
	run_acitool 1 validate big.tar
	assert "$output" =~ "^big\\.tar: manifest: [0-9]+ bytes, over the limit of 1 MiB" "output"
	run_acitool 1 validate big.json
	expect_output "big.json: over the limit of 1 MiB for a manifest"
	# Several problems in one image, in entry order.
	mkimg many.tar m.json rootfs/ rootfs.bak/ rootfs/a ./rootfs/a rootfs/l@../../etc
	run_acitool 1 validate many.tar
	expect_output "many.tar: rootfs.bak/: outside rootfs/ (the top level holds only manifest and rootfs)
many.tar: ./rootfs/a: in the image twice"
}

@test "validate: odd names stay one line and make valid JSON" {
	man m.json
	mkimg odd.tar m.json rootfs/ $'bad\nname'
	run_acitool 1 validate odd.tar
	expect_output 'odd.tar: bad\x0aname: outside rootfs/ (the top level holds only manifest and rootfs)'
	# A file name that is not UTF-8 is escaped in JSON, which is UTF-8.
	cp odd.tar $'\xff.tar'
	run_acitool 1 validate --json $'\xff.tar'
	run python3 -c '
import json, sys
(o,) = json.loads(sys.argv[1])
print(o["file"], o["problems"][0]["field"])' "$output"
	expect_output '\xff.tar bad\x0aname'
}

@test "validate: layout directory problems" {
	man m.json
	mkdir -p ok/rootfs && cp m.json ok/manifest
	run_acitool validate ok
	expect_output ""
	cp -a ok extra && mkdir extra/rootfs.bak && touch extra/README
	run_acitool 1 validate extra
	expect_output "extra: README: outside rootfs/ (the top level holds only manifest and rootfs)
extra: rootfs.bak: outside rootfs/ (the top level holds only manifest and rootfs)"
	mkdir nomanifest nomanifest/rootfs
	run_acitool 1 validate nomanifest
	expect_output "nomanifest: manifest: missing"
	mkdir norootfs && cp m.json norootfs/manifest
	run_acitool 1 validate norootfs
	expect_output "norootfs: rootfs: missing"
	mkdir links && cp m.json links/real && ln -s real links/manifest && ln -s ../ok/rootfs links/rootfs
	run_acitool 1 validate links
	expect_output "links: manifest: the manifest is a symlink, not a regular file
links: real: outside rootfs/ (the top level holds only manifest and rootfs)
links: rootfs: rootfs is a symlink, not a directory"
	mkdir bad && man bad/manifest 'm["name"] = "A"' && mkdir bad/rootfs
	run_acitool 1 validate bad
	expect_output "bad: name: not an ACIdentifier: 'A'"
	# The type guess is only a guess: --type says what to check.
	run_acitool 1 validate --type=layout m.json
	expect_error_line validate "m.json: not a directory"
	run_acitool 1 validate --type=image ok
	expect_error_line validate "ok: is a directory"
	run_acitool 1 validate --type=manifest ok
	expect_error_line validate "ok: is a directory"
}

# broken FILE [ARGS]: cannot be read: exit 1, one error line, no problem lines.
broken() {
	local f=$1
	shift
	run -1 --separate-stderr "$ACITOOL" validate "$@" "$FX/bad/$f"
	echo "stdout: $output"
	echo "stderr: $stderr"
	assert "$output" == "" "stdout for $f"
	output=$stderr expect_error_line validate "$FX/bad/$f"
}

@test "validate: broken archives are errors, not problems" {
	for f in truncated.tar truncated.tgz corrupt-crc.tgz corrupt.tbz2 truncated.txz \
		bad-checksum.tar archive.zip archive.cpio pax-huge-size.tar trailing-garbage.tar \
		truncated-at-block.tar xattr-conflict.tar xattr-duplicate.tar bad-xattr-base64.tar; do
		broken "$f"
	done
	[ ! -e "$FX/bad/archive.zst" ] || broken archive.zst
	broken empty.file --type=image
	# Guessed as manifests, text files get a manifest's problems.
	run_acitool 1 validate "$FX/bad/not-an-archive.txt"
	assert "$output" =~ "^$FX/bad/not-an-archive\\.txt: not JSON: " "output"
	run_acitool 1 validate nonexistent.aci
	expect_error_line validate "nonexistent.aci: No such file or directory"
}

@test "validate: several files: each is checked, exit 1 if any fails" {
	man bad.json 'm["name"] = "A"'
	run -1 --separate-stderr "$ACITOOL" validate "$FX/minimal.tgz" "$FX/bad/truncated.tgz" \
		bad.json "$FX/minimal.tar"
	assert "$output" == "bad.json: name: not an ACIdentifier: 'A'" "stdout"
	assert "$stderr" =~ "^acitool: validate: $FX/bad/truncated\\.tgz: " "stderr"
	run_acitool validate "$FX/minimal.tgz" "$FX/minimal.tar"
	expect_output ""
}

@test "validate --json: one array, an object per file, read by python" {
	man bad.json 'm["name"] = "A"; m["app"]["user"] = ""'
	run -1 --separate-stderr "$ACITOOL" validate --json "$FX/minimal.tgz" bad.json \
		"$FX/bad/truncated.tgz" "$FX/bad/rootfs-prefix.tar"
	echo "$output"
	assert "$stderr" =~ "^acitool: validate: $FX/bad/truncated\\.tgz: " "stderr"
	run python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
assert isinstance(doc, list)
for o in doc:
    assert sorted(o) == ["error", "file", "problems", "type", "valid"], sorted(o)
    print(o["file"].rsplit("/", 1)[-1], o["type"], o["valid"], o["error"] is not None,
          "|".join(p["field"] + ": " + p["message"] for p in o["problems"]))
' "$output"
	echo "$output"
	assert "$status" -eq 0 "python"
	expect_output "minimal.tgz image True False 
bad.json manifest False False name: not an ACIdentifier: 'A'|app.user: must not be empty
truncated.tgz image False True 
rootfs-prefix.tar image False False rootfsX/evil: outside rootfs/ (the top level holds only manifest and rootfs)"
	# Valid: exit 0, still the document; --json=false is the text form.
	run_acitool validate --json "$FX/minimal.tar"
	python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert d[0]["valid"] is True and d[0]["problems"] == []' "$output"
	run_acitool validate --json=false "$FX/minimal.tar"
	expect_output ""
}

@test "validate: usage errors" {
	run_acitool 2 validate
	expect_error_line validate "missing FILE"
	run_acitool 2 validate --type=appimag "$FX/minimal.tar"
	expect_error_line validate "--type: 'appimag' is not image, layout or manifest"
	run_acitool 2 validate --json=maybe "$FX/minimal.tar"
	expect_error_line validate "'maybe' is not a boolean"
	# actool's name for the image type works too.
	run_acitool validate --type=appimage "$FX/minimal.tar"
	expect_output ""
}
