#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# discover side by side with appc's actool discover (built as in
# 050-actool-compat.bats), against the same server on 127.0.0.1
# (discover.bash): over HTTPS, acitool trusting the test certificate by
# --ca-file, actool by SSL_CERT_FILE, which Go reads. The same pages
# requested, the same URLs printed; and on purpose different where
# acitool-discover(1), DIFFERENCES FROM ACTOOL, says so.

bats_require_minimum_version 1.5.0

load helpers
load discover

setup_file() {
	build_actool
	make_cert
}

setup() {
	[ -z "${ACTOOL_MISSING:-}" ] || skip "$ACTOOL_MISSING"
	ACTOOL=$BATS_FILE_TMPDIR/actool
	cd "$BATS_TEST_TMPDIR"
	no_proxy_env
}

teardown() {
	stop_servers
}

# requests_since N: the requests $LOG got after its first N lines, sorted,
# each once.
requests_since() {
	tail -n +$(($1 + 1)) "$LOG" | sort -u
}

# both ARGS...: acitool discover ARGS, then actool discover ARGS, on $PORT,
# trusting $CERT. For each: the exit status ($A_RC, $G_RC), standard output
# ($A_OUT, $G_OUT), standard error ($A_ERR, $G_ERR) and the pages requested
# ($A_REQ, $G_REQ).
both() {
	local n
	n=$(wc -l <"$LOG")
	run --separate-stderr timeout 60 "$ACITOOL" discover --ca-file="$CERT" --port="$PORT" "$@"
	A_RC=$status A_OUT=$output A_ERR=$stderr
	A_REQ=$(requests_since "$n")
	n=$(wc -l <"$LOG")
	run --separate-stderr env SSL_CERT_FILE="$CERT" timeout 60 "$ACTOOL" discover --port="$PORT" "$@"
	G_RC=$status G_OUT=$output G_ERR=$stderr
	G_REQ=$(requests_since "$n")
	printf '$ acitool discover %s: rc=%s\n%s\n%s\n' "$*" "$A_RC" "$A_OUT" "$A_ERR"
	printf '$ actool discover %s: rc=%s\n%s\n%s\n' "$*" "$G_RC" "$G_OUT" "$G_ERR"
}

# The walk's lines without their reasons, which are libcurl's or Go's.
no_reasons() {
	sed 's/^\(discover [a-z ]* walk: prefix: [^ ]*\) error: .*/\1 error: .../'
}

# same ARGS...: both succeed, print the same (but for the walk's reasons) and
# ask for the same pages.
same() {
	both "$@"
	assert "$A_RC" -eq 0 "acitool's exit status"
	assert "$G_RC" -eq 0 "actool's exit status"
	assert "$(no_reasons <<<"$A_OUT")" == "$(no_reasons <<<"$G_OUT")" "the output"
	assert "$A_REQ" == "$G_REQ" "the pages requested"
}

# same_json ARGS...: the same with --json; actool prints the walk's lines
# before its JSON, acitool does not.
same_json() {
	both --json "$@"
	assert "$A_RC" -eq 0 "acitool's exit status"
	assert "$G_RC" -eq 0 "actool's exit status"
	assert "$A_OUT" == "$(grep -v '^discover .* walk: ' <<<"$G_OUT")" "the JSON"
	assert "$A_REQ" == "$G_REQ" "the pages requested"
}

@test "discover vs actool: the same URLs from the same pages" {
	serve <<EOF
{"/app": {"body": $(page "127.0.0.1 https://storage.example/{os}/{arch}/{name}-{version}.{ext}" \
	"keys:127.0.0.1 https://127.0.0.1:@PORT@/pubkeys.gpg")},
 "/multi": {"body": "<html><head><!-- <meta name='ac-discovery' content='127.0.0.1 https://comment/{name}.{ext}'> --><title><meta name='ac-discovery' content='127.0.0.1 https://title/{name}.{ext}'></title>\n<meta name=\"ac-discovery\" content=\"127.0.0.1/other https://other/{name}.{ext}\">\n<meta content='127.0.0.1/mul https://one/{name}-{version}.{ext}?a=1&amp;b=<2>' name='ac-discovery'>\n<META NAME=ac-discovery CONTENT=\" 127.0.0.1   https://two/{os}/{arch}/{name}.{ext}\n\"/>\n<meta name=ac-discovery content='127.0.0.1 https://three/{channel}/{name}.{ext}'>\n<meta name=ac-discovery content='127.0.0.1 hdfs://four/{name}-{version}-{os}-{arch}.{ext}'>\n<meta name='ac-discovery-pubkeys' content='127.0.0.1/multi https://k1'>\n<meta name='ac-discovery-pubkeys' content='127.0.0.1/multiple https://nokey'>\n</head><body><meta name='ac-discovery-pubkeys' content='127.0.0.1 https://k2&sol;x'><script>x = '<meta name=\"ac-discovery-pubkeys\" content=\"127.0.0.1 https://script\">'</script></body></html>\n"},
 "/group": {"body": $(page "127.0.0.1/group/ https://s/{name}.{ext}")},
 "/": {"body": $(page "127.0.0.1 https://root/{name}.{ext}" "keys:127.0.0.1 https://k3")}}
EOF
	local name
	for name in 127.0.0.1/app:v1.0 127.0.0.1/app 127.0.0.1/app,os=freebsd,arch=arm64 \
		127.0.0.1/app:,os= 127.0.0.1/multi:1.0 127.0.0.1/multi:1.0,channel=beta \
		127.0.0.1/group/app 127.0.0.1/group/x/y 127.0.0.1/nothing,ext=zip; do
		same "$name"
		same_json "$name"
	done
	# Several at once, in turn.
	same 127.0.0.1/app:v1.0 127.0.0.1/multi:2 127.0.0.1/group/app
	# actool's spellings.
	same -json=false 127.0.0.1/app
}

@test "discover vs actool: redirects" {
	serve <<EOF
{"/old": {"location": "/app"},
 "/abs": {"status": 301, "location": "https://127.0.0.1:@PORT@/hop"},
 "/hop": {"status": 307, "location": "/app"},
 "/app": {"body": $(page "127.0.0.1 https://s/{name}.{ext}" "keys:127.0.0.1 https://k")},
 "/loop": {"status": 308, "location": "/loop"},
 "/": {"body": $(page "127.0.0.1 https://root/{name}.{ext}" "keys:127.0.0.1 https://k")}}
EOF
	same 127.0.0.1/old
	same 127.0.0.1/abs
	# A loop: both give up after the same number of requests (actool walks
	# twice), and go on to the parent.
	same 127.0.0.1/loop
	local n
	n=$(wc -l <"$LOG")
	both 127.0.0.1/loop
	assert "$(tail -n +$((n + 1)) "$LOG" | grep -c '^/loop')" -eq 30 "requests to /loop: 10, then 20"
}

@test "discover vs actool: --insecure, without TLS checks and over http" {
	serve <<EOF
{"/app": {"body": $(page "127.0.0.1 https://s/{name}.{ext}" "keys:127.0.0.1 https://k")}}
EOF
	# No certificate trusted at all, on either side.
	run -0 --separate-stderr "$ACITOOL" discover --insecure --port="$PORT" 127.0.0.1/app
	local a=$output
	run -0 --separate-stderr env SSL_CERT_FILE=/dev/null "$ACTOOL" discover --insecure --port="$PORT" 127.0.0.1/app
	assert "$a" == "$output" "the output"

	serve --http <<EOF
{"/app": {"body": $(page "127.0.0.1 http://s/{name}.{ext}")},
 "/": {"body": $(page "127.0.0.1 http://root/{name}.{ext}" "keys:127.0.0.1 http://k")}}
EOF
	same --insecure 127.0.0.1/app
	same_json -insecure 127.0.0.1/app
	# Without it, neither reads a page from a server without TLS.
	both 127.0.0.1/app
	assert "$A_RC $G_RC" == "1 1" "exit statuses"
	assert "$A_REQ$G_REQ" == "" "pages requested"
}

@test "discover vs actool: no NAME, a bad NAME, no public key" {
	# No NAME: actool says so, and exits 0.
	run -0 "$ACTOOL" discover
	assert "$output" =~ "at least one name required" "actool's message"
	run -2 "$ACITOOL" discover
	assert "$output" =~ "missing NAME" "acitool's message"

	# Not a name: actool crashes.
	run -2 "$ACTOOL" discover Example.com/app
	assert "$output" =~ "panic: runtime error" "actool"
	run -2 "$ACITOOL" discover Example.com/app
	assert "${#lines[@]}" -eq 1 "acitool's error lines"

	# Endpoints and no public key on any page: actool fails, acitool
	# prints the endpoints.
	serve <<EOF
{"/app": {"body": $(page "127.0.0.1 https://s/{name}.{ext}")}}
EOF
	both 127.0.0.1/app
	assert "$G_RC" -eq 1 "actool's exit status"
	assert "$G_ERR" =~ "error fetching public keys for 127.0.0.1/app: discovery failed" "actool"
	assert "$A_RC" -eq 0 "acitool's exit status"
	assert "${A_OUT##*$'\n'}" == "ACI: https://s/127.0.0.1/app.aci, ASC: https://s/127.0.0.1/app.aci.asc" "acitool"
	assert "$A_REQ" == "$G_REQ" "the pages requested"
}

@test "discover vs actool: a redirect to http, and a server that never answers" {
	serve --http <<EOF
{"/plain": {"body": $(page "127.0.0.1 https://plain/{name}.{ext}" "keys:127.0.0.1 https://k")}}
EOF
	local http_log=$LOG http_port=$PORT
	serve <<EOF
{"/down": {"location": "http://127.0.0.1:$http_port/plain"},
 "/hang": {"hang": true},
 "/": {"body": $(page "127.0.0.1 https://root/{name}.{ext}" "keys:127.0.0.1 https://k")}}
EOF
	# actool follows HTTPS to HTTP; acitool does not, without --insecure.
	both 127.0.0.1/down
	assert "$A_RC $G_RC" == "0 0" "exit statuses"
	assert "$(grep '^ACI' <<<"$G_OUT")" == "ACI: https://plain/127.0.0.1/down.aci, ASC: https://plain/127.0.0.1/down.aci.asc" "actool's endpoint"
	assert "$(grep '^ACI' <<<"$A_OUT")" == "ACI: https://root/127.0.0.1/down.aci, ASC: https://root/127.0.0.1/down.aci.asc" "acitool's endpoint"
	assert "$(sort -u "$http_log")" == "/plain" "the http server's requests (actool's)"

	# actool waits for ever (here, until timeout kills it after 3 s);
	# acitool gives up after --timeout.
	run timeout 3 env SSL_CERT_FILE="$CERT" "$ACTOOL" discover --port="$PORT" 127.0.0.1/hang
	assert "$status" -eq 124 "actool killed by timeout"
	run -0 timeout 60 "$ACITOOL" discover --timeout=1 --ca-file="$CERT" --port="$PORT" 127.0.0.1/hang
	assert "${lines[-2]}" == "ACI: https://root/127.0.0.1/hang.aci, ASC: https://root/127.0.0.1/hang.aci.asc" "acitool, from the parent's page"
	assert "${lines[0]}" =~ "^discover endpoints walk: prefix: 127.0.0.1/hang error: .*: no answer within 1 s$" "acitool's walk"
}
