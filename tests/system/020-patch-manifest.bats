#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# patch-manifest --capability / --revoke-capability: the patched manifest
# (read back with python's tarfile and json), the bytes around the edit, the
# untouched entries, output compression, and how output files are written.

bats_require_minimum_version 1.5.0

load helpers

RETAIN=os/linux/capabilities-retain-set
REMOVE=os/linux/capabilities-remove-set

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
}

# check_caps IN OUT retain|remove CAP...: OUT's app.isolators are IN's less
# every capability isolator of either kind, in order, then the new one last;
# the rest of the manifest is the same data, keys in the same order.
check_caps() {
	python3 - "$@" <<'EOF'
import json, sys, tarfile
def man(p):
    with tarfile.open(p, "r:*") as t:
        return json.loads(t.extractfile("manifest").read())
old, new = man(sys.argv[1]), man(sys.argv[2])
kinds = {"retain": "os/linux/capabilities-retain-set",
         "remove": "os/linux/capabilities-remove-set"}
want = [i for i in (old["app"].get("isolators") or []) if i.get("name") not in kinds.values()]
want.append({"name": kinds[sys.argv[3]], "value": {"set": sys.argv[4:]}})
got = new["app"]["isolators"]
if json.dumps(got) != json.dumps(want):
    sys.exit("isolators:\n  got  %s\n  want %s" % (json.dumps(got), json.dumps(want)))
for m in (old, new):
    m["app"].pop("isolators", None)
if json.dumps(old) != json.dumps(new):
    sys.exit("the rest of the manifest changed:\n  old %s\n  new %s"
             % (json.dumps(old), json.dumps(new)))
EOF
}

# check_splice IN OUT: the manifests differ only inside app.isolators (inside
# the brackets of an array, or the null), or inside app when it had none.
check_splice() {
	python3 - "$@" <<'EOF'
import json, sys, tarfile
def raw(p):
    with tarfile.open(p, "r:*") as t:
        return t.extractfile("manifest").read().decode("utf-8")
old, new = raw(sys.argv[1]), raw(sys.argv[2])
dec = json.JSONDecoder()
def value_span(key):
    assert old.count(key) == 1, "%s must occur once in the test manifest" % key
    i = old.index(":", old.index(key) + len(key)) + 1
    while old[i] in " \t\r\n":
        i += 1
    return i, dec.raw_decode(old, i)[1]
if '"isolators"' in old:
    s, e = value_span('"isolators"')
    lo, hi = (s + 1, e - 1) if old[s] == "[" else (s, e)
else:
    s, e = value_span('"app"')
    lo, hi = s + 1, e - 1
n = min(len(old), len(new))
p = next((i for i in range(n) if old[i] != new[i]), n)
q = next((i for i in range(n - p) if old[-1 - i] != new[-1 - i]), n - p)
if p < lo or len(old) - q > hi:
    sys.exit("changed bytes [%d, %d) of the old manifest reach outside [%d, %d)\n"
             "old: %r\nnew: %r" % (p, len(old) - q, lo, hi, old, new))
EOF
}

# check_rest IN OUT: after the manifest (the first entry), the uncompressed
# tar streams are the same bytes up to the end-of-archive marker.
check_rest() {
	python3 - "$@" <<'EOF'
import bz2, gzip, io, lzma, sys, tarfile
def rest(p):
    d = open(p, "rb").read()
    d = (gzip.decompress(d) if d[:2] == b"\x1f\x8b" else bz2.decompress(d) if d[:3] == b"BZh"
         else lzma.decompress(d) if d[:6] == b"\xfd7zXZ\x00" else d)
    t = tarfile.open(fileobj=io.BytesIO(d))
    ms = t.getmembers()
    assert ms[0].name == "manifest", ms[0].name
    return d[ms[1].offset:t.offset]
a, b = rest(sys.argv[1]), rest(sys.argv[2])
if a != b:
    n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    sys.exit("entries after the manifest differ: %d vs %d bytes, first difference at %d"
             % (len(a), len(b), n))
EOF
}

# from_app_end FILE: the lines from the last one that is "    }," to the end.
from_app_end() {
	awk '/^    },$/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$1"
}

noapp_manifest() {
	printf '%s' '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/noapp","labels":[{"name":"os","value":"linux"}]}' >"$1"
}

@test "--capability on every compression: new retain set last, the rest kept" {
	local ext in
	for ext in tar tgz tbz2 txz; do
		in=$ACT_FIXTURES/kitchen.$ext
		run_acitool patch-manifest --capability=CAP_NET_ADMIN,CAP_SYS_TIME "$in" out.$ext
		assert "$output" == "" "output"
		assert "$(compression out.$ext)" == "$(compression "$in")" "compression of out.$ext"
		check_caps "$in" out.$ext retain CAP_NET_ADMIN CAP_SYS_TIME
		check_splice "$in" out.$ext
		check_rest "$in" out.$ext
		# Every other entry, and the manifest's own header, as they were.
		run $TARCMP "$in" out.$ext --skip-data manifest
		assert "$status" -eq 0 "tarcmp status: $output"
		# ... and the manifest did change.
		run $TARCMP "$in" out.$ext
		assert "$status" -eq 1 "tarcmp status without --skip-data"
		expect_output --substring "manifest: sha256"
	done
	expect_files . out.tar out.tgz out.tbz2 out.txz
}

@test "--revoke-capability on every compression: both old kinds removed, order kept" {
	# retain A, memory, remove B, cpu, retain C: only memory and cpu stay.
	cat >m.json <<EOF
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/caps","app":{"exec":["/bin/sh"],"user":"0","group":"0","isolators":[{"name":"$RETAIN","value":{"set":["CAP_CHOWN"]}},{"name":"resource/memory","value":{"limit":"1G"}},{"name":"$REMOVE","value":{"set":["CAP_KILL"]}},{"name":"resource/cpu","value":{"limit":"250m"}},{"name":"$RETAIN","value":{"set":["CAP_FOWNER"]}}]},"x-after":[1.50e+01]}
EOF
	mkimage in.tar m.json
	gzip -n -c in.tar >in.tgz
	bzip2 -c in.tar >in.tbz2
	xz -c in.tar >in.txz

	local ext
	for ext in tar tgz tbz2 txz; do
		run_acitool patch-manifest --revoke-capability=CAP_MKNOD,CAP_SYS_ADMIN in.$ext out.$ext
		assert "$(compression out.$ext)" == "$(compression in.$ext)" "compression of out.$ext"
		check_caps in.$ext out.$ext remove CAP_MKNOD CAP_SYS_ADMIN
		check_splice in.$ext out.$ext
		python3 - out.$ext <<'EOF'
import json, sys, tarfile
with tarfile.open(sys.argv[1], "r:*") as t:
    m = json.loads(t.extractfile("manifest").read())
names = [i["name"] for i in m["app"]["isolators"]]
assert names == ["resource/memory", "resource/cpu", "os/linux/capabilities-remove-set"], names
EOF
		# The number kept its spelling: the text around the edit is untouched.
		manifest out.$ext | grep -Fq '"x-after":[1.50e+01]'
		run $TARCMP in.$ext out.$ext --skip-data manifest
		assert "$status" -eq 0 "tarcmp: $output"
	done
}

@test "--compression and --no-compression override the input's compression" {
	local in=$ACT_FIXTURES/kitchen.tgz c
	for c in gzip none bzip2 xz; do
		run_acitool patch-manifest --capability=CAP_NET_RAW --compression=$c "$in" out.$c
		assert "$(compression out.$c)" == "$c" "--compression=$c"
		# The same archive inside, whatever the compression.
		run $TARCMP out.gzip out.$c
		assert "$status" -eq 0 "tarcmp out.gzip out.$c: $output"
	done
	check_caps "$in" out.xz retain CAP_NET_RAW

	run_acitool patch-manifest --capability=CAP_NET_RAW --no-compression \
		"$ACT_FIXTURES/kitchen.txz" nc.tar
	assert "$(compression nc.tar)" == none "--no-compression"
	cmp out.none nc.tar
	# --no-compression=false is the default again: as the input.
	run_acitool patch-manifest --capability=CAP_NET_RAW --no-compression=false \
		"$ACT_FIXTURES/kitchen.txz" nc.txz
	assert "$(compression nc.txz)" == xz "--no-compression=false"

	# Bad or contradictory values: usage errors, no output.
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW --compression=lz4 "$in" bad1
	expect_error_line patch-manifest "lz4"
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW --compression=gzip --no-compression \
		"$in" bad2
	expect_error_line patch-manifest "exclude each other"
	expect_files . out.none out.gzip out.bzip2 out.xz nc.tar nc.txz
}

@test "capability names: case, CAP_ prefix, duplicates; written canonically" {
	local in=$ACT_FIXTURES/kitchen.tar
	run_acitool patch-manifest \
		--capability=net_raw,CAP_SYS_TIME,Net_Raw,cap_chown,sys_time,CAP_NET_RAW "$in" out.aci
	check_caps "$in" out.aci retain CAP_NET_RAW CAP_SYS_TIME CAP_CHOWN

	# actool's spelling: one dash, value as the next argument, after the operands.
	run_acitool patch-manifest "$in" out2.aci -revoke-capability mknod
	check_caps "$in" out2.aci remove CAP_MKNOD

	# All 41 Linux capabilities, whatever the running kernel knows.
	local all=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID
		CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE
		CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK
		CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE
		CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE
		CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE
		CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG
		CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF
		CAP_CHECKPOINT_RESTORE)
	assert "${#all[@]}" -eq 41 "number of names in the test"
	# Reversed and lower case, to show the order given is the order written.
	local rev=() lower=() i
	for ((i = ${#all[@]} - 1; i >= 0; i--)); do
		rev+=("${all[i]}")
		lower+=("$(echo "${all[i]#CAP_}" | tr A-Z a-z)")
	done
	run_acitool patch-manifest --capability="$(IFS=,; echo "${lower[*]}")" "$in" all.aci
	check_caps "$in" all.aci retain "${rev[@]}"
}

@test "unknown or empty capability names: usage error 2, no output file" {
	local in=$ACT_FIXTURES/kitchen.tgz caps
	for caps in CAP_BOGUS net_raw,bogus CAP_ "" , net_raw,,chown net_raw, " net_raw" \
		"CAP_NET_RAW CAP_CHOWN" 13; do
		run_acitool 2 patch-manifest --capability="$caps" "$in" out.aci
		expect_error_line patch-manifest "--capability: "
		run_acitool 2 patch-manifest --revoke-capability="$caps" "$in" out.aci
		expect_error_line patch-manifest "--revoke-capability: "
	done
	run_acitool 2 patch-manifest --capability=CAP_BOGUS "$in" out.aci
	expect_output --substring "'CAP_BOGUS'"
	expect_files .
}

@test "--capability with --revoke-capability: usage error 2, no output file" {
	local in=$ACT_FIXTURES/kitchen.tgz
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW --revoke-capability=CAP_MKNOD "$in" out.aci
	expect_error_line patch-manifest "--capability and --revoke-capability"
	run_acitool 2 patch-manifest --revoke-capability=CAP_MKNOD "$in" out.aci --capability=CAP_NET_RAW
	expect_error_line patch-manifest "--capability and --revoke-capability"
	# Not even into an existing file with --overwrite (actool empties it).
	echo precious >out.aci
	run_acitool 2 patch-manifest --overwrite --capability=CAP_NET_RAW \
		--revoke-capability=CAP_MKNOD "$in" out.aci
	assert "$(cat out.aci)" == precious "out.aci"
	expect_files . out.aci
}

@test "a manifest with no app: exit 1, no output file" {
	noapp_manifest m.json
	mkimage noapp.tar m.json
	xz -c noapp.tar >noapp.txz
	printf '%s' '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/nullapp","app":null}' >n.json
	mkimage nullapp.tar n.json
	local in
	for in in noapp.tar noapp.txz nullapp.tar; do
		run_acitool 1 patch-manifest --capability=CAP_NET_RAW $in out.aci
		expect_error_line patch-manifest "$in: .*no app"
		run_acitool 1 patch-manifest --revoke-capability=CAP_NET_RAW $in out.aci
		expect_error_line patch-manifest "$in: .*no app"
	done
	# Nor an empty stream on standard output.
	run -0 bash -c '"$0" patch-manifest --capability=CAP_NET_RAW - - <noapp.tar >stdout.out; test $? = 1' "$ACITOOL"
	expect_error_line patch-manifest "\\(stdin\\): .*no app"
	assert "$(stat -c %s stdout.out)" -eq 0 "bytes written to standard output"
	expect_files . m.json n.json noapp.tar noapp.txz nullapp.tar stdout.out
}

@test "pretty-printed manifests keep their formatting outside the edit" {
	# The same manifest five ways: isolators with capability sets and others, with
	# capability sets only, no isolators, null, [].
	python3 - <<'EOF'
import json
iso = [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_A"]}},
       {"name": "resource/memory", "value": {"limit": "1G"}},
       {"name": "os/linux/capabilities-remove-set", "value": {"set": ["CAP_B"]}}]
def m(**app_iso):
    app = {"exec": ["/bin/sh"], "user": "0", "group": "0", **app_iso}
    return {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/p",
            "x-unknown": {"keep": [1, {"a": None}]}, "app": app, "annotations": []}
for name, obj in (("full", m(isolators=iso)), ("onlycaps", m(isolators=[iso[0], iso[2]])),
                  ("none", m()), ("null", m(isolators=None)), ("empty", m(isolators=[]))):
    open(name + ".json", "w").write(json.dumps(obj, indent=4) + "\n")
EOF
	local v
	for v in full onlycaps none null empty; do
		mkimage $v.tar $v.json
		run_acitool patch-manifest --capability=sys_admin,mknod $v.tar $v.out
		check_caps $v.tar $v.out retain CAP_SYS_ADMIN CAP_MKNOD
		check_splice $v.tar $v.out
		check_rest $v.tar $v.out
		# Every line before "isolators" is as it was, and so is the tail.
		manifest $v.out >$v.new
		local n
		n=$(grep -n '"isolators"\|"group"' $v.json | tail -1 | cut -d: -f1)
		diff <(head -n $((n - 1)) $v.json) <(head -n $((n - 1)) $v.new)
		diff <(from_app_end $v.json) <(from_app_end $v.new)
		assert "$(tail -c1 $v.new | od -An -c | tr -d ' ')" == '\n' "final newline kept"
	done
	# An added member is indented like its siblings.
	grep -q '^        "group": "0",$' none.new
	grep -q '^        "isolators": \[' none.new
}

@test "--replace keeps the mode, owner and compression, leaves no temp file" {
	mkdir dir
	cp "$ACT_FIXTURES/kitchen.txz" dir/image.aci
	chmod 0640 dir/image.aci
	local owner
	owner=$(stat -c %u:%g dir/image.aci)
	if is_root; then
		chown 1234:5678 dir/image.aci
		owner=1234:5678
	fi
	run_acitool patch-manifest --revoke-capability=CAP_MKNOD --replace dir/image.aci
	assert "$(stat -c %a dir/image.aci)" == 640 "mode after --replace"
	assert "$(stat -c %u:%g dir/image.aci)" == "$owner" "owner after --replace"
	assert "$(compression dir/image.aci)" == xz "compression after --replace"
	check_caps "$ACT_FIXTURES/kitchen.txz" dir/image.aci remove CAP_MKNOD
	run $TARCMP "$ACT_FIXTURES/kitchen.txz" dir/image.aci --skip-data manifest
	assert "$status" -eq 0 "tarcmp: $output"
	expect_files dir image.aci

	# actool's spelling of the flag.
	run_acitool patch-manifest --capability=CAP_NET_RAW -replace=true dir/image.aci
	check_caps "$ACT_FIXTURES/kitchen.txz" dir/image.aci retain CAP_NET_RAW
	assert "$(stat -c %a dir/image.aci)" == 640 "mode after the second --replace"
	expect_files dir image.aci
}

@test "a failing --replace leaves the image byte for byte as it was" {
	mkdir dir
	noapp_manifest m.json
	mkimage dir/noapp.aci m.json
	chmod 0604 dir/noapp.aci
	local sum
	sum=$(sha256 dir/noapp.aci)
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW --replace dir/noapp.aci
	expect_error_line patch-manifest "dir/noapp.aci: .*no app"
	assert "$(sha256 dir/noapp.aci)" == "$sum" "sha256 after a failed --replace"
	assert "$(stat -c %a dir/noapp.aci)" == 604 "mode after a failed --replace"

	# A failure late in the stream: the manifest is fine, the gzip tail is not.
	gzip -n -c "$ACT_FIXTURES/kitchen.tar" >dir/broken.aci
	python3 - dir/broken.aci <<'EOF'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
d[len(d) // 2:] = b"\xff" * (len(d) - len(d) // 2)
open(p, "wb").write(d)
EOF
	sum=$(sha256 dir/broken.aci)
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW --replace dir/broken.aci
	expect_error_line patch-manifest "broken.aci"
	assert "$(sha256 dir/broken.aci)" == "$sum" "sha256 after a failed --replace"
	expect_files dir noapp.aci broken.aci

	# The same failure to a new OUTPUT leaves no OUTPUT.
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW dir/broken.aci dir/out.aci
	expect_files dir noapp.aci broken.aci
}

@test "an existing OUTPUT needs --overwrite" {
	local in=$ACT_FIXTURES/minimal.tgz
	echo precious >out.aci
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW "$in" out.aci
	expect_error_line patch-manifest "out.aci: output exists"
	assert "$(cat out.aci)" == precious "out.aci without --overwrite"

	run_acitool patch-manifest --capability=CAP_NET_RAW --overwrite "$in" out.aci
	check_caps "$in" out.aci retain CAP_NET_RAW
	# actool's --overwrite=true too.
	run_acitool patch-manifest --capability=CAP_CHOWN --overwrite=true "$in" out.aci
	check_caps "$in" out.aci retain CAP_CHOWN
	expect_files . out.aci
}

@test "OUTPUT may not be the input, however it is spelled" {
	cp "$ACT_FIXTURES/kitchen.tgz" in.aci
	ln -s in.aci symlink.aci
	ln in.aci hardlink.aci
	local sum out
	sum=$(sha256 in.aci)
	for out in in.aci ./in.aci "$PWD/in.aci" symlink.aci hardlink.aci; do
		run_acitool 1 patch-manifest --capability=CAP_NET_RAW in.aci "$out"
		expect_error_line patch-manifest "output is the input"
		run_acitool 1 patch-manifest --capability=CAP_NET_RAW --overwrite in.aci "$out"
		expect_error_line patch-manifest "output is the input"
	done
	assert "$(sha256 in.aci)" == "$sum" "sha256 of the input"
	expect_files . in.aci symlink.aci hardlink.aci
}

@test "--replace with --overwrite, or with standard input: usage error 2" {
	cp "$ACT_FIXTURES/minimal.tgz" in.aci
	local sum
	sum=$(sha256 in.aci)
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW --replace --overwrite in.aci
	expect_error_line patch-manifest "--replace and --overwrite"
	run_acitool 2 patch-manifest --capability=CAP_NET_RAW --replace - <in.aci
	expect_error_line patch-manifest "--replace"
	assert "$(sha256 in.aci)" == "$sum" "sha256 of the image"
	expect_files . in.aci
}

@test "standard input to standard output: - -" {
	local ext
	for ext in tar tgz tbz2 txz; do
		run_acitool patch-manifest --capability=CAP_NET_RAW "$ACT_FIXTURES/kitchen.$ext" file.$ext
		# Through pipes on both sides.
		run -0 bash -c 'set -o pipefail
			cat "$1" | "$0" patch-manifest --capability=CAP_NET_RAW - - | cat >"$2"' \
			"$ACITOOL" "$ACT_FIXTURES/kitchen.$ext" pipe.$ext
		assert "$output" == "" "stderr"
		assert "$(compression pipe.$ext)" == "$(compression "$ACT_FIXTURES/kitchen.$ext")" \
			"compression of pipe.$ext"
		check_caps "$ACT_FIXTURES/kitchen.$ext" pipe.$ext retain CAP_NET_RAW
		# A gzip file is spliced, a pipe compressed anew: the same tar.
		cmp <(decompress file.$ext) <(decompress pipe.$ext)
	done
}

@test "the same input and arguments give the same bytes" {
	local ext
	mkdir a b
	for ext in tar tgz tbz2 txz; do
		cp "$ACT_FIXTURES/kitchen.$ext" a/in.$ext
		cp "$ACT_FIXTURES/kitchen.$ext" b/other-name.$ext
		touch -d @1000000000 b/other-name.$ext
		(cd a && run_acitool patch-manifest --capability=CAP_NET_RAW in.$ext out.$ext)
		(cd b && TZ=Asia/Tokyo run_acitool patch-manifest --capability=CAP_NET_RAW \
			other-name.$ext "$PWD/another-output-name.$ext")
		assert "$(sha256 a/out.$ext)" == "$(sha256 b/another-output-name.$ext)" \
			"sha256 of two runs ($ext)"
	done
	# gzip's header holds no time stamp and no file name.
	python3 - a/out.tgz <<'EOF'
import sys
h = open(sys.argv[1], "rb").read(10)
assert h[:3] == b"\x1f\x8b\x08", h
assert h[3] & 0x08 == 0, "FNAME flag set"
assert h[4:8] == b"\0\0\0\0", "MTIME is %r" % h[4:8]
EOF
}

@test "an unwritable output directory: exit 1, no temp file" {
	mkdir ro
	chmod 0555 ro
	# Root writes anywhere: run acitool without CAP_DAC_OVERRIDE then.
	local wrap=()
	if is_root; then
		command -v setpriv >/dev/null || skip "needs setpriv to drop root's CAP_DAC_OVERRIDE"
		wrap=(setpriv --bounding-set=-dac_override,-dac_read_search)
	fi
	if "${wrap[@]}" touch ro/probe 2>/dev/null; then
		rm -f ro/probe
		skip "cannot make a directory unwritable here"
	fi
	run timeout 120 "${wrap[@]}" "$ACITOOL" patch-manifest --capability=CAP_NET_RAW \
		"$ACT_FIXTURES/minimal.tgz" ro/out.aci
	echo "$output"
	assert "$status" -eq 1 "exit status"
	expect_error_line patch-manifest "ro/out.aci: .*Permission denied"
	expect_files ro
}

@test "an output directory that does not exist: exit 1, nothing created" {
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW "$ACT_FIXTURES/minimal.tgz" \
		no-such-dir/out.aci
	expect_error_line patch-manifest "no-such-dir/out.aci"
	echo file >not-a-dir
	run_acitool 1 patch-manifest --capability=CAP_NET_RAW "$ACT_FIXTURES/minimal.tgz" \
		not-a-dir/out.aci
	expect_error_line patch-manifest "not-a-dir/out.aci"
	expect_files . not-a-dir
}
