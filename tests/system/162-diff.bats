#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# diff: what differs between two images. Variants of the fixtures are made by
# python's tarfile (tests/tools/mkvariant.py); tests/tools/tardiff.py, an
# independent reader, says what differs, and acitool must say the same.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	copy_fixtures minimal kitchen gnu-tree
	mkdir -p "$FX/bad"
	cp "$ACT_FIXTURES"/bad/{truncated,duplicate-entry}.tar "$FX/bad"/
	export VARIANT="python3 $ACT_TESTS_DIR/tools/mkvariant.py"
	export TARDIFF="python3 $ACT_TESTS_DIR/tools/tardiff.py"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# entry_changes A B: acitool diff --json's entry changes as tardiff.py's lines
# (manifest members left out: tardiff.py does not compare JSON).
entry_changes() {
	"$ACITOOL" diff --json "$1" "$2" >diff.json
	assert "$?" -le 1 "diff's exit status"
	python3 -c '
import json, sys
out = set()
for c in json.load(open(sys.argv[1])):
    if c["path"] == "manifest" and c["field"] and c["field"][0] == ".":
        continue
    if c["field"] == "layout":
        continue
    out.add((c["path"], c["field"] or "-", c["change"]))
for line in sorted(out):
    print("\t".join(line))' diff.json
}

# check_against_tardiff A B: acitool and tardiff.py find the same changes.
check_against_tardiff() {
	local want got
	want=$($TARDIFF "$1" "$2")
	got=$(entry_changes "$1" "$2")
	echo "tardiff.py:"; echo "$want"; echo "acitool:"; echo "$got"
	assert "$got" == "$want" "acitool diff against tardiff.py"
}

@test "diff: an image against itself in every compression: the same, exit 0" {
	local a b
	for a in tar tgz tbz2 txz; do
		for b in tar txz; do
			run_acitool 0 diff "$FX/kitchen.$a" "$FX/kitchen.$b"
			assert "$output" == "" "kitchen.$a against kitchen.$b"
		done
	done
	run_acitool 0 diff --json "$FX/gnu-tree.tgz" "$FX/gnu-tree.tbz2"
	assert "$output" == "[]"
	# python's tarfile writes other headers for the same entries.
	$VARIANT "$FX/kitchen.tgz" rewritten.tar
	run_acitool 0 diff "$FX/kitchen.tgz" rewritten.tar
	# A sparse file and the same bytes stored whole.
	$VARIANT "$FX/gnu-tree.tar" whole.tar
	run_acitool 0 diff "$FX/gnu-tree.tar" whole.tar
	$VARIANT "$FX/gnu-tree.tar" whole1.tar data:rootfs/data/sparse
	run_acitool 1 diff "$FX/gnu-tree.tar" whole1.tar
	assert "$output" == "rootfs/data/sparse: data: differs"
}

@test "diff: each kind of change, as an independent reader sees it" {
	$VARIANT "$FX/kitchen.txz" v.tar data:rootfs/files/text mode:rootfs/bin/suid:0755 \
		owner:rootfs/files/alice:1001:51:bob:users mtime:rootfs/files/nsec:1700000000.5 \
		xattr:rootfs/bin/ping:security.capability:0000000200200000000000000000000000000000 \
		rmxattr:rootfs/bin/ping:user.comment xattr:rootfs/files/one:user.new:6869 \
		rm:rootfs/files/empty add:rootfs/files/new:hello link:rootfs/files/size-512:size-513 \
		dev:rootfs/dev/null:1:5 append:rootfs/files/size-513:x rename:rootfs/link:./rootfs/link
	check_against_tardiff "$FX/kitchen.txz" v.tar
	run_acitool 1 diff "$FX/kitchen.txz" v.tar
	expect_output --substring "rootfs/files/text: data: differs"
	expect_output --substring "rootfs/bin/suid: mode: 4755 -> 0755"
	expect_output --substring "rootfs/files/alice: uname: alice -> bob"
	expect_output --substring "rootfs/files/nsec: mtime: 2023-11-14 22:13:20.123456789 -> 2023-11-14 22:13:20.500000000"
	expect_output --substring "rootfs/bin/ping: xattr security.capability: cap_dac_override,cap_sys_rawio,cap_sys_ptrace=ep -> cap_net_raw=p"
	expect_output --substring "rootfs/bin/ping: xattr user.comment: removed \"several xattrs on one entry\""
	expect_output --substring "rootfs/files/one: xattr user.new: added \"hi\""
	expect_output --substring "rootfs/files/empty: removed file"
	expect_output --substring "rootfs/files/new: added file"
	expect_output --substring "rootfs/files/size-512: linkname: (none) -> size-513"
	expect_output --substring "rootfs/dev/null: device: 1,3 -> 1,5"
	expect_output --substring "rootfs/files/size-513: size: 513 -> 514"
	expect_output --substring "rootfs/link: name: rootfs/link -> ./rootfs/link"
}

@test "diff: entries out of order pair by name; data compared by digest" {
	$VARIANT "$FX/kitchen.tgz" reversed.tar reverse
	run_acitool 0 diff "$FX/kitchen.tgz" reversed.tar
	$VARIANT "$FX/kitchen.tgz" v.tar reverse data:rootfs/files/random-1m mode:rootfs/files/one:0600 \
		rm:rootfs/files/text add:rootfs/zzz:new
	check_against_tardiff "$FX/kitchen.tgz" v.tar
	check_against_tardiff v.tar "$FX/kitchen.tbz2"
	# One entry more or less near the start: the rest still pairs up.
	$VARIANT "$FX/kitchen.tgz" i.tar insert:rootfs/aaa:x rm:rootfs/bin/ping6 data:rootfs/files/text
	check_against_tardiff "$FX/kitchen.tgz" i.tar
	check_against_tardiff i.tar "$FX/kitchen.tgz"
	$VARIANT "$FX/gnu-tree.tar" g.tar reverse data:rootfs/data/sparse
	check_against_tardiff "$FX/gnu-tree.tar" g.tar
	run_acitool 1 diff "$FX/gnu-tree.tar" g.tar
	assert "$output" == "rootfs/data/sparse: data: differs"
}

@test "diff: the manifest as JSON, key order kept, named arrays paired by name" {
	"$ACITOOL" patch-manifest --capability=CAP_NET_RAW,CAP_CHOWN --exec="/bin/sh -c 'echo hi'" \
		--user=7 "$FX/kitchen.tgz" p.aci
	run_acitool 1 diff "$FX/kitchen.tgz" p.aci
	assert "${lines[0]}" =~ "^manifest: size: 626 -> [0-9]+$"
	expect_output --substring "manifest: .app.exec[0]: \"/bin/ping\" -> \"/bin/sh\"
manifest: .app.exec[1]: added \"-c\"
manifest: .app.exec[2]: added \"echo hi\"
manifest: .app.user: \"0\" -> \"7\"
manifest: .app.isolators[1].value.set[1]: added \"CAP_CHOWN\""
	run_acitool 1 diff --json "$FX/kitchen.tgz" p.aci
	run python3 -c '
import json, sys
c = json.loads(sys.argv[1])
assert c[1] == {"path": "manifest", "field": ".app.exec[0]", "change": "changed",
                "old": "/bin/ping", "new": "/bin/sh"}, c[1]
assert c[5]["new"] == "CAP_CHOWN" and c[5]["old"] is None, c[5]' "$output"
	assert "$status" -eq 0 "JSON values embedded as JSON"
	# The same JSON, laid out otherwise, keys reordered.
	manifest "$FX/kitchen.tgz" | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(json.dumps(dict(reversed(list(m.items())))))' >m.json
	"$ACITOOL" patch-manifest --manifest=m.json "$FX/kitchen.tgz" l.aci
	run_acitool 1 diff "$FX/kitchen.tgz" l.aci
	expect_output --substring "manifest: layout: differs (the same JSON)"
	assert "$output" !~ "manifest: \\." "no member differs"
	# Labels pair by name, whatever their order.
	manifest "$FX/kitchen.tgz" | python3 -c '
import json, sys
m = json.load(sys.stdin)
m["labels"] = list(reversed(m["labels"])) + [{"name": "extra", "value": "1"}]
print(json.dumps(m, indent=4))' >m2.json
	"$ACITOOL" patch-manifest --manifest=m2.json "$FX/kitchen.tgz" l2.aci
	run_acitool 1 diff "$FX/kitchen.tgz" l2.aci
	expect_output --substring 'manifest: .labels[3]: added {"name":"extra","value":"1"}'
	assert "$(printf '%s\n' "$output" | grep -c '^manifest: \.')" -eq 1 "one manifest change"
}

@test "diff: add-filecaps changes one xattr and nothing else" {
	"$ACITOOL" add-filecaps "$FX/gnu-tree.tgz" f.aci /data/random cap_net_raw+ep
	run_acitool 1 diff "$FX/gnu-tree.tgz" f.aci
	assert "$output" == "rootfs/data/random: xattr security.capability: added cap_net_raw=ep"
	run_acitool 1 diff --json "$FX/gnu-tree.tgz" f.aci
	expect_output --substring '"new_hex":"0100000200200000000000000000000000000000"'
	check_against_tardiff "$FX/gnu-tree.tgz" f.aci
}

@test "diff --quiet: exit status only" {
	run_acitool 0 diff --quiet "$FX/kitchen.tar" "$FX/kitchen.tgz"
	assert "$output" == ""
	$VARIANT "$FX/kitchen.tar" v.tar mode:rootfs/files/one:0600
	run_acitool 1 diff -q "$FX/kitchen.tar" v.tar
	assert "$output" == ""
}

@test "diff: standard input on one side" {
	run_acitool 1 diff - "$FX/minimal.tar" <"$FX/kitchen.txz"
	expect_output --substring "rootfs/bin/suid: removed file"
	run_acitool 2 diff - - <"$FX/kitchen.txz"
	expect_output --substring "only one IMAGE can be '-'"
}

@test "diff: trouble is exit 2, not a difference" {
	run_acitool 2 diff "$FX/kitchen.tar" "$FX/bad/truncated.tar"
	expect_output --substring "acitool: diff: "
	run_acitool 2 diff "$FX/kitchen.tar" /nonexistent.aci
	expect_output --substring "acitool: diff: /nonexistent.aci: No such file or directory"
	run_acitool 2 diff "$ACT_FIXTURES/bad/not-an-archive.txt" "$FX/kitchen.tar"
	run_acitool 2 diff "$FX/kitchen.tar"
	run_acitool 2 diff --bogus "$FX/kitchen.tar" "$FX/kitchen.tar"
	# The JSON array is not printed half.
	run_acitool 2 diff --json "$FX/kitchen.tar" "$FX/bad/truncated.tar"
	assert "$output" !~ "\\[" "no JSON"
}

@test "diff: a name twice in one image: the copy without a twin is reported" {
	$VARIANT "$FX/bad/duplicate-entry.tar" once.tar rm:./rootfs/bin/ping
	run_acitool 1 diff "$FX/bad/duplicate-entry.tar" once.tar
	assert "$output" == "./rootfs/bin/ping: removed file"
	run_acitool 1 diff once.tar "$FX/bad/duplicate-entry.tar"
	assert "$output" == "./rootfs/bin/ping: added file"
	run_acitool 0 diff "$FX/bad/duplicate-entry.tar" "$FX/bad/duplicate-entry.tar"
}
