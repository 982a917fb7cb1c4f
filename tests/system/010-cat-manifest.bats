#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cat-manifest: the manifest bytes as stored, --pretty-print, and the images
# it refuses. Expected bytes come from python's tarfile, never from acitool.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
}

# cat_to RC FILE ARGS...: run acitool with stdout into FILE (exact bytes);
# $output holds stderr only.
cat_to() {
	local expect=$1 file=$2
	shift 2
	echo "\$ acitool $* > $file"
	run timeout 120 bash -c '"$@" 2>&1 >"$0"' "$file" "$ACITOOL" "$@"
	echo "$output"
	echo "[ rc=$status (expected $expect) ]"
	assert "$status" -eq "$expect" "exit status"
}

# member IMAGE NAME: the data of entry NAME, as python's tarfile reads it.
member() {
	python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1], "r:*") as t:
    sys.stdout.buffer.write(t.extractfile(t.getmember(sys.argv[2])).read())
' "$1" "$2"
}

# mkimage OUT COMP MANIFEST_FILE [NAME [last]]: a small ACI written by
# python's tarfile (COMP: none, gz, bz2, xz), its manifest entry called NAME
# (default "manifest"), first or after rootfs with "last".
mkimage() {
	python3 - "$@" <<'EOF'
import io, random, sys, tarfile
out, comp, mfile = sys.argv[1:4]
name = sys.argv[4] if len(sys.argv) > 4 else "manifest"
last = len(sys.argv) > 5 and sys.argv[5] == "last"
data = open(mfile, "rb").read()
def ent(n, kind=tarfile.REGTYPE, body=b""):
    ti = tarfile.TarInfo(n)
    ti.type, ti.size, ti.mtime, ti.mode = kind, len(body), 1700000000, 0o755
    return ti, body
rootfs = [ent("rootfs", tarfile.DIRTYPE), ent("rootfs/bin", tarfile.DIRTYPE),
          ent("rootfs/bin/big", body=random.Random(1).randbytes(300000))]
entries = rootfs + [ent(name, body=data)] if last else [ent(name, body=data)] + rootfs
with tarfile.open(out, "w" if comp == "none" else "w:" + comp, format=tarfile.PAX_FORMAT) as t:
    for ti, body in entries:
        t.addfile(ti, io.BytesIO(body) if ti.isreg() else None)
EOF
}

# A valid manifest with no final newline, and one with odd but valid spellings.
compact_manifest() {
	printf '%s' '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/compact","app":{"exec":["/bin/true"],"user":"0","group":"0"}}' >"$1"
}

@test "raw manifest bytes as stored, on plain, gzip, bzip2 and xz fixtures" {
	local ext img
	for ext in tar tgz tbz2 txz; do
		for img in minimal kitchen; do
			member "$ACT_FIXTURES/$img.$ext" manifest >expected
			# The fixtures' manifests end in a newline: nothing is added.
			assert "$(tail -c1 expected | od -An -c | tr -d ' ')" == '\n' "last byte"
			cat_to 0 got cat-manifest "$ACT_FIXTURES/$img.$ext"
			assert "$output" == "" "stderr"
			cmp expected got
		done
	done
}

@test "a manifest with no final newline gets one; nothing else changes" {
	compact_manifest m.json
	local comp
	for comp in none gz bz2 xz; do
		mkimage img.$comp $comp m.json
		{ cat m.json; echo; } >expected
		cat_to 0 got cat-manifest img.$comp
		cmp expected got

		# The same through a pipe from standard input.
		cat_to 0 got cat-manifest - < <(cat img.$comp)
		cmp expected got
	done
}

@test "cat-manifest - reads standard input, for every compression" {
	local ext
	for ext in tar tgz tbz2 txz; do
		member "$ACT_FIXTURES/kitchen.$ext" manifest >expected
		# Through a pipe, so the input cannot be seeked.
		cat_to 0 got cat-manifest - < <(cat "$ACT_FIXTURES/kitchen.$ext")
		cmp expected got
	done
}

@test "the manifest may be spelled ./manifest and need not come first" {
	compact_manifest m.json
	{ cat m.json; echo; } >expected

	mkimage dot.tar none m.json ./manifest
	assert "$(python3 -c 'import tarfile,sys; print(tarfile.open(sys.argv[1]).getnames()[0])' dot.tar)" \
		== "./manifest" "entry name in the test image"
	cat_to 0 got cat-manifest dot.tar
	cmp expected got

	local comp
	for comp in none xz; do
		mkimage last.$comp $comp m.json manifest last
		assert "$(python3 -c 'import tarfile,sys; print(tarfile.open(sys.argv[1]).getnames()[-1])' last.$comp)" \
			== "manifest" "last entry of the test image"
		cat_to 0 got cat-manifest last.$comp
		cmp expected got
	done

	mkimage dotlast.tgz gz m.json ./manifest last
	cat_to 0 got cat-manifest dotlast.tgz
	cmp expected got
}

@test "--pretty-print: 4-space indent, key order, unknown fields and number spellings kept" {
	# Unknown members, odd number spellings, escapes, non-ASCII, empty containers.
	cat >m.json <<'EOF'
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/pretty","zeta":{"b":1,"a":[1.50e+01,-0,100,2E-3,0.10,true,false,null],"empty":{},"none":[]},"app":{"exec":["/bin/sh","-c","echo \u00e9 \"q\" \\ </script>\n"],"user":"0","group":"0","isolators":[]},"labels":[{"name":"os","value":"linux"}],"x-unicode":"gr\u00fc\u00dfe \u65e5\u672c","tab":"a\tb\u0001"}
EOF
	mkimage img.tgz gz m.json

	# What python's json module prints with indent=4, numbers put back as written.
	python3 - m.json >expected <<'EOF'
import json, re, sys
mark = lambda s: "@@NUM@@" + s + "@@"
obj = json.load(open(sys.argv[1], "rb"), parse_float=mark, parse_int=mark)
text = json.dumps(obj, indent=4, ensure_ascii=False)
sys.stdout.write(re.sub(r'"@@NUM@@(.*?)@@"', r"\1", text) + "\n")
EOF
	grep -q '^            1.50e+01,$' expected

	cat_to 0 got cat-manifest --pretty-print img.tgz
	assert "$output" == "" "stderr"
	diff -u expected got

	# The same data as the raw manifest, keys in the same order.
	cat_to 0 raw cat-manifest img.tgz
	python3 - raw got <<'EOF'
import json, sys
def load(p):
    return json.load(open(p, "rb"), object_pairs_hook=lambda kv: kv, parse_float=str)
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a == b, "pretty-printed data differs from the raw manifest"
EOF
	grep -q '"zeta": {' got
	grep -Fq '1.50e+01' got
	grep -Fq '2E-3' got

	# actool's spellings of the flag, and the flag after the operand.
	local args
	for args in "-pretty-print img.tgz" "--pretty-print=true img.tgz" \
		"--pretty-print=1 img.tgz" "img.tgz --pretty-print"; do
		cat_to 0 got2 cat-manifest $args
		cmp got got2
	done
	# =false is the raw manifest.
	cat_to 0 got3 cat-manifest --pretty-print=false img.tgz
	cmp raw got3
}

@test "--pretty-print on the fixtures: same data as the raw manifest" {
	local ext
	for ext in tar txz; do
		cat_to 0 raw cat-manifest "$ACT_FIXTURES/kitchen.$ext"
		cat_to 0 pretty cat-manifest --pretty-print "$ACT_FIXTURES/kitchen.$ext"
		python3 - raw pretty <<'EOF'
import json, sys
a, b = (json.load(open(p), object_pairs_hook=lambda kv: kv) for p in sys.argv[1:3])
assert a == b, "pretty-printed data differs"
lines = open(sys.argv[2]).read().split("\n")
assert lines[-1] == "" and lines[-2] == "}", "one final newline"
for ln in lines:
    ind = len(ln) - len(ln.lstrip(" "))
    assert ind % 4 == 0, "indent not a multiple of 4: %r" % ln
EOF
		# Different text: it really was re-indented.
		run ! cmp -s raw pretty
	done
}

@test "an invalid manifest is printed as stored, exit 1 with one error line" {
	local img=$ACT_FIXTURES/bad/manifest-notjson.tar
	member "$img" manifest >expected
	cat_to 1 got cat-manifest "$img"
	cmp expected got
	expect_error_line cat-manifest "invalid manifest"
	expect_output --substring "manifest-notjson.tar"

	# Valid JSON but not an image manifest: printed too, exit 1.
	local m
	for m in '{"acKind":"PodManifest","acVersion":"0.8.11","name":"example.com/x"}' \
		'{"acKind":"ImageManifest","acVersion":"0.8.11"}' \
		'["not","an","object"]' \
		'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"a","name":"b"}'; do
		printf '%s' "$m" >m.json
		mkimage img.tgz gz m.json
		printf '%s\n' "$m" >expected
		cat_to 1 got cat-manifest img.tgz
		cmp expected got
		expect_error_line cat-manifest "invalid manifest"

		# --pretty-print has nothing to indent: no output, same status.
		cat_to 1 got cat-manifest --pretty-print img.tgz
		assert "$(stat -c %s got)" -eq 0 "stdout size with --pretty-print"
		expect_error_line cat-manifest "invalid manifest"
	done
}

@test "no manifest in the image: exit 1, nothing on stdout" {
	cat_to 1 got cat-manifest "$ACT_FIXTURES/bad/no-manifest.tar"
	assert "$(stat -c %s got)" -eq 0 "stdout size"
	expect_error_line cat-manifest "no-manifest.tar: no manifest"

	# Through a pipe too, and compressed.
	cat_to 1 got cat-manifest - < <(xz -c "$ACT_FIXTURES/bad/no-manifest.tar")
	assert "$(stat -c %s got)" -eq 0 "stdout size"
	expect_error_line cat-manifest "no manifest"

	# A manifest that is not at the top level is not the manifest.
	compact_manifest m.json
	mkimage nested.tar none m.json rootfs/manifest
	cat_to 1 got cat-manifest nested.tar
	expect_error_line cat-manifest "no manifest"
}

@test "a manifest entry that is a directory, symlink or hardlink: exit 1" {
	local kind
	for kind in dir symlink hardlink; do
		cat_to 1 got cat-manifest "$ACT_FIXTURES/bad/manifest-$kind.tar"
		assert "$(stat -c %s got)" -eq 0 "stdout size ($kind)"
		expect_error_line cat-manifest "manifest-$kind.tar: the manifest entry is a $kind"
	done
}

@test "a manifest over 1 MiB is refused without being read" {
	cat_to 1 got cat-manifest "$ACT_FIXTURES/bad/manifest-huge.tar"
	assert "$(stat -c %s got)" -eq 0 "stdout size"
	expect_error_line cat-manifest "over the limit"
}

@test "--max-size prints a manifest over 1 MiB; its error names the option" {
	# 11,000 annotations: 1.3 MB, as a user's image had.
	python3 -c '
import json
a = [{"name": "example.com/a%d" % i, "value": "v" * 100} for i in range(11000)]
print(json.dumps({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/big",
                  "annotations": a}))' >big.json
	mkimage big.aci gz big.json
	cat_to 1 got cat-manifest big.aci
	assert "$(stat -c %s got)" -eq 0 "stdout size"
	expect_error_line cat-manifest "big.aci: the manifest is $(stat -c %s big.json) bytes, over the limit of 1048576 \\(--max-size raises it\\)"
	cat_to 0 got cat-manifest --max-size=2M big.aci
	cmp got big.json
	cat_to 0 got cat-manifest --pretty-print --max-size 2000000 big.aci
	python3 -c 'import json, sys; assert json.load(open("got")) == json.load(open("big.json"))'
	# The limit is exact: one byte short is refused.
	cat_to 1 got cat-manifest --max-size=$(($(stat -c %s big.json) - 1)) big.aci
	cat_to 0 got cat-manifest --max-size=$(stat -c %s big.json) big.aci
	local bad
	for bad in 0 -1 1X 2MB K "" 99999999999999999999; do
		run_acitool 2 cat-manifest --max-size="$bad" big.aci
		assert "$output" =~ "--max-size: '$bad' is not a size in bytes" "message for '$bad'"
	done
}

@test "inputs that are not tar archives: exit 1, the message names the format" {
	local f what
	while read -r f what; do
		cat_to 1 got cat-manifest "$ACT_FIXTURES/bad/$f"
		assert "$(stat -c %s got)" -eq 0 "stdout size ($f)"
		expect_error_line cat-manifest "$f: unsupported image format: .*$what"
	done <<'EOF'
archive.zip zip
archive.cpio cpio
not-an-archive.txt text
empty.file empty
EOF

	# A bare manifest is JSON text, not an image.
	compact_manifest m.json
	cat_to 1 got cat-manifest m.json
	expect_error_line cat-manifest "m.json: unsupported image format: .*text"

	if [ -e "$ACT_FIXTURES/bad/archive.zst" ]; then
		cat_to 1 got cat-manifest "$ACT_FIXTURES/bad/archive.zst"
		expect_error_line cat-manifest "archive.zst: unsupported image format: .*zstd"
	fi

	# A file that does not exist.
	cat_to 1 got cat-manifest no-such-file.aci
	expect_error_line cat-manifest "no-such-file.aci: No such file or directory"
}

@test "it stops at the manifest: a gzip image whose tail is corrupt still works" {
	compact_manifest m.json
	{ cat m.json; echo; } >expected
	# Random data does not compress: the rootfs fills most of the gzip stream.
	mkimage first.tgz gz m.json
	mkimage last.tgz gz m.json manifest last
	# Overwrite the second half of each gzip stream with garbage.
	local f
	for f in first.tgz last.tgz; do
		python3 - $f <<'EOF'
import sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
assert len(d) > 200000, len(d)
d[len(d) // 2:] = b"\xff" * (len(d) - len(d) // 2)
open(p, "wb").write(d)
EOF
		# Really corrupt, as gzip and tar see it.
		run ! gzip -t $f
		run ! tar -tzf $f
	done

	cat_to 0 got cat-manifest first.tgz
	cmp expected got
	cat_to 0 got cat-manifest - < <(cat first.tgz)
	cmp expected got

	# Where the manifest is past the damage, it is an error.
	cat_to 1 got cat-manifest last.tgz
	assert "$(stat -c %s got)" -eq 0 "stdout size"
	expect_error_line cat-manifest "last.tgz: .*gzip"
}

@test "a write error on standard output is an error" {
	[ -w /dev/full ] || skip "no /dev/full"
	run timeout 120 bash -c '"$0" "$@" 2>&1 >/dev/full' "$ACITOOL" cat-manifest "$ACT_FIXTURES/kitchen.tgz"
	assert "$status" -eq 1 "exit status"
	expect_error_line cat-manifest "write error"
	run timeout 120 bash -c '"$0" "$@" 2>&1 >/dev/full' "$ACITOOL" cat-manifest --pretty-print \
		"$ACT_FIXTURES/kitchen.tgz"
	assert "$status" -eq 1 "exit status with --pretty-print"
	expect_error_line cat-manifest "write error"

	# A directory is not an image.
	mkdir dir.aci
	cat_to 1 got cat-manifest dir.aci
	expect_error_line cat-manifest "dir.aci: .*directory"
}

@test "--pretty-print works at every depth the manifest check accepts" {
	# 126 levels below the root (127 in all): a valid manifest (exit 0 raw),
	# so it must pretty-print too.
	python3 - >m.json <<'EOF2'
import sys
sys.stdout.write('{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/deep","x":'
                 + "[" * 126 + "]" * 126 + "}")
EOF2
	mkimage deep.tar none m.json
	cat_to 0 raw cat-manifest deep.tar
	python3 - m.json >expected <<'EOF2'
import json, sys
print(json.dumps(json.load(open(sys.argv[1])), indent=4))
EOF2
	cat_to 0 got cat-manifest --pretty-print deep.tar
	diff -u expected got
}
