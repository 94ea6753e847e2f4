#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# 'featmask labels' and 'featmask plan --format selector' on a generated
# fleet of 100 hosts: every labels file must parse as node-feature-
# discovery's local feature format (features.d), and the selector of a
# pool of 10 must admit exactly the hosts of the fleet that can run the
# pool's common set, as computed here from the profiles and the baseline.
# The fleet goes in as a directory, the pool as @LIST, a host on stdin.
# Usage: test-labels.py FEATMASK   (TAP)

import json
import os
import random
import re
import subprocess
import sys
import tempfile

from tap import Tap

tap = Tap()
ok = tap.ok

# Kubernetes label syntax: [prefix/]name, name and value up to 63 of
# [A-Za-z0-9_.-] starting and ending alphanumeric (the value may be empty).
PART = r'[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?'
PREFIX = r'[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*'
NAME_RE = re.compile(r'^(%s/)?%s$' % (PREFIX, PART))
VALUE_RE = re.compile(r'^(%s)?$' % PART)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=300,
                          **kw)


def parse_features_d(text):
    """node-feature-discovery's local source: one name[=value] a line,
    '#' comments ('# +' directives), value "true" when omitted.  Raises
    ValueError on what NFD would not turn into a label."""
    labels = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            if line.startswith('# +') and not re.match(
                    r'# \+(expiry-time=\S+|no-label|no-feature)$', line):
                raise ValueError('line %d: unknown directive' % n)
            continue
        name, _, value = line.partition('=')
        if not _:
            value = 'true'
        if '/' not in name:
            name = 'feature.node.kubernetes.io/' + name
        if len(name.split('/')[0]) > 253 or not NAME_RE.match(name):
            raise ValueError('line %d: bad label name %r' % (n, name))
        if not VALUE_RE.match(value):
            raise ValueError('line %d: bad label value %r' % (n, value))
        if name in labels:
            raise ValueError('line %d: %s given twice' % (n, name))
        labels[name] = value
    return labels


def parse_selector(text):
    """The nodeSelector map of the YAML 'plan --format selector' prints."""
    sel, inside = {}, False
    for line in text.splitlines():
        if line.startswith('#') or not line.strip():
            continue
        if line == 'nodeSelector:':
            inside = True
            continue
        m = re.match(r'^  ([^:\s]+): "([^"]*)"$', line)
        if not inside or not m:
            raise ValueError('not a nodeSelector line: %r' % line)
        sel[m.group(1)] = m.group(2)
    return sel


def names(featmask, kind):
    out = run([featmask, 'list', '--json', kind]).stdout
    return [f['name'] for f in json.loads(out)]


def generate(featmask, outdir, n):
    rnd = random.Random(11)
    cpu = names(featmask, 'x86-cpu')[:70]
    net = names(featmask, 'virtio-net')[:24]
    blk = names(featmask, 'virtio-blk')[:16]
    scsi = names(featmask, 'virtio-scsi')[:10]
    hosts = {}
    for h in range(n):
        def some(lst, keep, p):
            return lst[:keep] + [x for x in lst[keep:] if rnd.random() < p]
        vendor = 'AuthenticAMD' if h % 17 == 16 else 'GenuineIntel'
        disk = (('disk0', 'virtio-scsi-pci', some(scsi, 6, 0.9))
                if h % 13 == 12 else
                ('disk0', 'virtio-blk-pci', some(blk, 10, 0.9)))
        prof = {'featmask-profile': 1, 'host': 'node-%03d' % h,
                'cpu': {'arch': 'x86_64', 'vendor': vendor,
                        'features': some(cpu, 45, 0.93)},
                'devices': [{'id': 'net0', 'type': 'virtio-net-pci',
                             'features': some(net, 16, 0.93)},
                            {'id': disk[0], 'type': disk[1],
                             'features': disk[2]}]}
        hosts[prof['host']] = prof
        with open(os.path.join(outdir, prof['host'] + '.json'), 'w') as f:
            json.dump(prof, f)
    return hosts


def can_run(host, base):
    """What the selector must say: the host has the pool's vendor, every
    common CPU feature, and each device with its type and features."""
    if base.get('cpu'):
        if host['cpu']['vendor'] != base['vendor']:
            return False
        if not set(base['cpu']['features']) <= set(host['cpu']['features']):
            return False
    devs = {d['id']: d for d in host['devices']}
    for d in base['devices']:
        hd = devs.get(d['id'])
        if not hd or hd['type'] != d['type'] or \
                not set(d['features']) <= set(hd['features']):
            return False
    return True


def main():
    featmask = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        fleet = os.path.join(tmp, 'fleet')
        out = os.path.join(tmp, 'labels')
        os.mkdir(fleet)
        hosts = generate(featmask, fleet, 100)

        p = run([featmask, 'labels', '--output-dir', out, fleet])
        ok(p.returncode == 0, 'labels --output-dir of a directory of 100',
           p.stderr)
        labels = {}
        for name in sorted(hosts):
            try:
                with open(os.path.join(out, name)) as f:
                    labels[name] = parse_features_d(f.read())
            except (OSError, ValueError) as e:
                labels[name] = None
                ok(False, '%s: features.d parses' % name, e)
        ok(all(v is not None for v in labels.values()),
           'all 100 labels files parse as features.d')
        a = labels.get('node-000') or {}
        ok(a.get('cpu-vendor.node.kubevirt.io/Intel') == 'true' and
           a.get('cpu-feature.node.kubevirt.io/pclmuldq') == 'true' and
           'cpu-feature.node.kubevirt.io/pclmulqdq' not in a,
           "KubeVirt's label names (libvirt's spelling: pclmuldq)",
           sorted(a)[:20])
        ok(any(k.startswith('cpu-model.node.kubevirt.io/') for k in a) and
           a.get('device-type.featmask.io/net0') == 'virtio-net-pci' and
           a.get('device-feature.featmask.io/net0.csum') == 'true',
           'models, device types and device features are labelled',
           sorted(a))

        # The same host through standard input gives the same file.
        with open(os.path.join(fleet, 'node-007.json')) as f:
            p = run([featmask, 'labels', '-'], stdin=f)
        ok(p.returncode == 0 and parse_features_d(p.stdout) ==
           labels['node-007'], 'labels - (stdin) equals the file', p.stderr)

        pool = sorted(hosts)[:10]
        lst = os.path.join(tmp, 'pool.list')
        with open(lst, 'w') as f:
            f.write('# the pool\n' + ''.join(
                os.path.join(fleet, h + '.json') + '\n' for h in pool))
        p = run([featmask, 'plan', '--format', 'selector', '@' + lst])
        ok(p.returncode == 0, 'plan --format selector @LIST', p.stderr)
        sel = parse_selector(p.stdout)
        b = run([featmask, 'baseline', '--json', '@' + lst])
        base = json.loads(b.stdout)
        base['vendor'] = hosts[pool[0]]['cpu']['vendor']
        admitted = {h for h, lab in labels.items()
                    if lab and all(lab.get(k) == v for k, v in sel.items())}
        expected = {h for h in hosts if can_run(hosts[h], base)}
        ok(set(pool) <= admitted, 'the selector admits the pool itself',
           sorted(set(pool) - admitted))
        ok(admitted == expected,
           'the selector admits exactly the %d of 100 hosts that can run the'
           ' common set' % len(expected),
           'admitted only: %s\nexpected only: %s'
           % (sorted(admitted - expected), sorted(expected - admitted)))
        ok(len(pool) < len(expected) < len(hosts),
           'some hosts outside the pool are admitted, some are not (%d)'
           % len(expected))
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
