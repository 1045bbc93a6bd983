# SPDX-License-Identifier: GPL-2.0-or-later
# syslog-recv.py SOCKET OUT COMMAND...: bind the datagram socket SOCKET as a
# syslog daemon binds /dev/log, run COMMAND, then write every message that
# reached the socket to OUT, one a line; exit with COMMAND's status.  The
# audit tests (tests/cli/audit.sh, tests/vm/t-persist.sh) read what a real
# host's syslog would have got.
import socket
import subprocess
import sys
import os

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
try:
    rc = subprocess.call(sys.argv[3:])
    s.setblocking(False)
    with open(out, "wb") as f:
        while True:
            try:
                f.write(s.recv(65536) + b"\n")
            except BlockingIOError:
                break
finally:
    os.unlink(path)
sys.exit(rc)
