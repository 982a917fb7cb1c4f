# SPDX-License-Identifier: Apache-2.0
# Shared by the OCI bridge tests (181, 182): a tree to compare unpacked
# images by, and the container tools run offline, each with its storage in
# the test's own directory.

# oci_tree DIR: each path under DIR with its kind, mode, owner, data or
# target, links and security.capability, one line each, sorted.
oci_tree() {
	python3 - "$1" <<'PYEOF'
import hashlib, os, stat, sys
root = sys.argv[1]
inodes = {}
for dirpath, dirs, files in os.walk(root):
    for n in sorted(dirs + files):
        p = os.path.join(dirpath, n)
        st = os.lstat(p)
        rel = os.path.relpath(p, root)
        if stat.S_ISLNK(st.st_mode):
            what = "-> " + os.readlink(p)
        elif stat.S_ISREG(st.st_mode):
            what = hashlib.sha256(open(p, "rb").read()).hexdigest()[:16]
            inodes.setdefault(st.st_ino, []).append(rel)
        else:
            what = "dir" if stat.S_ISDIR(st.st_mode) else "other"
        try:
            cap = os.getxattr(p, "security.capability", follow_symlinks=False).hex()
        except OSError:
            cap = "-"
        print(rel, "%o" % stat.S_IMODE(st.st_mode), "%d:%d" % (st.st_uid, st.st_gid), what, cap)
for group in inodes.values():
    if len(group) > 1:
        print("links", " ".join(sorted(group)))
PYEOF
}

# podman with its storage here (vfs: nothing stays mounted).
podman_here() {
	podman --root "$BATS_TEST_TMPDIR/podman" --runroot "$BATS_TEST_TMPDIR/podman-run" \
		--storage-driver vfs "$@"
}

# podman run with runc (crun cannot run on this kind of host's hybrid
# cgroups), rlimits it may set without CAP_SYS_RESOURCE, and no network.
podman_run() {
	podman_here run --rm --runtime runc --network none --ulimit nofile=1024:1024 \
		--ulimit nproc=1024:1024 "$@"
}

# dockerd offline (no iptables, no bridge), its state in DIR; $DOCKER is
# the client for it. Debian's client is /usr/bin/docker: another one may
# come first in PATH.
dockerd_start() {
	local dir=$1 i
	mkdir -p "$dir/data" "$dir/exec"
	/usr/sbin/dockerd --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
		--data-root "$dir/data" --exec-root "$dir/exec" -H "unix://$dir/docker.sock" \
		--pidfile "$dir/docker.pid" >"$dir/dockerd.log" 2>&1 3>&- &
	DOCKER="/usr/bin/docker -H unix://$dir/docker.sock"
	for ((i = 0; i < 150; i++)); do
		$DOCKER version >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	cat "$dir/dockerd.log" >&2
	die "dockerd did not start"
}

dockerd_stop() {
	local dir=$1 pid i
	pid=$(cat "$dir/docker.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -9 "$pid" 2>/dev/null || true
}
