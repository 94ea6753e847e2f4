#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generate N host profiles for the benchmarks.
#
# Usage: gen-profiles.py [--stream] [--from DIR] FEATMASK N OUT
#
# By default the profiles are synthetic "full" profiles: about 230 CPU
# features and 5 devices of 30 features each (two virtio-net, two
# virtio-blk, one device featmask has no map for), every host missing a
# few features at random (seeded, so runs are comparable).
# With --from DIR, the profiles are the *.json of DIR (e.g. real CPUs
# probed from CPUID dumps), repeated in turn until there are N, each copy
# under its own host name.
# OUT is a directory that gets one file per host (host-NNNNNN.json), or
# with --stream a single file holding the documents one after another
# (what 'featmask baseline -' reads on standard input).

import argparse
import json
import os
import random
import subprocess


def names(featmask, kind):
    out = subprocess.run([featmask, 'list', '--json', kind], check=True,
                         capture_output=True, text=True).stdout
    return [f['name'] for f in json.loads(out)]


def synthetic(featmask, n):
    rnd = random.Random(1)
    cpu = names(featmask, 'x86-cpu')[:230]
    net = names(featmask, 'virtio-net')[:30]
    blk = names(featmask, 'virtio-blk')[:30]
    nic = ['f%d' % i for i in range(30)]        # a device without a map
    devices = [('net0', 'virtio-net-pci', net), ('net1', 'virtio-net-pci', net),
               ('disk0', 'virtio-blk-pci', blk), ('disk1', 'virtio-blk-pci', blk),
               ('nic0', 'e1000e', nic)]

    # The first two thirds of each list are on every host, as on a real
    # pool; each host lacks a few of the rest.
    def some(lst):
        keep = len(lst) * 2 // 3
        return lst[:keep] + [x for x in lst[keep:] if rnd.random() > 0.05]

    for h in range(n):
        yield {'featmask-profile': 1, 'host': 'host-%06d' % h,
               'cpu': {'arch': 'x86_64', 'vendor': 'GenuineIntel',
                       'features': some(cpu)},
               'devices': [{'id': i, 'type': t, 'features': some(f)}
                           for i, t, f in devices]}


def repeated(src, n):
    base = []
    for name in sorted(os.listdir(src)):
        if name.endswith('.json'):
            with open(os.path.join(src, name)) as f:
                base.append(json.load(f))
    if not base:
        raise SystemExit('gen-profiles: no *.json in %s' % src)
    for h in range(n):
        p = dict(base[h % len(base)])
        p['host'] = '%s-%06d' % (p['host'], h)
        yield p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--stream', action='store_true')
    ap.add_argument('--from', dest='src')
    ap.add_argument('featmask')
    ap.add_argument('n', type=int)
    ap.add_argument('out')
    a = ap.parse_args()
    gen = repeated(a.src, a.n) if a.src else synthetic(a.featmask, a.n)
    if a.stream:
        with open(a.out, 'w') as f:
            for p in gen:
                json.dump(p, f)
                f.write('\n')
        return
    os.makedirs(a.out, exist_ok=True)
    for h, p in enumerate(gen):
        with open(os.path.join(a.out, 'host-%06d.json' % h), 'w') as f:
            json.dump(p, f)


if __name__ == '__main__':
    main()
