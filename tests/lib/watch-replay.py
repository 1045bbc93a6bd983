#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# watch-replay.py - `apmatrix watch --json`'s stream replayed on its own
# snapshot: every change line's "after" applied must give the show --json
# document taken after the stream ended (tests/cli/watch.sh, tests/vm/t-watch.sh).
# Usage: watch-replay.py [--wait SECONDS] STREAM SHOW-JSON
# Prints "N lines, M batches" or fails saying what differs.  With --wait the
# stream is still being written: it is read again until its replay is
# SHOW-JSON or SECONDS have passed (the time it took is printed too).
import json
import sys
import time

KEYS1 = ["uuid", "label", "guest", "in_use", "adapters", "domains", "control_domains", "matrix",
         "guest_adapters", "guest_domains", "guest_control_domains", "guest_matrix", "filtered"]


def replay(lines, final):
    """None when the stream's lines replayed are final, else what differs."""
    if not lines:
        return "no line"
    snap = lines[0]
    if snap["kind"] != "snapshot" or snap["batch"] != 0:
        return "the first line is not the snapshot"
    s = json.loads(json.dumps(snap["show"]))
    queues = {q["apqn"]: q for q in s["queues"]}
    adapters = {a["id"]: a for a in s["adapters"]}
    mdevs = {m["uuid"]: {k: m[k] for k in KEYS1} for m in s["mdevs"] if m["active"]}
    batch = 0
    for n, l in enumerate(lines[1:], 2):
        if l["batch"] < batch:
            return "line %d: batch %d after %d" % (n, l["batch"], batch)
        batch = l["batch"]
        k = l["kind"]
        if k == "mask":
            s[l["mask"]] = l["after"]
        elif k == "host":
            s["host"] = l["after"]
        elif k == "adapter":
            if l["after"] is None:
                adapters.pop(l["adapter"], None)
            else:
                adapters[l["adapter"]] = l["after"]
        elif k == "mdev":
            if l["after"] is None:
                mdevs.pop(l["uuid"], None)
            else:
                mdevs[l["uuid"]] = l["after"]
        elif k == "queues":
            for apqn in l["apqns"]:
                q = dict(l["after"])
                q.pop("filter")
                q.pop("reason")
                a, d = apqn.split(".")
                q.update(apqn=apqn, adapter=int(a, 16), domain=int(d, 16))
                queues[apqn] = q
        elif k not in ("reload", "lpar"):
            return "line %d: unknown kind %s" % (n, k)
    queues = {a: q for a, q in queues.items() if q["exists"] or q["mdev"]}
    want_q = {q["apqn"]: q for q in final["queues"]}
    diff = [a for a in sorted(set(queues) | set(want_q)) if queues.get(a) != want_q.get(a)]
    if diff:
        return "%d queues differ, the first %s: %s != %s" % (
            len(diff), diff[0], queues.get(diff[0]), want_q.get(diff[0]))
    for key in ("apmask", "aqmask", "host"):
        if s[key] != final[key]:
            return "%s: %s != %s" % (key, s[key], final[key])
    want_a = {a["id"]: a for a in final["adapters"]}
    for a in sorted(set(want_a) | set(adapters)):
        if adapters.get(a) != want_a.get(a):
            return "adapter %d: %s != %s" % (a, adapters.get(a), want_a.get(a))
    want_m = {m["uuid"]: {k: m[k] for k in KEYS1} for m in final["mdevs"] if m["active"]}
    if mdevs != want_m:
        return "mdevs: %s != %s" % (mdevs, want_m)
    return None


def read_lines(path):
    # Only whole lines: the writer may be in the middle of one.
    with open(path) as f:
        return [json.loads(l) for l in f if l.endswith("\n")]


def main(argv):
    wait = None
    if len(argv) > 1 and argv[1] == "--wait":
        wait = float(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) != 3:
        sys.exit("usage: watch-replay.py [--wait SECONDS] STREAM SHOW-JSON")
    final = json.load(open(argv[2]))
    start = time.monotonic()
    while True:
        lines = read_lines(argv[1])
        why = replay(lines, final)
        if why is None:
            batches = lines[-1]["batch"]
            if wait is None:
                print("%d lines, %d batches" % (len(lines), batches))
            else:
                print("%d lines, %d batches, replayed right after %.1f s"
                      % (len(lines), batches, time.monotonic() - start))
            return 0
        if wait is None or time.monotonic() - start > wait:
            print("%d lines: %s" % (len(lines), why))
            return 1
        time.sleep(0.2)


sys.exit(main(sys.argv))
