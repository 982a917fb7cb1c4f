#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# patch-manifest's edit options beyond actool's (labels, annotations, the
# environment, exec as arguments, working directory, event handlers, mount
# points, ports, isolators, user labels and annotations, dependencies,
# pathWhitelist, and their removals): each read back with python's json and
# by appc's actool, entries changed where they stand, command-line order,
# contradicting options, and the final check that names the option at fault.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	build_actool
}

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	ID=sha512-$(printf '%0128d' 0 | tr 0 a)
	# Pretty-printed, with an entry of every kind the options edit.
	cat >m.json <<EOF
{
    "acKind": "ImageManifest",
    "acVersion": "0.8.11",
    "name": "example.com/app",
    "labels": [
        {"name": "os", "value": "linux"},
        {"name": "version", "value": "1.0"},
        {"name": "arch", "value": "amd64"}
    ],
    "app": {
        "exec": ["/bin/app"],
        "eventHandlers": [{"name": "pre-start", "exec": ["/bin/pre"]}],
        "user": "0",
        "group": "0",
        "supplementaryGIDs": [5],
        "workingDirectory": "/srv",
        "environment": [
            {"name": "A", "value": "1"},
            {"name": "B", "value": "2"},
            {"name": "C", "value": "3"}
        ],
        "mountPoints": [{"name": "data", "path": "/data"}, {"name": "logs", "path": "/logs"}],
        "ports": [{"name": "http", "protocol": "tcp", "port": 80}],
        "isolators": [
            {"name": "resource/memory", "value": {"limit": "1G"}},
            {"name": "os/linux/no-new-privileges", "value": false}
        ],
        "userLabels": {"team": "a", "tier": "web"},
        "userAnnotations": {"note": "x"}
    },
    "annotations": [{"name": "authors", "value": "me"}],
    "dependencies": [
        {"imageName": "example.com/base", "labels": [{"name": "version", "value": "1"}]},
        {"imageName": "example.com/certs"},
        {"imageName": "example.com/tools"}
    ],
    "pathWhitelist": ["/bin/app", "/etc/app.conf"]
}
EOF
	mkimage in.aci m.json
}

# Read by appc's own decoder: actool's validate and cat-manifest.
actool_reads() {
	[ -z "${ACTOOL_MISSING:-}" ] || return 0
	run "$BATS_FILE_TMPDIR/actool" validate "$1"
	[ "$status" -eq 0 ] || die "actool validate $1: $output"
	run "$BATS_FILE_TMPDIR/actool" cat-manifest "$1"
	[ "$status" -eq 0 ] || die "actool cat-manifest $1: $output"
}

# usage_errors: each "ARGS|REGEX" line of stdin, patch-manifest ARGS in.aci
# out.aci, is a usage error matching REGEX, one line, with nothing written.
usage_errors() {
	local args want
	while IFS='|' read -r args want; do
		[ -n "$args" ] || continue
		eval "set -- $args"
		run_acitool 2 patch-manifest "$@" in.aci out.aci
		expect_error_line patch-manifest "$want"
		[ ! -e out.aci ] || die "out.aci written for: $args"
	done
}

@test "every family set in place or appended, read back by python's json and actool" {
	run_acitool patch-manifest --label=version=2.0 --label=channel=beta \
		--annotation=authors=you --annotation=homepage=https://example.com/ \
		--env=B=two --env=D=4 --exec-arg=/bin/app2 --exec-arg=-v \
		--working-directory=/work --pre-start-json='["/bin/pre2","x"]' \
		--post-stop-json='["/bin/post"]' --mount=logs,path=/var/log,readOnly=true \
		--mount=tmp,path=/tmp --port=http,protocol=tcp,port=8080 \
		--isolator='os/linux/no-new-privileges=true' \
		--isolator='resource/cpu={"limit":"500m"}' --user-label=tier=db \
		--user-label=zone=eu --user-annotation=note=y \
		--dependency=example.com/certs,imageID="$ID",size=10 \
		--dependency=example.com/extra:3 --path-whitelist=/bin/sh in.aci out.aci
	check_fields --ordered in.aci out.aci '
m["labels"][1]["value"] = "2.0"
m["labels"].append({"name": "channel", "value": "beta"})
m["annotations"][0]["value"] = "you"
m["annotations"].append({"name": "homepage", "value": "https://example.com/"})
app["environment"][1]["value"] = "two"
app["environment"].append({"name": "D", "value": "4"})
app["exec"] = ["/bin/app2", "-v"]
app["workingDirectory"] = "/work"
app["eventHandlers"] = [{"name": "pre-start", "exec": ["/bin/pre2", "x"]},
                        {"name": "post-stop", "exec": ["/bin/post"]}]
app["mountPoints"][1] = {"name": "logs", "path": "/var/log", "readOnly": True}
app["mountPoints"].append({"name": "tmp", "path": "/tmp"})
app["ports"][0] = {"name": "http", "protocol": "tcp", "port": 8080, "count": 1,
                   "socketActivated": False}
app["isolators"][1]["value"] = True
app["isolators"].append({"name": "resource/cpu", "value": {"limit": "500m"}})
app["userLabels"]["tier"] = "db"
app["userLabels"]["zone"] = "eu"
app["userAnnotations"]["note"] = "y"
m["dependencies"][1] = {"imageName": "example.com/certs", "imageID": "'"$ID"'", "size": 10}
m["dependencies"].append({"imageName": "example.com/extra",
                          "labels": [{"name": "version", "value": "3"}]})
m["pathWhitelist"].append("/bin/sh")'
	run_acitool validate out.aci
	actool_reads out.aci
}

@test "removals: each family; an emptied field goes; the rest stays in order" {
	run_acitool patch-manifest --remove-label=version --remove-annotation=authors \
		--remove-env=A --remove-exec --remove-working-directory \
		--remove-event-handler=pre-start --clear-supplementary-groups \
		--remove-mount=data --remove-port=http --remove-isolator=resource/memory \
		--remove-user-label=team --remove-user-annotation=note \
		--remove-dependency=example.com/base,version=1 \
		--remove-path-whitelist=/etc/app.conf in.aci out.aci
	check_fields --ordered in.aci out.aci '
del m["labels"][1], m["annotations"], app["environment"][0], app["exec"]
del app["workingDirectory"], app["eventHandlers"], app["supplementaryGIDs"]
del app["mountPoints"][0], app["ports"], app["isolators"][0]
del app["userLabels"]["team"], app["userAnnotations"], m["dependencies"][0]
del m["pathWhitelist"][1]'
	run_acitool validate out.aci
	actool_reads out.aci

	run_acitool patch-manifest --clear-env --clear-dependencies --clear-path-whitelist \
		in.aci clear.aci
	check_fields --ordered in.aci clear.aci 'del app["environment"], m["dependencies"], m["pathWhitelist"]'
	actool_reads clear.aci
}

@test "a removal that matches nothing: exit 1 naming it, unless --ignore-missing" {
	local args
	for args in --remove-label=nope --remove-env=NOPE --remove-mount=nope \
		--remove-dependency=example.com/base,version=2 --remove-event-handler=post-stop \
		--remove-user-label=nope; do
		run_acitool 1 patch-manifest "$args" in.aci out.aci
		expect_error_line patch-manifest "in.aci: cannot patch the manifest: $args: the manifest has no "
		[ ! -e out.aci ] || die "out.aci written for $args"
	done
	run_acitool patch-manifest --ignore-missing --remove-label=nope --remove-env=A in.aci out.aci
	check_fields --ordered in.aci out.aci 'del app["environment"][0]'
}

@test "the untouched bytes of the manifest stay as they were" {
	run_acitool patch-manifest --label=version=1.1 --remove-env=B --user-label=team=b \
		in.aci out.aci
	python3 - <<'EOF'
import tarfile
old = open("m.json").read()
new = tarfile.open("out.aci").extractfile("manifest").read().decode()
want = old.replace('"value": "1.0"', '"value": "1.1"', 1)
want = want.replace('            {"name": "B", "value": "2"},\n', "", 1)
want = want.replace('"team": "a"', '"team": "b"', 1)
assert new == want, "manifest:\n%s\nwant:\n%s" % (new, want)
EOF
	# The same call twice: the same bytes.
	run_acitool patch-manifest --label=version=1.1 --remove-env=B --user-label=team=b \
		in.aci again.aci
	cmp out.aci again.aci
}

@test "exec as exact arguments: --exec-arg and --exec-json keep every byte" {
	run_acitool patch-manifest --exec-arg=/bin/sh --exec-arg=-c \
		--exec-arg='echo "a  b" $HOME \x' --exec-arg= in.aci a.aci
	check_fields --ordered in.aci a.aci 'app["exec"] = ["/bin/sh", "-c", "echo \"a  b\" $HOME \\x", ""]'
	# Options between them do not split them.
	run_acitool patch-manifest --exec-arg=/bin/a --label=x=1 --exec-arg=--flag in.aci b.aci
	check_fields --ordered in.aci b.aci 'app["exec"] = ["/bin/a", "--flag"]
m["labels"].append({"name": "x", "value": "1"})'
	run_acitool patch-manifest --exec-json='["/bin/é", "--", "\u0000"]' in.aci c.aci
	check_fields --ordered in.aci c.aci 'app["exec"] = ["/bin/é", "--", "\u0000"]'
	actool_reads c.aci
}

@test "dependencies: replaced where they stand, picked by labels, built in order" {
	cat >d.json <<'EOF'
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/app","dependencies":[
 {"imageName":"example.com/base","labels":[{"name":"arch","value":"amd64"}]},
 {"imageName":"example.com/mid"},
 {"imageName":"example.com/base","labels":[{"name":"arch","value":"arm64"}]}]}
EOF
	mkimage d.aci d.json
	# By name alone when one has it: the whole entry is the option's.
	run_acitool patch-manifest --dependency=example.com/mid:2 d.aci a.aci
	check_fields --ordered d.aci a.aci 'm["dependencies"][1] = {"imageName": "example.com/mid",
    "labels": [{"name": "version", "value": "2"}]}'
	# Two of one name: the labels pick one; none picked is a new entry.
	run_acitool patch-manifest --dependency=example.com/base,arch=arm64,imageID="$ID" d.aci b.aci
	check_fields --ordered d.aci b.aci 'm["dependencies"][2]["imageID"] = "'"$ID"'"
m["dependencies"][2] = {"imageName": "example.com/base", "imageID": "'"$ID"'",
    "labels": [{"name": "arch", "value": "arm64"}]}'
	run_acitool patch-manifest --dependency=example.com/base,arch=s390x d.aci c.aci
	check_fields --ordered d.aci c.aci 'm["dependencies"].append({"imageName": "example.com/base",
    "labels": [{"name": "arch", "value": "s390x"}]})'
	run_acitool 1 patch-manifest --dependency=example.com/base d.aci x.aci
	expect_error_line patch-manifest "--dependency=example.com/base: 2 dependencies named 'example.com/base' have those labels: give labels that pick one"
	# A list from scratch, in the order given, same names included.
	run_acitool patch-manifest --clear-dependencies --dependency=example.com/z \
		--dependency=example.com/base,arch=amd64 --dependency=example.com/base,arch=arm64 \
		d.aci e.aci
	check_fields --ordered d.aci e.aci 'm["dependencies"] = [{"imageName": "example.com/z"},
    {"imageName": "example.com/base", "labels": [{"name": "arch", "value": "amd64"}]},
    {"imageName": "example.com/base", "labels": [{"name": "arch", "value": "arm64"}]}]'
	run_acitool patch-manifest --remove-dependency=example.com/base d.aci f.aci
	check_fields --ordered d.aci f.aci 'del m["dependencies"][2], m["dependencies"][0]'
	actool_reads e.aci
}

@test "contradicting options: a usage error naming both, nothing written" {
	usage_errors <<'EOF'
--label=a=1 --remove-label=a|--label=a=1 and --remove-label=a both edit label 'a'
--label=a=1 --label=a=2|--label=a=1 and --label=a=2 both edit label 'a'
--env=A=1 --clear-env|--clear-env undoes --env=A=1: give it first
--exec=/bin/x --exec-arg=/y|--exec=/bin/x and --exec-arg both edit app.exec
--exec-json='["/a"]' --remove-exec|--exec-json=\["/a"\] and --remove-exec both edit app.exec
--mount=a,path=/x --mounts=a,path=/z|--mount=a,path=/x and --mounts=a,path=/z both edit mount point 'a'
--capability=net_raw --remove-isolator=os/linux/capabilities-remove-set|--capability=net_raw and --remove-isolator=os/linux/capabilities-remove-set both edit isolator
--supplementary-groups=1 --clear-supplementary-groups|--clear-supplementary-groups undoes --supplementary-groups=1
--working-directory=/a --remove-working-directory|both edit app.workingDirectory
--dependency=example.com/a --remove-dependency=example.com/a|both edit dependency 'example.com/a'
--pre-start-json='["/a"]' --remove-event-handler=pre-start|both edit event handler 'pre-start'
--manifest=m.json --label=a=1|--manifest replaces the whole manifest
EOF
}

@test "bad values: a usage error naming the option, one line, nothing written" {
	usage_errors <<'EOF'
--label=Bad=1|--label=Bad=1: labels\[0\].name: not an ACIdentifier: 'Bad'
--label=name=x|--label=name=x: labels\[0\].name: a label cannot be called 'name'
--label=novalue|--label: 'novalue' is not NAME=VALUE
--annotation=created=yesterday|--annotation=created=yesterday: annotations\[0\].value
--env=1A=x|--env=1A=x: app.environment\[0\].name: not an environment variable name
--working-directory=rel|--working-directory=rel: app.workingDirectory: not an absolute path
--exec-json='[]'|--exec-json: '\[\]' is not a JSON array of strings
--exec-json='["/a",1]'|--exec-json: .*element 1 is not a string
--pre-start-json='{}'|--pre-start-json: '\{\}' is not a JSON array of strings
--isolator=example.com/mine=1|'example.com/mine' is not an isolator appc defines
--isolator='resource/memory={"limit":"lots"}'|resource/memory.*value.limit
--isolator=resource/memory=[|--isolator: .*JSON
--isolator-file=resource/memory=missing.json|missing.json: cannot open
--mount=Bad,path=/x|--mount: mount point name 'Bad' is not an AC name
--port=p,protocol=tcp,port=0|--port: 'p,protocol=tcp,port=0': port '0' is not 1 to 65535
--dependency=Bad|--dependency=Bad: dependencies\[0\].imageName: not an ACIdentifier
--dependency=example.com/a,imageID=sha512-1|dependencies\[0\].imageID: not an image ID
--dependency=example.com/a,size=-1|size '-1' is not a number of bytes
--dependency=example.com/a:1,version=2|'version' given twice
--user-label==x|--user-label: '=x' is not NAME=VALUE
--path-whitelist=rel|--path-whitelist=rel: pathWhitelist\[0\]: not an absolute path
--remove-label=|--remove-label: empty name
--ignore-missing=maybe|--ignore-missing
EOF
}

@test "the final check: a problem an edit brings names it (exit 1); the image's own stays" {
	# Valid alone, not with the image's os label.
	run_acitool 1 patch-manifest --env=X=1 --label=arch=arm in.aci out.aci
	expect_error_line patch-manifest "in.aci: cannot patch the manifest: --label=arch=arm: labels\[2\].value: unknown arch 'arm' for os 'linux'"
	[ ! -e out.aci ] || die "out.aci written"
	# A retain set where the image has a remove set.
	cat >r.json <<'EOF'
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","app":{"user":"0","group":"0",
 "isolators":[{"name":"os/linux/capabilities-remove-set","value":{"set":["CAP_KILL"]}}]}}
EOF
	mkimage r.aci r.json
	run_acitool 1 patch-manifest --isolator='os/linux/capabilities-retain-set={"set":["CAP_KILL"]}' r.aci out.aci
	expect_error_line patch-manifest "--isolator=os/linux/capabilities-retain-set=.*cannot be used together with os/linux/capabilities-remove-set"
	# A problem the image had already: left alone, the image written.
	cat >bad.json <<'EOF'
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a","labels":[{"name":"Bad","value":"1"}]}
EOF
	mkimage bad.aci bad.json
	run_acitool patch-manifest --label=version=1 bad.aci out.aci
	assert "$output" == "" "no message"
	check_fields --ordered bad.aci out.aci 'm["labels"].append({"name": "version", "value": "1"})'
}

@test "no app: an exec option with --user and --group makes one; other app edits fail" {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/a"}' >n.json
	mkimage n.aci n.json
	run_acitool patch-manifest --exec-arg=/bin/a --user=0 --group=0 --env=A=1 n.aci a.aci
	check_fields --ordered n.aci a.aci 'm["app"] = {"exec": ["/bin/a"], "user": "0", "group": "0",
    "environment": [{"name": "A", "value": "1"}]}'
	actool_reads a.aci
	run_acitool 1 patch-manifest --env=A=1 n.aci b.aci
	expect_error_line patch-manifest "manifest has no app: --env=A=1 edits one, and only an exec option makes one"
	# Removing from an app that is not there: nothing to remove.
	run_acitool 1 patch-manifest --remove-env=A n.aci b.aci
	expect_error_line patch-manifest "--remove-env=A: the manifest has no environment variable 'A'"
	# Labels and dependencies need no app.
	run_acitool patch-manifest --label=version=1 --dependency=example.com/b n.aci c.aci
	check_fields --ordered n.aci c.aci 'm["labels"] = [{"name": "version", "value": "1"}]
m["dependencies"] = [{"imageName": "example.com/b"}]'
}

@test "--isolator-file (a file, or - for standard input) and --allow-unknown-isolator" {
	printf '{"limit": "2G"}' >mem.json
	run_acitool patch-manifest --isolator-file=resource/memory=mem.json in.aci a.aci
	check_fields --ordered in.aci a.aci 'app["isolators"][0]["value"] = {"limit": "2G"}'
	run bash -c "printf '{\"set\":[\"CAP_NET_RAW\"]}' | '$ACITOOL' patch-manifest \
		--isolator-file=os/linux/capabilities-retain-set=- in.aci b.aci"
	[ "$status" -eq 0 ] || die "$output"
	check_fields --ordered in.aci b.aci 'app["isolators"].append({"name": "os/linux/capabilities-retain-set",
    "value": {"set": ["CAP_NET_RAW"]}})'
	run_acitool patch-manifest --allow-unknown-isolator --isolator=example.com/mine=7 in.aci c.aci
	check_fields --ordered in.aci c.aci 'app["isolators"].append({"name": "example.com/mine", "value": 7})'
}

@test "manifest edits, --filecap and the compression: one pass, read by tar" {
	cp "$ACT_FIXTURES/kitchen.tgz" k.aci
	run_acitool patch-manifest --label=version=9 --env=LANG=C.UTF-8 \
		--filecap=/bin/ping=cap_net_raw+ep k.aci out.aci
	python3 - <<'EOF'
import json, tarfile
with tarfile.open("out.aci", "r:gz") as t:
    m = json.loads(t.extractfile("manifest").read())
    assert {"name": "version", "value": "9"} in m["labels"], m["labels"]
    assert {"name": "LANG", "value": "C.UTF-8"} in m["app"]["environment"], m["app"]
    ping = t.getmember("rootfs/bin/ping")
    assert "SCHILY.xattr.security.capability" in ping.pax_headers, ping.pax_headers
EOF
}
