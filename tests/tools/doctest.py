#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run a Markdown guide's shell commands in order, as a reader would.

doctest.py GUIDE: in the current directory, run every command of the
guide's ```sh and ```console blocks with bash, in the order they appear.
- ```sh: each line (a trailing backslash continues it) is a command that
  must succeed; its output is not checked.
- ```console: "$ " starts a command; the lines up to the next one are what
  it prints (stdout and stderr together). Each of those lines must appear in
  the output, whole and in that order; other output may come between them,
  and a line "..." stands for what the guide leaves out. A command whose
  line ends in "# fails" must exit non-zero; any other must exit 0.
- A block right after a line "<!-- doctest: skip -->" is not run (a recipe
  quoted from another tool, say).
- "sudo " before a command is dropped: run this as root.
Every command and its output are printed; exit 1 at the first command that
does not do what the guide says, 2 on a usage error.
"""
import re
import subprocess
import sys


def blocks(text):
    """(kind, lines) of every ```sh and ```console block not marked skip."""
    skip = False
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == "<!-- doctest: skip -->":
            skip = True
        m = re.match(r"^```(\w*)\s*$", line)
        if m:
            kind, body = m.group(1), []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if kind in ("sh", "console") and not skip:
                yield kind, body
            skip = False
        i += 1


def joined(lines):
    """Lines with trailing-backslash continuations joined."""
    out, cur = [], ""
    for line in lines:
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        out.append(cur + line)
        cur = ""
    if cur:
        out.append(cur)
    return out


def commands(kind, body):
    """(command, expected lines) pairs of one block."""
    if kind == "sh":
        for line in joined(body):
            if line.strip() and not line.lstrip().startswith("#"):
                yield line.strip(), None
        return
    cmd, want, pending = None, [], []
    for line in body:
        if line.startswith("$ "):
            if cmd is not None:
                yield cmd, want
            pending = [line[2:]]
            if line.endswith("\\"):
                cmd = None
                continue
            cmd, want = line[2:], []
        elif cmd is None and pending:
            pending.append(line.strip())
            if not line.endswith("\\"):
                cmd, want = joined(pending)[0], []
        elif cmd is not None:
            want.append(line.rstrip())
    if cmd is not None:
        yield cmd, want


def subsequence(want, got):
    """The first line of want not found, in order, in got; None if all are."""
    at = 0
    for w in want:
        if w.strip() in ("...", ""):
            continue
        while at < len(got) and got[at].rstrip() != w:
            at += 1
        if at == len(got):
            return w
        at += 1
    return None


def main(argv):
    if len(argv) != 2:
        print("usage: doctest.py GUIDE", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    n = 0
    for kind, body in blocks(text):
        for cmd, want in commands(kind, body):
            fails = bool(re.search(r"#\s*fails\s*$", cmd))
            run = re.sub(r"^sudo ", "", cmd)
            run = re.sub(r"\s+#.*$", "", run) if kind == "console" else run
            p = subprocess.run(["bash", "-c", run], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            n += 1
            print(f"$ {run}\n{p.stdout}[ rc={p.returncode} ]")
            if fails != (p.returncode != 0):
                print(f"doctest: '{cmd}': exit status {p.returncode}, "
                      f"the guide expects {'failure' if fails else 'success'}")
                return 1
            missing = subsequence(want or [], p.stdout.split("\n"))
            if missing is not None:
                print(f"doctest: '{cmd}': the guide shows '{missing}', not printed")
                return 1
    print(f"doctest: {n} commands ran as the guide says")
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
