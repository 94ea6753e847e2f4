#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generate N host profiles for the baseline benchmark: about 200 CPU
# features and 5 devices of about 30 features each, every host missing a
# few features at random (seeded, so runs are comparable).
# Usage: gen-profiles.py FEATMASK N OUTDIR

import json
import os
import random
import subprocess
import sys


def names(featmask, kind):
    out = subprocess.run([featmask, 'list', '--json', kind], check=True,
                         capture_output=True, text=True).stdout
    return [f['name'] for f in json.loads(out)]


def main():
    featmask, n, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(1)
    cpu = names(featmask, 'x86-cpu')[:200]
    net = names(featmask, 'virtio-net')[:30]
    blk = names(featmask, 'virtio-blk')[:30]
    nic = ['f%d' % i for i in range(30)]        # a device without a map
    devices = [('net0', 'virtio-net-pci', net), ('net1', 'virtio-net-pci', net),
               ('disk0', 'virtio-blk-pci', blk), ('disk1', 'virtio-blk-pci', blk),
               ('nic0', 'e1000e', nic)]
    os.makedirs(outdir, exist_ok=True)
    for h in range(n):
        # The first two thirds of each list are on every host, as on a
        # real pool; each host lacks a few of the rest.
        def some(lst):
            keep = len(lst) * 2 // 3
            return lst[:keep] + [x for x in lst[keep:] if rnd.random() > 0.05]
        p = {'featmask-profile': 1, 'host': 'host-%05d' % h,
             'cpu': {'arch': 'x86_64', 'vendor': 'GenuineIntel',
                     'features': some(cpu)},
             'devices': [{'id': i, 'type': t, 'features': some(f)}
                         for i, t, f in devices]}
        with open(os.path.join(outdir, 'host-%05d.json' % h), 'w') as f:
            json.dump(p, f)


if __name__ == '__main__':
    main()
