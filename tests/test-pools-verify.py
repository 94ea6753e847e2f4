#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A pool of Debian 12's stock QEMU 7.2 and the patched QEMU 10.0 under TCG,
# each probed with 'featmask probe --qemu': every line of 'featmask plan'
# (both CPU forms) starts on its own host's QEMU, and 'plan --verify' says
# so; the lines the old plan wrote (-cpu host under TCG, a switch 7.2 does
# not have) are refused with QEMU's message.  No guest runs: QEMU starts
# paused.  TAP output.
# Usage: test-pools-verify.py FEATMASK
# The patched QEMU is FEATMASK_QEMU_PATCHED, else the build in
# FEATMASK_CACHE (/var/cache/featmask); skips without either QEMU.

import json
import os
import subprocess
import sys
import tempfile

featmask = os.path.abspath(sys.argv[1])
cache = os.environ.get('FEATMASK_CACHE', '/var/cache/featmask')
stock = '/usr/bin/qemu-system-x86_64'
patched = os.environ.get('FEATMASK_QEMU_PATCHED') or \
    os.path.join(cache, 'qemu-build', 'qemu-system-x86_64')
n = 0


def ok(cond, what, detail=''):
    global n
    n += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n, what))
    if not cond and detail:
        print('\n'.join('# ' + line for line in str(detail).splitlines()))
    return cond


def fm(*args):
    return subprocess.run([featmask, *args], capture_output=True, text=True,
                          timeout=120)


missing = [q for q in (stock, patched) if not os.access(q, os.X_OK)]
if missing:
    print('1..0 # SKIP no %s' % ', '.join(missing))
    sys.exit(0)

print('1..13')
tmp = tempfile.mkdtemp(prefix='featmask-pools-')
firmware = ['-L', '/usr/share/seabios', '-L', '/usr/share/qemu']
host_args = ['-nodefaults', '-machine', 'pc-q35-7.2', '-netdev', 'user,id=n0',
             '-device', 'virtio-net-pci,id=net0,netdev=n0,romfile=,'
             'disable-legacy=on']
prof = {}
for name, qemu in (('old', stock), ('new', patched)):
    prof[name] = os.path.join(tmp, name + '.json')
    p = fm('probe', '--host', name, '-o', prof[name], '--qemu', qemu, '--',
           *firmware, *host_args)
    with open(prof[name]) as f:
        q = json.load(f)['qemu'] if p.returncode == 0 else {}
    ok(p.returncode == 0 and q.get('accelerator') == 'tcg' and
       q.get('binary') == qemu and 'x86-cpu' in q.get('switches', {}),
       f'probe of {name} ({qemu}) records the binary, TCG and the switches',
       p.stderr)

for form in ('host', 'model'):
    p = fm('plan', '--verify', '--cpu-form', form, prof['old'], prof['new'])
    lines = p.stdout.splitlines()
    print('\n'.join('# ' + line[:150] for line in lines))
    ok(p.returncode == 0 and len(lines) == 4 and
       all(': ok: ' in line for line in lines),
       f'every line of the plan (--cpu-form {form}) starts on its own '
       'host\'s QEMU', p.stdout + p.stderr)

def variant(name, suffix, change):
    """A copy of host @name's profile, changed by @change(profile)."""
    with open(prof[name]) as f:
        d = json.load(f)
    change(d)
    path = os.path.join(tmp, f'{name}-{suffix}.json')
    with open(path, 'w') as f:
        json.dump(d, f)
    return path


def no_accel(d):
    del d['qemu']['accelerator']


def add_gds(d):
    d['cpu']['features'].append('gds-no')


def add_gds_no_switches(d):
    add_gds(d)
    del d['qemu']['switches']


def no_aes(d):
    d['cpu']['features'].remove('aes')


# What the plan wrote before: -cpu host whatever the accelerator.
p = fm('plan', '--verify', variant('old', 'naive', no_accel),
       variant('new', 'naive', no_accel))
ok(p.returncode == 1 and p.stdout.count('requires KVM') == 2,
   'without the accelerator, -cpu host is refused on both TCG hosts with '
   'QEMU\'s message', p.stdout + p.stderr)

# A profile of the 7.2 host whose CPU says gds-no (as one from KVM or a
# dump would), in a pool whose other host lacks it.
p = fm('plan', variant('old', 'gds', add_gds), prof['new'])
ok(p.returncode == 1 and "cannot turn off 'gds-no'" in p.stderr and
   p.stdout == '', 'a host whose QEMU cannot switch gds-no off: no plan, '
   'exit 1, host and feature named', p.stdout + p.stderr)
p = fm('plan', '--verify', variant('old', 'gds-unknown', add_gds_no_switches),
       prof['new'])
ok(p.returncode == 1 and "gds-no' not found" in p.stdout,
   'without the switches in the profile, --verify catches it: QEMU 7.2 '
   'refuses gds-no=off', p.stdout + p.stderr)

# A profile that says less than its QEMU gives: QEMU takes the line, and
# --verify sees that the CPU it made is not the plan's.
p = fm('plan', '--verify', variant('old', 'less', no_aes), prof['new'])
ok(p.returncode == 1 and 'its CPU is not the plan\'s: it has aes beyond'
   in p.stdout, 'a line QEMU takes but whose CPU is not the plan\'s is '
   'refused, naming the feature', p.stdout + p.stderr)

# A QEMU that does not start: one message, exit 2.
p = fm('plan', '--verify', '--qemu', 'old=/bin/false', prof['old'],
       prof['new'])
ok(p.returncode == 2 and 'does not start' in p.stderr and not p.stdout,
   'a QEMU that does not start: one message, exit 2', p.stdout + p.stderr)
p = fm('plan', '--verify', '--qemu', 'old=' + os.path.join(tmp, 'none'),
       prof['old'], prof['new'])
ok(p.returncode == 2 and 'cannot run' in p.stderr,
   'a QEMU that cannot be run: one message, exit 2', p.stdout + p.stderr)

# pvpanic's events are bits of one integer property: a stock plan sets it
# once, to the common bits, and QEMU 7.2 and 10.0 take it ("events=off",
# once per bit, was refused: "Parameter 'events' expects integer").
pv = os.path.join(tmp, 'pv.json')
p = fm('probe', '--host', 'pv', '-o', pv, '--qemu', patched, '--',
       *firmware, '-nodefaults', '-machine', 'pc-q35-7.2', '-device',
       'pvpanic-pci,id=pp')
ok(p.returncode == 0, 'probe of pvpanic on the patched QEMU', p.stderr)
prof['pv'] = pv


def pv_device(d):
    del d['cpu']                # one QEMU's CPU is not the other's


def pv_no_shutdown(d):
    pv_device(d)
    d['host'] = 'pv-few'
    d['devices'][0]['features'].remove('shutdown')


pv = variant('pv', 'device', pv_device)
few = variant('pv', 'few', pv_no_shutdown)
for qemu in (stock, patched):
    p = fm('plan', '--verify', '--qemu-kind', 'stock', '--qemu',
           'pv=' + qemu, '--qemu', 'pv-few=' + qemu, pv, few)
    ok(p.returncode == 0 and
       'pv: ok: -device pvpanic-pci,id=pp,events=3\n' in p.stdout,
       f'pvpanic turned off on {qemu}: one events= of the common bits, '
       'which QEMU takes', p.stdout + p.stderr)

for f in os.listdir(tmp):
    os.unlink(os.path.join(tmp, f))
os.rmdir(tmp)
