#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# floor.py - the system calls of `apmatrix show --json` against their floor
# (part of make bench).
#
# Usage: floor.py TRACE BASE-TRACE ROOT OUTPUT-BYTES
# TRACE is `strace -f -o` of show --json on the tree ROOT, BASE-TRACE the
# same of `apmatrix --version` (the process's start: loader, libraries).
# The floor is what the job needs at least: the start, then one open, one
# read and one close per file read (one call per file asked for and found
# missing), per directory one open, one getdents64 with entries, the empty
# one that ends it and a close, one call per link, and the output in 1 MiB
# blocks.  Prints both and the ratio; a figure, not a test.
import re
import sys

trace, base, root, out_bytes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
call = re.compile(r'^(?:\d+\s+)?(\w+)\((.*)\)\s+=\s+(-?\d+|\?)')


def calls(path):
    n = 0
    for line in open(path):
        if call.match(line):
            n += 1
    return n


total = 0
files = missing = dirs = links = getdents = reads = writes = 0
opened = {}  # fd -> "file" | "dir"
for line in open(trace):
    m = call.match(line)
    if not m:
        continue
    total += 1
    name, args, ret = m.group(1), m.group(2), m.group(3)
    rc = int(ret) if ret != "?" else 0
    if name in ("openat", "open"):
        path = re.search(r'"([^"]*)"', args)
        path = path.group(1) if path else ""
        # The host's files (relative to the root fd) and the persistent configuration's.
        if path.startswith("/lib") or path.startswith("/usr/lib") or ".so" in path or \
                path.startswith("/etc/ld.so") or path == root:
            continue
        if rc < 0:
            missing += 1
        elif "O_DIRECTORY" in args:
            dirs += 1
            opened[rc] = "dir"
        else:
            files += 1
            opened[rc] = "file"
    elif name == "getdents64":
        getdents += 1
    elif name in ("readlink", "readlinkat"):
        links += 1
    elif name in ("read", "pread64"):
        fd = int(args.split(",")[0])
        if opened.get(fd) == "file":
            reads += 1
    elif name == "write" and args.startswith("1,"):
        writes += 1
    elif name == "close":
        fd = int(args.split(",")[0].strip() or -1)
        opened.pop(fd, None)

start = calls(base)
blocks = (out_bytes + (1 << 20) - 1) >> 20
floor = start + 3 * files + missing + 4 * dirs + links + blocks
print("tree   apmatrix show --json: %d system calls (strace -f, the program itself)" % total)
print("tree     %d files read with %d reads, %d asked for and missing, %d directories listed "
      "with %d getdents64, %d links, %d writes of %.1f MB"
      % (files, reads, missing, dirs, getdents, links, writes, out_bytes / 1e6))
print("tree     the floor: %d (the start %d, open/read/close per file %d, %d missing, "
      "a listing per directory %d, links %d, 1 MiB blocks %d)"
      % (floor, start, 3 * files, missing, 4 * dirs, links, blocks))
print("tree     show --json / the floor: %.3fx" % (total / floor))
