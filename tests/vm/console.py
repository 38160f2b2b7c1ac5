#!/usr/bin/python3
"""Console login on a guest's serial getty, driven over qemu's unix socket.

usage: console.py [-s SOCKET] [-t SECONDS] USER PASSWORD COMMAND

SOCKET is the guest's ttyS1 (default: $VM_SERIAL, set by vm_boot in
tests/vm/lib.sh). Waits for the getty's "login:" prompt, types USER and
PASSWORD, waits for the shell, runs COMMAND (one line of shell), logs out,
and prints COMMAND's output (carriage returns and the echo of what was
typed left out). Exit status: COMMAND's; 124 when a step timed out or the
login failed (what the terminal showed is then on stderr). SECONDS (default
120) bounds each step: under TCG a login takes seconds.
"""
import os
import re
import select
import socket
import sys
import time

BEGIN = "@@console-begin@@"
END = "@@console-end@@"


class Console:
    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.timeout = timeout
        self.seen = ""      # everything read, for the diagnostics
        self.pending = ""   # read since the last match

    def send(self, text):
        self.sock.sendall(text.encode())

    def read(self, seconds):
        ready, _, _ = select.select([self.sock], [], [], seconds)
        if not ready:
            return False
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("the serial socket was closed")
        text = data.decode("utf-8", "replace").replace("\r", "")
        self.seen += text
        self.pending += text
        return True

    def expect(self, pattern, what, poke=None, poke_every=5.0):
        """Wait for PATTERN in the output; every POKE_EVERY seconds send POKE."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + self.timeout
        last_poke = time.monotonic()
        if poke is not None:
            self.send(poke)
        while True:
            m = regex.search(self.pending)
            if m:
                rest = self.pending[m.end():]
                self.pending = rest
                return m
            now = time.monotonic()
            if now >= deadline:
                raise TimeoutError(f"no {what} within {self.timeout:.0f} s")
            if poke is not None and now - last_poke >= poke_every:
                self.send(poke)
                last_poke = now
            self.read(min(1.0, deadline - now))


def main():
    args = sys.argv[1:]
    path = os.environ.get("VM_SERIAL", "")
    timeout = 120.0
    while args and args[0] in ("-s", "-t") and len(args) >= 2:
        if args[0] == "-s":
            path = args[1]
        else:
            timeout = float(args[1])
        args = args[2:]
    if len(args) != 3 or not path:
        sys.stderr.write(__doc__)
        return 2
    user, password, command = args
    con = Console(path, timeout)
    try:
        # a fresh prompt: an empty line makes agetty print it again
        con.expect(r"login: *$", "login prompt", poke="\r", poke_every=5.0)
        con.send(user + "\r")
        m = con.expect(r"(Password: *$|login: *$)", "password prompt")
        if m.group(1).startswith("login"):
            raise TimeoutError("the getty asked for the login again")
        con.send(password + "\r")
        m = con.expect(r"(Login incorrect|login: *$|[$#>] *$)", "shell prompt")
        if m.group(1) == "Login incorrect" or m.group(1).startswith("login"):
            raise TimeoutError(f"the login was refused ({m.group(1).strip()})")
        # the markers are split in what is typed, whole only in the output
        b1, b2 = BEGIN[:8], BEGIN[8:]
        e1, e2 = END[:8], END[8:]
        line = (f"printf '%s%s\\n' '{b1}' '{b2}'; {command}; "
                f"printf '%s%s %s\\n' '{e1}' '{e2}' \"$?\"; exit\r")
        con.send(line)
        con.expect(re.escape(BEGIN) + r"\n", "start of the command's output")
        m = con.expect(r"^(.*?)" + re.escape(END) + r" (\d+)\n", "end of the command's output")
        # the command's own output: what came between the markers (the
        # output may end without a newline: the end marker is then on its line)
        body = re.match(r"(?s)(.*?)" + re.escape(END), con.seen[con.seen.index(BEGIN + "\n") + len(BEGIN) + 1:])
        sys.stdout.write(body.group(1) if body else "")
        status = int(m.group(2))
        try:  # the getty comes back after the logout
            con.expect(r"login: *$", "login prompt after the logout")
        except TimeoutError:
            sys.stderr.write("console.py: no new login prompt after the logout\n")
        return status
    except (TimeoutError, EOFError, OSError) as e:
        sys.stderr.write(f"console.py: {e}\n--- the serial console showed ---\n{con.seen[-3000:]}\n---\n")
        return 124


if __name__ == "__main__":
    sys.exit(main())
