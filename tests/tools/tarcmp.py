#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tarcmp.py A B [--skip NAME]... [--skip-under NAME]... [--skip-data NAME]... [--by-name]

Compare two tar archives (plain, gzip, bzip2 or xz) entry by entry, in
order (or paired by name with --by-name), using only the python standard library.  Prints one line per
difference and exits 1; prints nothing and exits 0 when they match; exits 2
(message on stderr) when an archive does not read cleanly.

This file is also the reader library of tarinfo.py (load()).
"""

import bz2
import gzip
import hashlib
import lzma
import shutil
import sys
import tarfile
import tempfile
import zlib

BLOCK = 512
TYPE_NAMES = {b"0": "file", b"\x00": "file", b"7": "contiguous", b"1": "hardlink",
              b"2": "symlink", b"3": "chr", b"4": "blk", b"5": "dir", b"6": "fifo",
              b"S": "gnu-sparse"}
NO_DATA_TYPES = (b"1", b"2", b"3", b"4", b"5", b"6")  # tarfile skips no data for these


class ReadErr(Exception):
    pass


def _open_plain(path):
    """Return a seekable binary file holding the uncompressed tar stream."""
    try:
        f = open(path, "rb")
    except OSError as e:
        raise ReadErr(e.strerror or str(e))
    magic = f.read(6)
    f.seek(0)
    if magic[:2] == b"\x1f\x8b":
        kind, opener = "gzip", lambda fo: gzip.GzipFile(fileobj=fo, mode="rb")
    elif magic[:3] == b"BZh":
        kind, opener = "bzip2", bz2.BZ2File
    elif magic[:6] == b"\xfd7zXZ\x00":
        kind, opener = "xz", lzma.LZMAFile
    elif magic[:4] == b"\x28\xb5\x2f\xfd":
        f.close()
        raise ReadErr("zstd-compressed: not readable with the python standard library")
    else:
        return f
    out = tempfile.SpooledTemporaryFile(max_size=64 << 20)
    try:
        with opener(f) as z:
            shutil.copyfileobj(z, out, 1 << 20)
    except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as e:
        raise ReadErr("%s stream: %s" % (kind, e))
    finally:
        f.close()
    out.seek(0)
    return out


def _num(field):
    if field[:1] in (b"\x80", b"\xff"):  # GNU base-256
        n = int.from_bytes(field[1:], "big")
        return n - 256 ** (len(field) - 1) if field[:1] == b"\xff" else n
    s = field.split(b"\x00", 1)[0].strip(b" ")
    try:
        return int(s, 8) if s else 0
    except ValueError:
        raise ReadErr("bad number field %r" % field)


def _cstr(field):
    return field.split(b"\x00", 1)[0]


def parse_pax(payload, where):
    """Strictly parse pax records: [(key bytes, value bytes), ...] in order."""
    recs, pos = [], 0
    while pos < len(payload):
        sp = payload.find(b" ", pos, pos + 21)
        if sp <= pos or not payload[pos:sp].isdigit():
            raise ReadErr("%s: malformed pax record length at byte %d" % (where, pos))
        n = int(payload[pos:sp])
        rec = payload[pos:pos + n]
        eq = rec.find(b"=", sp - pos + 1)
        if n < sp - pos + 3 or len(rec) != n or rec[-1:] != b"\n" or eq <= sp - pos + 1:
            raise ReadErr("%s: malformed pax record at byte %d" % (where, pos))
        recs.append((rec[sp - pos + 1:eq], rec[eq + 1:-1]))
        pos += n
    return recs


class Entry:
    """One archive member as seen by tarfile plus the raw header chain."""

    def __init__(self, index):
        self.index = index


def canon_time(s):
    """Canonical decimal text of a pax time value ('1700000000.500' -> '1700000000.5')."""
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def _raw_walk(f, end):
    """Walk the header chain of [0, end): members and global headers, raw."""
    out, glob = [], []
    pos, start, xrec, longname, longlink = 0, None, [], None, None
    while pos < end:
        f.seek(pos)
        hdr = f.read(BLOCK)
        where = "header at offset %d" % pos
        if len(hdr) < BLOCK:
            raise ReadErr("%s: truncated" % where)
        if _num(hdr[148:156]) != sum(hdr[:148]) + 256 + sum(hdr[156:]):
            raise ReadErr("%s: bad checksum" % where)
        typ, size = hdr[156:157], _num(hdr[124:136])
        step = BLOCK + -(-size // BLOCK) * BLOCK
        if typ in (b"x", b"X", b"g", b"L", b"K"):
            body = f.read(size)
            if len(body) < size:
                raise ReadErr("%s: truncated extension header" % where)
            if typ == b"g":
                glob.append((len(out), parse_pax(body, "global " + where)))
            else:
                start = pos if start is None else start
                if typ in (b"x", b"X"):
                    xrec += parse_pax(body, "pax " + where)
                elif typ == b"L":
                    longname = body.rstrip(b"\x00")
                else:
                    longlink = body.rstrip(b"\x00")
            pos += step
            continue
        e = Entry(len(out))
        e.offset = pos if start is None else start
        e.hdr, e.typeflag, e.records = hdr, typ, xrec
        name = _cstr(hdr[0:100])
        if hdr[257:263] == b"ustar\x00" and _cstr(hdr[345:500]):
            name = _cstr(hdr[345:500]) + b"/" + name
        link = _cstr(hdr[157:257])
        name = longname if longname is not None else name
        link = longlink if longlink is not None else link
        for k, v in xrec:
            if k == b"path":
                name = v
            elif k == b"linkpath":
                link = v
            elif k == b"size":
                size = int(v)
        for k, v in xrec:
            if k == b"GNU.sparse.name":
                name = v
        e.rawname, e.rawlink = name, link
        out.append(e)
        pos += BLOCK
        if typ == b"S" and hdr[482]:  # old GNU sparse extension headers
            while True:
                f.seek(pos)
                ext = f.read(BLOCK)
                pos += BLOCK
                if len(ext) < BLOCK or not ext[504]:
                    break
        if typ not in NO_DATA_TYPES:
            pos += -(-size // BLOCK) * BLOCK
        start, xrec, longname, longlink = None, [], None, None
    if pos != end:
        raise ReadErr("header walk ended at offset %d, tarfile at %d" % (pos, end))
    return out, glob


def load(path, want_data=True):
    """Read an archive. Returns (entries, globals); raises ReadErr."""
    f = _open_plain(path)
    try:
        try:
            tf = tarfile.open(fileobj=f, mode="r:", encoding="utf-8", errors="surrogateescape")
            members = tf.getmembers()
        except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as e:
            raise ReadErr(str(e) or e.__class__.__name__)
        end = tf.offset
        f.seek(end)
        tail = f.read()
        if not tail:
            raise ReadErr("no end-of-archive marker (archive stops at offset %d)" % end)
        if tail[:BLOCK].strip(b"\x00"):
            raise ReadErr("unreadable header at offset %d (bad checksum, truncation or "
                          "garbage); tarfile stopped there" % end)
        if len(tail) < 2 * BLOCK:
            raise ReadErr("short end-of-archive marker at offset %d: %d zero bytes, "
                          "need 1024" % (end, len(tail)))
        junk = len(tail) - len(tail.lstrip(b"\x00"))
        if junk != len(tail):
            raise ReadErr("trailing garbage after end-of-archive marker at offset %d"
                          % (end + junk))

        entries, glob = _raw_walk(f, end)
        if len(entries) != len(members):
            raise ReadErr("tarfile sees %d entries, header walk %d" % (len(members), len(entries)))
        gdict = {}
        gi = 0
        for e, m in zip(entries, members):
            if e.offset != m.offset:
                raise ReadErr("entry %d: tarfile offset %d, header walk %d"
                              % (e.index, m.offset, e.offset))
            while gi < len(glob) and glob[gi][0] <= e.index:
                gdict.update(glob[gi][1])
                gi += 1
            eff = dict(gdict)
            eff.update(e.records)
            e.name = e.rawname
            e.tname = m.name
            e.mode = _num(e.hdr[100:108])
            e.uid, e.gid = m.uid, m.gid
            e.uname = m.uname.encode("utf-8", "surrogateescape")
            e.gname = m.gname.encode("utf-8", "surrogateescape")
            e.mtime = canon_time(eff[b"mtime"].decode("ascii", "replace")) if b"mtime" in eff \
                else str(_num(e.hdr[136:148]))
            e.size = m.size
            e.linkname = e.rawlink
            e.dev = (m.devmajor, m.devminor) if e.typeflag in (b"3", b"4") else None
            e.sparse = m.sparse is not None
            e.sha256 = None
            if want_data and (m.isreg() or m.type not in tarfile.SUPPORTED_TYPES):
                h = hashlib.sha256()
                try:
                    src = tf.extractfile(m)
                    while True:
                        b = src.read(1 << 20)
                        if not b:
                            break
                        h.update(b)
                except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as ex:
                    raise ReadErr("entry %d %s: data: %s" % (e.index, show_name(e.name), ex))
                e.sha256 = h.hexdigest()
        return entries, glob
    finally:
        f.close()


# --------------------------------------------------------------------------
# Comparison


def show_name(raw):
    return raw.decode("utf-8", "surrogateescape")


def fmt(v):
    if v is None:
        return "<absent>"
    if isinstance(v, bytes):
        if all(32 <= c < 127 for c in v) and len(v) <= 100:
            return '"%s"' % v.decode("ascii")
        s = "hex:" + v[:48].hex()
        return s + ("...(%d bytes)" % len(v) if len(v) > 48 else "")
    return str(v)


def diff_bytes(a, b):
    if isinstance(a, bytes) and isinstance(b, bytes) and max(len(a), len(b)) > 16:
        n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return " (first difference at byte %d)" % n
    return ""


def matches(e, names):
    return e.name in names or e.name.rstrip(b"/") in names


def skip_data_key(k):
    return k == b"size" or k.startswith(b"GNU.sparse.")


def compare(ea, eb, skip_data):
    """Yield (field, a, b) differences between two entries."""
    fields = [("name", ea.name, eb.name), ("type", ea.typeflag, eb.typeflag),
              ("mode", "%04o" % ea.mode, "%04o" % eb.mode), ("uid", ea.uid, eb.uid),
              ("gid", ea.gid, eb.gid), ("uname", ea.uname, eb.uname),
              ("gname", ea.gname, eb.gname), ("mtime", ea.mtime, eb.mtime),
              ("linkname", ea.linkname, eb.linkname)]
    if ea.dev or eb.dev:
        fields += [("devmajor", (ea.dev or (None, None))[0], (eb.dev or (None, None))[0]),
                   ("devminor", (ea.dev or (None, None))[1], (eb.dev or (None, None))[1])]
    if not skip_data:
        fields += [("size", ea.size, eb.size), ("sha256", ea.sha256, eb.sha256)]
    for name, a, b in fields:
        if a != b:
            yield name, a, b
    yield from compare_records(ea.records, eb.records, skip_data_key if skip_data else None)


def compare_records(ra, rb, ignore=None):
    keys = []
    for k, _ in ra + rb:
        if k not in keys and not (ignore and ignore(k)):
            keys.append(k)
    for k in keys:
        va = [v for kk, v in ra if kk == k]
        vb = [v for kk, v in rb if kk == k]
        if va == vb:
            continue
        field = "pax " + k.decode("utf-8", "surrogateescape")
        if len(va) > 1 or len(vb) > 1:
            yield (field, "%d record(s) [%s]" % (len(va), ", ".join(fmt(v) for v in va)),
                   "%d record(s) [%s]" % (len(vb), ", ".join(fmt(v) for v in vb)))
        else:
            yield field, va[0] if va else None, vb[0] if vb else None


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(
        prog="tarcmp.py", description="Compare two tar archives entry by entry, in order.")
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--skip", action="append", default=[], metavar="NAME",
                    help="ignore the entry NAME entirely (both archives)")
    ap.add_argument("--skip-under", action="append", default=[], metavar="NAME",
                    help="ignore NAME and every entry under it (both archives)")
    ap.add_argument("--only-old", action="store_true",
                    help="ignore the entries of B that A does not have")
    ap.add_argument("--skip-data", action="append", default=[], metavar="NAME",
                    help="compare NAME except its data, size, pax size and GNU.sparse.*")
    ap.add_argument("--by-name", action="store_true",
                    help="pair the entries by name, whatever their order")
    args = ap.parse_args(argv[1:])
    for s in (sys.stdout, sys.stderr):
        s.reconfigure(errors="backslashreplace")

    loaded = []
    for path in (args.a, args.b):
        try:
            loaded.append(load(path))
        except ReadErr as e:
            sys.stderr.write("tarcmp.py: %s: %s\n" % (path, e))
            return 2
        except Exception as e:  # never exit 1 ("different") on a reader bug
            sys.stderr.write("tarcmp.py: %s: unexpected %s: %s\n" % (path, type(e).__name__, e))
            return 2
    (ea, ga), (eb, gb) = loaded
    skip = {n.encode("utf-8", "surrogateescape").rstrip(b"/") for n in args.skip}
    skip |= {n.encode("utf-8", "surrogateescape") for n in args.skip}
    nodata = {n.encode("utf-8", "surrogateescape").rstrip(b"/") for n in args.skip_data}
    nodata |= {n.encode("utf-8", "surrogateescape") for n in args.skip_data}
    under = [n.encode("utf-8", "surrogateescape").rstrip(b"/") + b"/" for n in args.skip_under]

    def skipped(e):
        n = e.name.rstrip(b"/") + b"/"
        return matches(e, skip) or any(n.startswith(u) for u in under)

    ea = [e for e in ea if not skipped(e)]
    eb = [e for e in eb if not skipped(e)]
    if args.only_old:
        old = {e.name.rstrip(b"/") for e in ea}
        eb = [e for e in eb if e.name.rstrip(b"/") in old]
    if args.by_name:
        ea.sort(key=lambda e: e.name.rstrip(b"/"))
        eb.sort(key=lambda e: e.name.rstrip(b"/"))

    out = []
    # Archive-level pax global headers (position = index of the entry they precede).
    for i in range(max(len(ga), len(gb))):
        pa, ra = ga[i] if i < len(ga) else (None, [])
        pb, rb = gb[i] if i < len(gb) else (None, [])
        if i >= len(ga) or i >= len(gb):
            out.append("global header %d: only in %s" % (i, "A" if i < len(ga) else "B"))
            continue
        for field, a, b in compare_records(ra, rb):
            out.append("global header %d: %s: A=%s B=%s%s" % (i, field, fmt(a), fmt(b),
                                                               diff_bytes(a, b)))
    for x, y in zip(ea, eb):
        tag = "[%d]" % x.index if x.index == y.index else "[A%d/B%d]" % (x.index, y.index)
        sd = matches(x, nodata) or matches(y, nodata)
        for field, a, b in compare(x, y, sd):
            out.append("%s %s: %s: A=%s B=%s%s" % (tag, show_name(x.name), field, fmt(a),
                                                  fmt(b), diff_bytes(a, b)))
    for side, extra in (("A", ea[len(eb):]), ("B", eb[len(ea):])):
        for e in extra:
            out.append("[%s%d] %s: entry only in %s (count A=%d B=%d)"
                       % (side, e.index, show_name(e.name), side, len(ea), len(eb)))
    if out:
        sys.stdout.write("\n".join(out) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
