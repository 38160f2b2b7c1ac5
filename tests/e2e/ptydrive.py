#!/usr/bin/python3
"""Expect-like driver: runs COMMAND on a new pseudo-terminal and follows SCRIPT.

usage: ptydrive.py [-t SECONDS] SCRIPT -- COMMAND [ARG...]

SCRIPT has one step a line (blank lines and lines starting with # are skipped):
  expect REGEX   wait until the output read since the last match matches REGEX
                 (Python re, MULTILINE); at most SECONDS (default 20) per step
  send TEXT      type TEXT and a carriage return
  sleep SECONDS  wait, reading output meanwhile
  eof            wait for the end of the output and for COMMAND to exit

Everything read from the terminal is copied to standard output (carriage
returns dropped). At the end a last line "@@ptydrive status=N" gives
COMMAND's exit status (128+signal when killed), or "@@ptydrive timeout
STEP" when a step timed out, after which COMMAND is killed.
"""
import os
import pty
import re
import select
import signal
import sys
import time


def main():
    args = sys.argv[1:]
    timeout = 20.0
    if len(args) >= 2 and args[0] == "-t":
        timeout = float(args[1])
        args = args[2:]
    if len(args) < 3 or args[1] != "--":
        sys.stderr.write(__doc__)
        return 2
    with open(args[0], encoding="utf-8") as f:
        steps = [ln.rstrip("\n") for ln in f if ln.strip() and not ln.startswith("#")]
    command = args[2:]

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)

    out = sys.stdout.buffer
    pending = b""      # read since the last match
    eof = False

    def read_some(deadline):
        nonlocal pending, eof
        left = deadline - time.monotonic()
        if eof or left <= 0:
            return
        r, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not r:
            return
        try:
            data = os.read(fd, 65536)
        except OSError:       # EIO: the other side is closed
            data = b""
        if not data:
            eof = True
            return
        out.write(data.replace(b"\r", b""))
        out.flush()
        pending += data

    def fail(step):
        out.write(("\n@@ptydrive timeout %s\n" % step).encode())
        out.flush()
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        return 1

    for step in steps:
        verb, _, arg = step.partition(" ")
        deadline = time.monotonic() + timeout
        if verb == "expect":
            rx = re.compile(arg.encode(), re.M)
            while True:
                m = rx.search(pending.replace(b"\r", b""))
                if m:
                    pending = pending.replace(b"\r", b"")[m.end():]
                    break
                if eof or time.monotonic() >= deadline:
                    return fail(step)
                read_some(deadline)
        elif verb == "send":
            os.write(fd, arg.encode() + b"\r")
        elif verb == "sleep":
            until = time.monotonic() + float(arg)
            while time.monotonic() < until and not eof:
                read_some(until)
        elif verb == "eof":
            while not eof:
                if time.monotonic() >= deadline:
                    return fail(step)
                read_some(deadline)
        else:
            sys.stderr.write("ptydrive: unknown step: %s\n" % step)
            return fail(step)

    # the command's status (waiting for it at most one step's time)
    deadline = time.monotonic() + timeout
    while True:
        wpid, status = os.waitpid(pid, os.WNOHANG)
        if wpid:
            break
        if time.monotonic() >= deadline:
            return fail("exit")
        read_some(min(deadline, time.monotonic() + 0.1))
        if eof:
            time.sleep(0.05)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    out.write(("\n@@ptydrive status=%d\n" % code).encode())
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
