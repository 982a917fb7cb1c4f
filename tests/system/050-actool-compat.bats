#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Side by side with appc's actool, built from Debian's golang-github-appc-spec-dev:
# where actool is right acitool agrees with it, and for each of actool's known
# faults (appc-spec.md §4.7) acitool does the right thing on the same input.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	build_actool
}

setup() {
	[ -z "${ACTOOL_MISSING:-}" ] || skip "$ACTOOL_MISSING"
	ACTOOL=$BATS_FILE_TMPDIR/actool
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
}

# run_actool [EXPECTED_RC] ARGS...: run_acitool for appc's actool.
run_actool() {
	local expect=0
	case "$1" in
	[0-9] | '?')
		expect=$1
		shift
		;;
	esac
	echo "\$ actool $*"
	run timeout 120 "$ACTOOL" "$@"
	echo "$output"
	echo "[ rc=$status (expected $expect) ]"
	if [ "$expect" != '?' ] && [ "$status" -ne "$expect" ]; then
		die "actool: exit status $status, expected $expect"
	fi
}

# to_file RC FILE TOOL ARGS...: stdout into FILE (exact bytes), stderr in $output.
to_file() {
	local expect=$1 file=$2
	shift 2
	echo "\$ $* > $file"
	run timeout 120 bash -c '"$@" 2>&1 >"$0"' "$file" "$@"
	echo "$output"
	assert "$status" -eq "$expect" "exit status of $1"
}

# manifest_json IMAGE: the manifest, decoded by python and dumped compactly
# (key order kept).
manifest_json() {
	python3 -c '
import json, sys, tarfile
with tarfile.open(sys.argv[1], "r:*") as t:
    print(json.dumps(json.loads(t.extractfile("manifest").read())))
' "$1"
}

# isolators IMAGE: app.isolators, as python's json sees it.
isolators() {
	python3 -c '
import json, sys, tarfile
with tarfile.open(sys.argv[1], "r:*") as t:
    print(json.dumps(json.loads(t.extractfile("manifest").read())["app"]["isolators"]))
' "$1"
}

@test "actool validate accepts acitool's outputs" {
	local img ext flag
	for img in kitchen minimal gnu-tree; do
		for ext in tgz tar; do
			for flag in --capability=CAP_NET_ADMIN,CAP_SYS_TIME --revoke-capability=net_raw,mknod; do
				rm -f out.aci
				run_acitool patch-manifest $flag "$ACT_FIXTURES/$img.$ext" out.aci
				run_actool validate out.aci
				assert "$output" == "" "actool validate output"
			done
		done
	done
	# --replace and the other compressions too.
	for ext in tbz2 txz; do
		cp "$ACT_FIXTURES/kitchen.$ext" replaced.aci
		run_acitool patch-manifest --capability=CAP_CHOWN --replace replaced.aci
		run_actool validate replaced.aci
	done

	# The check can fail: actool does refuse a broken manifest.
	run_actool 1 validate "$ACT_FIXTURES/bad/manifest-notjson.tar"
}

@test "cat-manifest prints what actool prints for a compact manifest" {
	printf '%s' '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/compact","labels":[{"name":"os","value":"linux"}],"app":{"exec":["/bin/true"],"user":"0","group":"0"}}' >m.json
	mkimage compact.aci m.json
	gzip -n -c compact.aci >compact-gz.aci
	# actool's own output has a compact manifest too.
	cp "$ACT_FIXTURES/kitchen.tgz" kitchen.aci
	run_actool patch-manifest --capability=CAP_NET_ADMIN kitchen.aci by-actool.aci

	local img
	for img in compact.aci compact-gz.aci by-actool.aci; do
		to_file 0 want "$ACTOOL" cat-manifest $img
		to_file 0 got "$ACITOOL" cat-manifest $img
		cmp want got
		# One newline added to the stored bytes.
		assert "$(stat -c %s got)" -eq $(($(python3 -c '
import sys, tarfile
print(len(tarfile.open(sys.argv[1], "r:*").extractfile("manifest").read()))' $img) + 1)) \
			"size of the printed manifest"
	done
}

@test "cat-manifest --pretty-print matches actool for a manifest in appc's key order" {
	local img
	for img in minimal.tgz kitchen.tar kitchen.txz; do
		to_file 0 want "$ACTOOL" cat-manifest --pretty-print "$ACT_FIXTURES/$img"
		to_file 0 got "$ACITOOL" cat-manifest --pretty-print "$ACT_FIXTURES/$img"
		cmp want got
	done
}

@test "--capability and --revoke-capability: the same isolators as actool's" {
	local img flag
	for img in kitchen minimal; do
		cp "$ACT_FIXTURES/$img.tgz" in.aci
		for flag in --capability=CAP_NET_ADMIN,CAP_SYS_TIME --revoke-capability=CAP_MKNOD; do
			rm -f a.aci b.aci
			run_actool patch-manifest $flag in.aci a.aci
			run_acitool patch-manifest $flag in.aci b.aci
			assert "$(isolators b.aci)" == "$(isolators a.aci)" "isolators ($img, $flag)"
			# Nothing in these manifests is unknown to actool: the same data.
			assert "$(manifest_json b.aci)" == "$(manifest_json a.aci)" "manifest ($img, $flag)"
		done
	done
	# The expected isolators, spelled out (appc-spec.md §6.4).
	assert "$(isolators a.aci)" == '[{"name": "os/linux/capabilities-remove-set", "value": {"set": ["CAP_MKNOD"]}}]' \
		"isolators of minimal"
}

@test "fault: a missing manifest is success for actool, an error for acitool" {
	cp "$ACT_FIXTURES/bad/no-manifest.tar" in.aci

	run_actool 0 cat-manifest in.aci
	assert "$output" == "" "actool output"
	run_acitool 1 cat-manifest in.aci
	expect_error_line cat-manifest "no manifest"

	run_actool 0 patch-manifest --capability=CAP_NET_RAW in.aci by-actool.aci
	assert "$(compression by-actool.aci)" == gzip "actool wrote an image"
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW in.aci by-acitool.aci
	expect_error_line patch-manifest "no manifest"
	expect_files . in.aci by-actool.aci
}

@test "fault: actool writes gzip whatever the input; acitool keeps the compression" {
	local ext want
	for ext in txz tbz2 tar; do
		cp "$ACT_FIXTURES/kitchen.$ext" in-$ext.aci
		want=$(compression in-$ext.aci)
		run_actool patch-manifest --capability=CAP_NET_RAW in-$ext.aci a-$ext.aci
		assert "$(compression a-$ext.aci)" == gzip "actool's output for a $want input"
		run_acitool patch-manifest --capability=CAP_NET_RAW in-$ext.aci b-$ext.aci
		assert "$(compression b-$ext.aci)" == "$want" "acitool's output for a $want input"
		assert "$(isolators b-$ext.aci)" == "$(isolators a-$ext.aci)" "isolators"
	done
}

@test "fault: actool adds a second newline to a manifest that ends in one" {
	local img=$ACT_FIXTURES/minimal.tar
	python3 -c '
import sys, tarfile
sys.stdout.buffer.write(tarfile.open(sys.argv[1]).extractfile("manifest").read())' "$img" >stored
	assert "$(tail -c1 stored | od -An -c | tr -d ' ')" == '\n' "stored manifest ends in a newline"

	to_file 0 by-actool "$ACTOOL" cat-manifest "$img"
	{ cat stored; echo; } >stored-nl
	cmp stored-nl by-actool
	to_file 0 by-acitool "$ACITOOL" cat-manifest "$img"
	cmp stored by-acitool
}

@test "fault: actool drops unknown manifest fields; acitool keeps them" {
	printf '%s' '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/unknown","x-vendor":{"keep":"me","n":1.50e+01},"app":{"exec":["/bin/true"],"user":"0","group":"0","x-app-extra":[1,2]}}' >m.json
	mkimage in.aci m.json

	run_actool patch-manifest --capability=CAP_NET_RAW in.aci a.aci
	run_acitool patch-manifest --capability=CAP_NET_RAW in.aci b.aci
	assert "$(isolators b.aci)" == "$(isolators a.aci)" "isolators"
	run python3 - a.aci b.aci <<'EOF'
import json, sys, tarfile
def man(p):
    return json.loads(tarfile.open(p, "r:*").extractfile("manifest").read())
a, b = man(sys.argv[1]), man(sys.argv[2])
print("actool:", "x-vendor" in a, "x-app-extra" in a["app"])
print("acitool:", b.get("x-vendor"), b["app"].get("x-app-extra"))
EOF
	assert "${lines[0]}" == "actool: False False" "actool keeps unknown fields?"
	assert "${lines[1]}" == "acitool: {'keep': 'me', 'n': 15.0} [1, 2]" "acitool's unknown fields"
	# Spelled as they were.
	to_file 0 got "$ACITOOL" cat-manifest b.aci
	grep -Fq '"x-vendor":{"keep":"me","n":1.50e+01}' got

	# --pretty-print: the same story.
	to_file 0 want "$ACTOOL" cat-manifest --pretty-print in.aci
	run ! grep -q x-vendor want
	to_file 0 got "$ACITOOL" cat-manifest --pretty-print in.aci
	grep -q '^    "x-vendor": {$' got
	grep -q '^        "n": 1.50e+01$' got
}

@test "fault: actool --replace makes the image 0600; acitool keeps its mode" {
	cp "$ACT_FIXTURES/kitchen.tgz" a.aci
	cp "$ACT_FIXTURES/kitchen.tgz" b.aci
	chmod 0640 a.aci b.aci
	run_actool patch-manifest --capability=CAP_NET_RAW --replace a.aci
	assert "$(stat -c %a a.aci)" == 600 "mode after actool --replace"
	run_acitool patch-manifest --capability=CAP_NET_RAW --replace b.aci
	assert "$(stat -c %a b.aci)" == 640 "mode after acitool --replace"
	assert "$(isolators b.aci)" == "$(isolators a.aci)" "isolators"
}

@test "fault: actool --overwrite IN IN destroys the input; acitool refuses" {
	cp "$ACT_FIXTURES/kitchen.tgz" a.aci
	cp "$ACT_FIXTURES/kitchen.tgz" b.aci
	local sum
	sum=$(sha256 b.aci)
	run_actool 1 patch-manifest --capability=CAP_NET_RAW --overwrite a.aci a.aci
	assert "$(stat -c %s a.aci)" -lt 100 "size of actool's input afterwards"
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW --overwrite b.aci b.aci
	expect_error_line patch-manifest "output is the input"
	assert "$(sha256 b.aci)" == "$sum" "acitool's input afterwards"
}

@test "fault: conflicting capability flags empty actool's --overwrite target; acitool leaves it" {
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	cp "$ACT_FIXTURES/minimal.tgz" a.aci
	cp "$ACT_FIXTURES/minimal.tgz" b.aci
	run_actool 1 patch-manifest --overwrite --capability=CAP_NET_RAW \
		--revoke-capability=CAP_MKNOD in.aci a.aci
	expect_output --substring "conflicting capabilities"
	run ! cmp -s a.aci "$ACT_FIXTURES/minimal.tgz"
	run_acitool 2 patch-manifest --overwrite --capability=CAP_NET_RAW \
		--revoke-capability=CAP_MKNOD in.aci b.aci
	expect_error_line patch-manifest "--capability and --revoke-capability"
	cmp b.aci "$ACT_FIXTURES/minimal.tgz"
}

@test "fault: actool writes capability names unchecked; acitool checks and canonicalises" {
	cp "$ACT_FIXTURES/minimal.tgz" in.aci
	run_actool patch-manifest --capability=net_raw,CAP_BOGUS,,net_raw in.aci a.aci
	assert "$(isolators a.aci)" == '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["net_raw", "CAP_BOGUS", "", "net_raw"]}}]' \
		"actool's isolators"

	run_acitool 2 patch-manifest --capability=net_raw,CAP_BOGUS,,net_raw in.aci b.aci
	expect_error_line patch-manifest "--capability: "
	run_acitool patch-manifest --capability=net_raw,Net_Raw,sys_time in.aci b.aci
	assert "$(isolators b.aci)" == '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW", "CAP_SYS_TIME"]}}]' \
		"acitool's isolators"
}

@test "fault: actool stops parsing flags at the first operand; acitool does not" {
	local img=$ACT_FIXTURES/kitchen.tgz
	run_actool 1 cat-manifest "$img" --pretty-print
	expect_output --substring "Must provide one file"
	to_file 0 want "$ACITOOL" cat-manifest --pretty-print "$img"
	to_file 0 got "$ACITOOL" cat-manifest "$img" --pretty-print
	cmp want got
}

@test "fault: actool expands sparse files; acitool copies them as they were" {
	local img=$ACT_FIXTURES/gnu-tree.tgz
	run $TARINFO "$img" rootfs/data/sparse
	assert "$status" -eq 0 "tarinfo: $output"
	[[ "$output" == *'"sparse": true'* ]] || skip "the host made no sparse file for gnu-tree"

	cp "$img" in.aci
	run_actool patch-manifest --capability=CAP_NET_RAW in.aci a.aci
	run $TARINFO a.aci rootfs/data/sparse
	expect_output --substring '"sparse": false'
	run_acitool patch-manifest --capability=CAP_NET_RAW in.aci b.aci
	run $TARINFO b.aci rootfs/data/sparse
	expect_output --substring '"sparse": true'
	run $TARCMP in.aci b.aci --skip-data manifest
	assert "$status" -eq 0 "tarcmp in.aci b.aci: $output"
	# Same contents either way.
	run $TARCMP a.aci b.aci --skip manifest
	assert "$output" =~ "GNU.sparse" "tarcmp a.aci b.aci"
	assert "$output" !~ "sha256" "tarcmp a.aci b.aci"
}

# app_json IMAGE: the manifest's app, as python's json sees it.
app_json() {
	python3 -c '
import json, sys, tarfile
with tarfile.open(sys.argv[1], "r:*") as t:
    print(json.dumps(json.loads(t.extractfile("manifest").read())["app"]))
' "$1"
}

@test "the field options: the same manifest as actool's" {
	local img
	local -a args=(--name=example.com/renamed "--exec=/bin/sh -c true" --user=1000 --group=nobody
		--supplementary-groups=10,0 --mounts=work,path=/opt,readOnly=true:data,path=/data
		--ports=http,protocol=tcp,port=80,count=1:dns,protocol=udp,port=53,count=2,socketActivated=true
		--isolators=resource/cpu,limit=500m:os/linux/oom-score-adj,-100:os/linux/no-new-privileges,true
		--seccomp-mode=retain,errno=EPERM --seccomp-set=read,write,@appc.io/all)
	for img in kitchen minimal; do
		cp "$ACT_FIXTURES/$img.tgz" in.aci
		rm -f a.aci b.aci
		run_actool patch-manifest "${args[@]}" in.aci a.aci
		run_acitool patch-manifest "${args[@]}" in.aci b.aci
		assert "$(manifest_json b.aci)" == "$(manifest_json a.aci)" "manifest ($img)"
		run_actool validate b.aci
	done
	assert "$(app_json b.aci)" =~ '"supplementaryGIDs": \[10, 0\], "mountPoints": \[\{"name": "work"' \
		"app"

	# --exec makes an app where there was none.
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/noapp","labels":[{"name":"os","value":"linux"}]}' >m.json
	mkimage noapp.aci m.json
	rm -f a.aci b.aci
	run_actool patch-manifest --exec=/bin/true --user=0 --group=0 noapp.aci a.aci
	run_acitool patch-manifest --exec=/bin/true --user=0 --group=0 noapp.aci b.aci
	assert "$(manifest_json b.aci)" == "$(manifest_json a.aci)" "manifest with a new app"

	# --manifest: the file's bytes, for both.
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/new","x-y":1}\n' >new.json
	rm -f a.aci b.aci
	run_actool patch-manifest --manifest=new.json in.aci a.aci
	run_acitool patch-manifest --manifest=new.json in.aci b.aci
	to_file 0 want "$ACTOOL" cat-manifest a.aci
	to_file 0 got "$ACITOOL" cat-manifest b.aci
	cmp new.json got
}

@test "an option given again replaces the earlier value, as actool's do" {
	# A Makefile appends an override to a recipe's options: the last one wins.
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/first"}\n' >first.json
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/last"}\n' >last.json
	local -a args=(--capability=CAP_KILL --capability=CAP_NET_RAW,CAP_CHOWN
		--name=example.com/a --name=example.com/b "--exec=/bin/a" "--exec=/bin/b -x"
		--user=1 --user=2 --group=3 --group=4 --supplementary-groups=5 --supplementary-groups=6,7
		--mounts=a,path=/a --mounts=b,path=/b --ports=p,protocol=tcp,port=1,count=1
		--ports=q,protocol=udp,port=2,count=1 --isolators=os/linux/oom-score-adj,1
		--isolators=os/linux/oom-score-adj,2 --seccomp-mode=remove --seccomp-set=read
		--seccomp-mode=retain,errno=EPERM --seccomp-set=write)
	rm -f a.aci b.aci
	run_actool patch-manifest "${args[@]}" in.aci a.aci
	run_acitool patch-manifest "${args[@]}" in.aci b.aci
	assert "$(manifest_json b.aci)" == "$(manifest_json a.aci)" "manifest"
	run -0 python3 -c '
import json, sys, tarfile
app = json.loads(tarfile.open(sys.argv[1], "r:*").extractfile("manifest").read())["app"]
iso = {i["name"]: i["value"] for i in app["isolators"]}
print(app["exec"], app["user"], app["group"], app["supplementaryGIDs"],
      [m["name"] for m in app["mountPoints"]], [p["name"] for p in app["ports"]],
      iso["os/linux/capabilities-retain-set"]["set"], iso["os/linux/oom-score-adj"],
      iso["os/linux/seccomp-retain-set"]["set"], "os/linux/seccomp-remove-set" in iso)' b.aci
	expect_output "['/bin/b', '-x'] 2 4 [6, 7] ['b'] ['q'] ['CAP_NET_RAW', 'CAP_CHOWN'] 2 ['write'] False"

	# --manifest too; the earlier file is not even read.
	rm -f a.aci b.aci
	run_actool patch-manifest --manifest=first.json --manifest=last.json in.aci a.aci
	run_acitool patch-manifest --manifest=nonexistent.json --manifest=last.json in.aci b.aci
	assert "$(manifest_json b.aci)" == "$(manifest_json a.aci)" "--manifest"
	assert "$(manifest_json b.aci)" =~ example.com/last "the last --manifest"

	# A bad value that a later one replaces is not looked at, as for actool;
	# the two capability flags still exclude each other, in any number.
	rm -f b.aci
	run_acitool patch-manifest --capability=CAP_BOGUS --capability=CAP_KILL in.aci b.aci
	run_acitool 2 patch-manifest --capability=CAP_KILL --revoke-capability=CAP_KILL \
		--capability=CAP_KILL in.aci c.aci
	expect_error_line patch-manifest "--capability and --revoke-capability exclude each other"
}

@test "fault: actool ignores some options next to --manifest; acitool refuses them all" {
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/new"}' >new.json
	local opt
	for opt in --revoke-capability=CAP_MKNOD --supplementary-groups=1 --ports=p,protocol=tcp,port=1 \
		--isolators=resource/cpu,limit=1 "--seccomp-mode=remove --seccomp-set=reboot"; do
		rm -f a.aci b.aci
		# shellcheck disable=SC2086
		run_actool patch-manifest --manifest=new.json $opt in.aci a.aci
		assert "$(manifest_json a.aci)" == "$(python3 -c 'import json; print(json.dumps(json.load(open("new.json"))))')" \
			"actool's manifest with $opt"
		# shellcheck disable=SC2086
		run_acitool 2 patch-manifest --manifest=new.json $opt in.aci b.aci
		expect_error_line patch-manifest "--manifest replaces the whole manifest"
		[ ! -e b.aci ]
	done
}

@test "fault: actool writes a --manifest that is not a manifest; acitool refuses it" {
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	printf 'not json' >bad.json
	run_actool patch-manifest --manifest=bad.json in.aci a.aci
	assert "$(tar -xOzf a.aci manifest)" == "not json" "actool's manifest"
	run_actool 1 validate a.aci
	run_acitool 1 patch-manifest --manifest=bad.json in.aci b.aci
	expect_error_line patch-manifest "bad.json: not a valid image manifest"
	expect_files . in.aci bad.json a.aci
}

@test "fault: actool crashes on --seccomp-mode without an app; acitool says why" {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/noapp"}' >m.json
	mkimage in.aci m.json
	run_actool 2 patch-manifest --seccomp-mode=remove --seccomp-set=reboot in.aci a.aci
	expect_output --substring "nil pointer dereference"
	run_acitool 1 patch-manifest --seccomp-mode=remove --seccomp-set=reboot in.aci b.aci
	expect_error_line patch-manifest "in.aci: .*manifest has no app: --seccomp-mode=remove --seccomp-set=reboot edits one"
	[ ! -e b.aci ]
}

@test "fault: actool writes what the spec forbids; acitool refuses or does it right" {
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	# Each line: the options, then what actool writes in app (a python
	# expression on app), then acitool's exit status and app (or error).
	local n=0 opts ex rc want
	while IFS='|' read -r opts ex rc want; do
		[ -n "$opts" ] || continue
		n=$((n + 1))
		eval "set -- $opts"
		rm -f a.aci b.aci
		run_actool patch-manifest "$@" in.aci a.aci
		run python3 -c "
import json, sys, tarfile
app = json.loads(tarfile.open('a.aci', 'r:*').extractfile('manifest').read())['app']
print($ex)"
		assert "$output" == True "actool: $opts: $ex"
		run_acitool "$rc" patch-manifest "$@" in.aci b.aci
		if [ "$rc" = 0 ]; then
			run python3 -c "
import json, sys, tarfile
app = json.loads(tarfile.open('b.aci', 'r:*').extractfile('manifest').read())['app']
print($want)"
			assert "$output" == True "acitool: $opts: $want"
		else
			expect_error_line patch-manifest "$want"
		fi
	done <<'EOF'
"--exec=/bin/sh  -c 'a b'"|app["exec"] == ["/bin/sh", "", "-c", "'a", "b'"]|0|app["exec"] == ["/bin/sh", "-c", "a b"]
--ports=http,port=80|app["ports"] == [{"name": "http", "protocol": "", "port": 80, "count": 0, "socketActivated": False}]|2|no protocol=
--ports=http,protocol=tcp,port=80|app["ports"][0]["count"] == 0|0|app["ports"][0]["count"] == 1
--mounts=work,path=/a:work,path=/b|[m["name"] for m in app["mountPoints"]] == ["work", "work"]|2|mount point 'work' given twice
--supplementary-groups=-1|app["supplementaryGIDs"] == [-1]|2|'-1' is not a group id
--seccomp-mode=remove|app["isolators"][-1]["value"] == {"set": [""], "errno": ""}|2|--seccomp-mode needs --seccomp-set
EOF
	assert "$n" -eq 6 "cases"
	# A second mount of an existing name: actool adds it, acitool replaces.
	run_actool patch-manifest --mounts=work,path=/a in.aci a1.aci
	run_actool patch-manifest --mounts=work,path=/b a1.aci a2.aci
	assert "$(app_json a2.aci)" =~ '"mountPoints": \[\{"name": "work", "path": "/a"\}, \{"name": "work", "path": "/b"\}\]' \
		"actool's mounts"
	run_acitool patch-manifest --mounts=work,path=/a in.aci b1.aci
	run_acitool patch-manifest --mounts=work,path=/b b1.aci b2.aci
	assert "$(app_json b2.aci)" =~ '"mountPoints": \[\{"name": "work", "path": "/b"\}\]' \
		"acitool's mounts"
	# --name: actool takes runs of separators, which the spec's regex refuses.
	run_actool patch-manifest --name=example..com in.aci n.aci
	run_acitool 2 patch-manifest --name=example..com in.aci n2.aci
	expect_error_line patch-manifest "'example..com' is not an AC identifier"
}

@test "fault: actool cannot set an isolator that is already there, nor bandwidth limits" {
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	# kitchen has resource/memory: actool appends a second one.
	run_actool patch-manifest --isolators=resource/memory,limit=2G in.aci a.aci
	assert "$(isolators a.aci)" =~ '"limit": "1G".*"limit": "2G"' "actool's isolators"
	run_acitool patch-manifest --isolators=resource/memory,limit=2G in.aci b.aci
	assert "$(isolators b.aci)" == '[{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW"]}}, {"name": "resource/memory", "value": {"limit": "2G"}}]' \
		"acitool's isolators"
	run_actool validate b.aci
	# Of a kind that may appear once, actool's second one fails.
	run_actool patch-manifest --isolators=os/linux/oom-score-adj,1 in.aci a1.aci
	run_actool 1 patch-manifest --isolators=os/linux/oom-score-adj,2 a1.aci a2.aci
	expect_output --substring "too many instances"
	run_acitool patch-manifest --isolators=os/linux/oom-score-adj,1 in.aci b1.aci
	run_acitool patch-manifest --isolators=os/linux/oom-score-adj,2 b1.aci b2.aci
	run_actool validate b2.aci
	assert "$(isolators b2.aci)" =~ '\{"name": "os/linux/oom-score-adj", "value": 2\}\]$' "acitool's"
	# Bandwidth limits need "default": true, which actool cannot write.
	run_actool 1 patch-manifest --isolators=resource/block-bandwidth,default=true,limit=1M in.aci a3.aci
	run_acitool patch-manifest --isolators=resource/block-bandwidth,limit=1M in.aci b3.aci
	run_actool validate b3.aci
	assert "$(isolators b3.aci)" =~ '\{"name": "resource/block-bandwidth", "value": \{"default": true, "limit": "1M"\}\}\]$' \
		"acitool's"
}
