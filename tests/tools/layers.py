#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Check that common/ keeps its layers (docs/design.md).

layers.py [ROOT]: every C file of ROOT/common sits in a layer's folder, each
#include "common/..." points to its own folder or to one below it in LAYERS,
no file includes tools/, and no module (a .c with its .h, and its
-internal.h if it has one) reaches itself through includes. One line per
fault on stdout; exit 1 on a fault, 2 on a usage error, 0 when all holds.
"""
import os
import re
import sys

# Bottom first: a folder may include from itself and any folder above it in
# this list. oci/ is the OCI bridge, to come.
LAYERS = [
    "base",      # errors, allocation, macros, signals, big buffers, I/O loops
    "codec",     # gzip and xz, the block encoder, the member store
    "json",      # the JSON tree, generator and splices
    "caps",      # capability names and text, file capability values
    "io",        # the input source, the output sink, the output file
    "spec",      # appc's rules on a manifest
    "discovery", # appc's image discovery: names, meta tags, templates, HTTPS
    "tar",       # the tar stream and its pax headers
    "manifest",  # reading and patching a manifest
    "image",     # one pass over an image; validate, lint, file caps edits
    "fs",        # build, extract: the file system side
    "run",       # the executor: the run plan, lookups in a rootfs, runc
    "oci",       # the OCI bridge (to come)
]
RANK = {name: i for i, name in enumerate(LAYERS)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def c_files(top):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith((".c", ".h")):
                yield os.path.join(dirpath, f)


def module(rel):
    """common/tar/paxhdr.c and .h are one module: common/tar/paxhdr; so is
    a private header, common/tar/tarstream-internal.h (kmod's way)."""
    base = rel[:-2]
    return base[:-len("-internal")] if base.endswith("-internal") else base


def main(argv):
    if len(argv) > 2:
        print("usage: layers.py [ROOT]", file=sys.stderr)
        return 2
    root = argv[1] if len(argv) == 2 else "."
    common = os.path.join(root, "common")
    if not os.path.isdir(common):
        print(f"layers.py: {common}: no such directory", file=sys.stderr)
        return 2
    faults = []
    edges = {}
    for path in c_files(common):
        rel = os.path.relpath(path, root)
        parts = rel.split(os.sep)
        if len(parts) != 3 or parts[1] not in RANK:
            faults.append(f"{rel}: not in a layer's folder ({', '.join(LAYERS)})")
            continue
        layer = parts[1]
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            ip = inc.split("/")
            if ip[0] == "tools":
                faults.append(f"{rel}: includes {inc}: the library never reaches the CLI")
                continue
            if ip[0] != "common":
                continue
            if len(ip) != 3 or ip[1] not in RANK:
                faults.append(f"{rel}: includes {inc}: not a layer's header")
                continue
            if not os.path.exists(os.path.join(root, inc)):
                faults.append(f"{rel}: includes {inc}: no such file")
                continue
            if RANK[ip[1]] > RANK[layer]:
                faults.append(f"{rel}: includes {inc}: {ip[1]}/ is above {layer}/")
            a, b = module(rel), module(inc)
            if a != b:
                edges.setdefault(a, set()).add(b)
    faults += cycles(edges)
    for line in faults:
        print(line)
    return 1 if faults else 0


def cycles(edges):
    """One fault per strongly connected set of modules (Tarjan's)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                names = " ".join(sorted(scc))
                out.append(f"include circle: {names}")

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv))
