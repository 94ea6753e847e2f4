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
import tempfile
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

print('1..%d' % (8 + 4 + 7 + 3))
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


# Devices that need no host backend, each decoded through its own map.
def has_device(binary, name):
    h = subprocess.run([binary, '-device', 'help'], capture_output=True,
                       text=True, timeout=60)
    return ('"%s"' % name) in h.stdout


dev_args = ['-machine', 'q35', '-nodefaults',
            '-object', 'cryptodev-backend-builtin,id=cr0',
            '-object', 'memory-backend-ram,id=mem0,size=128M',
            '-m', '512M,slots=2,maxmem=1G',
            '-device', 'virtio-rng-pci,id=rng0',
            '-device', 'virtio-gpu-pci,id=gpu0',
            '-device', 'virtio-serial-pci,id=ser0',
            '-device', 'virtio-balloon-pci,id=bal0',
            '-device', 'virtio-iommu-pci,id=iommu0',
            '-device', 'virtio-keyboard-pci,id=kbd0',
            '-device', 'virtio-crypto-pci,id=crypto0,cryptodev=cr0',
            '-device', 'virtio-mem-pci,id=vmem0,memdev=mem0']
want = {'rng0', 'gpu0', 'ser0', 'bal0', 'iommu0', 'kbd0', 'crypto0', 'vmem0'}
if has_device(qemu, 'virtio-sound-pci'):
    dev_args += ['-audiodev', 'none,id=au0',
                 '-device', 'virtio-sound-pci,id=snd0,audiodev=au0']
    want.add('snd0')
p = subprocess.run([featmask, 'probe', '--host', 'devices', '--qemu', qemu,
                    '--'] + dev_args, capture_output=True, text=True,
                   timeout=120)
for line in p.stderr.splitlines():
    print('# ' + line)
ok(p.returncode == 0, 'probe of devices without a host backend exits 0')
prof = json.loads(p.stdout) if p.returncode == 0 else {}
devs = {d['id']: d for d in prof.get('devices', [])}
ok(set(devs) == want, 'every device is probed: %s' % sorted(devs))
ok('left out' not in p.stderr, 'no bit is left undecoded')
ok(all('version_1' in d['features'] for d in devs.values()),
   'each has the transport features')
sw = prof.get('qemu', {}).get('switches', {})
ok({'edid', 'blob'} <= set(sw.get('virtio-gpu-pci', [])),
   "virtio-gpu's edid and blob flags are switches")
ok('unplugged-inaccessible' in sw.get('virtio-mem-pci', []),
   "virtio-mem's OnOffAuto unplugged-inaccessible is a switch")
ok('emergency-write' in sw.get('virtio-serial-pci', []),
   "virtio-serial's emergency-write bit is a switch")
if prof.get('qemu', {}).get('kind') == 'stock':
    # x-query-virtio-status, decoded by each kind's map
    feats = {i: set(d['features']) for i, d in devs.items()}
    ok('edid' in feats['gpu0'], 'gpu0 offers edid')
    ok({'multiport', 'emergency-write'} <= feats['ser0'],
       'ser0 offers multiport and emergency-write')
    ok({'stats_vq', 'page-poison'} <= feats['bal0'],
       'bal0 offers stats_vq and page-poison')
    ok({'input_range', 'domain_range', 'map_unmap', 'probe', 'mmio',
        'bypass_config'} <= feats['iommu0'],
       "iommu0 offers QEMU's fixed set")
else:
    for what in ('gpu0', 'ser0', 'bal0', 'iommu0'):
        n += 1
        print("ok %d # SKIP %s: the patched path reports the patch-set's"
              ' features' % (n, what))

# A vhost-user-blk device, read through the blk map: what the backend
# (featmask's own, with --type blk) lacks is missing.
backend = os.environ.get('FEATMASK_VHOST_USER_BACKEND')
if not backend or not has_device(qemu, 'vhost-user-blk-pci'):
    for i in range(3):
        n += 1
        print('ok %d # SKIP no vhost-user backend or vhost-user-blk-pci' % n)
    sys.exit(0)
with tempfile.TemporaryDirectory(prefix='featmask-vub-') as d:
    sock = os.path.join(d, 'blk.sock')
    be = subprocess.Popen([backend, '--type', 'blk', '-s', sock,
                           '-f', 'all,-discard,-write-zeroes'])
    for i in range(500):
        if os.path.exists(sock) or be.poll() is not None:
            break
        time.sleep(0.02)
    p = subprocess.run([featmask, 'probe', '--host', 'vub', '--qemu', qemu,
                        '--', '-machine', 'q35,memory-backend=mem0',
                        '-nodefaults', '-m', '256M', '-object',
                        'memory-backend-memfd,id=mem0,size=256M,share=on',
                        '-chardev', 'socket,id=c0,path=' + sock,
                        '-device', 'vhost-user-blk-pci,id=vblk0,chardev=c0'],
                       capture_output=True, text=True, timeout=120)
    be.terminate()
    be.wait(timeout=30)
for line in p.stderr.splitlines():
    print('# ' + line)
prof = json.loads(p.stdout) if p.returncode == 0 else {}
devs = {d['id']: d for d in prof.get('devices', [])}
blk = set(devs.get('vblk0', {}).get('features', []))
ok(p.returncode == 0 and 'vblk0' in devs, 'vhost-user-blk-pci is probed')
if prof.get('qemu', {}).get('kind') == 'stock':
    ok({'flush', 'seg_max', 'version_1'} <= blk,
       'vblk0 has what the backend offers: %s' % sorted(blk))
else:
    n += 1
    print("ok %d # SKIP the patched path reports the patch-set's features"
          % n)
ok(not ({'discard', 'write-zeroes'} & blk),
   'vblk0 lacks what the backend does not offer')
