#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""mkaci.py OUT SPEC_JSON: a small test image on python's tarfile.

SPEC: {"isolators": [...] (absent: none), "user": "1000", "prefix": "" or "./",
       "app": {...} or null (replaces the whole app), "manifest": {KEY: VALUE}
       (more top-level members),
       "files": [{"name": "bin/a", "caps": HEX, "link": "bin/b", "xattrs": {NAME: HEX},
                  "mode": "4755", "uid": 0, "gid": 0, "data": "text"}]}
Files live under rootfs/ (rootfs/ and rootfs/bin/ are always there); a "link"
makes a hardlink entry to rootfs/LINK. Files are mode 0755 (octal "mode"),
owned by 0:0. Pax values are raw bytes with no hdrcharset record, as GNU tar
and libarchive write xattrs.
"""
import io, json, sys, tarfile

def record(key, value):
    body = b" " + key + b"=" + value + b"\n"
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n = len(str(n)) + len(body)
    return str(n).encode() + body

class Info(tarfile.TarInfo):
    @classmethod
    def _create_pax_generic_header(cls, pax_headers, type, encoding):
        recs = b"".join(record(k.encode(), v.encode("utf-8", "surrogateescape"))
                        for k, v in pax_headers.items())
        info = {"name": "././@PaxHeader", "type": type, "size": len(recs),
                "magic": tarfile.POSIX_MAGIC}
        return (cls._create_header(info, tarfile.USTAR_FORMAT, "ascii", "replace")
                + cls._create_payload(recs))

def entry(name, kind, data=b"", mode=0o644, link="", xattrs=None, uid=0, gid=0):
    ti = Info(name)
    ti.type = kind
    ti.mode, ti.mtime, ti.uname, ti.gname, ti.linkname = mode, 1700000000, "root", "root", link
    ti.uid, ti.gid = uid, gid
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    ti.pax_headers = {"SCHILY.xattr." + k: bytes.fromhex(v).decode("utf-8", "surrogateescape")
                      for k, v in (xattrs or {}).items()}
    return ti, data

out, spec = sys.argv[1], json.loads(sys.argv[2])
p = spec.get("prefix", "")
user = spec.get("user", "1000")
app = {"exec": ["/bin/ping"], "user": user, "group": user}
if "isolators" in spec:
    app["isolators"] = spec["isolators"]
if "app" in spec:
    app = spec["app"]
man = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/filecaps",
       "app": app}
man.update(spec.get("manifest", {}))
man = json.dumps(man, indent=4).encode() + b"\n"
ents = [entry(p + "manifest", tarfile.REGTYPE, man),
        entry(p + "rootfs", tarfile.DIRTYPE, mode=0o755),
        entry(p + "rootfs/bin", tarfile.DIRTYPE, mode=0o755)]
for f in spec.get("files", []):
    x = dict(f.get("xattrs", {}))
    if "caps" in f:
        x["security.capability"] = f["caps"]
    own = {"mode": int(f.get("mode", "755"), 8), "uid": f.get("uid", 0), "gid": f.get("gid", 0)}
    if "link" in f:
        ents.append(entry(p + "rootfs/" + f["name"], tarfile.LNKTYPE,
                          link=p + "rootfs/" + f["link"], xattrs=x, **own))
    else:
        data = f["data"].encode() if "data" in f else \
            b"#!/bin/sh\n# " + f["name"].encode() + b"\n"
        ents.append(entry(p + "rootfs/" + f["name"], tarfile.REGTYPE, data, xattrs=x, **own))
with open(out, "wb") as fo:
    with tarfile.open(fileobj=fo, mode="w", format=tarfile.PAX_FORMAT, tarinfo=Info,
                      encoding="utf-8", errors="surrogateescape") as t:
        for ti, data in ents:
            t.addfile(ti, io.BytesIO(data) if ti.isreg() else None)
