#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmark: large inputs (issue 8, H).  Reads CPUID dumps of 1,000 to
# 40,000 leaves with 'featmask probe --cpuid-dump' and negotiates two hosts
# of 1,000 to 16,000 devices with 'featmask baseline'; prints the wall time
# and exit status of each.  Inputs past the documented limits
# (docs/interop/cpuid-dumps.rst, docs/interop/featmask-profile.rst) must be
# refused quickly, with exit status 2.  The inputs are fixed (no
# randomness), so runs are comparable, also between builds (ASan...).
# Usage: bench/large-inputs.py [BUILDDIR]   (default: build)

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, '..', 'tests', 'data', 'cpu', 'dumps',
                    'host-cpuid-tool.txt')


def write_dump(n, path):
    """A `cpuid -1 -r` dump of n leaves: a real CPU's, then subleaves of
    the hypervisor range up to n."""
    with open(REAL) as f:
        leaves = [line.rstrip('\n') for line in f
                  if line.lstrip().startswith('0x')]
    out = ['CPU:'] + leaves
    for i in range(max(n - len(leaves), 0)):
        out.append('   0x%08x 0x%02x: eax=0x%08x ebx=0x00000000'
                   ' ecx=0x00000000 edx=0x00000000'
                   % (0x40001000 + i // 256, i % 256, i))
    with open(path, 'w') as f:
        f.write('\n'.join(out) + '\n')


def write_profile(n, host, path):
    """A profile of n virtio-net-pci devices."""
    feats = ['csum', 'guest_csum', 'mac', 'mrg_rxbuf', 'status', 'ctrl_vq']
    p = {'featmask-profile': 1, 'host': host,
         'devices': [{'id': 'net%d' % i, 'type': 'virtio-net-pci',
                      'features': feats} for i in range(n)]}
    with open(path, 'w') as f:
        json.dump(p, f)


def timed(label, args):
    start = time.monotonic()
    p = subprocess.run(args, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    print('%-28s  %10.3f  %4d' % (label, time.monotonic() - start,
                                  p.returncode), flush=True)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..',
                                                                'build')
    featmask = os.path.join(build, 'tools', 'featmask', 'featmask')
    if not os.access(featmask, os.X_OK):
        sys.exit('bench: build featmask first (%s)' % featmask)
    print('%-28s  %10s  %4s' % ('input', 'seconds', 'exit'))
    with tempfile.TemporaryDirectory() as work:
        dump = os.path.join(work, 'dump.txt')
        for n in (1000, 4096, 10000, 40000):
            write_dump(n, dump)
            timed('dump of %d leaves' % n,
                  [featmask, 'probe', '--cpuid-dump', dump, '-o', '-'])
        a, b = os.path.join(work, 'a.json'), os.path.join(work, 'b.json')
        for n in (1000, 4000, 16000):
            write_profile(n, 'a', a)
            write_profile(n, 'b', b)
            timed('2 hosts of %d devices' % n,
                  [featmask, 'baseline', '--json', a, b])


if __name__ == '__main__':
    main()
