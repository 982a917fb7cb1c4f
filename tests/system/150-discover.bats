#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# discover against web servers of its own on 127.0.0.1 (discover.bash): its
# certificate made in setup_file, passed by --ca-file, the port the server
# picked passed by --port. No test waits on time but for --timeout=1 against
# a server that never answers, and nothing reaches the internet.

bats_require_minimum_version 1.5.0

load helpers
load discover

setup_file() {
	make_cert
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	no_proxy_env
	ARCH=$(go_arch)
}

teardown() {
	stop_servers
}

# discover [EXPECTED_RC] ARGS...: run_acitool discover, trusting $CERT,
# connecting to $PORT.
discover() {
	local rc=0
	case "$1" in
	[0-9] | '?')
		rc=$1
		shift
		;;
	esac
	run_acitool "$rc" discover --ca-file="$CERT" --port="$PORT" "$@"
}

# requests: the requests the last server got, one a line.
requests() {
	cat "$LOG"
}

@test "discover: a discovery page, text and JSON" {
	serve <<EOF
{"/app": {"body": $(page "127.0.0.1 https://storage.example/{os}/{arch}/{name}-{version}.{ext}" \
	"keys:127.0.0.1 https://127.0.0.1:@PORT@/pubkeys.gpg")}}
EOF
	discover 127.0.0.1/app:v1.0
	expect_output "ACI: https://storage.example/linux/$ARCH/127.0.0.1/app-v1.0.aci, ASC: https://storage.example/linux/$ARCH/127.0.0.1/app-v1.0.aci.asc
PublicKeys: https://127.0.0.1:$PORT/pubkeys.gpg"
	# One page, asked for once: the walk for the keys does not read it again.
	assert "$(requests)" == "/app?ac-discovery=1" "requests"

	# version defaults to latest; labels as the name gives them.
	discover 127.0.0.1/app,os=freebsd,arch=arm64
	expect_output "ACI: https://storage.example/freebsd/arm64/127.0.0.1/app-latest.aci, ASC: https://storage.example/freebsd/arm64/127.0.0.1/app-latest.aci.asc
PublicKeys: https://127.0.0.1:$PORT/pubkeys.gpg"
	discover 127.0.0.1/app:,os=
	expect_output --substring "ACI: https://storage.example/linux/$ARCH/127.0.0.1/app-latest.aci,"

	local json="{
    \"ACIEndpoints\": [
        {
            \"ACI\": \"https://storage.example/linux/$ARCH/127.0.0.1/app-v1.0.aci\",
            \"ASC\": \"https://storage.example/linux/$ARCH/127.0.0.1/app-v1.0.aci.asc\"
        }
    ],
    \"PublicKeys\": [
        \"https://127.0.0.1:$PORT/pubkeys.gpg\"
    ]
}"
	discover --json 127.0.0.1/app:v1.0
	expect_output "$json"
	# actool's spellings: one dash, Go's booleans.
	run_acitool discover -json=true -ca-file "$CERT" -port "$PORT" 127.0.0.1/app:v1.0
	expect_output "$json"
	discover --json=false 127.0.0.1/app:v1.0
	expect_output --substring "ACI: https://"
	python3 -c 'import json, sys; json.loads(sys.argv[1])' "$json"
}

@test "discover: the walk goes up the name's prefixes; pages that fail are listed first" {
	serve <<EOF
{"/group": {"body": $(page "127.0.0.1/group/ https://s/{name}.{ext}" "keys:127.0.0.1/other https://nokey")},
 "/": {"body": $(page "127.0.0.1 https://root/{name}.{ext}" "keys:127.0.0.1/group https://k1" "keys:127.0.0.1 https://k2")}}
EOF
	discover 127.0.0.1/group/app
	local e404="https://127.0.0.1:$PORT/group/app?ac-discovery=1: HTTP status 404, expected 200"
	expect_output "discover endpoints walk: prefix: 127.0.0.1/group/app error: $e404
discover public keys walk: prefix: 127.0.0.1/group/app error: $e404
ACI: https://s/127.0.0.1/group/app.aci, ASC: https://s/127.0.0.1/group/app.aci.asc
PublicKeys: https://k1,https://k2"
	# Each page once, longest prefix first; the host's without a '/'.
	assert "$(requests)" == "/group/app?ac-discovery=1
/group?ac-discovery=1
/?ac-discovery=1" "requests"

	# No public key anywhere: the endpoints all the same (actool fails).
	serve <<EOF
{"/app": {"body": $(page "127.0.0.1 https://s/{name}.{ext}")}}
EOF
	discover 127.0.0.1/app
	expect_output "discover public keys walk: prefix: 127.0.0.1 error: https://127.0.0.1:$PORT?ac-discovery=1: HTTP status 404, expected 200
ACI: https://s/127.0.0.1/app.aci, ASC: https://s/127.0.0.1/app.aci.asc"
	discover --json 127.0.0.1/app
	expect_output '{
    "ACIEndpoints": [
        {
            "ACI": "https://s/127.0.0.1/app.aci",
            "ASC": "https://s/127.0.0.1/app.aci.asc"
        }
    ],
    "PublicKeys": null
}'
}

@test "discover: several tags on a page, matched by prefix, in any attribute order and quoting" {
	# Tags in a comment, a script and a title do not count; the others
	# anywhere, any case, attributes in any order, any quoting.
	serve <<'EOF'
{"/app": {"body": "<html><head><title><meta name='ac-discovery' content='127.0.0.1 https://title/{name}.{ext}'></title>\n<!-- <meta name=\"ac-discovery\" content=\"127.0.0.1 https://comment/{name}.{ext}\"> -->\n<script>document.write('<meta name=\"ac-discovery\" content=\"127.0.0.1 https://script/{name}.{ext}\">')</script>\n<meta name=\"ac-discovery\" content=\"127.0.0.1/other https://other/{name}.{ext}\">\n<meta content='127.0.0.1/ap https://one/{name}-{version}.{ext}' name='ac-discovery'>\n<META NAME=ac-discovery CONTENT=\"127.0.0.1 https://two/{os}/{name}.{ext}?a=1&amp;b=2\"/>\n<meta name=ac-discovery content='127.0.0.1 https://three/{channel}/{name}.{ext}'>\n<meta name='ac-discovery-pubkeys' content='127.0.0.1/app https://k1'>\n<meta name='ac-discovery-pubkeys' content='127.0.0.1/apple https://nokey'>\n</head><body><meta name='ac-discovery-pubkeys' content='  127.0.0.1   https://k2  '></body></html>\n"}}
EOF
	discover 127.0.0.1/app:1.0
	expect_output "ACI: https://one/127.0.0.1/app-1.0.aci, ASC: https://one/127.0.0.1/app-1.0.aci.asc
ACI: https://two/linux/127.0.0.1/app.aci?a=1&b=2, ASC: https://two/linux/127.0.0.1/app.aci.asc?a=1&b=2
PublicKeys: https://k1,https://k2"
	# With the label the third template needs, it is filled too.
	discover 127.0.0.1/app:1.0,channel=beta
	expect_output "ACI: https://one/127.0.0.1/app-1.0.aci, ASC: https://one/127.0.0.1/app-1.0.aci.asc
ACI: https://two/linux/127.0.0.1/app.aci?a=1&b=2, ASC: https://two/linux/127.0.0.1/app.aci.asc?a=1&b=2
ACI: https://three/beta/127.0.0.1/app.aci, ASC: https://three/beta/127.0.0.1/app.aci.asc
PublicKeys: https://k1,https://k2"
	discover --json 127.0.0.1/app:1.0
	expect_output --substring '"ACI": "https://two/linux/127.0.0.1/app.aci?a=1\u0026b=2",'
}

@test "discover: a template with a label the name does not give is skipped" {
	serve <<EOF
{"/app": {"body": $(page "127.0.0.1 https://s/{channel}/{name}.{ext}")},
 "/": {"body": $(page "127.0.0.1/x https://s/{name}.{ext}")}}
EOF
	discover 1 127.0.0.1/app
	expect_error_line discover "'127.0.0.1/app': discovery failed: 127.0.0.1/app: its ac-discovery templates need a label not given: \{channel\}; 127.0.0.1: no ac-discovery meta tag whose prefix matches$"
	discover 127.0.0.1/app,channel=stable
	expect_output "ACI: https://s/stable/127.0.0.1/app.aci, ASC: https://s/stable/127.0.0.1/app.aci.asc"
}

@test "discover: redirects are followed, to https only" {
	serve --http <<EOF
{"/plain": {"body": $(page "127.0.0.1 https://plain/{name}.{ext}")}}
EOF
	local http_port=$PORT
	serve <<EOF
{"/old": {"location": "/app"},
 "/abs": {"status": 301, "location": "https://127.0.0.1:@PORT@/hop"},
 "/hop": {"status": 307, "location": "/app"},
 "/app": {"body": $(page "127.0.0.1 https://s/{name}.{ext}")},
 "/loop": {"status": 308, "location": "/loop"},
 "/down": {"location": "http://127.0.0.1:$http_port/plain"}}
EOF
	discover 127.0.0.1/old
	expect_output "discover public keys walk: prefix: 127.0.0.1 error: https://127.0.0.1:$PORT?ac-discovery=1: HTTP status 404, expected 200
ACI: https://s/127.0.0.1/old.aci, ASC: https://s/127.0.0.1/old.aci.asc"
	# The Location as given: no query added.
	assert "$(head -2 "$LOG")" == "/old?ac-discovery=1
/app" "requests"
	discover 127.0.0.1/abs
	assert "${lines[-1]}" == "ACI: https://s/127.0.0.1/abs.aci, ASC: https://s/127.0.0.1/abs.aci.asc" "the endpoint"

	# As Go's client: the tenth redirect is not followed.
	: >"$LOG"
	discover 1 127.0.0.1/loop
	expect_error_line discover "'127.0.0.1/loop': discovery failed: 127.0.0.1/loop: https://127.0.0.1:$PORT/loop\?ac-discovery=1: redirected to https://127.0.0.1:$PORT/loop: stopped after 10 redirects; "
	assert "$(grep -c '^/loop' "$LOG")" -eq 10 "requests to /loop"

	# From https to http: only with --insecure.
	discover 1 127.0.0.1/down
	expect_error_line discover "127.0.0.1/down: https://127.0.0.1:$PORT/down\?ac-discovery=1: redirected to http://127.0.0.1:$http_port/plain, which is not https; "
	discover --insecure 127.0.0.1/down
	assert "${lines[-1]}" == "ACI: https://plain/127.0.0.1/down.aci, ASC: https://plain/127.0.0.1/down.aci.asc" "the endpoint"
}

@test "discover: TLS is checked; --insecure skips the check and falls back to http" {
	serve <<EOF
{"/app": {"body": $(page "127.0.0.1 https://s/{name}.{ext}")}}
EOF
	# Not trusted without --ca-file: no request reaches the page.
	run_acitool 1 discover --port="$PORT" 127.0.0.1/app
	expect_error_line discover "'127.0.0.1/app': discovery failed: 127.0.0.1/app: https://127.0.0.1:$PORT/app\?ac-discovery=1: SSL certificate problem: self-signed certificate; "
	run_acitool 1 discover --insecure=false --port="$PORT" 127.0.0.1/app
	assert "$(requests)" == "" "requests"
	run_acitool discover --insecure --port="$PORT" 127.0.0.1/app
	assert "${lines[-1]}" == "ACI: https://s/127.0.0.1/app.aci, ASC: https://s/127.0.0.1/app.aci.asc" "the endpoint"
	assert "$(requests | sort -u)" == "/?ac-discovery=1
/app?ac-discovery=1" "requests"

	# A server without TLS: https fails, then --insecure tries http on the
	# same port.
	serve --http <<EOF
{"/app": {"body": $(page "127.0.0.1 http://s/{name}.{ext}")}}
EOF
	discover 1 127.0.0.1/app
	expect_error_line discover "'127.0.0.1/app': discovery failed: 127.0.0.1/app: https://127.0.0.1:$PORT/app\?ac-discovery=1: "
	assert "$(requests)" == "" "requests over https to an http server"
	discover --insecure 127.0.0.1/app
	expect_output "discover public keys walk: prefix: 127.0.0.1 error: http://127.0.0.1:$PORT?ac-discovery=1: HTTP status 404, expected 200
ACI: http://s/127.0.0.1/app.aci, ASC: http://s/127.0.0.1/app.aci.asc"
}

@test "discover: a server that never answers fails within --timeout" {
	serve <<EOF
{"/app": {"hang": true}}
EOF
	# The bound is --timeout's; run_acitool's own is 120 s.
	discover 1 --timeout=1 127.0.0.1/app
	expect_error_line discover "'127.0.0.1/app': discovery failed: 127.0.0.1/app: https://127.0.0.1:$PORT/app\?ac-discovery=1: no answer within 1 s; 127.0.0.1: "
	assert "$(head -1 "$LOG")" == "/app?ac-discovery=1" "the request the server holds"
}

@test "discover: bad HTML is a page without tags, never a crash" {
	# Bytes at random, HTML cut short, tags hidden, a page over 1 MiB (with
	# and without Content-Length).
	python3 -c '
import random
r = random.Random(7)
open("garbage.html", "wb").write(bytes(r.randrange(256) for _ in range(65536)))'
	serve <<'EOF'
{"/garbage": {"file": "garbage.html"},
 "/cut": {"body": "<html><head><meta name=\"ac-discovery\" content=\"127.0.0.1 https://s/{name}.{ext}\""},
 "/hidden": {"body": "<!-- <meta name=ac-discovery content='127.0.0.1 https://s/{name}.{ext}'> --><plaintext><meta name=ac-discovery content='127.0.0.1 https://s/{name}.{ext}'>"},
 "/": {"body": "<<<>>>&&&<!-- <script><meta"},
 "/big": {"body": "<p>0123456789abcdef</p>\n", "repeat": 50000},
 "/stream": {"body": "<p>0123456789abcdef</p>\n", "repeat": 50000, "no_length": true}}
EOF
	local name
	for name in garbage cut hidden; do
		discover 1 127.0.0.1/$name
		expect_error_line discover "'127.0.0.1/$name': discovery failed: 127.0.0.1/$name: no ac-discovery meta tag; 127.0.0.1: no ac-discovery meta tag$"
	done
	for name in big stream; do
		discover 1 127.0.0.1/$name
		expect_error_line discover "127.0.0.1/$name: https://127.0.0.1:$PORT/$name\?ac-discovery=1: the page is over 1048576 bytes; "
	done
}

@test "discover: unknown host, refused connection" {
	# .invalid never resolves (RFC 6761): an answer from the resolver, or
	# none at all on a machine without one; either way, within the timeout.
	run_acitool 1 discover --timeout=10 nonexistent.invalid/app
	expect_error_line discover "'nonexistent.invalid/app': discovery failed: nonexistent.invalid/app: https://nonexistent.invalid/app\?ac-discovery=1: (Could not resolve host: nonexistent.invalid|no answer within 10 s); nonexistent.invalid: "

	# A port nothing listens on.
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	discover 1 127.0.0.1/app
	expect_error_line discover "'127.0.0.1/app': discovery failed: 127.0.0.1/app: https://127.0.0.1:$PORT/app\?ac-discovery=1: Failed to connect to 127.0.0.1 port $PORT.*; 127.0.0.1: https://127.0.0.1:$PORT\?ac-discovery=1: Failed to connect"
}

@test "discover: several NAMEs in turn; one that fails does not stop the others" {
	serve <<EOF
{"/a": {"body": $(page "127.0.0.1/a https://a/{name}.{ext}")},
 "/b": {"body": $(page "127.0.0.1/b https://b/{name}.{ext}")}}
EOF
	run -1 --separate-stderr "$ACITOOL" discover --ca-file="$CERT" --port="$PORT" \
		127.0.0.1/a 127.0.0.1/nothing 127.0.0.1/b
	echo "$output"
	echo "$stderr"
	expect_output "discover public keys walk: prefix: 127.0.0.1 error: https://127.0.0.1:$PORT?ac-discovery=1: HTTP status 404, expected 200
ACI: https://a/127.0.0.1/a.aci, ASC: https://a/127.0.0.1/a.aci.asc
discover public keys walk: prefix: 127.0.0.1 error: https://127.0.0.1:$PORT?ac-discovery=1: HTTP status 404, expected 200
ACI: https://b/127.0.0.1/b.aci, ASC: https://b/127.0.0.1/b.aci.asc"
	assert "$stderr" =~ "^acitool: discover: '127.0.0.1/nothing': discovery failed: " "stderr"
	assert "$(wc -l <<<"$stderr")" -eq 1 "stderr lines"
}

@test "discover: what the server sends stays on its line" {
	serve <<'EOF'
{"/app": {"body": "<meta name=ac-discovery content='127.0.0.1 https://s/{name}&#10;ACI: forged\u001b[31m\\.{ext}'>"},
 "/bad": {"body": "<meta name=ac-discovery content='127.0.0.1 https://s/{\u001b[31m}.{ext}'>"}}
EOF
	discover 127.0.0.1/app
	assert "${lines[-1]}" == 'ACI: https://s/127.0.0.1/app\nACI: forged\x1b[31m\\.aci, ASC: https://s/127.0.0.1/app\nACI: forged\x1b[31m\\.aci.asc' "the endpoint"
	discover --json 127.0.0.1/app
	expect_output --substring '"ACI": "https://s/127.0.0.1/app\nACI: forged\u001b[31m\\.aci",'
	# In an error too.
	discover 1 127.0.0.1/bad
	expect_error_line discover "127.0.0.1/bad: its ac-discovery templates need a label not given: \{\\\\x1b\[31m\}; "
}

@test "discover: usage errors and a bad --ca-file, before anything is fetched" {
	serve <<EOF
{"/app": {"body": $(page "127.0.0.1 https://s/{name}.{ext}")}}
EOF
	# actool prints an error and exits 0 here.
	run_acitool 2 discover
	expect_error_line discover "missing NAME \(see 'acitool discover --help'\)$"
	run_acitool 2 discover --json --port="$PORT"
	expect_error_line discover "missing NAME"

	# A NAME that is not one: nothing is fetched, not even for the good one.
	discover 2 127.0.0.1/app Example.com/app
	expect_error_line discover "'Example.com/app': 'Example.com/app' is not an image name"
	discover 2 127.0.0.1/app:1:2
	expect_error_line discover "'127.0.0.1/app:1:2': more than one colon"
	discover 2 127.0.0.1/app,channel=beta:1
	expect_error_line discover "a colon may only come right after the name"
	discover 2 127.0.0.1/app:1,version=2
	expect_error_line discover "label 'version' given twice"
	discover 2 127.0.0.1/app,channel
	expect_error_line discover "label 'channel' has no value"

	local bad
	for bad in --port=65536 --port=-1 --port=x --port= --timeout=0 --timeout=1.5 \
		--timeout=86401 --json=maybe --insecure=yes --ca-file= --nope; do
		run_acitool 2 discover "$bad" 127.0.0.1/app
		expect_error_line discover "\(see 'acitool discover --help'\)$"
	done
	run_acitool 2 discover --port
	expect_error_line discover "option '--port' needs a value"

	run_acitool 1 discover --ca-file=missing.pem --port="$PORT" 127.0.0.1/app
	expect_error_line discover "--ca-file: 'missing.pem': No such file or directory$"
	run_acitool 1 discover --ca-file=. --port="$PORT" 127.0.0.1/app
	expect_error_line discover "--ca-file: '\\.': not a regular file$"
	assert "$(requests)" == "" "requests"
}

@test "discover: --help lists the options, and help discover prints the same" {
	run_acitool discover --help
	local help=$output
	assert "${lines[0]}" == "Usage: acitool discover [options] NAME..." "usage line"
	for opt in --json --insecure --port=N --ca-file=FILE --timeout=SECONDS; do
		assert "$help" =~ "      $opt " "$opt in --help"
	done
	run_acitool help discover
	assert "$output" == "$help" "help discover"
}
