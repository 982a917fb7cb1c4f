#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""mkvariant.py IN OUT EDIT...: a copy of the archive IN (any compression)
with known edits, written by python's tarfile as plain pax, for diff tests.

EDIT is one of (NAME as stored, trailing "/" optional):
  data:NAME            flip the last byte of NAME's data
  append:NAME:TEXT     add TEXT at the end of NAME's data
  mode:NAME:OCTAL      set the permission bits
  owner:NAME:UID:GID:UNAME:GNAME
  mtime:NAME:SECONDS   (a float gives a pax mtime with a fraction)
  xattr:NAME:KEY:HEX   set an xattr;  rmxattr:NAME:KEY  remove one
  link:NAME:TARGET     make NAME a symlink to TARGET
  dev:NAME:MAJOR:MINOR
  rm:NAME              drop the entry;  add:NAME:TEXT  append a file
  insert:NAME:TEXT     a file as the second entry (after the manifest)
  rename:NAME:NEW      store NAME under another spelling (./rootfs/...)
  reverse              write the entries in reverse order
"""
import copy
import io
import sys
import tarfile


def find(members, name):
    for m, _ in members:
        if m.name.rstrip("/") == name.rstrip("/"):
            return m
    sys.exit(f"mkvariant.py: {name}: no such entry")


def main(argv):
    src, out, edits = argv[1], argv[2], argv[3:]
    t = tarfile.open(src, "r:*", encoding="utf-8", errors="surrogateescape")
    members = []
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isreg() else None
        m = copy.copy(m)
        # A sparse file is written whole: its map would not match the data.
        m.pax_headers = {k: v for k, v in m.pax_headers.items()
                         if not k.startswith("GNU.sparse.")}
        if m.type == tarfile.GNUTYPE_SPARSE:
            m.type = tarfile.REGTYPE
        m.sparse = None
        members.append((m, data))
    for ed in edits:
        op, _, rest = ed.partition(":")
        args = rest.split(":")
        if op == "reverse":
            members.reverse()
            continue
        if op in ("add", "insert"):
            ti = tarfile.TarInfo(args[0])
            ti.mtime, ti.mode, ti.size = 1700000000, 0o644, len(args[1].encode())
            members.insert(1 if op == "insert" else len(members), (ti, args[1].encode()))
            continue
        m = find(members, args[0])
        i = [x for x, _ in members].index(m)
        data = members[i][1]
        if op == "data":
            data = data[:-1] + bytes([data[-1] ^ 1])
        elif op == "append":
            data = data + args[1].encode()
        elif op == "mode":
            m.mode = int(args[1], 8)
        elif op == "owner":
            m.uid, m.gid, m.uname, m.gname = int(args[1]), int(args[2]), args[3], args[4]
        elif op == "mtime":
            m.mtime = float(args[1]) if "." in args[1] else int(args[1])
            m.pax_headers.pop("mtime", None)
            if "." in args[1]:
                m.pax_headers["mtime"] = args[1]
        elif op == "xattr":
            m.pax_headers["SCHILY.xattr." + args[1]] = bytes.fromhex(args[2]).decode(
                "utf-8", "surrogateescape")
        elif op == "rmxattr":
            del m.pax_headers["SCHILY.xattr." + args[1]]
        elif op == "link":
            m.type, m.linkname, m.size, data = tarfile.SYMTYPE, args[1], 0, None
        elif op == "dev":
            m.devmajor, m.devminor = int(args[1]), int(args[2])
        elif op == "rm":
            del members[i]
            continue
        elif op == "rename":
            m.name = args[1]
        else:
            sys.exit(f"mkvariant.py: unknown edit {ed}")
        if data is not None:
            m.size = len(data)
        members[i] = (m, data)
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT, encoding="utf-8",
                      errors="surrogateescape") as o:
        for m, data in members:
            o.addfile(m, io.BytesIO(data) if data is not None else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
