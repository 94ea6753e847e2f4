#!/usr/bin/env python3
#
# Integration test of contrib/vhost-user-featmask with a real QEMU and a
# real Linux guest: two backend processes play two hosts.
#
#  start     QEMU starts on the backend; QMP shows the device, and the
#            host features QEMU reports follow what the backend offers
#  guest     the guest driver negotiates; what it acked reaches the backend
#  migrate   live migration between two QEMUs, each with its own backend
#            offering the same features, completes; the guest keeps its
#            features and answers on the destination
#  fewer     migration to a QEMU whose backend offers less fails with
#            QEMU's "Features 0x... unsupported"; the source runs on
#  packed    the same with packed rings and two queue pairs; a host
#            without packed rings cannot take the guest
#  blk       the same backend as vhost-user-blk: QEMU starts, the host
#            features follow the offer, migration completes (the test
#            guest has no virtio-blk driver, so nothing is negotiated)
#
# Usage: test-vhost-user-featmask-qemu.py [--qemu PATH] [--backend PATH]
#            [--guest DIR] [--keep] [unittest options]
# QEMU defaults to $FEATMASK_QEMU, then the project's QEMU build in
# ${FEATMASK_CACHE:-/var/cache/featmask}/qemu-build/prefix/bin, then
# qemu-system-x86_64 on PATH.  The guest (vmlinuz, initramfs.gz) comes from
# scripts/make-guest.sh.  Exit status 77 (skip) when either is missing.
# Figures (migration time) are printed on stderr as "FIGURE name value".
#
# Copyright (c) 2026 The featmask authors
# SPDX-License-Identifier: GPL-2.0-or-later

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vuf  # noqa: E402
from vuf import TOP, find_backend  # noqa: E402

sys.path.insert(0, os.path.join(TOP, 'scripts', 'guest'))
from console import GuestConsole  # noqa: E402
import qmp as qmplib  # noqa: E402

CACHE = os.environ.get('FEATMASK_CACHE', '/var/cache/featmask')
QEMU = BACKEND = GUEST = None
KEEP = False

# What the backends offer: everything, and everything but two features a
# Linux guest acks.  Both can be overridden for experiments.
MASK = os.environ.get('VUF_TEST_MASK', 'all')
MASK_FEWER = os.environ.get('VUF_TEST_MASK_FEWER',
                            'all,-mrg_rxbuf,-guest_tso4')

# Bits QEMU takes from a vhost-user net backend (the backend's
# --print-features marks them "backend"); QEMU emulates the others.
# Of those, the ones QEMU's virtio-net device has on by default, so that
# the host features must equal the offer on them.
DEFAULT_ON = [0, 1, 7, 8, 9, 11, 12, 13, 15, 28, 29, 32]
DEFAULT_ON_BLK = [1, 2, 4, 5, 6, 9, 10, 11, 13, 14, 28, 29, 32]

VHOST_BITS = (1 << 26) | (1 << 30)


def find_qemu():
    if os.environ.get('FEATMASK_QEMU'):
        return os.environ['FEATMASK_QEMU']
    p = os.path.join(CACHE, 'qemu-build', 'prefix', 'bin',
                     'qemu-system-x86_64')
    if os.access(p, os.X_OK):
        return p
    return shutil.which('qemu-system-x86_64')


def qemu_version(qemu):
    out = subprocess.run([qemu, '--version'], capture_output=True,
                         text=True).stdout
    m = re.search(r'version (\d+)\.(\d+)', out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


class Backend(vuf.Backend):
    """One backend process: one host's switch."""

    def __init__(self, tmp, name, mask, blk=False, extra=()):
        self.blk = blk
        args = ['--features', mask, '--type', 'blk' if blk else 'net']
        args += list(extra)
        out = subprocess.run([BACKEND, '--print-features'] + args,
                             capture_output=True, text=True,
                             check=True).stdout
        self.offered = int(re.search(r'^offered (0x[0-9a-f]+)', out,
                                     re.M).group(1), 16)
        self.backend_bits = 0
        for m in re.finditer(r'^ ?(\d+) \S+ +backend', out, re.M):
            self.backend_bits |= 1 << int(m.group(1))
        super().__init__(BACKEND, *args, tmp=tmp, name=name)

    def acked(self):
        """The last features a front-end acked, or None."""
        found = re.findall(r'acked-features (0x[0-9a-f]+)', self.log_text())
        return int(found[-1], 16) if found else None


class Qemu:
    """One QEMU on one backend, with QMP and the guest's console."""

    def __init__(self, tmp, name, backend, incoming=None, dev_opts='',
                 netdev_opts=''):
        self.name = name
        self.qmp_path = os.path.join(tmp, f'{name}-qmp.sock')
        self.serial = os.path.join(tmp, f'{name}-serial.sock')
        self.stderr_path = os.path.join(tmp, f'{name}-qemu.err')
        dev = 'virtio-net-pci,id=net0,netdev=n0,romfile=' + dev_opts
        if backend.blk:
            dev = 'vhost-user-blk-pci,id=blk0,chardev=c0'
        if qemu_version(QEMU) < (8, 0):
            # QEMU 7.2 crashes in msix_set_vector_notifiers when vhost
            # starts without KVM irqfd; legacy interrupts avoid it.
            dev += ',vectors=0'
        cmd = [QEMU, '-nodefaults', '-display', 'none', '-m', '512',
               '-object', 'memory-backend-memfd,id=mem,size=512M,share=on',
               '-machine', 'q35,memory-backend=mem',
               '-L', '/usr/share/seabios', '-L', '/usr/share/qemu',
               '-chardev', f'socket,id=c0,path={backend.sock}',
               '-device', dev,
               '-kernel', os.path.join(GUEST, 'vmlinuz'),
               '-initrd', os.path.join(GUEST, 'initramfs.gz'),
               '-append', 'console=ttyS0',
               '-serial', f'unix:{self.serial},server=on,wait=off',
               '-qmp', f'unix:{self.qmp_path},server=on,wait=off']
        if not backend.blk:
            cmd += ['-netdev', 'vhost-user,id=n0,chardev=c0' + netdev_opts]
        if incoming:
            cmd += ['-incoming', 'defer']
        self.err = open(self.stderr_path, 'w')
        self.proc = subprocess.Popen(cmd, stderr=self.err,
                                     stdout=subprocess.DEVNULL)
        self.qmp = qmplib.QMP(self.qmp_path)
        # With a return path the source learns that the destination failed
        # to load, and runs on instead of staying paused.
        self.qmp.cmd('migrate-set-capabilities', capabilities=[
            {'capability': 'return-path', 'state': True}])
        if incoming:
            self.qmp.cmd('migrate-incoming', uri=incoming)
        self.console = GuestConsole(self.serial)

    def stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def status(self):
        return self.qmp.cmd('query-status')['status']

    def virtio_host_features(self, kind='virtio-net'):
        """Host features of the @kind device, from x-query-virtio-status,
        as an int."""
        return qmplib.virtio_host_features(self.qmp, kind)

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.qmp.cmd('quit')
            except (EOFError, OSError):
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.qmp.close()
        self.console.close()
        self.err.close()


def migrate(src, dst_uri, timeout=300):
    """Migrate; return (final status, seconds, query-migrate)."""
    return qmplib.migrate(src.qmp, dst_uri, timeout)


def bits_str(v):
    return ','.join(str(b) for b in range(64) if v >> b & 1)


class QemuTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='vuf-qemu-')
        self.backends = []
        self.qemus = []

    def tearDown(self):
        for q in self.qemus:
            q.quit()
        for b in self.backends:
            self.assertEqual(b.stop(), 0, 'backend did not exit cleanly')
        if KEEP or not self._outcome.success:
            print(f'files kept in {self.tmp}', file=sys.stderr)
        else:
            shutil.rmtree(self.tmp)

    def backend(self, name, mask, blk=False, extra=()):
        b = Backend(self.tmp, name, mask, blk, extra)
        self.backends.append(b)
        return b

    def qemu(self, name, backend, incoming=None, **opts):
        q = Qemu(self.tmp, name, backend, incoming, **opts)
        self.qemus.append(q)
        return q

    def boot(self, name, backend, **opts):
        q = self.qemu(name, backend, **opts)
        _, devs = q.console.wait_ready(timeout=180)
        net = [d for d in devs.values() if d.device == 1]
        self.assertEqual(len(net), 1, f'virtio devices: {devs}')
        return q, net[0].features

    # (a) QEMU starts; its device's host features follow the offer.
    def test_start(self):
        for mask in (MASK, 'csum,guest_csum,mrg_rxbuf,event_idx'):
            with self.subTest(mask=mask):
                b = self.backend(f'a{len(self.backends)}', mask)
                q = self.qemu(f'a{len(self.qemus)}', b)
                net = q.qmp.hmp('info network')
                self.assertRegex(net, r'vhost-user')
                self.assertRegex(net, r'virtio-net-pci')
                host = q.virtio_host_features()
                from_backend = host & b.backend_bits
                print(f'mask {mask}: offered {b.offered:#x} host {host:#x}',
                      file=sys.stderr)
                self.assertEqual(from_backend & ~b.offered, 0,
                                 'QEMU reports features the backend lacks: '
                                 + bits_str(from_backend & ~b.offered))
                for bit in DEFAULT_ON:
                    self.assertEqual(host >> bit & 1, b.offered >> bit & 1,
                                     f'bit {bit}')

    # (b) The guest negotiates; the backend learns what it acked.
    def test_guest(self):
        b = self.backend('g', 'csum,guest_csum,host_tso4,mrg_rxbuf,'
                         'event_idx,indirect_desc')
        q, feats = self.boot('g', b)
        self.assertTrue(feats >> 32 & 1, 'version_1 not negotiated')
        self.assertEqual(feats & b.backend_bits & ~b.offered, 0)
        for bit in (0, 1, 11, 15, 28, 29):
            self.assertTrue(feats >> bit & 1, f'bit {bit} not negotiated')
        for bit in (7, 8, 12, 34):
            self.assertFalse(feats >> bit & 1, f'bit {bit} negotiated')
        self.assertEqual(b.acked(), feats & b.backend_bits & ~VHOST_BITS)

    # (c) Same features: migration completes, the guest keeps its
    # features.  Then the destination becomes a source, towards a host
    # whose backend lacks features the guest acked: QEMU refuses, the
    # source runs on.
    def test_migrate(self):
        bsrc = self.backend('src', MASK)
        bdst = self.backend('dst', MASK)
        bless = self.backend('less', MASK_FEWER)
        src, feats = self.boot('src', bsrc)

        mig = os.path.join(self.tmp, 'mig1.sock')
        dst = self.qemu('dst', bdst, incoming=f'unix:{mig}')
        status, secs, info = migrate(src, f'unix:{mig}')
        self.assertEqual(status, 'completed', info)
        print(f"FIGURE migration-seconds {secs:.2f} total-time-ms "
              f"{info.get('total-time')} downtime-ms {info.get('downtime')}",
              file=sys.stderr)
        self.assertEqual(dst.status(), 'running')
        self.assertEqual(src.status(), 'postmigrate')
        dst.console.sync(timeout=60)
        after = dst.console.features()
        self.assertEqual([d.features for d in after.values()
                          if d.device == 1], [feats])
        self.assertEqual(bdst.acked(), feats & bdst.backend_bits
                         & ~VHOST_BITS)
        self.assertIn('log_all=on', bsrc.log_text())

        # The source QEMU goes away; its backend carries on.
        src.quit()
        self.qemus.remove(src)
        self.assertIsNone(bsrc.proc.poll())

        missing = bdst.offered & ~bless.offered & feats
        self.assertNotEqual(missing, 0, 'the smaller offer misses nothing '
                            'the guest acked')
        mig2 = os.path.join(self.tmp, 'mig2.sock')
        less = self.qemu('less', bless, incoming=f'unix:{mig2}')
        status, secs, info = migrate(dst, f'unix:{mig2}')
        self.assertEqual(status, 'failed', info)
        less.proc.wait(30)
        self.assertRegex(less.stderr(),
                         r'Features 0x[0-9a-f]+ unsupported')
        self.assertEqual(dst.status(), 'running')
        dst.console.sync(timeout=60)
        again = dst.console.features()
        self.assertEqual([d.features for d in again.values()
                          if d.device == 1], [feats])
        self.assertIsNone(bless.proc.poll())

    # Packed rings and two queue pairs: GET_VRING_BASE hands back packed
    # ring state, every pair migrates; a host without packed rings cannot
    # take the guest.
    def test_packed_mq(self):
        opts = dict(dev_opts=',packed=on,mq=on', netdev_opts=',queues=2')
        pairs = ['--queue-pairs', '2']
        bsrc = self.backend('psrc', MASK, extra=pairs)
        bdst = self.backend('pdst', MASK, extra=pairs)
        bless = self.backend('pless', 'all,-packed', extra=pairs)
        src, feats = self.boot('psrc', bsrc, **opts)
        self.assertTrue(feats >> 34 & 1, 'packed not negotiated')
        self.assertTrue(feats >> 22 & 1, 'mq not negotiated')

        mig = os.path.join(self.tmp, 'migp.sock')
        dst = self.qemu('pdst', bdst, incoming=f'unix:{mig}', **opts)
        status, secs, info = migrate(src, f'unix:{mig}')
        self.assertEqual(status, 'completed', info)
        dst.console.sync(timeout=60)
        self.assertEqual([d.features for d in dst.console.features().values()
                          if d.device == 1], [feats])
        for vring in range(4):
            self.assertRegex(bdst.log_text(),
                             rf'SET_VRING_BASE vring {vring} base 0x8000')

        mig2 = os.path.join(self.tmp, 'migp2.sock')
        less = self.qemu('pless', bless, incoming=f'unix:{mig2}', **opts)
        status, secs, info = migrate(dst, f'unix:{mig2}')
        self.assertEqual(status, 'failed', info)
        less.proc.wait(30)
        self.assertRegex(less.stderr(), r'Features 0x[0-9a-f]+ unsupported')
        self.assertEqual(dst.status(), 'running')

    # vhost-user-blk: start, host features, migration.
    def test_blk(self):
        for mask in ('all', 'all,-ro,-discard,-topology'):
            with self.subTest(mask=mask):
                n = len(self.backends)
                b = self.backend(f'b{n}', mask, blk=True)
                q = self.qemu(f'b{n}', b)
                host = q.virtio_host_features('virtio-blk')
                print(f'blk mask {mask}: offered {b.offered:#x} '
                      f'host {host:#x}', file=sys.stderr)
                self.assertEqual(host & b.backend_bits & ~b.offered, 0)
                for bit in DEFAULT_ON_BLK:
                    self.assertEqual(host >> bit & 1, b.offered >> bit & 1,
                                     f'bit {bit}')
        bdst = self.backend('bdst', mask, blk=True)
        mig = os.path.join(self.tmp, 'migb.sock')
        dst = self.qemu('bdst', bdst, incoming=f'unix:{mig}')
        status, secs, info = migrate(q, f'unix:{mig}')
        self.assertEqual(status, 'completed', info)
        self.assertEqual(dst.status(), 'running')
        self.assertEqual(dst.virtio_host_features('virtio-blk'), host)
        self.assertIn('GET_CONFIG', bdst.log_text())


def main():
    global QEMU, BACKEND, GUEST, KEEP
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument('--qemu')
    ap.add_argument('--backend')
    ap.add_argument('--guest')
    ap.add_argument('--keep', action='store_true')
    args, rest = ap.parse_known_args()
    QEMU = args.qemu or find_qemu()
    BACKEND = args.backend or find_backend()
    GUEST = args.guest or os.path.join(CACHE, 'guest')
    KEEP = args.keep
    for what, path in (('QEMU', QEMU), ('vhost-user-featmask', BACKEND)):
        if not path or not os.access(path, os.X_OK):
            print(f'SKIP: no {what}', file=sys.stderr)
            return 77
    if not os.path.exists(os.path.join(GUEST, 'initramfs.gz')):
        print(f'SKIP: no guest in {GUEST} (scripts/make-guest.sh)',
              file=sys.stderr)
        return 77
    print(f'QEMU {QEMU} {qemu_version(QEMU)}', file=sys.stderr)
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
