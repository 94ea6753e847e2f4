#!/usr/bin/env python3
#
# Talk to the featmask test guest over its serial console.
#
# The guest (scripts/guest/init) prints FEATMASK-* lines on ttyS0 and answers
# commands typed there; docs/devel/guest.rst describes the protocol.  QEMU
# exposes the serial port as a unix socket with
#   -serial unix:PATH,server=on,wait=off
# and this module connects to it.  Python standard library only.
#
# As a module:
#   with GuestConsole('/tmp/x.sock') as con:
#       boot = con.wait_ready(timeout=120)
#       devs = con.features()
#       print(devs['virtio0'].features)   # int, bit 0 = feature 0
#
# As a program:
#   console.py /tmp/x.sock --wait-ready features ping
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

import argparse
import itertools
import re
import secrets
import select
import sys
import time
from dataclasses import dataclass

import unixsock

READY_RE = re.compile(r'^FEATMASK-GUEST-READY\b(.*)$')
VIRTIO_RE = re.compile(r'^FEATMASK-VIRTIO (\S+) device=(\S+) features=([01]+)'
                       r'(?: status=(\S+))?(?: driver=(\S+))?')
PONG_RE = re.compile(r'^FEATMASK-PONG (\S+)')
ERR_RE = re.compile(r'^FEATMASK-ERR (.*)$')
END = 'FEATMASK-END'

# Terminal control sequences that firmware and the kernel write to the
# serial port (reset, clear screen, wrap off).
ANSI_RE = re.compile(r'\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_]|c)')


class GuestError(Exception):
    """The guest answered with FEATMASK-ERR."""


@dataclass
class VirtioDevice:
    """One FEATMASK-VIRTIO line."""
    name: str           # virtio0, virtio1, ...
    device: int         # virtio device id (1 = net)
    bits: str           # as the kernel prints it, bit 0 first
    status: int | None  # virtio status byte, if reported
    driver: str | None  # bound driver, 'none' when unbound

    @property
    def features(self):
        """The negotiated feature bits as an integer."""
        return bits_to_int(self.bits)

    def has(self, bit):
        return bit < len(self.bits) and self.bits[bit] == '1'


def bits_to_int(bits):
    """Turn the kernel's bit string (bit 0 first) into an integer."""
    return sum(1 << i for i, c in enumerate(bits) if c == '1')


def parse_virtio(line):
    """Parse one FEATMASK-VIRTIO line; None if it is not one."""
    m = VIRTIO_RE.match(line)
    if not m:
        return None
    status = int(m.group(4), 0) if m.group(4) not in (None, '?') else None
    return VirtioDevice(name=m.group(1), device=int(m.group(2), 0),
                        bits=m.group(3), status=status, driver=m.group(5))


def parse_virtio_lines(lines):
    """Map device name to VirtioDevice for every FEATMASK-VIRTIO line."""
    devs = {}
    for line in lines:
        dev = parse_virtio(line)
        if dev:
            devs[dev.name] = dev
    return devs


class GuestConsole:
    """A line-oriented connection to the guest's serial console."""

    def __init__(self, path, connect_timeout=30.0, log=None):
        """Connect to the unix socket at @path, retrying while QEMU has not
        created it yet.  @log, a writable text file, receives every line
        read from the guest."""
        self.path = path
        self.log = log
        self.lines = []     # everything read so far, for diagnostics
        self._buf = b''
        self._tags = itertools.count(1)
        self._prefix = secrets.token_hex(3)
        sock = unixsock.connect(path, connect_timeout, 'serial console')
        self.sock = sock

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def readline(self, timeout):
        """Return the next line, without line ending and escape sequences.
        Raise TimeoutError after @timeout seconds, EOFError when QEMU
        closes the connection."""
        deadline = time.monotonic() + timeout
        while b'\n' not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('no line from the guest in time')
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                continue
            data = self.sock.recv(4096)
            if not data:
                raise EOFError('guest console closed')
            self._buf += data
        raw, self._buf = self._buf.split(b'\n', 1)
        line = ANSI_RE.sub('', raw.decode('utf-8', 'replace')).strip('\r')
        self.lines.append(line)
        if self.log:
            self.log.write(line + '\n')
            self.log.flush()
        return line

    def wait_for(self, pattern, timeout):
        """Read lines until one matches @pattern (searched, not anchored
        unless the pattern says so); return the match."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.readline(max(left, 0))
            except TimeoutError:
                raise TimeoutError(f'timeout waiting for {regex.pattern!r}')
            m = regex.search(line)
            if m:
                return m

    def send(self, line):
        """Type @line followed by a newline on the guest console."""
        self.sock.sendall(line.encode() + b'\n')

    def _new_tag(self):
        return f'{self._prefix}-{next(self._tags)}'

    def _reply(self, tag, timeout):
        """Collect the lines between FEATMASK-BEGIN @tag and FEATMASK-END
        @tag; replies to other requests are skipped."""
        self.wait_for(re.compile(rf'^FEATMASK-BEGIN {re.escape(tag)}$'),
                      timeout)
        out = []
        deadline = time.monotonic() + timeout
        while True:
            line = self.readline(max(deadline - time.monotonic(), 0))
            if line == f'{END} {tag}':
                return out
            out.append(line)

    def command(self, cmd, timeout=30.0):
        """Send @cmd, return the lines of its reply (without the framing).
        Raise GuestError if the guest did not understand it."""
        tag = self._new_tag()
        self.send(f'@{tag} {cmd}')
        out = self._reply(tag, timeout)
        for line in out:
            m = ERR_RE.match(line)
            if m:
                raise GuestError(m.group(1))
        return out

    def wait_ready(self, timeout=120.0):
        """Wait for the boot report; return (READY line fields as a dict,
        {name: VirtioDevice}).  Connect before the guest reaches userspace:
        QEMU drops serial output while no client is connected."""
        m = self.wait_for(READY_RE, timeout)
        fields = dict(kv.split('=', 1) for kv in m.group(1).split()
                      if '=' in kv)
        lines = []
        deadline = time.monotonic() + timeout
        while True:
            line = self.readline(max(deadline - time.monotonic(), 0))
            if line == END:
                break
            lines.append(line)
        return fields, parse_virtio_lines(lines)

    def sync(self, timeout=120.0, interval=1.0):
        """Ping until the guest answers: use it when connecting to a guest
        that may already be up, or may still be booting."""
        deadline = time.monotonic() + timeout
        sent = set()
        while time.monotonic() < deadline:
            tag = self._new_tag()
            sent.add(tag)
            self.send(f'@{tag} ping')
            until = min(time.monotonic() + interval, deadline)
            while True:
                left = until - time.monotonic()
                if left <= 0:
                    break
                try:
                    line = self.readline(left)
                except TimeoutError:
                    break
                if line.startswith(END + ' ') and line[len(END) + 1:] in sent:
                    return
        raise TimeoutError('guest did not answer ping')

    def features(self, timeout=30.0):
        """Ask for the negotiated features: {name: VirtioDevice}."""
        return parse_virtio_lines(self.command('features', timeout))

    def ping(self, timeout=30.0):
        """Return the guest's uptime in seconds."""
        for line in self.command('ping', timeout):
            m = PONG_RE.match(line)
            if m:
                return float(m.group(1))
        raise GuestError('no FEATMASK-PONG in the reply to ping')


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Drive the featmask test guest over its serial socket.')
    ap.add_argument('socket', help='unix socket of -serial unix:PATH,server=on')
    ap.add_argument('commands', nargs='*',
                    help='guest commands to run (features, ping, net, ...)')
    ap.add_argument('--timeout', type=float, default=120.0,
                    help='seconds to wait for each step (default 120)')
    ap.add_argument('--wait-ready', action='store_true',
                    help='wait for the boot report and print it first')
    ap.add_argument('--wait', metavar='REGEX',
                    help='wait for a line matching REGEX first')
    ap.add_argument('--log', metavar='FILE',
                    help='append every line read from the guest to FILE')
    args = ap.parse_intermixed_args(argv)

    log = open(args.log, 'a') if args.log else None
    try:
        with GuestConsole(args.socket, args.timeout, log) as con:
            start = time.monotonic()
            if args.wait:
                print(con.wait_for(args.wait, args.timeout).string)
            if args.wait_ready:
                fields, devs = con.wait_ready(args.timeout)
                print('FEATMASK-GUEST-READY '
                      + ' '.join(f'{k}={v}' for k, v in fields.items())
                      + f' waited={time.monotonic() - start:.2f}')
                for d in devs.values():
                    print(f'{d.name} device={d.device} driver={d.driver} '
                          f'features=0x{d.features:016x}')
            elif args.commands:
                con.sync(args.timeout)
            for cmd in args.commands:
                for line in con.command(cmd, args.timeout):
                    print(line)
                    dev = parse_virtio(line)
                    if dev:
                        print(f'  = 0x{dev.features:016x}')
    except (TimeoutError, EOFError, GuestError, OSError) as e:
        print(f'console.py: {e}', file=sys.stderr)
        return 2
    finally:
        if log:
            log.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
