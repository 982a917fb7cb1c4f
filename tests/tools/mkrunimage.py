#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""mkrunimage.py OUT SPEC_JSON: an image that runs, on python's tarfile.

The rootfs holds the host's /bin/busybox (busybox-static) with a symlink
per applet the run tests use, /etc/passwd (root, user 1000, nobody) and
/etc/group. SPEC: {"app": {...} (merged over exec /bin/sh, user and group
0), "manifest": {KEY: VALUE} (more top-level members), "entries": [
{"name": "etc/x", "data": "text"} | {"name": "x", "symlink": "target"} |
{"name": "x", "dir": true, "mode": "1777"} | {"name": "x", "chardev":
[MAJOR, MINOR]} | {"name": "etc/passwd", "drop": true}]}.
Entries replace the defaults of the same name. Everything is owned by 0:0.
"""
import io, json, sys, tarfile

APPLETS = ["sh", "cat", "ping", "nc", "id", "grep", "sleep", "echo", "ls", "env",
           "pwd", "true", "false", "stat", "touch", "mkdir", "hostname", "test", "uname",
           "unshare"]
spec = json.loads(sys.argv[2])
app = {"exec": ["/bin/sh"], "user": "0", "group": "0"}
app.update(spec.get("app", {}))
man = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/run-test",
       "labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "amd64"}],
       "app": app}
man.update(spec.get("manifest", {}))
if man["app"] is None:
    del man["app"]

ents = {}   # name -> (kind, data or link, mode)
def add(name, kind, data=b"", mode=0o644):
    ents[name] = (kind, data, mode)

for d in ("", "bin", "etc", "home", "home/user", "root"):
    add(d, tarfile.DIRTYPE, mode=0o755)
add("bin/busybox", tarfile.REGTYPE, open("/bin/busybox", "rb").read(), 0o755)
for a in APPLETS:
    add("bin/" + a, tarfile.SYMTYPE, "busybox")
add("etc/passwd", tarfile.REGTYPE, b"root:x:0:0:root:/root:/bin/sh\n"
    b"# a comment, which rkt's parser choked on\n"
    b"user:x:1000:1000:user:/home/user:/bin/sh\n"
    b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
add("etc/group", tarfile.REGTYPE, b"root:x:0:\nuser:x:1000:\nextra:x:555:user\n")
for e in spec.get("entries", []):
    n = e["name"]
    if e.get("drop"):
        ents.pop(n, None)
    elif "symlink" in e:
        add(n, tarfile.SYMTYPE, e["symlink"])
    elif "chardev" in e:
        add(n, tarfile.CHRTYPE, e["chardev"])
    elif e.get("dir"):
        add(n, tarfile.DIRTYPE, mode=int(e.get("mode", "755"), 8))
    else:
        add(n, tarfile.REGTYPE, e["data"].encode(), int(e.get("mode", "644"), 8))

with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    body = json.dumps(man, indent=4).encode() + b"\n"
    ti = tarfile.TarInfo("manifest")
    ti.size, ti.mtime, ti.mode = len(body), 1700000000, 0o644
    t.addfile(ti, io.BytesIO(body))
    for name in sorted(ents):
        kind, data, mode = ents[name]
        ti = tarfile.TarInfo("rootfs/" + name if name else "rootfs")
        ti.type, ti.mtime, ti.mode = kind, 1700000000, mode
        if kind == tarfile.SYMTYPE:
            ti.linkname, ti.mode = data, 0o777
        if kind == tarfile.CHRTYPE:
            ti.devmajor, ti.devminor = data
            data = b""
        if kind == tarfile.REGTYPE:
            ti.size = len(data)
        t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
