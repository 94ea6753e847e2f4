# Shared harness of the vhost-user-featmask tests: find the backend, run
# it on a socket of its own and wait until it is ready, speak the
# vhost-user protocol (QEMU's docs/interop/vhost-user.rst) to it.
# Python standard library only.
#
# Copyright (c) 2026 The featmask authors
# SPDX-License-Identifier: GPL-2.0-or-later

import mmap
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Requests and flags (docs/interop/vhost-user.rst)
GET_FEATURES = 1
SET_FEATURES = 2
SET_OWNER = 3
SET_MEM_TABLE = 5
SET_LOG_BASE = 6
SET_LOG_FD = 7
SET_VRING_NUM = 8
SET_VRING_ADDR = 9
SET_VRING_BASE = 10
GET_VRING_BASE = 11
SET_VRING_KICK = 12
SET_VRING_CALL = 13
GET_PROTOCOL_FEATURES = 15
SET_PROTOCOL_FEATURES = 16
GET_QUEUE_NUM = 17
SET_VRING_ENABLE = 18
SEND_RARP = 19
GET_CONFIG = 24
GET_MAX_MEM_SLOTS = 36

VERSION = 0x1
REPLY = 0x4
NEED_REPLY = 0x8

F_LOG_ALL = 1 << 26
F_PROTOCOL_FEATURES = 1 << 30
F_VERSION_1 = 1 << 32
MANDATORY = F_LOG_ALL | F_PROTOCOL_FEATURES | F_VERSION_1

P_MQ = 1 << 0
P_LOG_SHMFD = 1 << 1
P_REPLY_ACK = 1 << 3
DEFAULT_PROTOCOL = 0x3f

# Where the tests put the "guest" memory in the front-end's address space.
UVA = 0x7f1200000000
MEM_SIZE = 1 << 20
DESC, AVAIL, USED = 0x1000, 0x2000, 0x3000

# How long the backend gives a started message (VUF_MSG_TIMEOUT_MS).
MSG_TIMEOUT = 2.0


def find_backend():
    """$VHOST_USER_FEATMASK, else the binary of a build folder."""
    env = os.environ.get('VHOST_USER_FEATMASK')
    if env:
        return env
    for build in ('build', '_build', 'builddir'):
        p = os.path.join(TOP, build, 'contrib', 'vhost-user-featmask',
                         'vhost-user-featmask')
        if os.access(p, os.X_OK):
            return p
    return None


def u64(v):
    return struct.pack('<Q', v)


def state(index, num):
    return struct.pack('<II', index, num)


def vring_addr(index, desc, used, avail, log=0, flags=0):
    return struct.pack('<IIQQQQ', index, flags, desc, used, avail, log)


def mem_table(*regions):
    """regions: (gpa, size, uva, offset) tuples."""
    return (struct.pack('<II', len(regions), 0) +
            b''.join(struct.pack('<QQQQ', *r) for r in regions))


def memfd(size, name='vuf-test'):
    fd = os.memfd_create(name)
    os.ftruncate(fd, size)
    return fd


class Conn:
    """One front-end connection (or a socket some other way connected)."""

    def __init__(self, path=None, sock=None, timeout=10):
        if sock:
            self.sock = sock
            self.sock.settimeout(timeout)
            return
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def close(self):
        self.sock.close()

    def send(self, req, payload=b'', fds=(), flags=0, version=VERSION):
        msg = struct.pack('<III', req, version | flags, len(payload)) + payload
        if fds:
            socket.send_fds(self.sock, [msg], list(fds))
        else:
            self.sock.sendall(msg)

    def recv_exact(self, n):
        buf = b''
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError('backend closed the connection')
            buf += chunk
        return buf

    def reply(self, req):
        hdr = self.recv_exact(12)
        r, flags, size = struct.unpack('<III', hdr)
        assert r == req, f'reply to {r}, expected {req}'
        assert flags == VERSION | REPLY, f'reply flags {flags:#x}'
        return self.recv_exact(size)

    def call_u64(self, req, payload=b'', fds=(), flags=0):
        self.send(req, payload, fds, flags)
        data = self.reply(req)
        assert len(data) == 8, f'reply payload of {len(data)} bytes'
        return struct.unpack('<Q', data)[0]

    def ack(self, req, payload=b'', fds=()):
        """Send with need_reply, return the REPLY_ACK value."""
        return self.call_u64(req, payload, fds, NEED_REPLY)

    def closed(self, timeout=5):
        """True if the backend closed this connection."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(4096)
                if not data:
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def handshake(self, protocol=DEFAULT_PROTOCOL):
        features = self.call_u64(GET_FEATURES)
        self.call_u64(GET_PROTOCOL_FEATURES)
        self.send(SET_PROTOCOL_FEATURES, u64(protocol))
        self.send(SET_OWNER)
        return features


class Backend:
    """A backend process on a socket of its own.

    The constructor returns once the backend handles SIGTERM and listens
    (or, with client_of, is about to connect), so that stop() always sees
    a clean exit.  tmp: folder for the socket and the log (default: a
    temporary folder removed by stop()); name prefixes both.
    """

    def __init__(self, binary, *args, tmp=None, name='vu', client_of=None,
                 ready_timeout=30, preexec_fn=None):
        self.dir = None
        if tmp is None:
            self.dir = tempfile.TemporaryDirectory(prefix='vuf-test-')
            tmp = self.dir.name
        self.sock = client_of or os.path.join(tmp, f'{name}.sock')
        self.log = os.path.join(tmp, f'{name}-backend.log')
        self.stderr_path = os.path.join(tmp, f'{name}-backend.err')
        self.conns = []
        cmd = [binary, '--socket-path', self.sock, '--log', self.log]
        if client_of:
            cmd.append('--client')
        with open(self.stderr_path, 'w') as err:
            self.proc = subprocess.Popen(cmd + list(args), stderr=err,
                                         preexec_fn=preexec_fn)
        try:
            self.wait_log(r"\] (listening on|connecting to) '",
                          ready_timeout, started=True)
        except BaseException:
            self.kill()
            raise

    def connect(self, **kw):
        c = Conn(self.sock, **kw)
        self.conns.append(c)
        return c

    def close_conns(self):
        for c in self.conns:
            c.close()
        self.conns = []

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def wait_log(self, pattern, timeout=5, started=False):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.log_text(), re.M)
            if m:
                return m
            if started and self.proc.poll() is not None:
                raise AssertionError(f'backend exited with {self.proc.poll()}'
                                     f': {self.stderr()}')
            if time.monotonic() > deadline:
                raise AssertionError(f'{pattern!r} not in the log:\n'
                                     + self.log_text())
            time.sleep(0.02)

    def cpu_seconds(self):
        """User and system time the process used so far."""
        with open(f'/proc/{self.proc.pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def alive(self):
        return self.proc.poll() is None

    def _cleanup(self):
        if self.dir:
            self.dir.cleanup()
            self.dir = None

    def stop(self):
        """SIGTERM; return the exit status."""
        self.close_conns()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(10)
        finally:
            self._cleanup()
        return rc

    def kill(self):
        self.close_conns()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


class GuestMemory:
    """A memfd standing for guest RAM, with split rings for vring 0."""

    def __init__(self, size=MEM_SIZE):
        self.size = size
        self.fd = memfd(size, 'vuf-test-guest')
        self.map = mmap.mmap(self.fd, size)

    def table(self):
        return mem_table((0, self.size, UVA, 0))

    def set_idx(self, ring, idx):
        self.map[ring + 2:ring + 4] = struct.pack('<H', idx)

    def close(self):
        self.map.close()
        os.close(self.fd)
