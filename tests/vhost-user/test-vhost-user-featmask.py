#!/usr/bin/env python3
#
# Protocol tests of contrib/vhost-user-featmask: this script is the
# vhost-user front-end, speaking the protocol of QEMU's
# docs/interop/vhost-user.rst over the backend's socket, and checks every
# answer.  No QEMU is needed.  Python standard library only.
#
# Usage: test-vhost-user-featmask.py [--backend PATH] [unittest options]
#   PATH defaults to $VHOST_USER_FEATMASK, then build/.../vhost-user-featmask
#
# Copyright (c) 2026 The featmask authors
# SPDX-License-Identifier: GPL-2.0-or-later

import argparse
import os
import re
import resource
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vuf  # noqa: E402
from vuf import *  # noqa: E402,F401,F403

BACKEND = None


def Backend(*args, **kw):
    return vuf.Backend(BACKEND, *args, **kw)


def run_backend(*args):
    return subprocess.run([BACKEND] + list(args), capture_output=True,
                          text=True, timeout=30)


def print_features(*args):
    r = run_backend('--print-features', *args)
    assert r.returncode == 0, r.stderr
    return int(re.search(r'^offered (0x[0-9a-f]+)$', r.stdout, re.M)
               .group(1), 16), r.stdout


class CommandLine(unittest.TestCase):

    # --print-features: the mask decides, the mandatory bits are added.
    def test_print_features_mask(self):
        offered, out = print_features('--features', 'csum,guest_csum')
        self.assertEqual(offered, MANDATORY | 0x3)
        self.assertRegex(out, r'(?m)^ 0 csum +backend$')
        self.assertRegex(out, r'(?m)^32 version_1 +backend mandatory$')

    # Without a mask every feature of the map is offered.
    def test_print_features_all(self):
        offered, _ = print_features()
        minus, _ = print_features('--features', 'all,-host_uso,-guest_uso4')
        self.assertEqual(offered & ~minus, (1 << 56) | (1 << 54))

    # A relative mask works on the default (everything).
    def test_relative_mask(self):
        offered, _ = print_features()
        minus, _ = print_features('--features=-mrg_rxbuf')
        self.assertEqual(offered & ~minus, 1 << 15)

    # Unknown names fail and name the culprit.
    def test_unknown_feature(self):
        r = run_backend('--features', 'csum,no_such_feature',
                        '--print-features')
        self.assertEqual(r.returncode, 1)
        self.assertIn("no_such_feature", r.stderr)

    # Mandatory features cannot be switched off.
    def test_mandatory(self):
        r = run_backend('--features', 'all,-version_1', '--print-features')
        self.assertEqual(r.returncode, 1)
        self.assertIn("'version_1' is mandatory", r.stderr)

    # A host profile's device is the default; a mask may only narrow it.
    def test_profile(self):
        with tempfile.NamedTemporaryFile('w', suffix='.json') as f:
            f.write('{"featmask-profile": 1, "host": "b", "devices": ['
                    '{"id": "net0", "type": "virtio-net-pci", "features": '
                    '["csum", "mrg_rxbuf", "event_idx"]},'
                    '{"id": "blk0", "type": "virtio-blk-pci", "features": '
                    '["seg_max"]}]}')
            f.flush()
            offered, _ = print_features('--profile', f.name, '--device',
                                        'net0')
            self.assertEqual(offered,
                             MANDATORY | 1 | (1 << 15) | (1 << 29))
            offered, _ = print_features('--profile', f.name, '--device',
                                        'net0', '--features=-csum')
            self.assertEqual(offered, MANDATORY | (1 << 15) | (1 << 29))
            r = run_backend('--profile', f.name, '--device', 'net0',
                            '--features=+host_tso4', '--print-features')
            self.assertEqual(r.returncode, 1)
            self.assertIn('host_tso4', r.stderr)
            r = run_backend('--profile', f.name, '--device', 'blk0',
                            '--print-features')
            self.assertEqual(r.returncode, 1)
            self.assertIn('not a virtio-net device', r.stderr)
            r = run_backend('--profile', f.name, '--device', 'nic9',
                            '--print-features')
            self.assertEqual(r.returncode, 1)
            self.assertIn("no device 'nic9'", r.stderr)

    # --help says there is no data path and which bits are mandatory.
    def test_help(self):
        r = run_backend('--help')
        self.assertEqual(r.returncode, 0)
        self.assertIn('NO DATA PATH', r.stdout)
        for bit in ('26', '30', '32'):
            self.assertRegex(r.stdout, rf'bit {bit} ')

    # blk names are checked against the virtio-blk map.
    def test_blk_names(self):
        r = run_backend('--type', 'blk', '--features', 'csum',
                        '--print-features')
        self.assertEqual(r.returncode, 1)
        self.assertIn("'csum'", r.stderr)
        r = run_backend('--type', 'disk', '--print-features')
        self.assertEqual(r.returncode, 1)

    # Neither socket nor fd is a usage error.
    def test_no_socket(self):
        r = run_backend('--features', 'csum')
        self.assertEqual(r.returncode, 1)

    # An unknown name with none near it: where the valid names are.
    def test_unknown_feature_hint(self):
        r = run_backend('--features', 'zzz', '--print-features')
        self.assertEqual(r.returncode, 1)
        self.assertIn("Use 'featmask list virtio-net' for the valid names",
                      r.stderr)

    # An image that is no disk: one error, and nothing else goes wrong
    # (under LSan nothing leaks on the way out).
    def test_bad_image(self):
        with tempfile.NamedTemporaryFile(suffix='.img') as f:
            f.write(bytes(100))
            f.flush()
            r = run_backend('--type', 'blk', '--blk-image', f.name,
                            '--print-features')
        self.assertEqual(r.returncode, 1)
        self.assertIn('not a regular file of a positive multiple of 512',
                      r.stderr)


class Protocol(unittest.TestCase):

    def setUp(self):
        self.be = Backend('--features', 'csum,guest_csum,mrg_rxbuf,event_idx',
                          '--queue-pairs', '2')
        self.mem = GuestMemory()

    def tearDown(self):
        self.mem.close()
        rc = self.be.stop()
        self.assertEqual(rc, 0)

    # GET_FEATURES answers the mask plus the mandatory bits.
    def test_get_features(self):
        c = self.be.connect()
        self.assertEqual(c.call_u64(GET_FEATURES),
                         MANDATORY | 0x3 | (1 << 15) | (1 << 29))

    # Protocol features: MQ, LOG_SHMFD, RARP, REPLY_ACK, MTU, BACKEND_REQ.
    def test_protocol_features(self):
        c = self.be.connect()
        self.assertEqual(c.call_u64(GET_PROTOCOL_FEATURES), DEFAULT_PROTOCOL)
        c.send(SET_PROTOCOL_FEATURES, u64(DEFAULT_PROTOCOL))
        self.assertEqual(c.call_u64(GET_QUEUE_NUM), 2)
        # CONFIG is not offered for net: an error-sized reply.
        c.send(GET_CONFIG, struct.pack('<III', 0, 8, 0) + bytes(8))
        self.assertEqual(c.reply(GET_CONFIG), b'')

    # REPLY_ACK: a request with need_reply gets a zero u64.
    def test_reply_ack(self):
        c = self.be.connect()
        c.handshake()
        self.assertEqual(c.ack(SET_OWNER), 0)
        self.assertEqual(c.ack(SET_VRING_ENABLE, state(1, 1)), 0)

    # SET_FEATURES records what the guest acked, in the log.
    def test_set_features_logged(self):
        c = self.be.connect()
        c.handshake()
        acked = F_PROTOCOL_FEATURES | F_VERSION_1 | 0x1 | (1 << 15)
        self.assertEqual(c.ack(SET_FEATURES, u64(acked)), 0)
        m = self.be.wait_log(r'acked-features (0x[0-9a-f]+) (\S+)$')
        self.assertEqual(int(m.group(1), 16), acked & ~F_PROTOCOL_FEATURES)
        self.assertEqual(m.group(2), 'csum,mrg_rxbuf,version_1')

    # Acking a feature that was not offered is refused.
    def test_set_features_not_offered(self):
        c = self.be.connect()
        c.handshake()
        self.assertNotEqual(c.ack(SET_FEATURES, u64(F_VERSION_1 | (1 << 11))),
                            0)
        self.be.wait_log(r'refused: not offered: host_tso4')

    # Rings over mapped memory: GET_VRING_BASE returns the base it was
    # given (nothing is consumed) and reports the ring's indexes.
    def test_vring_base(self):
        c = self.be.connect()
        c.handshake()
        self.mem.set_idx(AVAIL, 7)
        self.mem.set_idx(USED, 3)
        self.assertEqual(c.ack(SET_MEM_TABLE, self.mem.table(),
                               [self.mem.fd]), 0)
        self.assertEqual(c.ack(SET_VRING_NUM, state(0, 256)), 0)
        self.assertEqual(c.ack(SET_VRING_BASE, state(0, 3)), 0)
        addr = struct.pack('<IIQQQQ', 0, 0, UVA + DESC, UVA + USED,
                           UVA + AVAIL, USED)
        self.assertEqual(c.ack(SET_VRING_ADDR, addr), 0)
        kick = os.eventfd(0)
        try:
            self.assertEqual(c.ack(SET_VRING_KICK, u64(0), [kick]), 0)
        finally:
            os.close(kick)
        c.send(GET_VRING_BASE, state(0, 0))
        self.assertEqual(struct.unpack('<II', c.reply(GET_VRING_BASE)),
                         (0, 3))
        self.be.wait_log(r'GET_VRING_BASE vring 0 -> 0x3 \(avail idx 7, '
                         r'used idx 3, num 256\)')

    # Migration: LOG_ALL, the shared log with its reply, SET_LOG_FD, and
    # the used ring logged.
    def test_dirty_log(self):
        c = self.be.connect()
        c.handshake()
        self.assertEqual(c.ack(SET_MEM_TABLE, self.mem.table(),
                               [self.mem.fd]), 0)
        log = os.memfd_create('vuf-test-log')
        os.ftruncate(log, 4096)
        try:
            c.send(SET_LOG_BASE, struct.pack('<QQ', 32, 0), [log])
            self.assertEqual(struct.unpack('<Q', c.reply(SET_LOG_BASE))[0], 0)
        finally:
            os.close(log)
        ev = os.eventfd(0)
        try:
            self.assertEqual(c.ack(SET_LOG_FD, b'', [ev]), 0)
        finally:
            os.close(ev)
        feats = F_PROTOCOL_FEATURES | F_VERSION_1 | F_LOG_ALL | 1
        self.assertEqual(c.ack(SET_FEATURES, u64(feats)), 0)
        addr = struct.pack('<IIQQQQ', 1, 1, UVA + DESC, UVA + USED,
                           UVA + AVAIL, USED)
        self.assertEqual(c.ack(SET_VRING_ADDR, addr), 0)
        self.be.wait_log(r'SET_FEATURES 0x[0-9a-f]+ log_all=on')
        self.be.wait_log(r'SET_VRING_ADDR vring 1 .* log on 0x3000')

    # A vring index beyond --queue-pairs fails, the connection stays.
    def test_vring_out_of_range(self):
        c = self.be.connect()
        c.handshake()
        self.assertNotEqual(c.ack(SET_VRING_NUM, state(4, 256)), 0)
        self.assertEqual(c.ack(SET_VRING_NUM, state(3, 256)), 0)

    # A region count that does not match the descriptors closes the
    # connection, and only it.
    def test_mem_table_without_fd(self):
        other = self.be.connect()
        c = self.be.connect()
        c.handshake()
        c.send(SET_MEM_TABLE, self.mem.table(), flags=NEED_REPLY)
        self.assertTrue(c.closed())
        self.assertEqual(other.call_u64(GET_PROTOCOL_FEATURES),
                         DEFAULT_PROTOCOL)

    # A wrong version or an oversized payload ends that connection only.
    def test_garbage(self):
        c = self.be.connect()
        c.send(GET_FEATURES, version=2)
        self.assertTrue(c.closed())
        c = self.be.connect()
        c.sock.sendall(struct.pack('<III', SET_FEATURES, VERSION, 1 << 20))
        self.assertTrue(c.closed())
        c = self.be.connect()
        c.sock.sendall(b'\x01\x00')
        c.sock.shutdown(socket.SHUT_WR)
        self.assertTrue(c.closed())
        self.assertEqual(self.be.connect().call_u64(GET_QUEUE_NUM), 2)

    # A peer that stops in the middle of a message loses its connection
    # after a short timeout; the others are served meanwhile.
    def test_stalled_peer(self):
        stalled = self.be.connect()
        stalled.sock.sendall(struct.pack('<II', GET_FEATURES, VERSION))
        t0 = time.monotonic()
        self.assertEqual(self.be.connect().call_u64(GET_QUEUE_NUM), 2)
        self.assertTrue(stalled.closed(timeout=10))
        self.assertLess(time.monotonic() - t0, 8)
        self.be.wait_log(r'conn 1 \(pid \d+\): disconnected: message '
                         r'incomplete after')

    # Unsupported requests with need_reply get a failure, not silence.
    def test_unsupported(self):
        c = self.be.connect()
        c.handshake()
        self.assertNotEqual(c.ack(GET_MAX_MEM_SLOTS), 0)

    # Front-ends come and go (a migration source leaves); some overlap.
    def test_reconnect(self):
        held = self.be.connect()
        held.handshake()
        for i in range(50):
            c = self.be.connect()
            c.handshake()
            if i % 2:
                self.assertEqual(c.ack(SET_MEM_TABLE, self.mem.table(),
                                       [self.mem.fd]), 0)
            c.close()
        self.assertEqual(held.call_u64(GET_QUEUE_NUM), 2)
        self.be.wait_log(r'conn 51: gone')
        self.assertIsNone(self.be.proc.poll())


class Hostile(unittest.TestCase):
    """Front-ends that lie about guest memory, or stall on purpose.

    Whatever one front-end does, the backend must stay up, and a
    well-behaved front-end connected beside it must be served at once.
    """

    def setUp(self):
        self.be = Backend('--features', 'csum,mrg_rxbuf', '--queue-pairs',
                          '1')
        self.other = self.be.connect()
        self.other.handshake()
        self.fds = []

    def tearDown(self):
        for fd in self.fds:
            os.close(fd)
        self.assertEqual(self.be.stop(), 0)

    def memfd(self, size):
        fd = memfd(size)
        self.fds.append(fd)
        return fd

    def assert_others_served(self):
        self.assertTrue(self.be.alive(), 'backend died: '
                        + self.be.stderr())
        self.assertEqual(self.other.call_u64(GET_QUEUE_NUM), 1)

    def mapped(self, file_size, region):
        """A new front-end sends a one-region table over a memfd of
        file_size bytes: (connection, memfd, REPLY_ACK)."""
        c = self.be.connect()
        c.handshake()
        fd = self.memfd(file_size)
        return c, fd, c.ack(SET_MEM_TABLE, mem_table(region), [fd])

    def ring_base(self, c, avail, used, base=3):
        """Set up vring 0 at these addresses, then GET_VRING_BASE."""
        self.assertEqual(c.ack(SET_VRING_NUM, state(0, 256)), 0)
        self.assertEqual(c.ack(SET_VRING_BASE, state(0, base)), 0)
        self.assertEqual(c.ack(SET_VRING_ADDR,
                               vring_addr(0, UVA + DESC, used, avail)), 0)
        c.send(GET_VRING_BASE, state(0, 0))
        return struct.unpack('<II', c.reply(GET_VRING_BASE))

    # Issue 8 D: a region larger than its file is refused (reading it
    # was a SIGBUS that took every front-end's backend down).
    def test_region_larger_than_file(self):
        c, _, r = self.mapped(0, (0, 0x10000, UVA, 0))
        self.assertEqual(self.ring_base(c, UVA + AVAIL, UVA + USED),
                         (0, 3))
        self.assertNotEqual(r, 0)
        self.be.wait_log(r'SET_MEM_TABLE: region 0 .*beyond the end of its '
                         r'file \(0x0 bytes\)')
        self.assert_others_served()

    # Issue 8 D, later: the file shrinks after it was mapped.  Reading the
    # ring index fails cleanly; GET_VRING_BASE still answers.
    def test_file_shrinks_after_mapping(self):
        c, fd, r = self.mapped(MEM_SIZE, (0, MEM_SIZE, UVA, 0))
        self.assertEqual(r, 0)
        os.ftruncate(fd, 0)
        self.assertEqual(self.ring_base(c, UVA + AVAIL, UVA + USED),
                         (0, 3))
        self.be.wait_log(r'conn \d+: guest memory at 0x[0-9a-f]+ '
                         r'unreadable')
        self.assert_others_served()

    # Issue 8 E: memory_size + mmap_offset wraps to a small mapping, and
    # the offset points the translation anywhere: refused.
    def test_size_plus_offset_overflows(self):
        c, fd, r = self.mapped(0x1000, (0, (1 << 63) + 0x1000, UVA, 1 << 63))
        self.assertEqual(self.ring_base(c, UVA + AVAIL, UVA + USED),
                         (0, 3))
        self.assertNotEqual(r, 0)
        self.be.wait_log(r'SET_MEM_TABLE: region 0 .*overflows')
        # A region whose user addresses wrap around 2^64 is refused too.
        r = c.ack(SET_MEM_TABLE,
                  mem_table((0, 0x1000, (1 << 64) - 0x800, 0)), [fd])
        self.assertNotEqual(r, 0)
        self.assert_others_served()

    # Issue 8 F: ring addresses near 2^64 wrapped the translation's bounds
    # check (uva - start + len) and read before the mapping, or at its
    # start.  They are simply not in guest memory.
    def test_ring_address_wraps(self):
        c, fd, r = self.mapped(0x10000, (0, 0x10000, 0, 0))
        self.assertEqual(r, 0)
        os.pwrite(fd, struct.pack('<HH', 0x1234, 0x1234), 0)
        self.assertEqual(self.ring_base(c, (1 << 64) - 2, (1 << 64) - 1),
                         (0, 3))
        line = self.be.wait_log(r'GET_VRING_BASE vring 0 -> 0x3.*$')
        self.assertNotIn('avail idx', line.group(0))
        # The same rings inside the region are read.
        self.assertEqual(self.ring_base(c, 0, 0x100), (0, 3))
        self.be.wait_log(r'GET_VRING_BASE vring 0 -> 0x3 \(avail idx 4660, '
                         r'used idx 0, num 256\)')
        self.assert_others_served()

    # Issue 8 G: a header, then one byte every 1.5 s: the deadline is for
    # the whole message, so the sender is cut off after 2 s, and the
    # other front-end is answered at once meanwhile.
    def test_slow_sender(self):
        slow = self.be.connect()
        stop = threading.Event()

        def trickle():
            try:
                for b in u64(1):
                    if stop.wait(1.5):
                        return
                    slow.sock.sendall(bytes([b]))
            except OSError:
                pass

        slow.sock.sendall(struct.pack('<III', SET_FEATURES, VERSION, 8))
        t0 = time.monotonic()
        th = threading.Thread(target=trickle)
        th.start()
        try:
            time.sleep(0.2)
            t1 = time.monotonic()
            self.assertEqual(self.other.call_u64(GET_QUEUE_NUM), 1)
            self.assertLess(time.monotonic() - t1, 5,
                            'a slow front-end stalled another')
            self.assertTrue(slow.closed(timeout=MSG_TIMEOUT + 10),
                            'the slow front-end was never cut off')
            self.assertLess(time.monotonic() - t0, MSG_TIMEOUT + 8)
        finally:
            stop.set()
            th.join()
        self.be.wait_log(r'conn 2 \(pid \d+\): disconnected: SET_FEATURES: '
                         r'message incomplete after 2\.0 s \(1[2-6] of 20 '
                         r'bytes\)')
        self.assert_others_served()

    # A front-end that sends requests and never reads the replies fills
    # its socket: it is cut off, nobody else waits for it.
    def test_reader_that_never_reads(self):
        flood = self.be.connect()
        msg = struct.pack('<III', GET_FEATURES, VERSION, 0) * 4096

        def send():
            try:
                for _ in range(200):
                    flood.sock.sendall(msg)
            except OSError:
                pass

        th = threading.Thread(target=send)
        th.start()
        try:
            for _ in range(5):
                self.assertEqual(self.other.call_u64(GET_QUEUE_NUM), 1)
                time.sleep(0.2)
            self.be.wait_log(r'conn 2 \(pid \d+\): disconnected: replies '
                             r'not read', timeout=MSG_TIMEOUT + 10)
        finally:
            flood.sock.shutdown(socket.SHUT_RDWR)
            th.join()
        self.assert_others_served()

    # Out of descriptors: new connections wait until one ends, without a
    # busy loop on the listening socket; the connected are served.
    def test_out_of_descriptors(self):
        be = Backend('--features', 'csum', preexec_fn=lambda:
                     resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16)))
        try:
            first = be.connect()
            conns = [be.connect() for _ in range(14)]
            be.wait_log(r'cannot accept a connection: Too many open files')
            cpu = be.cpu_seconds()
            time.sleep(1)
            self.assertLess(be.cpu_seconds() - cpu, 0.5, 'busy loop')
            self.assertEqual(first.call_u64(GET_QUEUE_NUM), 1)
            for c in conns[:8]:
                c.close()
            self.assertEqual(conns[-1].call_u64(GET_QUEUE_NUM), 1)
        finally:
            self.assertEqual(be.stop(), 0)

    # Protocol violations cost the violator its connection, with one log
    # line that names it and why.
    def test_violations_logged(self):
        c = self.be.connect()
        c.send(SET_VRING_NUM, b'\x00\x00')
        self.assertTrue(c.closed())
        self.be.wait_log(r'conn 2 \(pid %d\): disconnected: SET_VRING_NUM: '
                         r'payload of 2 bytes, need 8' % os.getpid())
        c = self.be.connect()
        c.send(GET_FEATURES, version=3)
        self.assertTrue(c.closed())
        self.be.wait_log(r'conn 3 \(pid \d+\): disconnected: GET_FEATURES: '
                         r'unsupported version in flags 0x3')
        self.assertEqual(len(re.findall(r'conn 2 .*disconnected',
                                        self.be.log_text())), 1)
        self.assert_others_served()


class Blk(unittest.TestCase):

    def setUp(self):
        self.be = Backend('--type', 'blk', '--features', 'all,-ro',
                          '--queues', '4', '--blk-size', str(8 << 30))

    def tearDown(self):
        self.assertEqual(self.be.stop(), 0)

    # The virtio-blk map, config space, queue count, CONFIG protocol bit.
    def test_blk(self):
        c = self.be.connect()
        features = c.handshake(0x22b)
        self.assertEqual(features & MANDATORY, MANDATORY)
        self.assertFalse(features & (1 << 5), 'ro offered')
        self.assertTrue(features & (1 << 9), 'flush not offered')
        self.assertEqual(c.call_u64(GET_PROTOCOL_FEATURES), 0x22b)
        self.assertEqual(c.call_u64(GET_QUEUE_NUM), 4)
        c.send(GET_CONFIG, struct.pack('<III', 0, 60, 0) + bytes(60))
        r = c.reply(GET_CONFIG)
        self.assertEqual(len(r), 12 + 60)
        capacity, = struct.unpack_from('<Q', r, 12)
        self.assertEqual(capacity, (8 << 30) // 512)
        blk_size, = struct.unpack_from('<I', r, 12 + 20)
        num_queues, = struct.unpack_from('<H', r, 12 + 34)
        self.assertEqual((blk_size, num_queues), (512, 4))
        # A window into the config space, and one beyond any size.
        c.send(GET_CONFIG, struct.pack('<III', 20, 4, 0) + bytes(4))
        self.assertEqual(c.reply(GET_CONFIG)[12:], struct.pack('<I', 512))
        c.send(GET_CONFIG, struct.pack('<III', 0, 8000, 0))
        self.assertEqual(c.reply(GET_CONFIG), b'')
        c.send(GET_CONFIG, struct.pack('<III', 0xfffffff0, 32, 0))
        self.assertEqual(c.reply(GET_CONFIG), b'')
        # Four queues, one vring each.
        self.assertEqual(c.ack(SET_VRING_NUM, state(3, 128)), 0)
        self.assertNotEqual(c.ack(SET_VRING_NUM, state(4, 128)), 0)
        # The size_max and seg_max the data path enforces.
        c.send(GET_CONFIG, struct.pack('<III', 8, 8, 0) + bytes(8))
        self.assertEqual(struct.unpack('<II', c.reply(GET_CONFIG)[12:]),
                         (65536, 126))
        # A split ring's size is a power of 2.
        self.assertNotEqual(c.ack(SET_VRING_NUM, state(0, 100)), 0)


class BlkDataPath(unittest.TestCase):
    """--blk-image: requests on vring 0, served from the image, as a
    guest driver would post them (split ring, 16 entries)."""

    NUM = 16
    DATA = 0x10000              # guest buffers from here
    SECTORS = 128
    F_FLUSH, F_DISCARD, F_WZ = 1 << 9, 1 << 13, 1 << 14
    F_INDIRECT, F_EVENT_IDX = 1 << 28, 1 << 29

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='vuf-test-blk-')
        self.image = os.path.join(self.tmp.name, 'disk.img')
        self.pattern = bytes((i * 7 + i // 512) % 251
                             for i in range(self.SECTORS * 512))
        with open(self.image, 'wb') as f:
            f.write(self.pattern)
        self.be = Backend('--type', 'blk', '--blk-image', self.image,
                          '--features', 'flush,discard,write-zeroes,'
                          'indirect_desc,event_idx', tmp=self.tmp.name)
        self.mem = GuestMemory()
        self.kick = os.eventfd(0, os.EFD_NONBLOCK)
        self.call = os.eventfd(0, os.EFD_NONBLOCK)
        self.next_desc = 0
        self.avail_idx = 0
        self.buf = self.DATA

    def tearDown(self):
        os.close(self.kick)
        os.close(self.call)
        self.mem.close()
        self.assertEqual(self.be.stop(), 0)
        self.tmp.cleanup()

    def restart(self, features, image_size=None, mem_size=None):
        """A new backend offering @features, on an image of @image_size
        bytes (the pattern, then zeros), with guest memory of @mem_size."""
        self.assertEqual(self.be.stop(), 0)
        if image_size:
            os.truncate(self.image, image_size)
        if mem_size:
            self.mem.close()
            self.mem = GuestMemory(size=mem_size)
        self.be = Backend('--type', 'blk', '--blk-image', self.image,
                          '--features', features, tmp=self.tmp.name)

    def start(self, features, log=None):
        c = self.be.connect()
        c.handshake(0x22b)
        self.assertEqual(c.ack(SET_MEM_TABLE, self.mem.table(),
                               [self.mem.fd]), 0)
        if log is not None:
            c.send(SET_LOG_BASE, struct.pack('<QQ', 4096, 0), [log])
            self.assertEqual(struct.unpack('<Q', c.reply(SET_LOG_BASE))[0],
                             0)
        self.assertEqual(c.ack(SET_FEATURES, u64(
            F_PROTOCOL_FEATURES | F_VERSION_1 | features)), 0)
        self.assertEqual(c.ack(SET_VRING_NUM, state(0, self.NUM)), 0)
        self.assertEqual(c.ack(SET_VRING_BASE, state(0, 0)), 0)
        self.assertEqual(c.ack(SET_VRING_ADDR, vring_addr(
            0, UVA + DESC, UVA + USED, UVA + AVAIL, USED, 1)), 0)
        self.assertEqual(c.ack(SET_VRING_CALL, u64(0), [self.call]), 0)
        self.assertEqual(c.ack(SET_VRING_KICK, u64(0), [self.kick]), 0)
        self.assertEqual(c.ack(SET_VRING_ENABLE, state(0, 1)), 0)
        return c

    def alloc(self, data):
        """Guest memory holding @data (or @data zero bytes): its gpa."""
        if isinstance(data, int):
            data = bytes(data)
        gpa = self.buf
        self.mem.map[gpa:gpa + len(data)] = data
        self.buf += (len(data) + 15) & ~15
        return gpa

    def desc(self, table, i, gpa, length, flags, nxt=0):
        struct.pack_into('<QIHH', self.mem.map, table + 16 * i, gpa, length,
                         flags, nxt)

    def chain(self, bufs, indirect=False):
        """Post a request of (gpa, len, writable) buffers; its head.
        Requests complete one by one: descriptors are reused from 0."""
        if self.next_desc + len(bufs) > self.NUM:
            self.next_desc = 0
        head = self.next_desc
        if indirect:
            table = self.alloc(16 * len(bufs))
            base = 0
            self.desc(DESC, head, table, 16 * len(bufs), 4)
            self.next_desc += 1
        else:
            table, base = DESC, head
            self.next_desc += len(bufs)
        for k, (gpa, length, w) in enumerate(bufs):
            last = k == len(bufs) - 1
            self.desc(table, base + k, gpa, length, (2 if w else 0) |
                      (0 if last else 1), 0 if last else base + k + 1)
        struct.pack_into('<H', self.mem.map,
                         AVAIL + 4 + 2 * (self.avail_idx % self.NUM), head)
        self.avail_idx += 1
        self.mem.set_idx(AVAIL, self.avail_idx)
        os.eventfd_write(self.kick, 1)
        return head

    def used(self, n, timeout=5):
        """Wait for used idx @n; the last used element (id, len)."""
        deadline = time.monotonic() + timeout
        while struct.unpack_from('<H', self.mem.map, USED + 2)[0] != n:
            self.assertLess(time.monotonic(), deadline,
                            'the request was not completed')
            time.sleep(0.01)
        return struct.unpack_from('<II', self.mem.map,
                                  USED + 4 + 8 * ((n - 1) % self.NUM))

    def request(self, kind, sector, out=b'', data_in=0, indirect=False):
        """One request; (status, used len, data read)."""
        hdr = self.alloc(struct.pack('<IIQ', kind, 0, sector))
        bufs = [(hdr, 16, False)]
        if out:
            bufs.append((self.alloc(out), len(out), False))
        if data_in:
            din = self.alloc(data_in)
            bufs.append((din, data_in, True))
        st = self.alloc(b'\xff')
        bufs.append((st, 1, True))
        head = self.chain(bufs, indirect)
        uid, ulen = self.used(self.avail_idx)
        self.assertEqual(uid, head)
        data = bytes(self.mem.map[din:din + data_in]) if data_in else b''
        return self.mem.map[st], ulen, data

    def start_logging(self):
        """Start with VHOST_F_LOG_ALL and a 4 KiB log: the log, mapped."""
        log = os.memfd_create('vuf-test-log')
        os.ftruncate(log, 4096)
        try:
            self.start(F_LOG_ALL, log)
            return vuf.mmap.mmap(log, 4096)
        finally:
            os.close(log)

    def dirty_pages(self, bitmap):
        """The pages marked in the first 512 bits of @bitmap (closed)."""
        dirty = {i * 8 + b for i, v in enumerate(bitmap[:64])
                 for b in range(8) if v >> b & 1}
        bitmap.close()
        return dirty

    def image_bytes(self):
        with open(self.image, 'rb') as f:
            return f.read()

    # Read, write (seen by a read and in the file), flush, get id, an
    # indirect table, the call eventfd, GET_VRING_BASE after the requests.
    def test_read_write(self):
        c = self.start(self.F_FLUSH | self.F_INDIRECT)
        st, ulen, data = self.request(0, 2, data_in=1024)
        self.assertEqual((st, ulen), (0, 1025))
        self.assertEqual(data, self.pattern[1024:2048])
        self.assertEqual(os.eventfd_read(self.call), 1)
        new = bytes(range(256)) * 4
        st, ulen, _ = self.request(1, 5, out=new, indirect=True)
        self.assertEqual((st, ulen), (0, 1))
        self.assertEqual(self.image_bytes()[5 * 512:7 * 512], new)
        st, _, data = self.request(0, 5, data_in=1024, indirect=True)
        self.assertEqual((st, data), (0, new))
        self.assertEqual(self.request(4, 0)[:2], (0, 1))
        st, ulen, data = self.request(8, 0, data_in=20)
        self.assertEqual((st, ulen), (0, 21))
        self.assertEqual(data.rstrip(b'\0'), b'vhost-user-featmask')
        c.send(GET_VRING_BASE, state(0, 0))
        self.assertEqual(struct.unpack('<II', c.reply(GET_VRING_BASE)),
                         (0, 5))

    # Out of the disk, a length not a sector multiple, an unknown type,
    # discard without the feature: errors, and the ring goes on.
    def test_errors(self):
        self.start(0)
        self.assertEqual(self.request(0, self.SECTORS, data_in=512)[:2],
                         (1, 1))
        self.assertEqual(self.request(0, (1 << 64) - 1, data_in=512)[0], 1)
        self.assertEqual(self.request(1, 0, out=bytes(100))[0], 1)
        self.assertEqual(self.request(99, 0)[0], 2)
        rng = struct.pack('<QII', 0, 8, 0)
        self.assertEqual(self.request(11, 0, out=rng)[0], 2)
        self.assertEqual(self.request(0, 0, data_in=512)[2],
                         self.pattern[:512])
        self.assertEqual(self.image_bytes(), self.pattern)

    # Discard and write zeroes, acked: the ranges read back as zeros.
    def test_discard_write_zeroes(self):
        self.start(self.F_DISCARD | self.F_WZ)
        rng = struct.pack('<QII', 8, 8, 0)
        self.assertEqual(self.request(13, 0, out=rng)[0], 0)
        self.assertEqual(self.image_bytes()[8 * 512:16 * 512], bytes(4096))
        rng = struct.pack('<QII', 32, 16, 0)
        self.assertEqual(self.request(11, 0, out=rng)[0], 0)
        # A range beyond the disk.
        rng = struct.pack('<QII', self.SECTORS - 1, 2, 0)
        self.assertEqual(self.request(13, 0, out=rng)[0], 1)
        self.assertEqual(len(self.image_bytes()), len(self.pattern))

    # While the front-end logs: the page of the data read and the used
    # ring's page (through log_guest_addr) are marked dirty.
    def test_dirty_log(self):
        bitmap = self.start_logging()
        self.buf = 0x40000
        st, _, _ = self.request(0, 0, data_in=512)
        self.assertEqual(st, 0)
        din_page = 0x40000 // 4096 + 1      # after the 16-byte header
        dirty = self.dirty_pages(bitmap)
        self.assertIn(USED // 4096, dirty)
        self.assertTrue({0x40000 // 4096, din_page} & dirty, dirty)
        self.assertNotIn(DESC // 4096, dirty)

    # A call descriptor that would block (a full pipe) is skipped: the
    # request completes and the backend answers another front-end.
    def test_call_fd_full_pipe(self):
        r, w = os.pipe()
        try:
            os.set_blocking(w, False)
            try:
                while True:
                    os.write(w, bytes(65536))
            except BlockingIOError:
                pass
            os.set_blocking(w, True)
            os.close(self.call)
            self.call = w
            w = -1
            self.start(0)
            self.assertEqual(self.request(0, 0, data_in=512)[2],
                             self.pattern[:512])
            c = self.be.connect()
            self.assertEqual(c.call_u64(GET_QUEUE_NUM), 1)
        finally:
            os.close(r)
            if w >= 0:
                os.close(w)

    # A descriptor loop stops the ring with a log line; the backend
    # serves a new connection.
    def test_loop_stops_ring(self):
        self.start(0)
        self.desc(DESC, 0, self.DATA, 16, 1, 1)
        self.desc(DESC, 1, self.DATA, 16, 1, 0)
        struct.pack_into('<H', self.mem.map, AVAIL + 4, 0)
        self.mem.set_idx(AVAIL, 1)
        os.eventfd_write(self.kick, 1)
        self.be.wait_log(r'conn 1: vring 0: descriptor loop: ring stopped')
        c = self.be.connect()
        self.assertEqual(c.call_u64(GET_QUEUE_NUM), 1)

    # A device that offers ro fails every write, whether the driver
    # acked ro or not, and opens its image read-only; reads work.
    def test_read_only(self):
        for acked in (0, 1 << 5):
            self.restart('ro,flush,discard,write-zeroes')
            self.avail_idx = self.next_desc = 0
            self.mem.set_idx(AVAIL, 0)
            self.mem.set_idx(USED, 0)
            self.start(acked | self.F_DISCARD | self.F_WZ)
            self.assertEqual(self.request(1, 0, out=bytes(512))[:2], (1, 1))
            rng = struct.pack('<QII', 0, 8, 0)
            self.assertEqual(self.request(13, 0, out=rng)[0], 1)
            self.assertEqual(self.request(11, 0, out=rng)[0], 1)
            self.assertEqual(self.request(0, 0, data_in=512)[2],
                             self.pattern[:512])
            self.assertEqual(self.image_bytes(), self.pattern)
        fds = '/proc/%d/fd' % self.be.proc.pid
        img = os.path.realpath(self.image)
        fd = [f for f in os.listdir(fds)
              if os.path.realpath(os.path.join(fds, f)) == img]
        self.assertEqual(len(fd), 1)
        with open('/proc/%d/fdinfo/%s' % (self.be.proc.pid, fd[0])) as f:
            flags = int(re.search(r'^flags:\s+([0-7]+)', f.read(), re.M)
                        .group(1), 8)
        self.assertEqual(flags & os.O_ACCMODE, os.O_RDONLY)

    # Range flags the type does not know: UNSUPP (virtio 1.3, 5.2.6.2).
    def test_range_flags(self):
        self.start(self.F_DISCARD | self.F_WZ)
        rng = struct.pack('<QII', 8, 8, 1)
        self.assertEqual(self.request(11, 0, out=rng)[0], 2)
        self.assertEqual(self.request(13, 0, out=struct.pack(
            '<QII', 8, 8, 2))[0], 2)
        self.assertEqual(self.image_bytes(), self.pattern)
        self.assertEqual(self.request(13, 0, out=rng)[0], 0)
        self.assertEqual(self.image_bytes()[8 * 512:16 * 512], bytes(4096))

    # Beyond seg_max * size_max bytes or seg_max data descriptors: IOERR
    # before any I/O, the guest's buffer untouched; at the limits: served.
    def test_request_limits(self):
        self.restart('indirect_desc', image_size=16 << 20,
                     mem_size=32 << 20)
        self.start(self.F_INDIRECT)
        limit = 126 * 65536
        self.buf = 1 << 20
        st, ulen, data = self.request(0, 0, data_in=limit + 512)
        self.assertEqual((st, ulen), (1, 1))
        self.assertEqual(data, bytes(limit + 512))
        self.buf = 1 << 20
        st, ulen, data = self.request(0, 0, data_in=limit)
        self.assertEqual((st, ulen), (0, limit + 1))
        self.assertEqual(data[:len(self.pattern)], self.pattern)

        def segs(n, indirect=True):
            hdr = self.alloc(struct.pack('<IIQ', 0, 0, 0))
            bufs = [(hdr, 16, False)]
            bufs += [(self.alloc(512), 512, True) for _ in range(n)]
            st = self.alloc(b'\xff')
            head = self.chain(bufs + [(st, 1, True)], indirect)
            self.assertEqual(self.used(self.avail_idx), (head, 1 + (
                512 * n if n <= 126 else 0)))
            return self.mem.map[st]
        self.buf = 1 << 20
        self.assertEqual(segs(127), 1)
        self.assertEqual(segs(126), 0)

    # A chain is at most 256 descriptors long, zero-length ones included,
    # whatever the size of its indirect table: longer ones stop the ring
    # at once, and the backend serves other front-ends.
    def test_chain_too_long(self):
        self.start(self.F_INDIRECT)
        n = 300
        table = self.alloc(16 * (n + 2))
        hdr = self.alloc(struct.pack('<IIQ', 0, 0, 0))
        st = self.alloc(b'\xff')
        for i in range(n):
            self.desc(table, i, hdr, 0, 1, i + 1)
        self.desc(table, n, hdr, 16, 1, n + 1)
        self.desc(table, n + 1, st, 1, 2)
        self.desc(DESC, 0, table, 16 * (n + 2), 4)
        struct.pack_into('<H', self.mem.map, AVAIL + 4, 0)
        self.mem.set_idx(AVAIL, 1)
        os.eventfd_write(self.kick, 1)
        self.be.wait_log(r'vring 0: chain longer than 256 descriptors: '
                         r'ring stopped')
        self.assertEqual(self.mem.map[st], 0xff)
        c = self.be.connect()
        self.assertEqual(c.call_u64(GET_QUEUE_NUM), 1)

    # A kick descriptor that hangs up (a pipe whose writer closed) stops
    # its ring instead of spinning, even while another connection leaves
    # errno at EAGAIN.
    def test_kick_hang_up(self):
        r, w = os.pipe()
        os.close(self.kick)
        self.kick = r
        self.start(0)
        os.close(w)
        c = self.be.connect()
        self.assertEqual(c.call_u64(GET_QUEUE_NUM), 1)
        self.be.wait_log(r'vring 0: kick descriptor broken: ring stopped')

    # A read that fails part-way (the image shrank) has written guest
    # memory: its pages are dirty, not only the status byte's.
    def test_dirty_log_failed_read(self):
        bitmap = self.start_logging()
        os.truncate(self.image, 4096)
        self.buf = 0x40000
        st, ulen, data = self.request(0, 4, data_in=16384)
        self.assertEqual((st, ulen), (1, 1))
        self.assertEqual(data[:2048], self.pattern[2048:4096])
        dirty = self.dirty_pages(bitmap)
        # header at 0x40000, data from 0x40010, status after it
        self.assertTrue({0x41, 0x42, 0x43, 0x44} <= dirty, dirty)


class Lifecycle(unittest.TestCase):

    # SIGTERM: exit 0 and the listening socket is removed.
    def test_sigterm(self):
        be = Backend('--features', 'csum')
        sock = be.sock
        c = be.connect()
        c.handshake()
        self.assertEqual(be.stop(), 0)
        self.assertFalse(os.path.exists(sock))

    # --client: connects to the front-end's socket, reconnects after it
    # closes the connection.
    def test_client_mode(self):
        with tempfile.TemporaryDirectory(prefix='vuf-test-') as d:
            path = os.path.join(d, 'qemu.sock')
            srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            srv.bind(path)
            srv.listen(1)
            srv.settimeout(10)
            with Backend('--features', 'mrg_rxbuf', client_of=path) as be:
                for _ in range(3):
                    s, _ = srv.accept()
                    c = Conn(sock=s)
                    self.assertEqual(c.call_u64(GET_FEATURES),
                                     MANDATORY | (1 << 15))
                    s.close()
                self.assertEqual(be.stop(), 0)
            srv.close()

    # --fd: serve an inherited socket, exit when it closes.
    def test_fd(self):
        a, b = socket.socketpair()
        p = subprocess.Popen([BACKEND, '--fd', str(b.fileno()),
                              '--features', 'csum'], pass_fds=[b.fileno()])
        b.close()
        c = Conn(sock=a)
        self.assertEqual(c.call_u64(GET_FEATURES), MANDATORY | 1)
        a.close()
        self.assertEqual(p.wait(10), 0)


def main():
    global BACKEND
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument('--backend')
    args, rest = ap.parse_known_args()
    BACKEND = args.backend or find_backend()
    if not BACKEND or not os.access(BACKEND, os.X_OK):
        print('vhost-user-featmask binary not found (--backend PATH or '
              '$VHOST_USER_FEATMASK)', file=sys.stderr)
        return 77
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
