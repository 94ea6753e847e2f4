#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# 'featmask probe --qemu' against a real QEMU (FEATMASK_QEMU, or
# qemu-system-x86_64 on PATH: Debian 12's 7.2 has no featmask patch-set,
# so this is the stock path through x-query-virtio-status).  TAP output.
# Usage: test-probe-qemu.py FEATMASK

import json
import os
import shutil
import subprocess
import sys
import time

featmask = os.path.abspath(sys.argv[1])
qemu = os.environ.get('FEATMASK_QEMU') or shutil.which('qemu-system-x86_64')
n = 0


def ok(cond, what):
    global n
    n += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n, what))
    return cond


if not qemu:
    print('1..0 # SKIP no qemu-system-x86_64')
    sys.exit(0)

print('1..8')
args = ['-machine', 'q35', '-nodefaults',
        '-netdev', 'user,id=n0',
        '-device', 'virtio-net-pci,netdev=n0,id=net0,romfile=',
        '-device', 'virtio-blk-pci,id=disk0,drive=d0',
        '-drive', 'if=none,id=d0,file=/dev/null,format=raw,readonly=on',
        '-device', 'e1000e,id=nic1,romfile=']
t = time.monotonic()
p = subprocess.run([featmask, 'probe', '--host', 'probe-test', '--qemu', qemu,
                    '--'] + args, capture_output=True, text=True, timeout=120)
took = time.monotonic() - t
print('# probe took %.2f s' % took)
ok(p.returncode == 0, 'probe exits 0')
for line in p.stderr.splitlines():
    print('# ' + line)
prof = json.loads(p.stdout) if p.returncode == 0 else {}
devs = {d['id']: d for d in prof.get('devices', [])}
ok(set(devs) == {'net0', 'disk0'}, 'the virtio devices with an id: %s'
   % sorted(devs))
net = set(devs.get('net0', {}).get('features', []))
# Slirp has no vnet header: QEMU drops the offloads, keeps the rest.
ok({'mrg_rxbuf', 'ctrl_vq', 'version_1', 'mac'} <= net,
   'net0 has what QEMU always offers')
ok(not ({'csum', 'host_tso4', 'guest_tso4'} & net),
   'net0 lacks the offloads a user-mode backend cannot do')
ok('e1000e' in p.stderr, 'a note says the e1000e is not probed')
ok(prof.get('qemu', {}).get('kind') in ('stock', 'patched'),
   'the profile says which QEMU it came from')

# The profile is a valid input of the other commands.
with open('probe-test.json', 'w') as f:
    f.write(p.stdout)
b = subprocess.run([featmask, 'baseline', 'probe-test.json'],
                   capture_output=True, text=True)
os.unlink('probe-test.json')
ok(b.returncode == 0, 'the probed profile reads back')

# QEMU failing to start: one clear error with QEMU's own message.
p = subprocess.run([featmask, 'probe', '--qemu', qemu, '--', '-device',
                    'no-such-device'], capture_output=True, text=True,
                   timeout=60)
ok(p.returncode == 2 and 'QEMU failed to start' in p.stderr and
   'no-such-device' in p.stderr, 'a QEMU error is reported with its text')
