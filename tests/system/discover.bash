# SPDX-License-Identifier: Apache-2.0
# Shared by the discover tests (150-discover.bats, 151-discover-actool.bats):
# web servers of their own on 127.0.0.1 (tests/tools/discoveryserver.py),
# HTTPS with a throw-away certificate made here. Nothing goes to the internet.

# make_cert (from setup_file): a self-signed certificate for 127.0.0.1 and
# localhost, $CERT, with its key, $KEY.
make_cert() {
	CERT=$BATS_FILE_TMPDIR/cert.pem
	KEY=$BATS_FILE_TMPDIR/key.pem
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
		-keyout "$KEY" -out "$CERT" 2>/dev/null || die "openssl could not make a certificate"
	export CERT KEY
}

# No proxy between the programs and 127.0.0.1 (from setup).
no_proxy_env() {
	unset http_proxy https_proxy all_proxy no_proxy HTTPS_PROXY ALL_PROXY NO_PROXY HTTP_PROXY
	SERVERS=()
}

# serve [--http]: a server (HTTPS unless --http) for the routes read as JSON
# on stdin (see discoveryserver.py), on a port of its choosing: $PORT, and
# $LOG, the file that lists the requests it gets. Killed by stop_servers.
serve() {
	local tls=(--tls "$CERT" "$KEY") n=${#SERVERS[@]} i
	if [ "${1:-}" = --http ]; then
		tls=()
		shift
	fi
	cat >"routes$n.json"
	: >"requests$n.log"
	# Not holding bats' descriptor 3, or bats would wait for the server.
	python3 "$ACT_TESTS_DIR/tools/discoveryserver.py" "${tls[@]}" "port$n" "requests$n.log" \
		"routes$n.json" >"server$n.out" 2>&1 3>&- &
	SERVERS+=($!)
	for ((i = 0; i < 200; i++)); do
		[ -s "port$n" ] && break
		kill -0 "${SERVERS[n]}" 2>/dev/null || break
		sleep 0.05
	done
	[ -s "port$n" ] || die "the discovery server did not start: $(cat "server$n.out")"
	PORT=$(cat "port$n")
	LOG=$PWD/requests$n.log
}

# From teardown.
stop_servers() {
	local pid
	for pid in "${SERVERS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# page PREFIX=CONTENT...: an HTML page with one <meta name="ac-discovery">
# tag per argument, or name="ac-discovery-pubkeys" for a "keys:" one
# ("keys:PREFIX URL"), as a JSON string.
page() {
	python3 - "$@" <<-'EOF'
		import json, sys
		tags = []
		for a in sys.argv[1:]:
		    name = "ac-discovery"
		    if a.startswith("keys:"):
		        name, a = "ac-discovery-pubkeys", a[5:]
		    tags.append('<meta name="%s" content="%s">' % (name, a))
		print(json.dumps("<!DOCTYPE html>\n<html><head>\n%s\n</head><body></body></html>\n"
		                 % "\n".join(tags)))
	EOF
}

# Go's name for this machine's architecture (runtime.GOARCH), which is what
# actool and acitool fill {arch} with.
go_arch() {
	case $(uname -m) in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	i?86) echo 386 ;;
	armv*) echo arm ;;
	*) uname -m ;;
	esac
}
