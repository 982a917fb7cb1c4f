#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Hostile and broken input (pitfalls §8, §12, Top-15 #3): every malformed
# image from tests/fixtures/mkbad.py, and a few more built here, through id,
# cat-manifest, patch-manifest and add-filecaps, to a file and with --replace.
#
# A failure is: exit 1 (never 0, never 2, never a crash or timeout), exactly
# one line on stderr, "acitool: VERB: ...", saying what is wrong; nothing on
# stdout (but cat-manifest's raw manifest), no output file and no temporary
# file left, the input byte for byte as it was.
#
# Decided behaviour (README "What is checked", docs/design.md "Decided
# behaviours"); E = error (exit 1), W = warning (exit 0):
#   E  not tar, gzip, bzip2 or xz: zip, cpio, zstd, text, empty, only zeros
#   E  truncated or corrupt gzip, bzip2, xz; gzip with a wrong CRC; anything
#      but zeros after the compressed stream (garbage, a plain tar appended),
#      with either gzip codec (ISA-L, or libarchive's: ACITOOL_CODEC=libarchive)
#   -  zeros after the compressed stream are padding: read as usual
#   E  a tar header with a bad checksum; an entry truncated mid-data; a pax
#      size of 10 GiB with 129 bytes behind it
#   E  no end-of-archive marker (cut at a block boundary, or one zero block);
#      anything but zeros after it (garbage, a second concatenated archive)
#   E  no manifest (also: only /manifest); two (also manifest + ./manifest);
#      a manifest that is a directory, symlink or hardlink; over 1 MiB (the
#      200 MB fixture is refused from its header, without reading it)
#   E  a manifest that is not JSON, has a BOM, nests 100,000 deep, is not
#      UTF-8, holds a raw NUL, has a key twice, or is JSON but not an
#      object: patch-manifest and add-filecaps fail; cat-manifest prints the
#      stored bytes on stdout and exits 1
#   -  an escaped NUL (\u0000) in a manifest string is valid JSON: kept as
#      written; in a capability set it is no capability name (warning)
#   E  an xattr libarchive cannot decode without loss: LIBARCHIVE.xattr value
#      that is not base64 (libarchive 3.6 decodes it to garbage, silently);
#      one xattr with two different values (LIBARCHIVE vs SCHILY, or SCHILY
#      twice)
#   E  an xattr over libarchive's limits: libarchive 3.6 refuses a pax
#      header over 1 MiB ("Special header too large") and warns on a record
#      over 1 MB; 3.7 warns on an xattr value over 16 MiB. The fixture's
#      17 MiB value is over all three. A 999,000-byte value is kept byte
#      for byte.
#   E  a NUL byte in a pax path or linkpath (libarchive cuts the name there,
#      other readers keep it whole); in the manifest's own path cat-manifest
#      reads what libarchive reads ("cut" in the table), the rewriting verbs
#      fail
#   -  names that are not UTF-8 are bytes, as Linux names are: in a ustar
#      header, in a pax path (GNU tar and actool write them so; libarchive
#      warns "can't be converted") or under hdrcharset=BINARY, all kept
#      byte for byte
#   E  a hardlink to a name that is not an earlier entry (missing, later in
#      the stream, itself), outside rootfs/ (../, the manifest), or to a
#      directory: extraction could not make it
#   W  a security.capability value of the wrong length or revision on an
#      entry no edit names: copied as it is, one warning line each, exit 0
#      (list-filecaps reports it as malformed and exits 1, 061)
#   E  a missing IMAGE, a directory as IMAGE
#   E/keep  an xattr name over 128 bytes: libarchive >= 3.7 warns (error),
#      3.6 keeps it; either fail or keep it byte for byte, never drop it
#   -  cat-manifest reads the image only up to the manifest (README): damage
#      beyond it is not seen, so it prints the manifest and exits 0 ("stops"
#      in the table); damage before the manifest fails it.
#   E  the layout (spec/aci.md), in the rewriting verbs: rootfs not a
#      directory, an entry outside rootfs/ (rootfsX/, README), an absolute
#      or escaping name (../, /manifest), an entry twice

bats_require_minimum_version 1.5.0

load helpers

# IMAGE | cat-manifest: fail, raw, stops or cut | known bug: -, the verb it
# affects, or a group the rewrite verbs skip | what the one error line must say
# (an ERE; it may hold '|').
# bad/ is mkbad.py's output, new/ is built in setup_file.
CASES=$(
	cat <<'EOF'
bad/no-manifest.tar            | fail  | -           | no manifest in the image
bad/manifest-absolute.tar      | fail  | -           | '/manifest' is absolute|no manifest in the image
bad/two-manifests.tar          | stops | -           | two manifest entries
new/dot-manifest-twice.tar     | stops | -           | two manifest entries
bad/manifest-dir.tar           | fail  | -           | the manifest entry is a directory
bad/manifest-symlink.tar       | fail  | -           | the manifest entry is a symlink
bad/manifest-hardlink.tar      | fail  | -           | the manifest entry is a hardlink
bad/manifest-huge.tar          | fail  | -           | manifest is 200000000 bytes, over the limit
bad/manifest-notjson.tar       | raw   | -           | invalid JSON
bad/manifest-bom.tar           | raw   | -           | byte order mark
bad/manifest-deep.tar          | raw   | -           | nested deeper than
bad/manifest-bad-utf8.tar      | raw   | -           | invalid UTF-8
bad/manifest-nul.tar           | raw   | -           | invalid JSON.*invalid character
bad/manifest-dup-key.tar       | raw   | -           | duplicate key 'name'
new/manifest-array.tar         | raw   | -           | not a JSON object
new/manifest-string.tar        | raw   | -           | not a JSON object
bad/truncated.tar              | stops | -           | [Tt]runcated
bad/pax-huge-size.tar          | stops | -           | [Tt]runcated
bad/truncated-at-block.tar     | stops | -           | end-of-archive marker is missing
new/one-end-block.tar          | stops | -           | end-of-archive marker is missing
bad/bad-checksum.tar           | stops | -           | Damaged tar archive|checksum
new/checksum-before-manifest.tar | fail | -          | Damaged tar archive|checksum
bad/trailing-garbage.tar       | stops | -           | data after the end-of-archive marker
new/concatenated.tar           | stops | -           | data after the end-of-archive marker
bad/truncated.tgz              | fail  | -           | (truncated|corrupt) gzip|decompress gzip
bad/corrupt-crc.tgz            | fail  | -           | CRC
new/corrupt.tgz                | stops | -           | CRC|corrupt gzip
new/gzip-garbage.tgz           | fail  | -           | after the (last gzip member|gzip stream)
new/gzip-then-tar.tgz          | fail  | -           | after the (last gzip member|gzip stream)
bad/corrupt.tbz2               | fail  | -           | bzip2
new/truncated.tbz2             | fail  | -           | bzip2
new/bzip2-garbage.tbz2         | stops | -           | data after the bzip2 stream
new/bzip2-then-tar.tbz2        | stops | -           | data after the bzip2 stream
bad/truncated.txz              | fail  | -           | xz
new/corrupt.txz                | stops | -           | xz
new/xz-garbage.txz             | fail  | -           | xz
bad/not-an-archive.txt         | fail  | -           | unsupported image format: a text file
bad/empty.file                 | fail  | -           | unsupported image format: an empty file
new/zeros.tar                  | fail  | -           | not a tar archive|no entries
bad/archive.zip                | fail  | -           | unsupported image format: a zip archive
bad/archive.cpio               | fail  | -           | unsupported image format: a cpio archive
bad/archive.zst                | fail  | -           | unsupported image format: zstd
bad/bad-xattr-base64.tar       | stops | -           | base64
bad/xattr-conflict.tar         | stops | -           | two different values for xattr 'security.capability'
bad/xattr-duplicate.tar        | stops | -           | two different values for xattr 'security.capability'
bad/rootfs-not-dir.tar         | stops | -           | rootfs.*not a directory
bad/rootfs-prefix.tar          | stops | -           | rootfsX/evil.* outside rootfs/
bad/path-traversal.tar         | stops | -           | \.\./etc/passwd.* climbs out
bad/duplicate-entry.tar        | stops | -           | in the image twice
bad/top-level-extra.tar        | stops | -           | README.* outside rootfs/
bad/xattr-huge-value.tar       | stops | -           | [Ss]pecial header too large|lossy header
bad/path-nul.tar               | stops | -           | pax record 'path': a NUL byte in the value
bad/linkpath-nul.tar           | stops | -           | pax record 'linkpath': a NUL byte in the value
bad/manifest-path-nul.tar      | cut   | -           | entry 1 'manifest': pax record 'path': a NUL byte
bad/hardlink-missing.tar       | stops | -           | hardlink to 'rootfs/bin/nothere', which is not an earlier entry
bad/hardlink-forward.tar       | stops | -           | hardlink to 'rootfs/bin/ping', which is not an earlier entry
bad/hardlink-self.tar          | stops | -           | hardlink to 'rootfs/bin/ping6', which is not an earlier entry
bad/hardlink-outside.tar       | stops | -           | hardlink to '\.\./\.\./etc/passwd', outside rootfs/
bad/hardlink-manifest.tar      | stops | -           | hardlink to 'manifest', outside rootfs/
bad/hardlink-dir.tar           | stops | -           | hardlink to the directory 'rootfs/bin'
EOF
)

setup_file() {
	act_fixtures
	mkdir -p "$BATS_FILE_TMPDIR/new"
	python3 - "$ACT_FIXTURES" "$BATS_FILE_TMPDIR/new" <<'EOF'
import io, os, subprocess, sys, tarfile
fx, out = sys.argv[1], sys.argv[2]
def put(name, data):
    open(os.path.join(out, name), "wb").write(data)
def read(name):
    return open(os.path.join(fx, name), "rb").read()
mini = read("minimal.tar")
tf = tarfile.open(fileobj=io.BytesIO(mini))
end = tf.offset  # after the last entry: the end-of-archive marker starts here
man = tf.extractfile("manifest").read()
ping = tf.extractfile("rootfs/bin/ping").read()

def tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            if data is None:
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            else:
                ti.size, ti.mode = len(data), 0o755
                t.addfile(ti, io.BytesIO(data))
    return b.getvalue()
rootfs = [("rootfs", None), ("rootfs/bin", None), ("rootfs/bin/ping", ping)]

put("concatenated.tar", mini + mini)                 # a second archive after the marker
put("one-end-block.tar", mini[:end] + bytes(512))     # half an end-of-archive marker
put("zeros.tar", bytes(10240))                       # an end-of-archive marker alone
put("dot-manifest-twice.tar", tar([("manifest", man)] + rootfs + [("./manifest", man)]))
put("manifest-array.tar", tar([("manifest", b"[1, 2, 3]\n")] + rootfs))
put("manifest-string.tar", tar([("manifest", b'"ImageManifest"')] + rootfs))
# ping's header checksum broken, the manifest after it.
last = bytearray(tar(rootfs + [("manifest", man)]))
p = tarfile.open(fileobj=io.BytesIO(bytes(last))).getmember("rootfs/bin/ping")
h = p.offset_data - 512
last[h + 148:h + 156] = b"%06o\x00 " % (int(last[h + 148:h + 154], 8) + 1)
put("checksum-before-manifest.tar", bytes(last))
# One bit flipped in the middle: stored deflate blocks of random data still
# decode, only the CRC tells.
k = bytearray(read("kitchen.tgz")); k[len(k) // 2] ^= 0x10
put("corrupt.tgz", bytes(k))
k = bytearray(read("kitchen.txz")); k[len(k) // 2] ^= 0x10
put("corrupt.txz", bytes(k))
k = read("minimal.tbz2")
put("truncated.tbz2", k[:len(k) // 2])
put("gzip-garbage.tgz", read("minimal.tgz") + b"garbage after the gzip stream\n")
put("gzip-then-tar.tgz", read("minimal.tgz") + mini)  # a plain tar after the gzip stream
put("bzip2-garbage.tbz2", read("minimal.tbz2") + b"garbage after the bzip2 stream\n")
put("bzip2-then-tar.tbz2", read("minimal.tbz2") + mini)
put("xz-garbage.txz", read("minimal.txz") + b"garbage after the xz stream\n")
EOF
}

setup() {
	# Not $BATS_TEST_TMPDIR itself: run --separate-stderr keeps files there.
	mkdir -p "$BATS_TEST_TMPDIR/w/out"
	cd "$BATS_TEST_TMPDIR/w"
}

img_path() {
	case "$1" in
	bad/*) echo "$ACT_FIXTURES/$1" ;;
	new/*) echo "$BATS_FILE_TMPDIR/$1" ;;
	*) echo "$1" ;;
	esac
}

# cases [BUG]: the table's rows, tab-separated and trimmed; with BUG only the
# rows of that known bug, without it every row.
cases() {
	local img cat bug pattern
	while IFS='|' read -r img cat bug pattern; do
		img=$(echo $img) cat=$(echo $cat) bug=$(echo $bug)
		pattern=$(sed -E 's/^ +| +$//g' <<<"$pattern")
		if [ -n "${1-}" ] && [ "$bug" != "$1" ]; then
			continue
		fi
		printf '%s\t%s\t%s\t%s\n' "$img" "$cat" "$bug" "$pattern"
	done <<<"$CASES"
}

# run_act ARGS...: acitool with stdout and stderr apart ($output, $stderr).
run_act() {
	echo "\$ acitool $*"
	run --separate-stderr timeout 120 "$ACITOOL" "$@"
	echo "$output"
	echo "$stderr" >&2
	echo "[ rc=$status ]"
}

# run_rewrite VERB IMAGE: patch-manifest or add-filecaps of IMAGE into a
# fresh out/new.aci, by run_act.
run_rewrite() {
	rm -f out/new.aci
	if [ "$1" = patch-manifest ]; then
		run_act patch-manifest --capability CAP_NET_RAW "$2" out/new.aci
	else
		run_act add-filecaps "$2" out/new.aci /bin/ping cap_net_raw+ep
	fi
}

# expect_failure VERB PATTERN: the last run failed the way failures must.
expect_failure() {
	# Bytes, not characters: a name in the message may not be UTF-8.
	local verb=$1 pattern=$2 LC_ALL=C
	# 1, not 0 (success), 2 (usage), 124 (timeout) or >= 128 (a signal).
	assert "$status" -eq 1 "exit status of $verb"
	assert "$stderr" !~ "Sanitizer|runtime error|Segmentation|Aborted" "stderr of $verb"
	assert "${#stderr_lines[@]}" -eq 1 "lines on stderr of $verb"
	assert "$stderr" =~ "^acitool: $verb: .*($pattern)" "the error line of $verb"
}

# stored_manifest IMAGE [cut]: the first manifest entry's bytes as python's
# tarfile reads them (streaming: damage further on does not matter); with
# cut, its name counts only up to a NUL, as libarchive reads it.
stored_manifest() {
	python3 - "$1" "${2-}" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1], "r|*") as t:
    for m in t:
        name = m.name.split("\0")[0] if sys.argv[2] == "cut" else m.name
        if name.lstrip("./") == "manifest":
            sys.stdout.buffer.write(t.extractfile(m).read())
            break
EOF
}

# check_cat IMAGE CAT PATTERN
check_cat() {
	local img=$1 cat=$2 pattern=$3 sum
	sum=$(sha256 "$img")
	run_act cat-manifest "$img"
	case "$cat" in
	fail)
		expect_failure cat-manifest "$pattern"
		assert "$output" == "" "stdout of cat-manifest"
		;;
	raw)
		expect_failure cat-manifest "invalid manifest: .*($pattern)"
		assert "$output" == "$(stored_manifest "$img")" "stdout: the manifest as stored"
		assert "${#output}" -gt 0 "stdout of cat-manifest"
		;;
	stops | cut)
		assert "$status" -eq 0 "exit status of cat-manifest (the damage is beyond the manifest)"
		assert "$stderr" == "" "stderr of cat-manifest"
		assert "$output" == "$(stored_manifest "$img" "$cat")" "stdout: the manifest"
		assert "${#output}" -gt 0 "stdout of cat-manifest"
		;;
	*) die "bad table entry '$cat'" ;;
	esac
	assert "$(sha256 "$img")" == "$sum" "$img after cat-manifest"
}

# check_write VERB IMAGE PATTERN: to a new OUTPUT, then with --replace.
check_write() {
	local verb=$1 img=$2 pattern=$3 sum name args
	name=$(basename "$img")
	sum=$(sha256 "$img")
	# --print-id: no ID either.
	case "$verb" in
	patch-manifest) args=(--print-id --capability CAP_NET_RAW "$img" out/new.aci) ;;
	add-filecaps) args=("$img" out/new.aci /bin/ping cap_net_raw+ep) ;;
	esac
	run_act "$verb" "${args[@]}"
	expect_failure "$verb" "$pattern"
	assert "$output" == "" "stdout of $verb"
	expect_files out
	assert "$(sha256 "$img")" == "$sum" "$img after $verb"

	rm -rf rep && mkdir rep && cp "$img" "rep/$name"
	case "$verb" in
	patch-manifest) args=(--capability CAP_NET_RAW --replace "rep/$name") ;;
	add-filecaps) args=(--replace "rep/$name" /bin/ping cap_net_raw+ep) ;;
	esac
	run_act "$verb" "${args[@]}"
	expect_failure "$verb" "$pattern"
	assert "$output" == "" "stdout of $verb --replace"
	expect_files rep "$name"
	assert "$(sha256 "rep/$name")" == "$sum" "rep/$name after $verb --replace"
}

# check_id IMAGE PATTERN: no ID for a broken image, alone or among others.
check_id() {
	local img=$1 pattern=$2 sum
	sum=$(sha256 "$img")
	run_act id "$img"
	expect_failure id "$pattern"
	assert "$output" == "" "stdout of id"
	run_act id "$img" "$ACT_FIXTURES/minimal.tar"
	assert "$status" -eq 1 "exit status of id with a good image after"
	assert "$output" =~ "^sha512-[0-9a-f]{128}  .*/minimal.tar\$" "stdout: the good image's line only"
	assert "$(sha256 "$img")" == "$sum" "$img after id"
}

# each_case FUNCTION VERB [BUG]: FUNCTION on every row not marked with a known
# bug (or, with BUG, on that bug's rows).
each_case() {
	local fn=$1 verb=$2 bug=${3-} img cat rowbug pattern path n=0
	while IFS=$'\t' read -r img cat rowbug pattern; do
		path=$(img_path "$img")
		if [ ! -e "$path" ] && [ "$img" = bad/archive.zst ]; then
			echo "# $img: not generated (no zstd)"
			continue
		fi
		# A known bug is a verb's (add-filecaps) or the rewrite's (a
		# group name: not cat-manifest's, which stops at the manifest).
		if [ -z "$bug" ] && [ "$rowbug" != - ]; then
			case "$rowbug" in
			cat-manifest | patch-manifest | add-filecaps) [ "$rowbug" = "$verb" ] ;;
			*) [ "$verb" != cat-manifest ] ;;
			esac && {
				echo "# $img: known bug '$rowbug', in its own test"
				continue
			}
		fi
		echo "# --- $img"
		case "$fn" in
		check_cat) check_cat "$path" "$cat" "$pattern" ;;
		check_id) check_id "$path" "$pattern" ;;
		*) check_write "$verb" "$path" "$pattern" ;;
		esac
		n=$((n + 1))
	done < <(cases $bug)
	assert "$n" -gt 0 "cases run"
}

@test "every mkbad.py fixture is in the table" {
	local f missing=
	for f in "$ACT_FIXTURES"/bad/*; do
		f=bad/$(basename "$f")
		# Each has its own test.
		case "$f" in bad/long-xattr-name.tar | bad/path-bad-utf8.tar) continue ;; esac
		grep -q "^$f " <<<"$CASES" || missing+=" $f"
	done
	assert "$missing" == "" "fixtures not in the table"
	assert "$(ls "$ACT_FIXTURES"/bad | wc -l)" -ge 30 "mkbad.py fixtures"
}

@test "cat-manifest: every bad image" {
	each_case check_cat cat-manifest
}

@test "patch-manifest: every bad image, to OUTPUT and with --replace" {
	each_case check_write patch-manifest
}

@test "add-filecaps: every bad image, to OUTPUT and with --replace" {
	each_case check_write add-filecaps
}

@test "id: every bad image: exit 1, one error line, no ID" {
	each_case check_id id
}

@test "a missing IMAGE and a directory as IMAGE: exit 1, one line, nothing written" {
	local verb img pattern
	mkdir dir.aci
	for img in missing.aci dir.aci; do
		case "$img" in
		missing.aci) pattern="missing.aci: No such file or directory" ;;
		dir.aci) pattern="dir.aci: (is a directory|Is a directory|--replace needs a regular file)" ;;
		esac
		run_act cat-manifest "$img"
		expect_failure cat-manifest "$pattern"
		run_act patch-manifest --capability CAP_NET_RAW "$img" out/new.aci
		expect_failure patch-manifest "$pattern"
		run_act add-filecaps "$img" out/new.aci /bin/ping cap_net_raw+ep
		expect_failure add-filecaps "$pattern"
		expect_files out
		run_act patch-manifest --capability CAP_NET_RAW --replace "$img"
		expect_failure patch-manifest "$pattern"
		run_act add-filecaps --replace "$img" /bin/ping cap_net_raw+ep
		expect_failure add-filecaps "$pattern"
	done
	expect_files . out dir.aci
	expect_files dir.aci
}

@test "an xattr name over 128 bytes: refused, or kept byte for byte, never dropped" {
	local img=$ACT_FIXTURES/bad/long-xattr-name.tar verb
	local name=user.$(printf 'n%.0s' {1..195})
	for verb in patch-manifest add-filecaps; do
		run_rewrite $verb "$img"
		if [ "$status" -ne 0 ]; then
			expect_failure $verb "xattr|lossy"
			expect_files out
			continue
		fi
		run -0 $TARINFO --xattr "$name" out/new.aci rootfs/bin/ping
		assert "$output" == "76616c7565" "$name after $verb"
	done
}


@test "kept byte for byte: names not UTF-8 as bytes, an escaped NUL in the manifest, a large xattr" {
	python3 - "$ACT_TESTS_DIR/fixtures" <<'EOF'
import io, sys, tarfile
sys.path.insert(0, sys.argv[1])
import mkimages as mk
from mkbad import base, ping_with, tar_bytes
def put(name, data):
    open(name, "wb").write(data)
# A ustar name is bytes: an 0xff byte in it, no pax header.
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT, encoding="utf-8",
                  errors="surrogateescape") as t:
    for ti, d in base() + [mk.E("rootfs/bin/p\udcffing", data=b"x\n")]:
        ti.pax_headers = {}
        t.addfile(ti, io.BytesIO(d) if ti.isreg() else None)
put("ustar-latin1.tar", b.getvalue())
# A pax path under hdrcharset=BINARY is bytes too.
put("pax-binary.tar", tar_bytes(base() + [mk.E("rootfs/bin/other", data=b"x\n", pax=[
    ("hdrcharset", b"BINARY"), ("path", b"rootfs/bin/p\xffing")])]))
# \u0000 is valid JSON.
put("escaped-nul.tar", tar_bytes(base(mk.MINIMAL_MANIFEST.replace(
    b"example.com/ping", b"example.com/p\\u0000ing"))))
# A 999,000-byte xattr value: under libarchive 3.6's 1 MB for a pax record.
put("xattr-999k.tar", tar_bytes(base()[:3] + [ping_with(
    xattrs=[("user.big", bytes(range(256)) * 3902 + bytes(88))])]))
EOF
	# A pax path that is not UTF-8, without hdrcharset, as GNU tar writes it.
	cp "$ACT_FIXTURES/bad/path-bad-utf8.tar" pax-raw.tar
	local img verb
	for img in ustar-latin1.tar pax-binary.tar escaped-nul.tar xattr-999k.tar; do
		for verb in patch-manifest add-filecaps; do
			run_rewrite $verb "$img"
			assert "$status" -eq 0 "$verb $img"
			assert "$stderr" == "" "stderr of $verb $img"
			if [ $verb = patch-manifest ]; then
				run -0 $TARCMP --skip-data manifest "$img" out/new.aci
			else
				run -0 $TARCMP --skip rootfs/bin/ping "$img" out/new.aci
			fi
		done
	done
	run -0 $TARINFO --xattr user.big out/new.aci rootfs/bin/ping
	assert "${#output}" -eq 1998000 "user.big after add-filecaps (hex digits)"
	assert "$output" == "$(python3 -c 'print((bytes(range(256)) * 3902 + bytes(88)).hex())')" \
		"user.big after add-filecaps"
	# pax-raw.tar names its ping rootfs/bin/p\xffing: every verb reads it,
	# the name kept as its bytes, printed escaped.
	run_act patch-manifest --capability CAP_NET_RAW pax-raw.tar out/raw.aci
	assert "$status" -eq 0 "patch-manifest pax-raw.tar: $stderr"
	run -0 $TARCMP --skip-data manifest pax-raw.tar out/raw.aci
	run_act add-filecaps out/raw.aci out/raw2.aci $'/bin/p\xffing' cap_net_raw+ep
	assert "$status" -eq 0 "add-filecaps on the name: $stderr"
	run -0 $TARCMP --skip rootfs/bin/p$'\xff'ing out/raw.aci out/raw2.aci
	run_act list-filecaps out/raw2.aci
	assert "$output" == '/bin/p\xffing cap_net_raw=ep' "list-filecaps"
	for verb in validate lint id; do
		run_act $verb out/raw2.aci
		assert "$status" -eq 0 "$verb: $output $stderr"
	done
	run_act cat-manifest escaped-nul.tar
	assert "$status" -eq 0 "cat-manifest escaped-nul.tar"
	expect_output --substring '"name": "example.com/p\u0000ing"'
	run_act patch-manifest --capability CAP_NET_RAW escaped-nul.tar out/nul.aci
	assert "$status" -eq 0 "patch-manifest escaped-nul.tar"
	run_act cat-manifest out/nul.aci
	expect_output --substring '"name": "example.com/p\u0000ing"'
}

@test "a security.capability value of the wrong length: copied as it is, with a warning" {
	python3 "$ACT_TESTS_DIR/tools/mkaci.py" bad.aci '{"files": [
		{"name": "bin/len7", "caps": "01000002002000"},
		{"name": "bin/rev4", "caps": "0100000400200000000000000000000000000000"},
		{"name": "bin/good", "caps": "0100000200200000000000000000000000000000"}]}'
	local w="warning: 'rootfs/bin/%s': malformed security.capability value (%d bytes), copied as it is"
	run_act patch-manifest --capability CAP_NET_RAW bad.aci out/p.aci
	assert "$status" -eq 0 "patch-manifest exit status"
	assert "$stderr" == "$(printf "acitool: patch-manifest: $w\nacitool: patch-manifest: $w" \
		len7 7 rev4 20)" "the warnings"
	run -0 $TARCMP --skip-data manifest bad.aci out/p.aci
	# An edit of other files: the same warning; of the bad one itself: quiet.
	run_act add-filecaps bad.aci out/a.aci /bin/good cap_kill+ep /bin/rev4 cap_kill+ep
	assert "$status" -eq 0 "add-filecaps exit status"
	assert "$stderr" == "$(printf "acitool: add-filecaps: $w" len7 7)" "the warning"
	run -0 $TARINFO --xattr security.capability out/a.aci rootfs/bin/len7
	assert "$output" == 01000002002000 "len7 as it was"
	run -0 $TARINFO --xattr security.capability out/a.aci rootfs/bin/rev4
	assert "$output" == 0100000220000000000000000000000000000000 "rev4 replaced"
	run -1 "$ACITOOL" list-filecaps out/a.aci
}

@test "gzip through libarchive's codec (ACITOOL_CODEC=libarchive): the same failures" {
	local img cat bug pattern n=0
	export ACITOOL_CODEC=libarchive
	while IFS=$'\t' read -r img cat bug pattern; do
		case "$img" in *.tgz) ;; *) continue ;; esac
		echo "# --- $img (libarchive)"
		check_write patch-manifest "$(img_path "$img")" "$pattern"
		n=$((n + 1))
	done < <(cases)
	assert "$n" -ge 5 "gzip cases"
}

@test "zeros after the compressed stream are padding: read as usual, both gzip codecs" {
	local ext codec
	for ext in tgz tbz2 txz; do
		# 12 KiB of zeros: more than a tar record, a multiple of 4 (xz's rule).
		{ cat "$ACT_FIXTURES/kitchen.$ext"; head -c 12288 /dev/zero; } >"padded.$ext"
		for codec in default libarchive; do
			[ $codec = libarchive ] && [ $ext != tgz ] && continue
			rm -f "out/p.$ext"
			ACITOOL_CODEC=$codec run_act patch-manifest --capability CAP_NET_RAW \
				"padded.$ext" "out/p.$ext"
			assert "$status" -eq 0 "exit status ($ext, $codec codec)"
			run -0 $TARCMP --skip-data manifest "$ACT_FIXTURES/kitchen.$ext" "out/p.$ext"
		done
	done
}

# lib_xattr_image OUT NAME VALUE: minimal plus a file carrying the one pax
# record LIBARCHIVE.xattr.NAME=VALUE (written by mkimages.py's writer).
lib_xattr_image() {
	python3 - "$ACT_TESTS_DIR/fixtures" "$@" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import mkimages as mk
out, name, value = sys.argv[2], sys.argv[3], sys.argv[4].encode()
mk.write_tar(out, mk.minimal_entries()
             + [mk.E("rootfs/x", data=b"x\n", pax=[("LIBARCHIVE.xattr." + name, value)])])
EOF
}

@test "LIBARCHIVE.xattr records: what decodes without loss passes, the rest is refused" {
	local name value verdict
	while read -r name value verdict; do
		[ "$value" = '""' ] && value=
		rm -f out/new.aci in.aci
		lib_xattr_image in.aci "$name" "$value"
		run_act patch-manifest --capability CAP_NET_RAW in.aci out/new.aci
		case "$verdict" in
		ok)
			assert "$status" -eq 0 "exit status for $name=$value"
			run -0 $TARCMP --skip-data manifest in.aci out/new.aci
			;;
		*)
			expect_failure patch-manifest "entry 5 'rootfs/x': pax record 'LIBARCHIVE.xattr.$name': $verdict"
			expect_files out
			;;
		esac
	done <<'EOF'
security.capability  AQAAAgAgAAAAAAAAAAAAAAAAAAA   ok
security.capability  AQAAAgAgAAAAAAAAAAAAAAAAAAA=  ok
user.two             AQ==                          ok
user.empty           ""                            ok
user.%41%62c         dmFsdWU                       ok
security.capability  !!!not*base64!!!              the value is not base64
user.one             A                             the value is not base64
user.pad             AQ=A                          the value is not base64
user.pad3            A===                          the value is not base64
user.dot             AQ.B                          the value is not base64
user.a%zz            dmFsdWU                       the name is not URL-encoded
user.a%00b           dmFsdWU                       the name is not URL-encoded
user.a%4             dmFsdWU                       the name is not URL-encoded
EOF
}
