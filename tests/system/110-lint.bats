#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# lint: every warning triggered and not triggered, the line format and its
# order, --strict and --json, broken images. Images are built here with
# tests/tools/mkaci.py (python's tarfile), file capabilities encoded by
# fcap below, independently of acitool's encoder.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	act_fixtures
	export ACI_PY=$ACT_TESTS_DIR/tools/mkaci.py
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

mkaci() {
	python3 "$ACI_PY" "$@"
}

# fcap BITS [e] [ROOTID]: a security.capability value in hex, permitted BITS
# (comma-separated bit numbers, 'i:N' for inheritable); effective flag with
# 'e'; revision 3 with ROOTID, else revision 2.
fcap() {
	python3 - "$@" <<'EOF'
import struct, sys
bits, eff = sys.argv[1], len(sys.argv) > 2 and sys.argv[2] == "e"
rootid = int(sys.argv[3]) if len(sys.argv) > 3 else None
p = i = 0
for b in filter(None, bits.split(",")):
    if b.startswith("i:"):
        i |= 1 << int(b[2:])
    else:
        p |= 1 << int(b)
magic = (0x03000000 if rootid is not None else 0x02000000) | eff
v = struct.pack("<5I", magic, p & 0xffffffff, i & 0xffffffff, p >> 32, i >> 32)
if rootid is not None:
    v += struct.pack("<I", rootid)
print(v.hex())
EOF
}

# Bits: CAP_DAC_READ_SEARCH 2, CAP_NET_BIND_SERVICE 10, CAP_NET_RAW 13,
# CAP_SYS_ADMIN 21, CAP_SYS_TIME 25, CAP_BPF 39.
RAW_EP=$(python3 -c 'print((0x02000001).to_bytes(4, "little").hex() + (1 << 13).to_bytes(4, "little").hex() + "00" * 12)')
retain() { printf '{"name": "os/linux/capabilities-retain-set", "value": {"set": %s}}' "$1"; }
remove() { printf '{"name": "os/linux/capabilities-remove-set", "value": {"set": %s}}' "$1"; }
NNP='{"name": "os/linux/no-new-privileges", "value": true}'

# codes IMAGE [ARGS]: run lint (exit 0 expected, nothing on stderr) and keep
# "CODE SUBJECT" of each line in $codes.
codes() {
	run -0 --separate-stderr "$ACITOOL" lint "$@"
	echo "$output"
	assert "$stderr" == "" "stderr"
	codes=$(printf '%s\n' "$output" | sed -n 's/^[^:]*: \([a-z-]*\): \([^:]*\): .*/\1 \2/p')
	assert "$(printf '%s\n' "$output" | sed '/^$/d' | wc -l)" -eq "$(printf '%s\n' "$codes" | sed '/^$/d' | wc -l)" "every line is IMAGE: CODE: SUBJECT: WHY"
}

# ---------------------------------------------------------------------------

@test "lint: a clean image prints nothing and exits 0, also with --strict" {
	mkaci ok.aci "{\"isolators\": [$(retain '["CAP_NET_RAW"]')],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"}]}"
	run -0 --separate-stderr "$ACITOOL" lint ok.aci
	assert "$output$stderr" == "" "output"
	run -0 --separate-stderr "$ACITOOL" lint --strict ok.aci
	assert "$output$stderr" == "" "output with --strict"
	run -0 --separate-stderr "$ACITOOL" lint --json ok.aci
	assert "$output" == "[]" "--json"
	# An image without an app has no capability settings to check.
	mkaci noapp.aci '{"app": null}'
	run -0 --separate-stderr "$ACITOOL" lint --strict noapp.aci
	assert "$output$stderr" == "" "no app"
}

@test "lint: no-caps-isolator" {
	mkaci none.aci '{"user": "0"}'
	codes none.aci
	assert "$codes" == "no-caps-isolator app"
	assert "$output" =~ "default bounding set of 14 capabilities" "message"
	# Another isolator does not count.
	mkaci mem.aci '{"user": "0", "isolators": [{"name": "resource/memory", "value": {"limit": "1G"}}]}'
	codes mem.aci
	assert "$codes" == "no-caps-isolator app"

	mkaci retain.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW"]')]}"
	codes retain.aci
	assert "$codes" == ""
	mkaci remove.aci "{\"user\": \"0\", \"isolators\": [$(remove '["CAP_NET_RAW"]')]}"
	codes remove.aci
	assert "$codes" == ""
}

@test "lint: broad-retain, one line per broad capability, in bit order" {
	mkaci broad.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_BPF", "CAP_NET_RAW", "cap_sys_admin", "CAP_DAC_READ_SEARCH"]')]}"
	codes broad.aci
	assert "$codes" == "broad-retain CAP_DAC_READ_SEARCH
broad-retain CAP_SYS_ADMIN
broad-retain CAP_BPF"
	assert "${lines[1]}" =~ "^broad.aci: broad-retain: CAP_SYS_ADMIN: a broad capability in the retain set: " "line"

	# Default-set capabilities and narrow ones are not broad.
	mkaci narrow.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_BIND_SERVICE", "CAP_CHOWN", "CAP_SYS_TIME", "CAP_DAC_OVERRIDE"]')]}"
	codes narrow.aci
	assert "$codes" == ""
	# A remove set never grants: CAP_SYS_ADMIN there is no broad-retain.
	mkaci rm.aci "{\"user\": \"0\", \"isolators\": [$(remove '["CAP_SYS_ADMIN"]')]}"
	codes rm.aci
	assert "$codes" == "remove-not-default CAP_SYS_ADMIN"
}

@test "lint: remove-not-default" {
	mkaci rm.aci "{\"user\": \"0\", \"isolators\": [$(remove '["CAP_SYS_TIME", "CAP_NET_RAW", "CAP_MKNOD", "CAP_BPF"]')]}"
	codes rm.aci
	assert "$codes" == "remove-not-default CAP_SYS_TIME
remove-not-default CAP_BPF"
	assert "${lines[0]}" == "rm.aci: remove-not-default: CAP_SYS_TIME: not in appc's default set, so the app never has it: removing it changes nothing"

	mkaci rm2.aci "{\"user\": \"0\", \"isolators\": [$(remove '["CAP_NET_RAW", "CAP_MKNOD", "CAP_AUDIT_WRITE"]')]}"
	codes rm2.aci
	assert "$codes" == ""
}

@test "lint: filecap-outside-bounding, for a retain set, a remove set and the default set" {
	local sysadmin_ep raw_p time_i
	sysadmin_ep=$(fcap 21 e)
	raw_p=$(fcap 13)
	time_i=$(fcap i:25)
	mkaci r.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_BIND_SERVICE"]')],
		\"files\": [{\"name\": \"bin/ep\", \"caps\": \"$RAW_EP\"},
			    {\"name\": \"bin/p\", \"caps\": \"$raw_p\"},
			    {\"name\": \"bin/i\", \"caps\": \"$time_i\"},
			    {\"name\": \"bin/two\", \"caps\": \"$(fcap 13,21 e)\"},
			    {\"name\": \"bin/two-p\", \"caps\": \"$(fcap 13,25)\"},
			    {\"name\": \"bin/ok\", \"caps\": \"$(fcap 10 e)\"}]}"
	codes r.aci
	assert "$codes" == "filecap-outside-bounding /bin/ep
filecap-outside-bounding /bin/i
filecap-outside-bounding /bin/p
filecap-outside-bounding /bin/two
filecap-outside-bounding /bin/two-p"
	assert "${lines[0]}" == "r.aci: filecap-outside-bounding: /bin/ep: CAP_NET_RAW outside the app's bounding set (the retain set): the file's effective flag is set, so exec fails with EPERM, as the kernel cannot grant all of its permitted capabilities"
	assert "${lines[1]}" == "r.aci: filecap-outside-bounding: /bin/i: CAP_SYS_TIME outside the app's bounding set (the retain set): exec never grants it"
	assert "${lines[2]}" =~ ": /bin/p: CAP_NET_RAW outside .*: exec never grants it$" "no effective flag"
	assert "${lines[3]}" =~ ": /bin/two: CAP_NET_RAW,CAP_SYS_ADMIN outside .* fails with EPERM" "two capabilities"
	assert "${lines[4]}" =~ ": /bin/two-p: CAP_NET_RAW,CAP_SYS_TIME outside .*: exec never grants them$" "two, no effective flag"

	mkaci rm.aci "{\"user\": \"0\", \"isolators\": [$(remove '["CAP_NET_RAW"]')],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"}]}"
	codes rm.aci
	assert "$codes" == "filecap-outside-bounding /bin/ping"
	assert "$output" =~ "\(appc's default set less the remove set\)" "bounding set named"

	mkaci def.aci "{\"user\": \"0\", \"files\": [{\"name\": \"bin/a\", \"caps\": \"$sysadmin_ep\"},
		{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"}]}"
	codes def.aci
	assert "$codes" == "no-caps-isolator app
filecap-outside-bounding /bin/a"
	assert "$output" =~ "CAP_SYS_ADMIN outside the app's bounding set \(appc's default set\)" "default set"

	# Inside the bounding set, or no app: nothing.
	mkaci in.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW", "CAP_SYS_TIME"]')],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"}, {\"name\": \"bin/i\", \"caps\": \"$time_i\"}]}"
	codes in.aci
	assert "$codes" == ""
	mkaci noapp.aci "{\"app\": null, \"files\": [{\"name\": \"bin/a\", \"caps\": \"$sysadmin_ep\"}]}"
	codes noapp.aci
	assert "$codes" == ""
}

@test "lint: filecap-nnp" {
	mkaci nnp.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW"]'), $NNP],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"},
			    {\"name\": \"bin/empty\", \"caps\": \"$(fcap '')\"},
			    {\"name\": \"bin/plain\"}]}"
	codes nnp.aci
	assert "$codes" == "filecap-nnp /bin/ping"
	assert "${lines[0]}" == "nnp.aci: filecap-nnp: /bin/ping: file capabilities with os/linux/no-new-privileges: exec grants no capability the process does not already hold, so they add nothing"

	local off=${NNP/true/false}
	mkaci off.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW"]'), $off],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"}]}"
	codes off.aci
	assert "$codes" == ""
	# The last isolator of a name counts.
	mkaci last.aci "{\"user\": \"0\", \"isolators\": [$NNP, $(retain '["CAP_NET_RAW"]'), $off],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"}]}"
	codes last.aci
	assert "$codes" == ""
}

@test "lint: retain-unreachable: a non-root app and no file that can give the capability" {
	local files="[{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"}]"
	local isos="[$(retain '["CAP_NET_RAW", "CAP_NET_BIND_SERVICE", "CAP_SYS_TIME"]')]"
	mkaci u.aci "{\"user\": \"1000\", \"isolators\": $isos, \"files\": $files}"
	codes u.aci
	assert "$codes" == "retain-unreachable CAP_NET_BIND_SERVICE
retain-unreachable CAP_SYS_TIME"
	assert "${lines[0]}" == "u.aci: retain-unreachable: CAP_NET_BIND_SERVICE: the app runs as user '1000', not root, so it starts with no capabilities and the retain set only bounds what an exec grants; no file in the image has CAP_NET_BIND_SERVICE in its permitted file capabilities, and none is setuid root: no exec can gain it"

	# Root, by number, name, or a name /etc/passwd maps to uid 0: nothing.
	local user
	for user in 0 root toor; do
		mkaci r.aci "{\"user\": \"$user\", \"isolators\": $isos, \"files\": [
			{\"name\": \"etc/passwd\", \"data\": \"root:x:0:0::/root:/bin/sh\\ntoor:x:0:0::/:/bin/sh\\ndaemon:x:1:1::/:/bin/false\\n\"}]}"
		codes r.aci
		assert "$codes" == "" "user $user"
	done
	# A name /etc/passwd maps to another uid is not root.
	mkaci d.aci "{\"user\": \"daemon\", \"isolators\": [$(retain '["CAP_NET_RAW"]')], \"files\": [
		{\"name\": \"etc/passwd\", \"data\": \"root:x:0:0::/root:/bin/sh\\ndaemon:x:1:1::/:/bin/false\\n\"}]}"
	codes d.aci
	assert "$codes" == "retain-unreachable CAP_NET_RAW"
	# A name the image cannot resolve, or a path: unknown, no warning.
	for user in nobody /bin/ping; do
		mkaci n.aci "{\"user\": \"$user\", \"isolators\": [$(retain '["CAP_NET_RAW"]')]}"
		codes n.aci
		assert "$codes" == "" "user $user"
	done
	mkaci g.aci "{\"user\": \"ghost\", \"isolators\": [$(retain '["CAP_NET_RAW"]')], \"files\": [
		{\"name\": \"etc/passwd\", \"data\": \"root:x:0:0::/root:/bin/sh\\nghostly:x:7:7::/:/bin/false\\n\"}]}"
	codes g.aci
	assert "$codes" == "" "a name not in /etc/passwd"
	# Dependencies may hold the file: no warning.
	mkaci dep.aci "{\"user\": \"1000\", \"isolators\": [$(retain '["CAP_NET_RAW"]')],
		\"manifest\": {\"dependencies\": [{\"imageName\": \"example.com/base\"}]}}"
	codes dep.aci
	assert "$codes" == ""
	# A setuid-root file gives an exec the whole bounding set.
	mkaci s.aci "{\"user\": \"1000\", \"isolators\": [$(retain '["CAP_NET_RAW"]')],
		\"files\": [{\"name\": \"bin/su\", \"mode\": \"4755\"}]}"
	codes s.aci
	assert "$codes" == "setuid /bin/su"
	# Inheritable file capabilities need the process's inheritable set,
	# which a non-root app does not have; a value on a hardlink entry is
	# ignored by extractors: neither counts.
	mkaci i.aci "{\"user\": \"1000\", \"isolators\": [$(retain '["CAP_NET_RAW"]')],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$(fcap i:13 e)\"}, {\"name\": \"bin/a\"},
			    {\"name\": \"bin/b\", \"link\": \"bin/a\", \"caps\": \"$RAW_EP\"}]}"
	codes i.aci
	assert "$codes" == "retain-unreachable CAP_NET_RAW
filecap-hardlink /bin/b"
	# With no-new-privileges no exec gains anything, file capabilities or not.
	mkaci nnp.aci "{\"user\": \"1000\", \"isolators\": [$(retain '["CAP_NET_RAW"]'), $NNP], \"files\": $files}"
	codes nnp.aci
	assert "$codes" == "retain-unreachable CAP_NET_RAW
filecap-nnp /bin/ping"
	assert "${lines[0]}" =~ "no-new-privileges keeps every exec from gaining one" "message"
}

@test "lint: filecap-rootid" {
	mkaci v3.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW"]')],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$(fcap 13 e 100000)\"},
			    {\"name\": \"bin/v2\", \"caps\": \"$RAW_EP\"}]}"
	codes v3.aci
	assert "$codes" == "filecap-rootid /bin/ping"
	assert "${lines[0]}" == "v3.aci: filecap-rootid: /bin/ping: revision 3 file capabilities for rootid 100000: the kernel applies them only in a user namespace whose root is host uid 100000 and ignores them elsewhere; write them as revision 2 (add-filecaps --drop-rootid)"
	# After --drop-rootid, nothing.
	run_acitool add-filecaps --drop-rootid v3.aci v2.aci
	codes v2.aci
	assert "$codes" == ""
}

@test "lint: filecap-hardlink" {
	mkaci l.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW"]')],
		\"files\": [{\"name\": \"bin/ping\", \"caps\": \"$RAW_EP\"},
			    {\"name\": \"bin/ping6\", \"link\": \"bin/ping\"},
			    {\"name\": \"bin/plain\"},
			    {\"name\": \"bin/l2\", \"link\": \"bin/plain\", \"caps\": \"$RAW_EP\"}]}"
	codes l.aci
	assert "$codes" == "filecap-hardlink /bin/l2"
	assert "${lines[0]}" == "l.aci: filecap-hardlink: /bin/l2: file capabilities on a hardlink entry: extractors set xattrs from the entry holding the data, '/bin/plain', and ignore these"
}

@test "lint: setuid and setgid" {
	mkaci s.aci '{"user": "0", "isolators": [{"name": "os/linux/capabilities-retain-set", "value": {"set": ["CAP_NET_RAW"]}}],
		"files": [{"name": "bin/su", "mode": "4755"},
			  {"name": "bin/mine", "mode": "4750", "uid": 1000},
			  {"name": "bin/noexec", "mode": "4644"},
			  {"name": "bin/sg", "mode": "2711", "gid": 42},
			  {"name": "bin/lock", "mode": "2644"},
			  {"name": "bin/plain", "mode": "0755"},
			  {"name": "bin/su2", "link": "bin/su", "mode": "4755"}]}'
	codes s.aci
	assert "$codes" == "setuid /bin/mine
setgid /bin/sg
setuid /bin/su"
	assert "${lines[0]}" == "s.aci: setuid: /bin/mine: setuid (owner uid 1000): whoever runs it runs as that user"
	assert "${lines[1]}" == "s.aci: setgid: /bin/sg: setgid (group gid 42): whoever runs it runs with that group"
	assert "${lines[2]}" == "s.aci: setuid: /bin/su: setuid root: whoever runs it gets every capability of the bounding set; rkt's guide replaces the bit with a file capability for just what the program needs"

	# With file capabilities the kernel grants only those; under
	# no-new-privileges the bits are ignored.
	mkaci c.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW"]')],
		\"files\": [{\"name\": \"bin/ping\", \"mode\": \"4755\", \"caps\": \"$RAW_EP\"}]}"
	codes c.aci
	assert "$output" == "c.aci: setuid: /bin/ping: setuid root with file capabilities: whoever runs it gets uid 0 as its effective user, and only the file capabilities"
	mkaci n.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW"]'), $NNP],
		\"files\": [{\"name\": \"bin/su\", \"mode\": \"6755\"}]}"
	codes n.aci
	assert "$codes" == "setuid /bin/su
setgid /bin/su"
	assert "$output" =~ "no-new-privileges makes exec ignore the bit" "nnp"
}

@test "lint: order: the manifest's warnings, then files by path; several images" {
	mkaci a.aci "{\"user\": \"1000\", \"isolators\": [$(retain '["CAP_SYS_ADMIN", "CAP_NET_RAW"]')],
		\"files\": [{\"name\": \"bin/z\", \"mode\": \"4755\"},
			    {\"name\": \"bin/b\", \"caps\": \"$(fcap 13 e 7)\"},
			    {\"name\": \"bin/a\", \"caps\": \"$(fcap 25 e)\"}]}"
	mkaci b.aci '{"user": "0"}'
	codes a.aci b.aci
	assert "$output" =~ "^a.aci: " "first image first"
	assert "$(printf '%s\n' "$output" | cut -d: -f1-3)" == "a.aci: broad-retain: CAP_SYS_ADMIN
a.aci: filecap-outside-bounding: /bin/a
a.aci: filecap-rootid: /bin/b
a.aci: setuid: /bin/z
b.aci: no-caps-isolator: app"
	# The same bytes every run, and through every compression and stdin.
	local want=$output
	codes a.aci b.aci
	assert "$output" == "$want" "second run"
	gzip -c a.aci >a.tgz
	xz -c a.aci >a.txz
	codes a.aci
	want=$output
	codes a.tgz
	assert "$output" == "${want//a.aci/a.tgz}" "gzip"
	codes - <a.txz
	assert "$output" == "${want//a.aci/-}" "stdin"
}

@test "lint: --strict, --json" {
	mkaci w.aci '{"user": "0"}'
	mkaci ok.aci "{\"user\": \"0\", \"isolators\": [$(retain '["CAP_NET_RAW"]')]}"
	run -1 --separate-stderr "$ACITOOL" lint --strict w.aci
	assert "$output" == "w.aci: no-caps-isolator: app: no capabilities retain or remove set: the app runs with appc's default bounding set of 14 capabilities; rkt's guide recommends a retain set of only what the app needs"
	assert "$stderr" == "" "stderr"
	run -1 --separate-stderr "$ACITOOL" lint ok.aci --strict w.aci
	run -0 --separate-stderr "$ACITOOL" lint --strict=false w.aci
	run -0 --separate-stderr "$ACITOOL" lint --strict ok.aci ok.aci

	run -1 --separate-stderr "$ACITOOL" lint --json --strict ok.aci w.aci
	python3 -c '
import json, sys
a = json.loads(sys.argv[1])
assert len(a) == 1 and set(a[0]) == {"image", "code", "subject", "message"}, a
assert (a[0]["image"], a[0]["code"], a[0]["subject"]) == ("w.aci", "no-caps-isolator", "app"), a
assert a[0]["message"].startswith("no capabilities retain or remove set"), a
' "$output"
	run -0 --separate-stderr "$ACITOOL" lint --json ok.aci
	assert "$output" == "[]" "no warnings"
	# A broken image: its error on stderr, the array of the others on stdout.
	run -1 --separate-stderr "$ACITOOL" lint --json w.aci missing.aci ok.aci
	output=$stderr expect_error_line lint "missing.aci: No such file"
	python3 -c '
import json, sys
a = json.loads(sys.argv[1])
assert [(w["image"], w["code"]) for w in a] == [("w.aci", "no-caps-isolator")], a
' "$output"
}

@test "lint: broken images: exit 1, one error line, the other images still checked" {
	mkaci w.aci '{"user": "0"}'
	cp "$ACT_FIXTURES"/bad/{truncated-at-block,trailing-garbage,xattr-conflict,no-manifest,manifest-notjson}.tar .
	local img pattern
	while IFS='|' read -r img pattern; do
		run -1 --separate-stderr "$ACITOOL" lint "$img"
		assert "$output" == "" "stdout for $img"
		output=$stderr expect_error_line lint "$img: .*$pattern"
		# --strict or not, with a good image before it.
		run -1 --separate-stderr "$ACITOOL" lint w.aci "$img"
		assert "${#lines[@]}" -eq 1 "w.aci's warning for $img"
		assert "$output" =~ "^w.aci: no-caps-isolator" "w.aci's warning for $img"
		output=$stderr expect_error_line lint "$img"
	done <<'EOF'
truncated-at-block.tar|end-of-archive marker is missing
trailing-garbage.tar|data after the end-of-archive marker
xattr-conflict.tar|two different values for xattr 'security.capability'
no-manifest.tar|no manifest in the image
manifest-notjson.tar|invalid manifest
missing.aci|No such file or directory
EOF

	# Manifests the rules cannot read: both kinds of set, unknown names.
	mkaci both.aci "{\"isolators\": [$(retain '["CAP_NET_RAW"]'), $(remove '["CAP_MKNOD"]')]}"
	run -1 --separate-stderr "$ACITOOL" lint both.aci
	output=$stderr expect_error_line lint "both.aci: invalid manifest: app has both a capabilities retain set and a remove set"
	mkaci unk.aci "{\"isolators\": [$(retain '["CAP_NET_RAW", "CAP_FLY"]')]}"
	run -1 --separate-stderr "$ACITOOL" lint unk.aci
	output=$stderr expect_error_line lint "unk.aci: invalid manifest: .*unknown capability 'CAP_FLY'"
	# A malformed file capability (wrong revision for the length).
	mkaci mal.aci '{"files": [{"name": "bin/ping", "caps": "0100000300200000000000000000000000000000"}]}'
	run -1 --separate-stderr "$ACITOOL" lint mal.aci
	output=$stderr expect_error_line lint "mal.aci: entry [0-9]+ 'rootfs/bin/ping': malformed security.capability value \(20 bytes\)"
}

@test "lint: usage" {
	run -2 --separate-stderr "$ACITOOL" lint
	assert "$stderr" =~ "missing IMAGE" "no IMAGE"
	run -2 --separate-stderr "$ACITOOL" lint --strict=maybe x.aci
	run -2 --separate-stderr "$ACITOOL" lint --bogus x.aci
	run -0 "$ACITOOL" lint --help
	assert "$output" =~ "IMAGE: CODE: SUBJECT: WHY" "help"
}

# The kernel's view of what filecap-outside-bounding foretells, and what
# add-filecaps refuses without --force: an exec under the app's bounding set
# (a retain set of CAP_NET_RAW), as its non-root user.
@test "lint: filecap-outside-bounding's EPERM is the kernel's, as the app's user sees it" {
	is_root || skip "needs root to extract file capabilities and switch users"
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	: >probe
	setcap cap_net_raw+ep probe 2>/dev/null || skip "no security.capability on this file system"
	mkdir -p lay/rootfs/bin
	printf '%s' '{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/k",
		"app": {"exec": ["/bin/ok"], "user": "65534", "group": "65534",
		"isolators": ['"$(retain '["CAP_NET_RAW"]')"']}}' >lay/manifest
	local f
	for f in ep ok p; do cp /bin/cat "lay/rootfs/bin/$f"; done
	run_acitool build --compression=none lay img.aci
	run_acitool 1 add-filecaps img.aci caps.aci /bin/ep cap_net_raw,cap_net_admin+ep
	run_acitool add-filecaps --force img.aci caps.aci /bin/ep cap_net_raw,cap_net_admin+ep \
		/bin/ok cap_net_raw+ep /bin/p cap_net_admin+p
	codes caps.aci
	assert "$codes" == "filecap-outside-bounding /bin/ep
filecap-outside-bounding /bin/p"
	assert "${lines[0]}" =~ "exec fails with EPERM" "lint's word on /bin/ep"
	assert "${lines[1]}" =~ "exec never grants it" "lint's word on /bin/p"

	run_acitool extract caps.aci x
	# bats makes its temp dirs 0700: let the app's user through.
	local d=$BATS_TEST_TMPDIR
	while [ "${#d}" -ge "${#BATS_RUN_TMPDIR}" ]; do
		chmod o+x "$d"
		d=${d%/*}
	done
	local -a app=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
		--bounding-set=-all,+net_raw --)
	run -126 "${app[@]}" x/rootfs/bin/ep /proc/self/status
	assert "$output" =~ "Operation not permitted" "exec of /bin/ep"
	run -0 "${app[@]}" x/rootfs/bin/ok /proc/self/status
	assert "$(grep '^CapEff:' <<<"$output")" =~ "0000000000002000$" "CAP_NET_RAW for /bin/ok"
	run -0 "${app[@]}" x/rootfs/bin/p /proc/self/status
	assert "$(grep '^CapEff:' <<<"$output")" =~ "0000000000000000$" "nothing for /bin/p"
}
