#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""shcomplete.py: type a command line into an interactive shell, press TAB,
and print the words of the line as the shell then holds it.

  shcomplete.py bash|zsh DIR SETUP LINE

The shell (bash --norc or zsh -f) runs in a pseudo-terminal, in DIR. SETUP is
run first (source a completion, compinit). LINE is typed, with each '\\t' in
it sent as a TAB key; then the cursor goes to the start of the line, which
is prefixed with "printf '[%s]\\n' " and run: the words come back one a line,
as the shell split them, and are printed one a line. Input is queued and
the line editor handles it in order, so nothing depends on timing. Exit 2
when the shell does not answer within 30 seconds.
"""

import os
import pty
import select
import sys
import time


def main():
    shell, cwd, setup, line = sys.argv[1:5]
    line = line.replace("\\t", "\t")
    if shell == "bash":
        argv = ["bash", "--norc", "--noprofile", "-i"]
        pre = 'bind "set bell-style none"; PS1="$ "; '
    else:
        argv = ["zsh", "-f", "-i"]
        pre = 'PS1="%% "; bindkey -e; unsetopt beep; '
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ["TERM"] = "dumb"
        os.environ.pop("HISTFILE", None)
        os.execvp(argv[0], argv)
    keys = (pre + setup + "\n" + line + "\x01printf '[%s]\\n' \n" + "exit\n").encode()
    os.write(fd, keys)
    out = b""
    deadline = time.time() + 30
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    else:
        os.kill(pid, 9)
        sys.stderr.write(out.decode(errors="replace"))
        sys.exit(2)
    os.waitpid(pid, 0)
    for raw in out.decode(errors="replace").replace("\r", "").split("\n"):
        if raw.startswith("[") and raw.endswith("]"):
            print(raw[1:-1])


if __name__ == "__main__":
    main()
