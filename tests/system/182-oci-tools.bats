#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The OCI bridge with the tools people run, offline: images buildah and
# docker build made (Docker's own whiteouts, a docker save archive) are
# imported and judged against umoci's unpack and by running them; what
# export-oci writes runs in podman and docker, where a ping as uid 1000
# works through the file capability alone. Every run has a control that
# must fail: the same image without the capability.

bats_require_minimum_version 1.5.0

load helpers
load oci

setup() {
	is_root || skip "needs root: the container tools, setcap"
	[ -x /bin/busybox ] || skip "needs busybox-static"
	act_fixtures
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	[ -z "${DOCKER:-}" ] || dockerd_stop "$BATS_TEST_TMPDIR/docker"
}

# bb.aci: busybox with cap_net_raw+ep, its exec ping, as uid 1000;
# nocap.aci the same without the capability.
bb_images() {
	python3 "$ACT_TESTS_DIR/tools/mkrunimage.py" nocap.aci '{"manifest":{"name":"example.com/bb",
	  "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"},{"name":"version","value":"1"}]},
	  "app":{"exec":["/bin/ping","-c1","-W1","127.0.0.1"],"user":"1000","group":"1000"}}'
	"$ACITOOL" add-filecaps nocap.aci bb.aci /bin/busybox cap_net_raw+ep
}

@test "podman runs what export-oci wrote: ping as uid 1000 through the file capability alone" {
	command -v podman >/dev/null || die "no podman (make check installs it)"
	bb_images
	# Each layout as an OCI archive (podman 4.3 loads one image from one),
	# named by its io.containerd.image.name.
	for i in bb nocap; do
		run_acitool export-oci $i.aci $i:1
		tar -C $i -cf $i.tar .
	done
	run -0 podman_here load -i bb.tar
	expect_output --substring "Loaded image: example.com/bb:1"
	# The same name and version without the capability: moved aside.
	podman_here tag example.com/bb:1 example.com/bb:cap
	podman_here load -q -i nocap.tar
	# --privileged: every capability in the bounding set, none ambient, so
	# only the file's capability can raise CAP_NET_RAW for uid 1000.
	run -0 podman_run --privileged example.com/bb:cap
	expect_output --substring "1 packets received"
	run -0 podman_run --privileged --entrypoint /bin/id example.com/bb:cap -u
	[ "$output" = 1000 ] || die "podman ran it as $output"
	run -1 podman_run --privileged example.com/bb:1
	expect_output --substring "permission denied"
}

@test "docker loads and runs what export-oci wrote, and gives it back through docker save" {
	bb_images
	run_acitool export-oci bb.aci oci:1
	run_acitool export-oci nocap.aci oci:nocap
	# Docker 20.10 loads docker-archives only: skopeo makes one.
	skopeo copy -q oci:oci:1 docker-archive:"$PWD/bb.tar":localhost/bb:1
	skopeo copy -q oci:oci:nocap docker-archive:"$PWD/nocap.tar":localhost/bb:nocap
	dockerd_start "$BATS_TEST_TMPDIR/docker"
	$DOCKER load -q -i bb.tar
	$DOCKER load -q -i nocap.tar
	run -0 $DOCKER run --rm --privileged --network none localhost/bb:1
	expect_output --substring "1 packets received"
	run -1 $DOCKER run --rm --privileged --network none localhost/bb:nocap
	expect_output --substring "permission denied"
	# Docker's own archive of it imports to the image it came from.
	$DOCKER save -o saved.tar localhost/bb:1
	run_acitool import docker-archive:saved.tar back.aci
	# The same entries (import writes directories first) and manifest.
	run -0 $TARCMP --by-name --skip manifest bb.aci back.aci
	cmp <("$ACITOOL" cat-manifest bb.aci | python3 -m json.tool) \
		<("$ACITOOL" cat-manifest back.aci | python3 -m json.tool)
}

@test "docker build's layers (its own whiteouts, a hardlink whose first name is gone) squash as umoci unpacks them" {
	dockerd_start "$BATS_TEST_TMPDIR/docker"
	mkdir -p base/bin ctx
	cp /bin/busybox base/bin/
	for a in sh mkdir touch ln rm; do ln -s busybox base/bin/$a; done
	printf 'root:x:0:0::/root:/bin/sh\nu:x:1000:1500::/:/bin/sh\n' >base/passwd
	mkdir base/etc && mv base/passwd base/etc/
	tar -C base -c . | $DOCKER import - local/bb:1 >/dev/null
	cat >ctx/Dockerfile <<'DEOF'
FROM local/bb:1
RUN mkdir -p /a/b/c /keep && touch /a/b/c/old /keep/k /gone && echo hl >/hl1 && ln /hl1 /hl2
RUN rm -rf /a/b/c && mkdir -p /a/b/c && touch /a/b/c/foo && rm /gone /hl1 && rm -rf /keep
USER 1000
ENTRYPOINT ["/bin/sh"]
CMD ["-c", "echo from cmd"]
STOPSIGNAL SIGQUIT
HEALTHCHECK CMD true
DEOF
	$DOCKER build -q --network none -t local/wh:1 ctx >/dev/null
	$DOCKER save -o wh.tar local/wh:1
	run_acitool import docker-archive:wh.tar wh.aci
	expect_output --substring "warning: the config's Healthcheck has no ACI counterpart: left out"
	run_acitool validate wh.aci
	skopeo copy -q docker-archive:wh.tar oci:wl:t
	umoci unpack --image wl:t ref >/dev/null
	run_acitool extract wh.aci x
	diff <(oci_tree ref/rootfs) <(oci_tree x/rootfs)
	[ ! -e x/rootfs/a/b/c/old ] && [ ! -e x/rootfs/keep ] && [ ! -e x/rootfs/gone ] &&
		[ ! -e x/rootfs/hl1 ] && [ -e x/rootfs/a/b/c/foo ] || die "a whiteout was not applied"
	[ "$(cat x/rootfs/hl2)" = hl ] || die "hl2 lost its data with its first name"
	# User 1000 alone: its group from the image's /etc/passwd, as docker runs it.
	run -0 $DOCKER run --rm --network none --entrypoint /bin/busybox local/wh:1 id -g
	[ "$output" = 1500 ] || die "docker's group: $output"
	run -0 python3 -c '
import json, tarfile
app = json.loads(tarfile.open("wh.aci").extractfile("manifest").read())["app"]
assert (app["user"], app["group"]) == ("1000", "1500"), app
assert app["exec"] == ["/bin/sh", "-c", "echo from cmd"], app'
	# Back to docker: Entrypoint and Cmd apart again, so arguments replace
	# Cmd as they did; the stop signal kept.
	run_acitool export-oci wh.aci back:1
	skopeo copy -q oci:back:1 docker-archive:"$PWD/back.tar":local/back:1
	$DOCKER load -q -i back.tar
	run -0 $DOCKER run --rm --network none local/back:1
	[ "$output" = "from cmd" ] || die "the image's Cmd: $output"
	run -0 $DOCKER run --rm --network none local/back:1 -c "echo replaced"
	[ "$output" = replaced ] || die "arguments did not replace Cmd: $output"
	run -0 $DOCKER inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.StopSignal}}' local/back:1
	[ "$output" = '["/bin/sh"] ["-c","echo from cmd"] SIGQUIT' ] || die "docker's view: $output"
}

@test "buildah's image: imported with its capability, and acitool run pings through it as uid 1000" {
	command -v buildah >/dev/null || die "no buildah (make check installs it)"
	mkdir -p ctx/bin ctx/capbin
	cp /bin/busybox ctx/bin/
	cp /bin/busybox ctx/capbin/ping
	setcap cap_net_raw+ep ctx/capbin/ping
	B="buildah --root $PWD/b --runroot $PWD/brun --storage-driver vfs"
	c=$($B from scratch)
	$B copy -q "$c" ctx/ /
	$B config --entrypoint '["/capbin/ping"]' --cmd '-c1 -W1 127.0.0.1' --user 1000:1000 \
		--env A=b --port 8080/tcp --volume /data --label l=v "$c"
	$B commit -q "$c" img >/dev/null
	$B push -q img oci:"$PWD/l:t"
	$B rm "$c" >/dev/null
	run_acitool import --name=example.com/b l:t b.aci
	run -0 python3 -c '
import json, tarfile
app = json.loads(tarfile.open("b.aci").extractfile("manifest").read())["app"]
assert app["exec"] == ["/capbin/ping", "-c1", "-W1", "127.0.0.1"], app
assert (app["user"], app["group"]) == ("1000", "1000") and app["userLabels"]["l"] == "v", app'
	run_acitool extract b.aci x
	run -0 getcap x/rootfs/capbin/ping
	expect_output --substring "cap_net_raw=ep"
	# The kernel's view: the imported image runs, and the capability works.
	export ACITOOL_CACHE_DIR=$PWD/cache
	run -0 "$ACITOOL" run b.aci
	expect_output --substring "1 packets received"
	run -1 "$ACITOOL" run --exec=/bin/busybox b.aci -- ping -c1 -W1 127.0.0.1
	expect_output --substring "permission denied"
}
