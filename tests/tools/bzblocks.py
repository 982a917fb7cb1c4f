#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bzblocks.py FILE: the CRC of each block of a bzip2 file, one per line, in
order, found by the blocks' 48-bit magic at any bit offset (bzip2 blocks are
not byte-aligned). A magic can occur by chance inside a block; on test data
of a few MiB it does not. Standard library only."""

import sys

BLOCK = 0x314159265359


def blocks(data):
    bits = len(data) * 8
    found = []
    for k in range(8):
        # The magic at bit offset k of a byte: its bytes 1 to 4 are whole.
        w = (BLOCK << (16 - k)).to_bytes(8, "big")
        needle = w[1:5]
        i = data.find(needle, 1)
        while i >= 0:
            pos = (i - 1) * 8 + k
            if pos + 80 <= bits:
                v = int.from_bytes(data[i - 1:i + 10], "big")
                span = len(data[i - 1:i + 10]) * 8
                if (v >> (span - k - 48)) & ((1 << 48) - 1) == BLOCK:
                    crc = (v >> (span - k - 80)) & 0xFFFFFFFF
                    found.append((pos, crc))
            i = data.find(needle, i + 1)
    return [crc for _, crc in sorted(found)]


if __name__ == "__main__":
    for crc in blocks(open(sys.argv[1], "rb").read()):
        print("%08x" % crc)
