#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# gzip images acitool compresses are written as independent members (1 MiB
# of tar each), and an input's members that an edit leaves alone are copied
# to the output as they are, compressed: an image acitool wrote is patched
# again at the speed of decompression. From a file the input is spliced
# (072-gzip-splice.bats): the output keeps its members. Checked with
# python's gzip/zlib and tarfile, and gzip -t.

bats_require_minimum_version 1.5.0

load helpers

ALL_CAPS=chown,dac_override,dac_read_search,fowner,fsetid,kill,setgid,setuid,setpcap,linux_immutable,net_bind_service,net_broadcast,net_admin,net_raw,ipc_lock,ipc_owner,sys_module,sys_rawio,sys_chroot,sys_ptrace,sys_pacct,sys_admin,sys_boot,sys_nice,sys_resource,sys_time,sys_tty_config,mknod,lease,audit_write,audit_control,setfcap

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
}

@test "gzip output is independent members that gzip, python and tar read" {
	make_big
	gzip -n -6 -c big.tar >big.tgz
	# From a pipe (no splicing), a gzip image is compressed anew.
	cat big.tgz | "$ACITOOL" patch-manifest --capability CAP_NET_RAW - out.aci
	gzip -t out.aci
	run -0 gzip_members out.aci
	assert "${#lines[@]}" -ge 10 "members in a 12 MiB image"
	run -0 $TARCMP big.tgz out.aci --skip-data manifest
	python3 -c 'import gzip, sys; gzip.open(sys.argv[1]).read()' out.aci
}

# README says so: gzip's trailer field is the last member's size alone.
@test "gzip -l shows the last member's size only, and README says so" {
	make_big
	run_acitool patch-manifest --capability CAP_NET_RAW --compression=gzip big.tar out.aci
	local real listed
	real=$(zcat out.aci | wc -c)
	listed=$(gzip -l out.aci | awk 'NR == 2 { print $2 }')
	assert "$listed" -lt "$real" "gzip -l's uncompressed size"
	grep -q '`gzip -l` and `file` read' "$ACT_TESTS_DIR/../README.md"
}

@test "patching an image acitool wrote copies the untouched members as they are" {
	make_big
	gzip -n -c big.tar >big.tgz
	cat big.tgz | "$ACITOOL" patch-manifest --capability CAP_NET_RAW - once.aci
	# A longer manifest shifts every byte after it: recompressing would
	# change every member.
	run_acitool patch-manifest --revoke-capability "$ALL_CAPS" once.aci twice.aci
	run -0 $TARCMP once.aci twice.aci --skip-data manifest
	gzip -t twice.aci

	# Only the member holding the manifest is recompressed (into two, as it
	# grew past the block size); every other one is a byte copy of a member
	# of the input.
	gzip_members once.aci | sort >m1
	gzip_members twice.aci | sort >m2
	assert "$(wc -l <m1)" -ge 10 "members in the input"
	assert "$(comm -13 m1 m2 | wc -l)" -le 2 "members of the output not in the input"
	assert "$(comm -23 m1 m2 | wc -l)" -eq 1 "members of the input not in the output"

	# From a pipe the members are kept in memory and the edited one
	# compressed anew: the same members but that one, the same tar.
	cat once.aci | "$ACITOOL" patch-manifest --revoke-capability "$ALL_CAPS" - piped.aci
	gzip_members piped.aci | sort >m3
	assert "$(comm -13 m1 m3 | wc -l)" -le 2 "members of the piped output not in the input"
	cmp <(gzip -dc twice.aci) <(gzip -dc piped.aci)
	# stdin a file read from its middle: members are read from their place.
	head -c 10240 /dev/zero | cat - once.aci >prefixed
	{
		dd bs=10240 count=1 of=/dev/null status=none
		"$ACITOOL" patch-manifest --revoke-capability "$ALL_CAPS" - mid.aci
	} <prefixed
	cmp twice.aci mid.aci
}

@test "add-filecaps on an image acitool wrote recompresses only around the edited file" {
	make_big
	gzip -n -c big.tar >big.tgz
	cat big.tgz | "$ACITOOL" patch-manifest --capability CAP_NET_RAW - once.aci
	run_acitool add-filecaps once.aci caps.aci /f20 cap_net_raw+ep
	run -0 $TARINFO --xattr security.capability caps.aci rootfs/f20
	assert "$output" == 0100000200200000000000000000000000000000 "the capability"
	gzip_members once.aci | sort >m1
	gzip_members caps.aci | sort >m2
	new=$(comm -13 m1 m2 | wc -l)
	total=$(wc -l <m2)
	assert "$new" -le 3 "new members ($new of $total)"
	# The one difference: the capability record of rootfs/f20.
	run -1 $TARCMP once.aci caps.aci
	assert "${#lines[@]}" -eq 1 "differences"
	expect_output --substring "rootfs/f20: pax SCHILY.xattr.security.capability"
}

@test "members that end mid-entry, and a foreign multi-member gzip, are handled" {
	make_big
	# Members cut at odd places by another writer: 3 pieces of big.tar.
	head -c 1000000 big.tar | gzip -n >multi.tgz
	tail -c +1000001 big.tar | head -c 5000000 | gzip -n >>multi.tgz
	tail -c +6000001 big.tar | gzip -n >>multi.tgz
	run_acitool patch-manifest --capability CAP_NET_RAW multi.tgz out.aci
	run -0 $TARCMP big.tar out.aci --skip-data manifest
	run_acitool patch-manifest --revoke-capability CAP_KILL out.aci out2.aci
	run -0 $TARCMP big.tar out2.aci --skip-data manifest
}

@test "the libarchive codec path gives the same tar stream" {
	make_big
	gzip -n -c big.tar >big.tgz
	cat big.tgz | "$ACITOOL" patch-manifest --capability CAP_NET_RAW - once.aci
	run_acitool patch-manifest --revoke-capability CAP_MKNOD once.aci fast.aci
	ACITOOL_CODEC=libarchive run_acitool patch-manifest --revoke-capability CAP_MKNOD once.aci slow.aci
	cmp <(gzip -dc fast.aci) <(gzip -dc slow.aci)
}

@test "output is the same bytes twice, whatever the number of cores" {
	make_big
	gzip -n -c big.tar >big.tgz
	run_acitool patch-manifest --capability CAP_NET_RAW big.tgz a.aci
	taskset -c 0 "$ACITOOL" patch-manifest --capability CAP_NET_RAW big.tgz b.aci
	assert "$(sha256 a.aci)" == "$(sha256 b.aci)" "sha256 on all cores and on one"
	run_acitool patch-manifest --revoke-capability CAP_KILL a.aci c.aci
	run_acitool patch-manifest --revoke-capability CAP_KILL a.aci d.aci
	assert "$(sha256 c.aci)" == "$(sha256 d.aci)" "sha256 of a re-patch, twice"
}
