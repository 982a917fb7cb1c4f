#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tardiff.py A B: what differs between two archives, entry by entry, as
the set of lines "PATH<TAB>FIELD<TAB>CHANGE" (sorted), for checking
`acitool diff --json` against an independent reader.

Entries pair by cleaned name (no "./", no "//", no trailing "/"), whatever
their order. FIELD is "-" for an entry only in A (CHANGE "removed") or only
in B ("added"); else one of name, type, mode, uid, gid, uname, gname, size,
data, mtime, atime, ctime, linkname, device, "xattr NAME" (CHANGE "changed",
or "added"/"removed" for an xattr). The manifest's data is left out: acitool
compares it as JSON. PATH is A's name as stored (B's when added).
Exit 0, or 2 when an archive does not read cleanly (tarcmp.py's reader).
"""
import os
import posixpath
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tarcmp import ReadErr, load  # noqa: E402
from tarinfo import obj  # noqa: E402


def clean(name):
    parts = []
    for p in name.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if parts:
                parts.pop()
            continue
        parts.append(p)
    return "/".join(parts)


def entries(path):
    out = {}
    for e in load(path)[0]:
        o = obj(e)
        out[clean(o["name"])] = o
    return out


def pax_time(o, key):
    v = o["pax"].get(key)
    return bytes.fromhex(v).decode() if v is not None else None


def kind(o):
    # GNU's old sparse type and "contiguous" are plain files to a reader.
    return "file" if o["type"] in ("gnu-sparse", "contiguous") else o["type"]


def compare(a, b, lines):
    path = a["name"]
    files = kind(a) == kind(b) == "file"
    checks = [
        ("name", a["name"], b["name"]),
        ("type", kind(a), kind(b)),
        ("mode", a["mode"], b["mode"]),
        ("uid", a["uid"], b["uid"]),
        ("gid", a["gid"], b["gid"]),
        ("uname", a["uname"], b["uname"]),
        ("gname", a["gname"], b["gname"]),
        ("size", a["size"], b["size"]),
        ("mtime", a["mtime"], b["mtime"]),
        ("atime", pax_time(a, "atime"), pax_time(b, "atime")),
        ("ctime", pax_time(a, "ctime"), pax_time(b, "ctime")),
        ("linkname", a["linkname"] if a["type"] in ("symlink", "hardlink") else "",
         b["linkname"] if b["type"] in ("symlink", "hardlink") else ""),
    ]
    if a["type"] == b["type"] and a["type"] in ("chr", "blk"):
        checks.append(("device", (a.get("devmajor"), a.get("devminor")),
                       (b.get("devmajor"), b.get("devminor"))))
    for field, x, y in checks:
        if x != y:
            lines.add((path, field, "changed"))
    if files and clean(path) != "manifest" and a["sha256"] != b["sha256"]:
        lines.add((path, "data", "changed"))
    xa, xb = a["xattrs"], b["xattrs"]
    for k in set(xa) | set(xb):
        if k not in xb:
            lines.add((path, "xattr " + k, "removed"))
        elif k not in xa:
            lines.add((path, "xattr " + k, "added"))
        elif xa[k] != xb[k]:
            lines.add((path, "xattr " + k, "changed"))


def main(argv):
    if len(argv) != 3:
        print("usage: tardiff.py A B", file=sys.stderr)
        return 2
    try:
        a, b = entries(argv[1]), entries(argv[2])
    except ReadErr as e:
        print(f"tardiff.py: {e}", file=sys.stderr)
        return 2
    lines = set()
    for k, o in a.items():
        if k in b:
            compare(o, b[k], lines)
        else:
            lines.add((o["name"], "-", "removed"))
    for k, o in b.items():
        if k not in a:
            lines.add((o["name"], "-", "added"))
    for line in sorted(lines):
        print("\t".join(line))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
