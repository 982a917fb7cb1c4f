#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tarinfo.py: dump a tar archive's entries as JSON, for assertions in tests.

  tarinfo.py FILE              JSON array, one object per entry (one per line)
  tarinfo.py FILE NAME         the object of the first entry named NAME
  tarinfo.py --xattr X FILE ENTRY | --xattr X ENTRY FILE
                               hex of the SCHILY.xattr.X value of ENTRY
  tarinfo.py --global FILE     JSON array of the pax global headers

Exit 0 on success, 1 when NAME / ENTRY / the xattr is absent, 2 when the
archive does not read cleanly (same reader and checks as tarcmp.py).
"""

import base64
import json
import os
import sys
from urllib.parse import unquote_to_bytes

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tarcmp import TYPE_NAMES, ReadErr, load  # noqa: E402


def s(raw):
    return raw.decode("utf-8", "surrogateescape")


def obj(e):
    xattrs, lxattrs, pax, dups = {}, {}, {}, []
    for k, v in e.records:
        key = s(k)
        if key in pax and key not in dups:
            dups.append(key)
        pax[key] = v.hex()
        if k.startswith(b"SCHILY.xattr."):
            xattrs[s(k[len(b"SCHILY.xattr."):])] = v.hex()
        elif k.startswith(b"LIBARCHIVE.xattr."):
            try:
                val = base64.b64decode(v + b"=" * (-len(v) % 4), validate=True).hex()
            except ValueError:
                val = None  # not valid base64
            lxattrs[s(unquote_to_bytes(k[len(b"LIBARCHIVE.xattr."):]))] = val
    o = {
        "index": e.index,
        "name": s(e.name),
        "type": TYPE_NAMES.get(e.typeflag, "unknown"),
        "typeflag": s(e.typeflag),
        "mode": "%04o" % e.mode,
        "uid": e.uid,
        "gid": e.gid,
        "uname": s(e.uname),
        "gname": s(e.gname),
        "mtime": e.mtime,
        "size": e.size,
        "linkname": s(e.linkname),
        "sha256": e.sha256,
        "sparse": e.sparse,
        "xattrs": xattrs,
        "libarchive_xattrs": lxattrs,
        "pax": pax,
    }
    if e.dev:
        o["devmajor"], o["devminor"] = e.dev
    if dups:
        o["pax_duplicate_keys"] = dups
    return o


def dumps(o):
    return json.dumps(o, ensure_ascii=False)


def find(entries, name):
    want = name.encode("utf-8", "surrogateescape")
    for e in entries:
        if e.name == want or e.name.rstrip(b"/") == want.rstrip(b"/"):
            return e
    return None


def usage():
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    return 2


def main(argv):
    for st in (sys.stdout, sys.stderr):
        st.reconfigure(encoding="utf-8", errors="backslashreplace")
    args = argv[1:]
    mode, xname = "list", None
    if args[:1] == ["--xattr"]:
        if len(args) != 4:
            return usage()
        mode, xname, args = "xattr", args[1], args[2:]
        # Accept both "--xattr X FILE ENTRY" and "--xattr X ENTRY FILE".
        if not os.path.exists(args[0]) and os.path.exists(args[1]):
            args = [args[1], args[0]]
    elif args[:1] == ["--global"]:
        mode, args = "global", args[1:]
        if len(args) != 1:
            return usage()
    if len(args) not in (1, 2) or args[0].startswith("-"):
        return usage()
    path = args[0]
    try:
        entries, glob = load(path, want_data=(mode == "list"))
    except ReadErr as e:
        sys.stderr.write("tarinfo.py: %s: %s\n" % (path, e))
        return 2
    except Exception as e:
        sys.stderr.write("tarinfo.py: %s: unexpected %s: %s\n" % (path, type(e).__name__, e))
        return 2

    if mode == "global":
        print("[" + ",\n".join(dumps({"before_entry": i, "pax": {s(k): v.hex() for k, v in r}})
                                for i, r in glob) + "]")
        return 0
    if mode == "xattr":
        e = find(entries, args[1])
        if e is None:
            sys.stderr.write("tarinfo.py: %s: no entry %s\n" % (path, args[1]))
            return 1
        key = b"SCHILY.xattr." + xname.encode("utf-8", "surrogateescape")
        vals = [v for k, v in e.records if k == key]
        if not vals:
            sys.stderr.write("tarinfo.py: %s: %s has no xattr %s\n" % (path, args[1], xname))
            return 1
        print(vals[-1].hex())
        return 0
    if len(args) == 2:
        e = find(entries, args[1])
        if e is None:
            sys.stderr.write("tarinfo.py: %s: no entry %s\n" % (path, args[1]))
            return 1
        print(dumps(obj(e)))
        return 0
    print("[" + ",\n".join(dumps(obj(e)) for e in entries) + "]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
