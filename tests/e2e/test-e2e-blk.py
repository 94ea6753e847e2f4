#!/usr/bin/env python3
#
# End-to-end test: a pool of two hosts whose vhost-user-blk backends
# differ, with the real guest under TCG reading its disk after migration.
#
# Both hosts serve ONE disk image file, each through its own
# vhost-user-featmask --type blk --blk-image process: host-a's backend
# offers discard, write-zeroes and two queues (mq), host-b's none of them,
# as an older storage daemon would.  A known pattern is written into the
# image before the guest boots.
#
#   1. naive: the guest boots on host-a with a plain vhost-user-blk-pci,
#      its driver takes discard and write-zeroes, and the migration to
#      host-b fails at the destination (virtio's own check) while the
#      source runs on, the guest answering with its features unchanged;
#   2. planned: featmask probe --qemu of both hosts (each with as many
#      queues as its backend serves) and featmask plan give the features=
#      both hosts launch with, without discard, write-zeroes and mq (the
#      plan's mq is num-queues=1: it has no switch); the guest boots on
#      host-a, the migration to host-b completes, and the guest reads its
#      disk there: the md5 of the pattern, read through host-b's backend
#      (the guest's page cache dropped), is the one written before boot;
#      and a copy the guest makes on its disk there is in the image.
#
# Usage: test-e2e-blk.py --featmask BIN --backend BIN [DEMO-OPTIONS...]
# (the options of scripts/demo.py).  TAP on stdout; exit status 0 when
# every expectation held, 1 when one failed, 77 (skip) without QEMU with
# featmask's patch-set, the guest or featmask's programs.
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
import demo  # noqa: E402
import console  # noqa: E402
import qmp as qmplib  # noqa: E402

VIRTIO_ID_BLOCK = 2
# What each host's storage daemon offers (the transport bits the guest
# uses; version_1 and the vhost bits are always offered).
COMMON = ('size_max,seg_max,blk_size,flush,topology,config-wce,'
          'indirect_desc,event_idx')
OFFER = {
    'host-a': (COMMON + ',discard,write-zeroes,mq', 2),
    'host-b': (COMMON, 1),
}
# What host-b lacks and a guest driver takes when offered (mq needs
# num-queues above 1, so no driver sees it here).
LACKS = ('discard', 'write-zeroes')
LACKS_ALL = LACKS + ('mq',)
# The disk: 8 MiB, all of it read back after the migration; then the
# guest copies its first MiB to the second half.
DISK_SECTORS = 16384
COPY_SECTORS = 2048


def pattern(sectors):
    """A pattern no two sectors share: each sector is the SHA-256 chain of
    its number, so that a sector read from the wrong place shows."""
    out = bytearray()
    for s in range(sectors):
        block = b''
        seed = s.to_bytes(8, 'little')
        while len(block) < 512:
            seed = hashlib.sha256(seed).digest()
            block += seed
        out += block[:512]
    return bytes(out)


class BlkHost(demo.Host):
    """A host whose storage daemon serves the shared disk image through
    vhost-user-blk, offering @offer with @queues queues."""

    def __init__(self, name, root, offer, queues, image, tools, procs):
        super().__init__(name, root, offer, tools, procs)
        self.queues = queues
        self.image = image

    def start_backend(self):
        self.backend = self.procs.start(
            [self.tools.backend, '--type', 'blk', '--socket-path',
             self.vu_sock, '--blk-image', self.image, '--queues',
             str(self.queues), '--features', self.offer, '--log',
             self.vu_log], os.path.join(self.dir, 'backend.out'))
        deadline = time.monotonic() + 10
        while not os.path.exists(self.vu_sock):
            if self.backend.poll() is not None or \
               time.monotonic() > deadline:
                raise demo.Abort(f'{self.name}: the backend did not start')
            time.sleep(0.02)

    def machine_args(self):
        return ['-nodefaults', '-machine', 'q35,memory-backend=mem',
                '-object', f'memory-backend-memfd,id=mem,'
                f'size={demo.GUEST_MEM},share=on',
                '-chardev', f'socket,id=c0,path={self.vu_sock}']

    def device(self, device_argv):
        argv = list(device_argv)
        i = argv.index('-device') + 1
        argv[i] += ',chardev=c0,disable-legacy=on'
        return argv

    def plain_device(self, queues=1):
        opts = f',num-queues={queues}' if queues > 1 else ''
        return self.device(['-device', f'vhost-user-blk-pci,id=blk0{opts}'])

    def probe(self, extra=()):
        """featmask probe with as many queues as the backend serves: the
        profile says what this host can provide, mq included (featmask
        reads what the device's configuration offers)."""
        plain = self.plain_device
        self.plain_device = lambda: plain(self.queues)
        try:
            return super().probe(extra)
        finally:
            del self.plain_device


def blk_device(devs):
    disks = [d for d in devs.values() if d.device == VIRTIO_ID_BLOCK]
    return disks[0] if len(disks) == 1 else None


class BlkPool(demo.Demo):
    """The vhost-user-blk pool, run by demo.main()."""

    device_name = 'virtio-blk'
    driver = 'virtio_blk'

    def __init__(self, args, report):
        super().__init__(args, report)
        self.map = demo.DeviceMap(args.featmask, 'vhost-user-blk-pci')

    def read_disk(self, vm, where):
        """The md5 of the guest's whole disk, read by the guest."""
        try:
            lines = vm.console.command(f'read vda 0 {DISK_SECTORS}',
                                       timeout=self.args.timeout)
        except (TimeoutError, EOFError, console.GuestError) as e:
            self.r.check(False, f'the guest reads its disk on {where}', e)
            return None
        for line in lines:
            m = re.match(r'^FEATMASK-READ vda .* md5=([0-9a-f]{32})$', line)
            if m:
                return m.group(1)
        self.r.check(False, f'the guest reads its disk on {where}', lines)
        return None

    def write_disk(self, vm, where):
        """The guest copies the first COPY_SECTORS sectors of its disk to
        the second half, synced: the image holds them there."""
        half = DISK_SECTORS // 2
        try:
            lines = vm.console.command(f'copy vda 0 {half} {COPY_SECTORS}',
                                       timeout=self.args.timeout)
        except (TimeoutError, EOFError, console.GuestError) as e:
            lines = [str(e)]
        self.r.check(any(line.startswith('FEATMASK-COPY vda')
                         for line in lines),
                     f'the guest writes to its disk on {where}', lines)
        with open(self.image, 'rb') as f:
            f.seek(half * 512)
            copied = f.read(COPY_SECTORS * 512)
        self.r.check(copied == self.data[:COPY_SECTORS * 512],
                     f'the image holds what the guest wrote on {where} '
                     f'({COPY_SECTORS} sectors at sector {half})')

    def guest_device(self, devs):
        return blk_device(devs)

    def setup_pool(self):
        r = self.r
        r.step('0. One disk image, two hosts whose vhost-user-blk backends '
               'differ')
        self.image = os.path.join(self.root, 'disk.img')
        data = pattern(DISK_SECTORS)
        with open(self.image, 'wb') as f:
            f.write(data)
        self.data = data
        self.md5 = hashlib.md5(data).hexdigest()
        r.say(f'   {self.image}: {DISK_SECTORS} sectors, md5 {self.md5}')
        for name, (offer, queues) in OFFER.items():
            h = BlkHost(name, self.root, offer, queues, self.image,
                        self.tools, self.procs)
            self.timed(f'start backend of {name}', h.start_backend)
            self.hosts[name] = h
            r.say(f'   {name}: vhost-user-featmask --type blk --blk-image '
                  f'disk.img --queues {queues} --features {offer}')

    def naive(self):
        r = self.r
        a, b = self.hosts['host-a'], self.hosts['host-b']
        r.step('1. Naive: the same -device on both hosts')
        r.say(f'   {shlex.join(a.plain_device())}')
        src, disk = self.boot(a, a.plain_device(), 'naive')
        missing = self.map.to_bits(LACKS)
        r.check(disk.features & missing == missing, 'the guest driver took '
                f'{", ".join(LACKS)} from host-a')
        md5 = self.read_disk(src, 'host-a')
        r.check(md5 == self.md5, f'the guest reads its disk on host-a '
                f'(md5 {md5})')
        dst = b.launch(b.plain_device(), incoming=True)
        status, secs, info = qmplib.migrate(src.qmp, dst.incoming,
                                            timeout=self.args.timeout)
        r.timing('migration (naive)', secs)
        r.check(status == 'failed', f'migration to host-b fails ({status} '
                f'after {secs:.1f} s)', info)
        try:
            dst.proc.wait(30)
        except subprocess.TimeoutExpired:
            pass
        out = dst.output()
        r.check(re.search(r'Features 0x[0-9a-f]+ unsupported', out),
                'host-b\'s QEMU says "Features 0x... unsupported"', out)
        deadline = time.monotonic() + 30
        while src.status() != 'running' and time.monotonic() < deadline:
            time.sleep(0.05)
        self.guest_runs_on(src, disk, 'host-a')
        dst.quit()
        src.quit()

    def planned(self):
        r = self.r
        a, b = self.hosts['host-a'], self.hosts['host-b']
        fm = self.args.featmask
        r.step('2. Planned: featmask probe, plan, and the plan\'s '
               'features= on both hosts')
        feats = {}
        for h in (a, b):
            prof, secs, warn = self.run_probe(h)
            dev = next(d for d in prof['devices'] if d['id'] == 'blk0')
            feats[h.name] = set(dev['features'])
            r.say(f'     {h.name}: blk0 from {dev.get("source")}: '
                  f'{len(dev["features"])} features ({secs:.2f} s)')
            if warn:
                r.show(warn, '     ')
        r.check(set(LACKS_ALL) <= feats['host-a'] and
                not set(LACKS_ALL) & feats['host-b'],
                f'the profiles say host-b lacks {", ".join(LACKS_ALL)}',
                f'host-a {sorted(feats["host-a"])}\n'
                f'host-b {sorted(feats["host-b"])}')
        r.say(f'   $ featmask plan --json --qemu-kind patched '
              f'{a.name}.json {b.name}.json')
        plan = json.loads(self.timed('featmask plan --json', demo.run,
                                     [fm, 'plan', '--json', '--qemu-kind',
                                      'patched', a.profile, b.profile],
                                     check=True).stdout)
        args, turn_off = {}, {}
        for entry in plan:
            d = next(d for d in entry['devices'] if d['id'] == 'blk0')
            args[entry['host']] = d['args-patched']
            turn_off[entry['host']] = d['turn-off']
            r.say(f'     {entry["host"]}: {d["args-patched"]}')
            r.say(f'       turn off: {", ".join(d["turn-off"]) or "-"}')
        r.check(args['host-a'] == args['host-b'],
                'features= is the same on both hosts')
        r.check(set(LACKS_ALL) <= set(turn_off['host-a']) and
                not turn_off['host-b'], 'host-a turns off '
                f'{", ".join(LACKS_ALL)} (mq by num-queues=1, it has no '
                'switch), host-b nothing', turn_off)
        devs = {h.name: h.device(shlex.split(args[h.name])) for h in (a, b)}
        r.say(f'   host-a: {shlex.join(devs["host-a"])}')
        src, disk = self.boot(a, devs['host-a'], 'plan')
        r.check(disk.features & self.map.to_bits(LACKS) == 0,
                f'the guest driver has none of {", ".join(LACKS)}',
                self.map.show(disk.features))
        dst = b.launch(devs['host-b'], incoming=True)
        status, secs, info = qmplib.migrate(src.qmp, dst.incoming,
                                            timeout=self.args.timeout)
        r.timing('migration (plan)', secs)
        r.check(status == 'completed', f'migration to host-b completes in '
                f'{secs:.1f} s', info, fatal=True)
        self.guest_runs_on(dst, disk, 'host-b')
        md5 = self.read_disk(dst, 'host-b')
        r.check(md5 == self.md5, 'after the migration the guest reads on '
                f'host-b the pattern written before boot (md5 {md5})',
                f'want {self.md5}')
        self.write_disk(dst, 'host-b')
        with open(b.vu_log) as f:
            served = re.findall(r'conn \d+: SET_VRING_KICK vring 0',
                                f.read())
        r.check(served, 'host-b\'s backend started the ring the guest read '
                'through')
        dst.quit()
        src.quit()

    def run(self):
        if self.form != 'patched':
            raise demo.Skip('the vhost-user-blk pool needs features= '
                            '(QEMU with featmask\'s patch-set)')
        try:
            self.setup_pool()
            self.naive()
            self.planned()
            self.r.step('Summary')
            self.r.show('\n'.join(f'{what:<40} {secs:7.2f} s'
                                  for what, secs in self.r.timings), '     ')
        finally:
            self.procs.stop_all()
            for h in self.hosts.values():
                h.console_log.close()


def main(argv=None):
    argv = ['--form', 'patched', '--tap'] + (argv or sys.argv[1:])
    return demo.main(argv, scenario=BlkPool)


if __name__ == '__main__':
    sys.exit(main())
