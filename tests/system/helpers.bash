# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the system tests (modelled on podman's test/system).
#
# Environment (set by ctest; defaults let `bats tests/system/X.bats` run from a
# dev build too):
#   ACITOOL       the binary under test
#   ACT_TESTS_DIR the tests/ source directory
#   ACT_FIXTURES  where tests/fixtures/mk*.py wrote their images

ACT_TESTS_DIR=${ACT_TESTS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ACITOOL=${ACITOOL:-$ACT_TESTS_DIR/../build/dev/tools/acitool}
ACT_FIXTURES=${ACT_FIXTURES:-${ACT_BUILD_DIR:-$ACT_TESTS_DIR/../build/dev/tests}/fixtures}
TARCMP="python3 $ACT_TESTS_DIR/tools/tarcmp.py"
TARINFO="python3 $ACT_TESTS_DIR/tools/tarinfo.py"

# Generate fixtures when a test file runs outside ctest.
act_fixtures() {
	if [ ! -e "$ACT_FIXTURES/.done" ]; then
		mkdir -p "$ACT_FIXTURES"
		python3 "$ACT_TESTS_DIR/fixtures/mkimages.py" "$ACT_FIXTURES" &&
			python3 "$ACT_TESTS_DIR/fixtures/mkbad.py" "$ACT_FIXTURES/bad" &&
			touch "$ACT_FIXTURES/.done"
	fi
}

# copy_fixtures NAME... (from setup_file): $FX, a directory of this file's own
# with a copy of each fixture NAME.* (every compression): a concurrent ctest
# run regenerates $ACT_FIXTURES.
copy_fixtures() {
	local name
	act_fixtures
	export FX=$BATS_FILE_TMPDIR/fx
	mkdir -p "$FX"
	for name; do
		cp "$ACT_FIXTURES/$name".* "$FX"/
	done
}

# run_acitool [EXPECTED_RC] ARGS...: run the binary, show the command and its
# output (bats prints them only on failure), check the exit status.
# EXPECTED_RC is a number or '?' (any); the default is 0.
run_acitool() {
	local expect=0
	case "$1" in
	[0-9] | [0-9][0-9] | [0-9][0-9][0-9] | '?')
		expect=$1
		shift
		;;
	esac
	echo "\$ acitool $*"
	run timeout 120 "$ACITOOL" "$@"
	echo "$output"
	echo "[ rc=$status (expected $expect) ]"
	if [ "$expect" != '?' ] && [ "$status" -ne "$expect" ]; then
		die "exit status $status, expected $expect"
	fi
}

die() {
	echo "#| FAIL: $*" >&2
	false
}

# assert ACTUAL OP EXPECTED [WHAT]: OP is ==, !=, =~, !~, or a numeric test.
assert() {
	local actual=$1 op=$2 expected=$3 what=${4:-value}
	local ok=
	case "$op" in
	'==') [ "$actual" == "$expected" ] && ok=1 ;;
	'!=') [ "$actual" != "$expected" ] && ok=1 ;;
	'=~') [[ "$actual" =~ $expected ]] && ok=1 ;;
	'!~') [[ ! "$actual" =~ $expected ]] && ok=1 ;;
	-eq | -ne | -lt | -le | -gt | -ge) [ "$actual" "$op" "$expected" ] && ok=1 ;;
	*) die "assert: unknown operator '$op'" ;;
	esac
	if [ -z "$ok" ]; then
		printf '#| FAIL: %s\n#| expected %s %s\n#|   actual   %s\n' \
			"$what" "$op" "$expected" "$actual" >&2
		false
	fi
}

# expect_output [--substring] EXPECTED: check $output from the last run.
expect_output() {
	if [ "$1" = --substring ]; then
		assert "$output" =~ "$(printf '%s' "$2" | sed 's/[][\.*^$(){}?+|/]/\\&/g')" "output"
	else
		assert "$output" == "$1" "output"
	fi
}

# The one-line error format: "acitool: VERB: ...".
expect_error_line() {
	local verb=$1 pattern=$2
	assert "$(printf '%s\n' "$output" | wc -l)" -eq 1 "number of stderr lines"
	assert "$output" =~ "^acitool: $verb: .*$pattern" "error line"
}

# No file but the expected ones in a directory (no partial output, no temp files).
expect_files() {
	local dir=$1
	shift
	local actual expected
	actual=$(cd "$dir" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | sort)
	expected=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
	assert "$actual" == "$expected" "files in $dir"
}

# compression FILE: none, gzip, bzip2 or xz, from the file's magic bytes
# (an independent reader: not acitool's own sniffing).
compression() {
	python3 -c '
import sys
m = open(sys.argv[1], "rb").read(512)
print("gzip" if m[:2] == b"\x1f\x8b" else "bzip2" if m[:3] == b"BZh"
      else "xz" if m[:6] == b"\xfd7zXZ\x00" else "none" if m[257:262] == b"ustar"
      else "unknown")' "$1"
}

# decompress FILE: the tar stream, by gzip, bzip2 or xz themselves.
decompress() {
	case $(compression "$1") in
	gzip) gzip -dc -- "$1" ;;
	bzip2) bzip2 -dc -- "$1" ;;
	xz) xz -dc -- "$1" ;;
	*) cat -- "$1" ;;
	esac
}

sha256() {
	sha256sum "$1" | cut -d' ' -f1
}

# manifest IMAGE: the manifest entry's data, read by python's tarfile.
manifest() {
	python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1], "r:*") as t:
    sys.stdout.buffer.write(t.extractfile("manifest").read())
' "$1"
}

# mkimage OUT MANIFEST_FILE: a plain ACI with that manifest, by python's tarfile
# (010 has its own, with a compression and an entry order to choose).
mkimage() {
	python3 - "$@" <<'EOF2'
import io, sys, tarfile
data = open(sys.argv[2], "rb").read()
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    for name, kind, body in (("manifest", tarfile.REGTYPE, data), ("rootfs", tarfile.DIRTYPE, b""),
                             ("rootfs/hello", tarfile.REGTYPE, b"hello\n")):
        ti = tarfile.TarInfo(name)
        ti.type, ti.size, ti.mtime, ti.mode = kind, len(body), 1700000000, 0o644
        t.addfile(ti, io.BytesIO(body) if kind == tarfile.REGTYPE else None)
EOF2
}

is_root() {
	[ "$(id -u)" = 0 ]
}

# nobody_dir DIR IMAGE: DIR (in $BATS_TEST_TMPDIR), world-writable, with a
# copy of IMAGE as DIR/in.aci; NOBODY, the command prefix that runs as user
# 65534 with no capability at all. Skips the test unless root, or when that
# user cannot reach DIR or $ACITOOL.
nobody_dir() {
	local w=$1 d=$BATS_TEST_TMPDIR
	is_root || skip "needs root to switch to an unprivileged user"
	mkdir -m 1777 "$w"
	# bats makes its temp dirs 0700: let others through to $w.
	while [ "${#d}" -ge "${#BATS_RUN_TMPDIR}" ]; do
		chmod o+x "$d"
		d=${d%/*}
	done
	install -m 0644 "$2" "$w/in.aci"
	NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all --)
	"${NOBODY[@]}" test -w "$w" -a -x "$ACITOOL" || skip "nobody cannot reach $w or $ACITOOL"
}

# start_acitool [ENV_ARGS...] -- ARGS...: run acitool in the background with the
# catchable signals at their defaults (a background job of a script starts with
# SIGINT and SIGQUIT ignored, which acitool respects), PID in $PID, stderr in
# stderr.log. ENV_ARGS go to env(1), e.g. --ignore-signal=HUP.
start_acitool() {
	local envargs=()
	while [ "$1" != -- ]; do
		envargs+=("$1")
		shift
	done
	shift
	env --default-signal=INT,TERM,HUP,PIPE,QUIT "${envargs[@]}" "$ACITOOL" "$@" 2>stderr.log &
	PID=$!
}

# wait_status: wait for $PID (bounded: 60 s, then SIGKILL and fail); status in $RC.
wait_status() {
	local i
	for ((i = 0; i < 600; i++)); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID"
		wait "$PID" || true
		die "acitool did not end within 60 s"
	fi
	RC=0
	wait "$PID" || RC=$?
	echo "[ acitool ended: rc=$RC; stderr: $(cat stderr.log) ]"
}

# make_big [MINIMAL]: big.tar here: the manifest of MINIMAL (the minimal.tar
# fixture) first, then ~12 MiB of files, half random, half text; the same
# bytes every time.
make_big() {
	python3 - "${1:-$ACT_FIXTURES/minimal.tar}" <<'EOF2'
import io, random, sys, tarfile
rnd = random.Random(42)
with tarfile.open(sys.argv[1]) as src, tarfile.open("big.tar", "w", format=tarfile.PAX_FORMAT) as out:
    m = src.getmember("manifest")
    out.addfile(m, src.extractfile(m))
    for i in range(48):
        n = rnd.randrange(100_000, 400_000)
        data = rnd.randbytes(n) if i % 2 else (b"line %d of a text file\n" % i) * (n // 20)
        ti = tarfile.TarInfo("rootfs/f%02d" % i)
        ti.size, ti.mtime = len(data), 1700000000
        out.addfile(ti, io.BytesIO(data))
EOF2
}

# gzip_members FILE: one line per gzip member: its sha256.
gzip_members() {
	python3 - "$1" <<'EOF2'
import hashlib, sys, zlib
d = open(sys.argv[1], "rb").read()
i = 0
while i < len(d):
    o = zlib.decompressobj(31)
    o.decompress(d[i:])
    assert o.eof, "truncated member at %d" % i
    j = len(d) - len(o.unused_data)
    print(hashlib.sha256(d[i:j]).hexdigest())
    i = j
EOF2
}

# build_go_tool NAME (from setup_file): tests/tools/NAME.go, built into
# $BATS_FILE_TMPDIR/NAME when there is a Go (its setup() skips without it);
# Debian's Go sources (appc's spec among them) on its GOPATH.
build_go_tool() {
	command -v go >/dev/null || return 0
	GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$BATS_FILE_TMPDIR/gocache" \
		go build -o "$BATS_FILE_TMPDIR/$1" "$ACT_TESTS_DIR/tools/$1.go"
}

# build_actool (from setup_file): appc's actool, built from Debian's
# golang-github-appc-spec-dev into $BATS_FILE_TMPDIR/actool; or, when it
# cannot be, why in ACTOOL_MISSING (setup() skips on it: bats 1.8 cannot skip
# from setup_file).
build_actool() {
	local src=/usr/share/gocode/src/github.com/appc/spec
	if ! command -v go >/dev/null; then
		export ACTOOL_MISSING="no 'go' to build appc's actool (make check installs golang-go)"
	elif [ ! -d "$src/actool" ]; then
		export ACTOOL_MISSING="no $src (make check installs golang-github-appc-spec-dev)"
	else
		GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$BATS_FILE_TMPDIR/gocache" \
			go build -o "$BATS_FILE_TMPDIR/actool" github.com/appc/spec/actool
	fi
}

# check_fields [--ordered] IN OUT CODE: OUT's manifest, as python's json
# reads it, equals IN's after the python statements CODE change it (as m;
# app is m["app"]). With --ordered, the order of every list and object
# member counts too.
check_fields() {
	local ordered=
	if [ "$1" = --ordered ]; then
		ordered=1
		shift
	fi
	python3 - "$ordered" "$@" <<'EOF'
import json, sys, tarfile
def man(p):
    with tarfile.open(p, "r:*") as t:
        return json.loads(t.extractfile("manifest").read())
ordered = sys.argv[1] == "1"
m, new = man(sys.argv[2]), man(sys.argv[3])
app = m.get("app")
exec(sys.argv[4])
want, got = json.dumps(m, sort_keys=not ordered), json.dumps(new, sort_keys=not ordered)
if want != got:
    sys.exit("manifest:\n  got  %s\n  want %s" % (got, want))
EOF
}
