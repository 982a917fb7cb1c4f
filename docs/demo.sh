#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make demo`: the rkt ping example, done with acitool instead of
# extract / setcap / re-tar. Builds its own example image in a temp dir.
# `demo.sh --image FILE` writes only that image (guide-filecaps.md's ping.aci).
set -eu

ACITOOL=${ACITOOL:-acitool}
case "$ACITOOL" in /*) ;; */*) ACITOOL=$(pwd)/$ACITOOL ;; esac
image_only=
if [ "${1:-}" = --image ] && [ -n "${2:-}" ]; then
	case "$2" in /*) image_only=$2 ;; *) image_only=$(pwd)/$2 ;; esac
elif [ $# -gt 0 ]; then
	echo "usage: demo.sh [--image FILE]" >&2
	exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

if [ -t 1 ]; then bold='\033[1m' off='\033[0m'; else bold= off=; fi
step() {
	printf "\n${bold}$ %s${off}\n" "$*"
	"$@"
}
# A step that must fail, as shown.
step_refused() {
	printf "\n${bold}$ %s${off}\n" "$*"
	if "$@"; then
		echo "demo: that should have failed" >&2
		exit 1
	fi
}

# The image: a rootfs with a ping binary and an app manifest that runs it as
# a non-root user.
mkdir -p layout/rootfs/bin
ping_bin=$(command -v ping || true)
cp "${ping_bin:-/bin/true}" layout/rootfs/bin/ping
# Only the file's place and capabilities matter here, not what it runs.
[ -n "$ping_bin" ] || [ -n "$image_only" ] || echo "This host has no ping: a copy of /bin/true stands in for rootfs/bin/ping."
cat >layout/manifest <<'JSON'
{
    "acKind": "ImageManifest",
    "acVersion": "0.8.11",
    "name": "example.com/ping",
    "labels": [
        { "name": "version", "value": "1.0.0" },
        { "name": "os", "value": "linux" },
        { "name": "arch", "value": "amd64" }
    ],
    "app": {
        "exec": ["/bin/ping", "-c", "1", "127.0.0.1"],
        "user": "1000",
        "group": "1000",
        "isolators": [
            { "name": "resource/memory", "value": { "limit": "64M" } }
        ]
    }
}
JSON
tar -C layout --format=pax --sort=name --owner=0 --group=0 --numeric-owner \
	--mtime=@1700000000 -czf ping.aci manifest rootfs
if [ -n "$image_only" ]; then
	mv ping.aci "$image_only"
	exit 0
fi
echo "Built ping.aci ($(wc -c <ping.aci) bytes): a manifest and rootfs/bin/ping."

step "$ACITOOL" cat-manifest ping.aci
step "$ACITOOL" lint ping.aci

printf '\nThe app runs as uid 1000: ping needs CAP_NET_RAW in its bounding set (the\n'
printf 'retain set) and as a file capability on the binary. One pass does both:\n'
step "$ACITOOL" patch-manifest --capability CAP_NET_RAW \
	--filecap /bin/ping=cap_net_raw+ep ping.aci ping-caps.aci
step "$ACITOOL" cat-manifest --pretty-print ping-caps.aci
step "$ACITOOL" list-filecaps ping-caps.aci
printf '\nlint has nothing more to say (exit status 0 with --strict):\n'
step "$ACITOOL" lint --strict ping-caps.aci

printf '\nA file capability outside the bounding set, with the effective flag, makes\n'
printf 'the kernel refuse to run the binary at all; acitool refuses to write it:\n'
step_refused "$ACITOOL" add-filecaps --replace ping-caps.aci /bin/ping cap_net_admin,cap_net_raw+ep

printf '\nThe entries as GNU tar sees them (the xattr is a pax record):\n'
step tar --xattrs --xattrs-include='*' -tvzf ping-caps.aci
if [ "$(id -u)" = 0 ] && command -v getcap >/dev/null; then
	printf '\nExtracted as root, the binary has its capability:\n'
	mkdir out
	tar --xattrs --xattrs-include='*' -xzf ping-caps.aci -C out
	step getcap out/rootfs/bin/ping
fi
