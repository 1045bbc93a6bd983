#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# storm.py - the console in a real terminal through a uevent storm (make bench-vm).
#
# Usage: storm.py APMATRIX-ARGS... -- STORM-COMMAND...
# The console (`APMATRIX-ARGS tui`) runs in tmux at 200x60; this program
# is a tmux control-mode client, so it sees the pane's output as it comes
# (%output) and captures the screen without starting a process.  When the
# first frame is up, STORM-COMMAND runs (e.g. sysw /sys/bus/ap/apmask 0x);
# while it runs, `?` is pressed again and again (the help opens, then
# closes): each key's answer is the first output after which the screen
# shows it.  When the command has returned (the kernel has sent the last
# event), the screen is captured at each output, while a console started
# afresh on the host (script mode, the same size) makes the reference and
# after, until it is that reference: the time from the last event to the
# output from which on the screen is correct.  Then the console's log is
# searched for lost events, and its CPU time over the storm is reported.
# Figures only, each beside its goal; nothing passes or fails on time.
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time

W, H = 200, 60
# tmux must take the console's output as UTF-8 (the box lines), whatever the caller's locale.
os.environ.update(LC_ALL="C.UTF-8", TERM=os.environ.get("TERM") or "xterm-256color")


class Tmux:
    """A tmux server with one pane, driven through a control-mode client."""

    def __init__(self, sock, command):
        self.sock = sock
        subprocess.run(["tmux", "-S", sock, "-f", "/dev/null", "new-session", "-d", "-s", "b",
                        "-x", str(W), "-y", str(H), command], check=True)
        subprocess.run(["tmux", "-S", sock, "set", "-g", "window-size", "manual"], check=True)
        self.p = subprocess.Popen(["tmux", "-S", sock, "-C", "attach", "-t", "b"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.replies = queue.Queue()
        self.lost = 0
        self.cv = threading.Condition()
        self.outputs = 0          # %output notifications seen
        self.last_output = 0.0    # when the last came
        threading.Thread(target=self.reader, daemon=True).start()
        self.replies.get(timeout=60)  # the attach's own reply comes first
        self.cmd("refresh-client -C %dx%d" % (W, H))

    def reader(self):
        block = None
        for raw in self.p.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if block is not None:
                if line.startswith("%end") or line.startswith("%error"):
                    self.replies.put(block)
                    block = None
                else:
                    block.append(line)
            elif line.startswith("%begin"):
                block = []
            elif line.startswith("%output"):
                with self.cv:
                    self.outputs += 1
                    self.last_output = time.monotonic()
                    self.cv.notify_all()
        with self.cv:
            self.outputs = -1
            self.cv.notify_all()

    def cmd(self, c):
        self.p.stdin.write((c + "\n").encode())
        self.p.stdin.flush()
        return self.replies.get(timeout=60)

    def screen(self):
        s = self.cmd("capture-pane -p -t b")
        # The console logs "uevents were lost (N times so far)": the largest N seen.
        for line in s:
            i = line.find("uevents were lost (")
            if i >= 0:
                n = line[i + 19:].split(" ", 1)[0]
                if n.isdigit():
                    self.lost = max(self.lost, int(n))
        return s

    def wait_output(self, seen, deadline):
        """Until an output after the count seen, or deadline: the new count and its time."""
        with self.cv:
            while self.outputs == seen and time.monotonic() < deadline:
                self.cv.wait(max(0.0, deadline - time.monotonic()))
            return self.outputs, self.last_output

    def until(self, test, deadline):
        """The time of the output after which test(screen) holds, None at the deadline."""
        with self.cv:
            seen, when = self.outputs, self.last_output
        if test(self.screen()):
            return when
        while time.monotonic() < deadline:
            n, when = self.wait_output(seen, deadline)
            if n < 0:
                return None
            if n == seen:
                continue
            seen = n
            # A frame may come in several notifications: let it end before looking.
            time.sleep(0.002)
            with self.cv:
                seen, when = self.outputs, self.last_output
            if test(self.screen()):
                return when
        return None

    def close(self):
        subprocess.run(["tmux", "-S", self.sock, "kill-server"], stderr=subprocess.DEVNULL)


class Recorder:
    """The pane's screens after each output, with that output's time, until stop()."""

    def __init__(self, t):
        self.t = t
        self.shots = []
        self.done = threading.Event()
        with t.cv:
            seen, when = t.outputs, t.last_output
        self.shots.append((when, body(t.screen())))
        self.seen = seen
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done.is_set():
            n, _ = self.t.wait_output(self.seen, time.monotonic() + 0.2)
            if n < 0:
                return
            if n == self.seen:
                continue
            # A frame may come in several notifications: let it end before looking.
            time.sleep(0.002)
            with self.t.cv:
                self.seen, when = self.t.outputs, self.t.last_output
            self.shots.append((when, body(self.t.screen())))

    def stop(self):
        self.done.set()
        self.thread.join()
        # And the screen as it is now (an output may have come after the last look).
        with self.t.cv:
            when = self.t.last_output
        self.shots.append((when, body(self.t.screen())))
        return self.shots


def cpu_s(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def body(lines):
    """The screen above the log area (the log says what happened; a fresh console has none)."""
    for i, l in enumerate(lines):
        if l.startswith("\u2500\u2500\u2500"):
            return [x.rstrip() for x in lines[:i]]
    return [x.rstrip() for x in lines]


def main(argv):
    sep = argv.index("--")
    apm, storm = argv[1:sep], argv[sep + 1:]
    work = tempfile.mkdtemp()
    shq = " ".join("'%s'" % a.replace("'", "'\\''") for a in apm)
    t = Tmux(os.path.join(work, "sock"), "exec env TERM=xterm-256color LC_ALL=C.UTF-8 %s tui" % shq)
    try:
        pid = int(t.cmd("display -p -t b '#{pane_pid}'")[0])
        up = t.until(lambda s: any("mdevs (Tab" in l for l in s), time.monotonic() + 300)
        if up is None:
            print("storm  the console did not come up")
            return 1
        time.sleep(1.0)
        cpu0, t0 = cpu_s(pid), time.monotonic()
        p = subprocess.Popen(storm, stdout=subprocess.DEVNULL)
        lat, at = [], []  # each key's answer (ms) and when it was pressed (s into the storm)
        opened = False
        time.sleep(0.3)
        while p.poll() is None:
            # One key, and the screen that answers it: the help open, or closed again.
            want_open = not opened
            k = time.monotonic()
            t.cmd("send-keys -t b '?'")
            when = t.until(lambda s: any("apmatrix help" in l for l in s[:4]) == want_open,
                           k + 30)
            if when is None:
                print("storm  console: a key was not answered within 30 s")
                break
            lat.append(max(0.0, when - k) * 1e3)
            at.append(k - t0)
            opened = want_open
            t.screen()
            time.sleep(0.2)
        p.wait()
        t_last = time.monotonic()
        if opened:
            t.cmd("send-keys -t b '?'")
        # What a console started now shows: the reference for the correct
        # screen.  It takes a full load, seconds at this size: the screens
        # the console shows meanwhile are recorded, each with the time of the
        # output it came after, and the correct one is looked for among them.
        rec = Recorder(t)
        script = os.path.join(work, "script")
        with open(script, "w") as f:
            f.write(":save-display %s/fresh.txt\n" % work)
        subprocess.run(apm + ["tui", "--script", script, "--size", "%dx%d" % (W, H)],
                       stdout=subprocess.DEVNULL, check=True)
        shots = rec.stop()
        with open(os.path.join(work, "fresh.txt")) as f:
            fresh = body(f.read().split("\n"))
        # The first of the recorded screens from which on all are correct.
        when = None
        for w, s in reversed(shots):
            if s != fresh:
                break
            when = w
        if when is None:
            when = t.until(lambda s: body(s) == fresh, time.monotonic() + 120)
        cpu1, t1 = cpu_s(pid), time.monotonic()
        print("storm  the storm (%s): %.2f s" % (" ".join(storm), t_last - t0))
        if lat:
            q = statistics.quantiles(lat, n=100) if len(lat) > 1 else lat * 99
            worst = max(range(len(lat)), key=lat.__getitem__)
            print("storm  console: a key pressed during the storm answered in %.0f ms at most "
                  "(%d keys, median %.0f ms, p90 %.0f, p99 %.0f; %d over 100 ms; the slowest "
                  "pressed %.1f s into the storm; goal <= 100 ms)"
                  % (max(lat), len(lat), statistics.median(lat), q[89], q[98],
                     sum(1 for v in lat if v > 100), at[worst]))
        else:
            print("storm  console: the storm ended before a key could be pressed")
        if when is None:
            print("storm  console: the screen was NOT correct 120 s after the last event")
            s = body(t.screen())
            diff = [i for i in range(max(len(s), len(fresh)))
                    if (s[i:i + 1] or [""]) != (fresh[i:i + 1] or [""])]
            for i in diff[:3]:
                print("storm    row %d: %r" % (i, (s[i:i + 1] or [""])[0][:120]))
                print("storm    fresh: %r" % (fresh[i:i + 1] or [""])[0][:120])
        else:
            print("storm  console: the screen correct %.0f ms after the last event "
                  "(goal <= 1000 ms)" % (max(0.0, when - t_last) * 1e3))
        print("storm  console: CPU %.2f s during the storm and until the screen was correct "
              "(%.2f s wall)" % (cpu1 - cpu0, t1 - t0))
        t.cmd("send-keys -t b L")
        time.sleep(1.0)
        t.screen()
        print("storm  console: events lost: %s (goal 0; its log's lines, as seen on screen)"
              % ("0" if not t.lost else "%d times, each answered by one full load" % t.lost))
    finally:
        t.close()
    return 0


sys.exit(main(sys.argv))
