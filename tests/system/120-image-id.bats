#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Image IDs (appc spec/aci.md): "sha512-" and the SHA-512 of the uncompressed
# tar, 128 hex digits. `acitool id IMAGE...` and --print-id on every verb
# that writes an image. Every ID is checked against an independent one:
# `gzip -dc | sha512sum` (bzip2 -dc, xz -dc, the file itself for plain tar).

bats_require_minimum_version 1.5.0

load helpers

ALL_CAPS=chown,dac_override,dac_read_search,fowner,fsetid,kill,setgid,setuid,setpcap,linux_immutable,net_bind_service,net_broadcast,net_admin,net_raw,ipc_lock,ipc_owner,sys_module,sys_rawio,sys_chroot,sys_ptrace,sys_pacct,sys_admin,sys_boot,sys_nice,sys_resource,sys_time,sys_tty_config,mknod,lease,audit_write,audit_control,setfcap

setup_file() {
	copy_fixtures minimal kitchen kitchen-global gnu-format gnu-tree bsdtar-tree
	cp "$ACT_FIXTURES"/bad/{corrupt-crc.tgz,truncated.tar,no-manifest.tar} "$FX"/
}

setup() {
	# Not $BATS_TEST_TMPDIR itself: run --separate-stderr keeps files there.
	mkdir -p "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
}

# expected_id FILE: the ID from the decompressed bytes, without acitool.
expected_id() {
	local sum
	case "$(compression "$1")" in
	gzip) sum=$(gzip -dc "$1" | sha512sum) ;;
	bzip2) sum=$(bzip2 -dc "$1" | sha512sum) ;;
	xz) sum=$(xz -dc "$1" | sha512sum) ;;
	none) sum=$(sha512sum <"$1") ;;
	*) die "$1: not an image" ;;
	esac
	echo "sha512-${sum%% *}"
}

# run_id ARGS...: acitool with stdout and stderr apart ($output, $stderr).
run_act() {
	echo "\$ acitool $*"
	run --separate-stderr timeout 120 "$ACITOOL" "$@"
	echo "$output"
	echo "$stderr" >&2
	echo "[ rc=$status ]"
}

# expect_id_of FILE: the last run succeeded, printed FILE's ID and nothing
# else on stdout (one line), nothing on stderr.
expect_id_of() {
	local want
	want=$(expected_id "$1")
	assert "$status" -eq 0 "exit status"
	assert "$want" =~ '^sha512-[0-9a-f]{128}$' "the independent ID"
	assert "${#lines[@]}" -eq 1 "lines on stdout"
	assert "$output" == "$want" "stdout: the ID of $1"
	assert "$stderr" == "" "stderr"
}

@test "id: every fixture, every compression, equals sha512sum of the decompressed tar" {
	local f n=0
	for f in "$FX"/*.tar "$FX"/*.tgz "$FX"/*.tbz2 "$FX"/*.txz; do
		case "$f" in */corrupt-crc.tgz | */truncated.tar | */no-manifest.tar) continue ;; esac
		run_act id "$f"
		expect_id_of "$f"
		n=$((n + 1))
	done
	assert "$n" -ge 24 "images checked"
}

@test "id: ACITOOL_CODEC=libarchive gives the same IDs" {
	local f
	for f in "$FX"/kitchen.{tar,tgz,tbz2,txz}; do
		ACITOOL_CODEC=libarchive run_act id "$f"
		expect_id_of "$f"
	done
}

@test "id: the zeros after the end-of-archive marker count; the ID is not the file's hash" {
	# GNU tar pads to 10 KiB records; add more zero blocks than that.
	cat "$FX/minimal.tar" >padded.tar
	head -c 65536 /dev/zero >>padded.tar
	run_act id padded.tar
	expect_id_of padded.tar
	run_act id "$FX/minimal.tar"
	assert "$output" != "$(expected_id padded.tar)" "padding changes the ID"
	gzip -n -c padded.tar >padded.tgz
	run_act id padded.tgz
	expect_id_of padded.tar
	# Compressed: the ID is of the tar, not of the file.
	run_act id "$FX/minimal.tgz"
	assert "$output" != "sha512-$(sha512sum <"$FX/minimal.tgz" | cut -d' ' -f1)" "not the file's hash"
}

@test "id: standard input" {
	run --separate-stderr "$ACITOOL" id - <"$FX/kitchen.txz"
	expect_id_of "$FX/kitchen.txz"
	run --separate-stderr sh -c 'cat "$1" | "$2" id -' sh "$FX/kitchen.tgz" "$ACITOOL"
	expect_id_of "$FX/kitchen.tgz"
}

@test "id: several images: 'ID  IMAGE' lines in order, as sha512sum prints" {
	local a b c
	a=$(expected_id "$FX/minimal.tar")
	b=$(expected_id "$FX/kitchen.tgz")
	c=$(expected_id "$FX/gnu-tree.txz")
	run_act id "$FX/minimal.tar" "$FX/kitchen.tgz" "$FX/gnu-tree.txz"
	assert "$status" -eq 0 "exit status"
	assert "$stderr" == "" "stderr"
	expect_output "$a  $FX/minimal.tar
$b  $FX/kitchen.tgz
$c  $FX/gnu-tree.txz"

	# A name with a newline or a backslash: escaped, the line starts with '\'.
	cp "$FX/minimal.tar" 'a\b'
	cp "$FX/minimal.tar" $'new\nline'
	run_act id 'a\b' $'new\nline'
	expect_output "\\$a  a\\\\b
\\$a  new\\nline"
}

@test "id: a broken image is an error with no ID; the others are still printed" {
	local f
	for f in corrupt-crc.tgz truncated.tar no-manifest.tar; do
		run_act id "$FX/$f"
		assert "$status" -eq 1 "exit status for $f"
		assert "$output" == "" "stdout for $f"
		assert "${#stderr_lines[@]}" -eq 1 "stderr lines for $f"
		assert "$stderr" =~ "^acitool: id: .*$f: " "error line for $f"
	done
	run_act id "$FX/minimal.tar" "$FX/corrupt-crc.tgz" "$FX/kitchen.tar"
	assert "$status" -eq 1 "exit status"
	expect_output "$(expected_id "$FX/minimal.tar")  $FX/minimal.tar
$(expected_id "$FX/kitchen.tar")  $FX/kitchen.tar"
	assert "$stderr" =~ "^acitool: id: .*corrupt-crc.tgz: .*CRC" "error line"
	assert "${#stderr_lines[@]}" -eq 1 "stderr lines"

	# Data after the end-of-archive marker is not hashed: it is refused.
	cat "$FX/minimal.tar" "$FX/minimal.tar" >two.tar
	run_act id two.tar
	assert "$status" -eq 1 "exit status for two archives"
	assert "$output" == "" "stdout for two archives"
}

@test "id: usage" {
	run_act id
	assert "$status" -eq 2 "exit status without IMAGE"
	assert "$stderr" =~ "^acitool: id: missing IMAGE" "usage line"
	run_act id --bogus "$FX/minimal.tar"
	assert "$status" -eq 2 "exit status with a bad option"
	assert "$output" == "" "stdout"
}

@test "--print-id: patch-manifest to OUTPUT, every compression, both codecs" {
	local ext codec
	for codec in native libarchive; do
		for ext in tar tgz tbz2 txz; do
			rm -f out.aci
			if [ $codec = libarchive ]; then
				ACITOOL_CODEC=libarchive run_act patch-manifest --print-id \
					--capability CAP_NET_RAW,CAP_CHOWN "$FX/kitchen.$ext" out.aci
			else
				run_act patch-manifest --print-id --capability CAP_NET_RAW,CAP_CHOWN \
					"$FX/kitchen.$ext" out.aci
			fi
			expect_id_of out.aci
			assert "$(compression out.aci)" == "$(compression "$FX/kitchen.$ext")" "compression"
			# The edit changed the tar, so the ID.
			assert "$output" != "$(expected_id "$FX/kitchen.$ext")" "ID of the input"
			run_act id out.aci
			expect_id_of out.aci
		done
	done
}

@test "--print-id: --compression changes the file, not the ID" {
	local c first=
	for c in none gzip bzip2 xz; do
		rm -f out.aci
		run_act patch-manifest --print-id --compression=$c --capability CAP_NET_RAW,CAP_CHOWN \
			"$FX/gnu-tree.txz" out.aci
		expect_id_of out.aci
		assert "$(compression out.aci)" == "$c" "compression"
		first=${first:-$output}
		assert "$output" == "$first" "ID with --compression=$c"
	done
	rm -f out.aci
	run_act patch-manifest --print-id --no-compression --capability CAP_NET_RAW,CAP_CHOWN \
		"$FX/gnu-tree.tgz" out.aci
	expect_id_of out.aci
	assert "$output" == "$first" "ID with --no-compression"
}

@test "--print-id: --replace, and add-filecaps to OUTPUT and with --replace" {
	cp "$FX/kitchen.tgz" r.aci
	run_act patch-manifest --print-id --replace --revoke-capability CAP_MKNOD r.aci
	expect_id_of r.aci

	run_act add-filecaps --print-id "$FX/kitchen.tbz2" out.aci /bin/ping cap_net_raw+ep
	expect_id_of out.aci
	cp "$FX/kitchen.txz" r2.aci
	run_act add-filecaps --replace --print-id r2.aci /bin/ping cap_net_raw+ep
	expect_id_of r2.aci
	# Same edit, same tar: same ID whatever the compression.
	assert "$output" == "$(expected_id out.aci)" "ID of the same edit from bzip2 and xz"

	# patch-manifest --filecap, and the hardlink case rewritten in a second pass.
	run_act patch-manifest --print-id --filecap /bin/ping=cap_net_raw+ep "$FX/kitchen.tar" fc.aci
	expect_id_of fc.aci
	run_act add-filecaps --print-id "$FX/kitchen.tar" hl.aci /bin/ping6 cap_net_raw+ep
	expect_id_of hl.aci
}

@test "--print-id: build, every compression" {
	local c
	mkdir -p layout/rootfs/bin
	"$ACITOOL" cat-manifest "$FX/minimal.tar" >layout/manifest
	printf 'a file\n' >layout/rootfs/bin/tool
	head -c 3000000 /dev/urandom >layout/rootfs/blob
	for c in gzip none bzip2 xz; do
		run_act build --print-id --compression=$c --mtime=1700000000 layout out-$c.aci
		expect_id_of out-$c.aci
		assert "$(compression out-$c.aci)" == "$c" "compression"
		assert "$output" == "$(expected_id out-gzip.aci)" "ID with --compression=$c"
	done
	run_act build --print-id layout -
	assert "$status" -eq 2 "exit status with OUTPUT -"
	assert "$output" == "" "stdout with OUTPUT -"
}

@test "--print-id: gzip members copied as they are still count for the ID" {
	make_big "$FX/minimal.tar"
	gzip -n -c big.tar >big.tgz
	# From a pipe: acitool's own members (from a file it would splice).
	cat big.tgz | "$ACITOOL" patch-manifest --capability CAP_NET_RAW,CAP_CHOWN - once.aci
	run_act patch-manifest --print-id --revoke-capability "$ALL_CAPS" once.aci twice.aci
	expect_id_of twice.aci
	# The members were copied, not recompressed: this run took that path.
	gzip_members once.aci | sort >m1
	gzip_members twice.aci | sort >m2
	assert "$(wc -l <m1)" -ge 10 "members in the input"
	assert "$(comm -12 m1 m2 | wc -l)" -ge 8 "members copied from the input"

	# add-filecaps on the last file: every member before it is copied.
	run_act add-filecaps --print-id once.aci fc.aci /f47 cap_net_raw+ep
	expect_id_of fc.aci
	gzip_members fc.aci | sort >m3
	assert "$(comm -12 m1 m3 | wc -l)" -ge 8 "members copied from the input"

	# --replace of an acitool-written image, from standard input to OUTPUT.
	cp twice.aci r.aci
	run_act patch-manifest --print-id --replace --capability CAP_NET_RAW,CAP_CHOWN r.aci
	expect_id_of r.aci
	run --separate-stderr "$ACITOOL" patch-manifest --print-id --capability CAP_KILL - in.aci <r.aci
	expect_id_of in.aci
}

@test "--print-id: nothing printed on failure, and not with OUTPUT '-'" {
	run_act patch-manifest --print-id --capability CAP_NET_RAW,CAP_CHOWN "$FX/corrupt-crc.tgz" out.aci
	assert "$status" -eq 1 "exit status"
	assert "$output" == "" "stdout"
	assert "${#stderr_lines[@]}" -eq 1 "stderr lines"
	expect_files .

	cp "$FX/truncated.tar" t.aci
	run_act add-filecaps --print-id --replace t.aci /bin/ping cap_net_raw+ep
	assert "$status" -eq 1 "exit status"
	assert "$output" == "" "stdout"
	cmp t.aci "$FX/truncated.tar"

	# The image would go to stdout: the ID has nowhere to go.
	run_act patch-manifest --print-id --capability CAP_NET_RAW,CAP_CHOWN "$FX/minimal.tar" -
	assert "$status" -eq 2 "exit status"
	assert "$output" == "" "stdout"
	assert "$stderr" =~ "^acitool: patch-manifest: --print-id .*OUTPUT" "usage line"
	expect_files . t.aci
}

@test "--print-id=false and no --print-id: nothing on stdout" {
	run_act patch-manifest --print-id=false --capability CAP_NET_RAW,CAP_CHOWN "$FX/minimal.tar" a.aci
	assert "$status" -eq 0 "exit status"
	assert "$output" == "" "stdout"
	run_act add-filecaps "$FX/minimal.tar" b.aci /bin/ping cap_net_raw+ep
	assert "$status" -eq 0 "exit status"
	assert "$output" == "" "stdout"
}
