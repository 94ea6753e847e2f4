#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generate the large inputs of bench/large-inputs.sh (issue 8, H):
#   gen-large.py dump N FILE        a `cpuid -1 -r` dump of N leaves: the
#                                   real leaves of tests/data/cpu/dumps/
#                                   host-cpuid-tool.txt, then subleaves of
#                                   the hypervisor range up to N
#   gen-large.py devices N HOST FILE  a profile of N virtio-net-pci devices
# The content is fixed (no randomness): runs are comparable.

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, '..', 'tests', 'data', 'cpu', 'dumps',
                    'host-cpuid-tool.txt')


def dump(n, path):
    with open(REAL) as f:
        lines = [line.rstrip('\n') for line in f if line.strip()]
    leaves = [line for line in lines[1:] if line.lstrip().startswith('0x')]
    out = ['CPU:'] + leaves
    extra = n - len(leaves)
    for i in range(max(extra, 0)):
        leaf, sub = 0x40001000 + i // 256, i % 256
        out.append('   0x%08x 0x%02x: eax=0x%08x ebx=0x00000000'
                   ' ecx=0x00000000 edx=0x00000000' % (leaf, sub, i))
    with open(path, 'w') as f:
        f.write('\n'.join(out) + '\n')


def devices(n, host, path):
    feats = ['csum', 'guest_csum', 'mac', 'mrg_rxbuf', 'status', 'ctrl_vq']
    p = {'featmask-profile': 1, 'host': host,
         'devices': [{'id': 'net%d' % i, 'type': 'virtio-net-pci',
                      'features': feats} for i in range(n)]}
    with open(path, 'w') as f:
        json.dump(p, f)


def main():
    if sys.argv[1] == 'dump':
        dump(int(sys.argv[2]), sys.argv[3])
    else:
        devices(int(sys.argv[2]), sys.argv[3], sys.argv[4])


if __name__ == '__main__':
    main()
