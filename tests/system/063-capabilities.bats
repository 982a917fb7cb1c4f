#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# acitool capabilities: the capability names acitool accepts (the table in
# common/caps/capname.c), checked against the kernel header and appc's default set;
# the shell completions read their capability names from it.

bats_require_minimum_version 1.5.0

load helpers

# The appc default set, as spec/ace.md lists it (in the spec's order).
APPC_DEFAULT="CAP_AUDIT_WRITE CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_KILL
CAP_MKNOD CAP_NET_RAW CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID CAP_SETPCAP CAP_SETFCAP
CAP_SYS_CHROOT"

@test "capabilities: 41 names, one a line, in the kernel header's bit order" {
	run -0 --separate-stderr "$ACITOOL" capabilities
	assert "$stderr" == "" "stderr"
	assert "${#lines[@]}" -eq 41 "number of names"
	local names=$output

	local header=/usr/include/linux/capability.h
	[ -r "$header" ] || skip "no $header to compare with"
	# The header's "#define CAP_X N" lines, by number: the first 41.
	local want
	want=$(sed -n 's/^#define \(CAP_[A-Z_]*\)[[:space:]]\{1,\}\([0-9]\{1,\}\)[[:space:]]*$/\2 \1/p' "$header" |
		sort -n | awk '$1 < 41 { print $2 }')
	assert "$names" == "$want" "names vs $header"
}

@test "capabilities --default-set: appc's 14 default capabilities" {
	run_acitool capabilities --default-set
	assert "$(sort <<<"$output")" == "$(tr ' ' '\n' <<<"$APPC_DEFAULT" | sort)" "default set"
	# In bit order, like the full list, of which it is a part.
	local all
	all=$("$ACITOOL" capabilities)
	assert "$(grep -Fxf <(echo "$output") <<<"$all")" == "$output" "order"
	# Go's flag spellings for booleans.
	run_acitool capabilities --default-set=false
	assert "${#lines[@]}" -eq 41 "--default-set=false"
	run_acitool capabilities -default-set
	assert "${#lines[@]}" -eq 14 "-default-set"
}

@test "capabilities: every name listed is accepted by patch-manifest --capability" {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
	local all lower
	all=$("$ACITOOL" capabilities | paste -sd,)
	run_acitool patch-manifest --capability "$all" "$ACT_FIXTURES/minimal.tar" all.aci
	run_acitool cat-manifest all.aci
	local got
	got=$(python3 -c '
import json, sys
m = json.loads(sys.stdin.read())
print(",".join(c for i in m["app"]["isolators"]
               if i["name"] == "os/linux/capabilities-retain-set"
               for c in i["value"]["set"]))' <<<"$output")
	assert "$got" == "$all" "retain set written"

	# Lower case and without the prefix too, as the help says.
	lower=$("$ACITOOL" capabilities | sed 's/^CAP_//' | tr A-Z a-z | paste -sd,)
	run_acitool patch-manifest --capability "$lower" "$ACT_FIXTURES/minimal.tar" lower.aci
	assert "$(sha256 lower.aci)" == "$(sha256 all.aci)" "same output"
}

@test "capabilities: usage errors" {
	run_acitool 2 capabilities extra
	expect_error_line capabilities "too many arguments"
	run_acitool 2 capabilities --default-set=maybe
	expect_error_line capabilities "'maybe' is not a boolean"
	run_acitool 2 capabilities --no-such-option
	expect_error_line capabilities "unknown option '--no-such-option'"
}
