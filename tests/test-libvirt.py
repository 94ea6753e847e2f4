#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# 'featmask plan --format libvirt' against libvirt itself: each host's
# document, merged into a minimal domain (name, memory, os, a disk's
# source: the parts the user owns), must validate against libvirt's domain
# schema (virt-xml-validate), be defined by the test driver (virsh -c
# test:///default, in-process, no daemon), and come back from dumpxml
# with every CPU feature policy and <driver> attribute it had.
# Usage: test-libvirt.py FEATMASK SRCDIR   (TAP; skips without virsh)

import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from tap import Tap

QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0'
ET.register_namespace('qemu', QEMU_NS)

tap = Tap()
ok = tap.ok


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=120,
                          **kw)


def split_docs(text):
    """The per-host documents of the plan, by host."""
    docs = {}
    for part in text.split('<!-- featmask plan for host ')[1:]:
        host = part.split("'")[1]
        docs[host] = '<!-- featmask plan for host ' + part
    return docs


def merge(doc, name):
    """The document with what the user owns added: a minimal domain."""
    root = ET.fromstring(doc)
    for i, (tag, text) in enumerate((('name', name), ('memory', '65536'))):
        e = ET.Element(tag)
        e.text = text
        root.insert(i, e)
    os_ = ET.Element('os')
    ET.SubElement(os_, 'type').text = 'hvm'
    root.insert(2, os_)
    for disk in root.iter('disk'):
        src = ET.Element('source', file='/var/lib/libvirt/images/%s.img' %
                         disk.find('alias').get('name'))
        disk.insert(0, src)
    return ET.tostring(root, encoding='unicode')


def policies(xml):
    """What must survive: CPU mode, model, feature policies, drivers."""
    root = ET.fromstring(xml)
    cpu = root.find('cpu')
    out = set()
    if cpu is not None:
        out.add(('cpu-mode', cpu.get('mode'), cpu.get('check') or ''))
        model = cpu.find('model')
        if model is not None:
            out.add(('model', model.text, model.get('fallback')))
        for f in cpu.findall('feature'):
            out.add(('feature', f.get('name'), f.get('policy')))
    for dev in root.find('devices') if root.find('devices') is not None \
            else []:
        alias = dev.find('alias').get('name')
        drv = dev.find('driver')
        if drv is None:
            continue
        for k, v in drv.attrib.items():
            out.add((alias, 'driver', k, v))
        for sub in drv:
            for k, v in sub.attrib.items():
                out.add((alias, sub.tag, k, v))
    return out


def check_pool(featmask, tmp, label, args, override, min_features=1):
    p = run([featmask, 'plan', '--format', 'libvirt'] + args)
    ok(p.returncode == 0, '%s: plan --format libvirt exits 0' % label,
       p.stderr)
    docs = split_docs(p.stdout)
    ok(len(docs) >= 1, '%s: one document per host (%d)' % (label, len(docs)),
       p.stdout[:2000])
    total = 0
    for host, doc in sorted(docs.items()):
        name = 'fm-%s-%s' % (label, host)
        path = os.path.join(tmp, name + '.xml')
        with open(path, 'w') as f:
            f.write(merge(doc, name))
        v = run(['virt-xml-validate', path, 'domain'])
        ok(v.returncode == 0, '%s/%s: virt-xml-validate' % (label, host),
           v.stdout + v.stderr)
        d = run(['virsh', '-c', 'test:///default',
                 'define %s; dumpxml %s' % (path, name)])
        ok(d.returncode == 0 and 'defined' in d.stdout,
           '%s/%s: virsh define' % (label, host), d.stdout + d.stderr)
        xml = d.stdout[d.stdout.find('<domain'):]
        want = policies(doc)
        total += sum(1 for w in want if w[0] == 'feature')
        got = policies(xml) if xml else set()
        ok(want and want <= got,
           '%s/%s: dumpxml keeps all %d policies and attributes'
           % (label, host, len(want)),
           'lost: %s' % sorted(want - got))
        # The test driver has no QEMU namespace (dumpxml drops it): the
        # schema checked it; here it is there exactly for patched QEMUs.
        props = ET.fromstring(doc).findall(
            './{%s}override/{%s}device/{%s}frontend/{%s}property'
            % ((QEMU_NS,) * 4))
        ok(bool(props) == override and
           all(p.get('name') == 'features' for p in props),
           '%s/%s: <qemu:override> %s' % (label, host,
           'sets features= per device' if override else 'absent'))
    ok(total >= min_features, '%s: %d CPU feature policies in all'
       % (label, total))


def write_stock_pool(featmask, tmp):
    """Two stock-QEMU hosts whose differences libvirt can express."""
    def names(kind):
        out = run([featmask, 'list', '--json', kind]).stdout
        return [f['name'] for f in json.loads(out)]
    net = [n for n in names('virtio-net')
           if n in ('csum', 'guest_csum', 'gso', 'guest_tso4', 'guest_tso6',
                    'guest_ecn', 'guest_ufo', 'host_tso4', 'host_tso6',
                    'host_ecn', 'host_ufo', 'mrg_rxbuf', 'event_idx',
                    'indirect_desc', 'version_1', 'iommu_platform',
                    'packed')]
    blk = [n for n in names('virtio-blk')
           if n in ('event_idx', 'indirect_desc', 'version_1', 'packed')]
    cpu = ['fpu', 'tsc', 'cx8', 'sse', 'sse2', 'lm', 'pclmulqdq', 'lahf-lm',
           'ds-cpl', 'tsc-adjust', 'pcid']
    lack = {'host-a': set(), 'host-b': {'guest_ecn', 'host_ecn', 'mrg_rxbuf',
                                        'packed', 'event_idx', 'pclmulqdq',
                                        'ds-cpl'}}
    files = []
    for host, miss in lack.items():
        prof = {'featmask-profile': 1, 'host': host,
                'qemu': {'kind': 'stock', 'version': '7.2.0'},
                'cpu': {'arch': 'x86_64', 'vendor': 'GenuineIntel',
                        'features': [c for c in cpu if c not in miss]},
                'devices': [
                    {'id': 'net0', 'type': 'virtio-net-pci',
                     'features': [n for n in net if n not in miss]},
                    {'id': 'disk0', 'type': 'virtio-blk-pci',
                     'features': [n for n in blk if n not in miss]},
                    {'id': 'scsi0', 'type': 'virtio-scsi-pci',
                     'features': ['version_1', 'iommu_platform']}]}
        path = os.path.join(tmp, host + '.json')
        with open(path, 'w') as f:
            json.dump(prof, f)
        files.append(path)
    # host-b lacks them, so host-a turns them off: libvirt's spellings
    return files


def main():
    featmask, src = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not shutil.which('virsh') or not shutil.which('virt-xml-validate'):
        print('1..0 # SKIP virsh or virt-xml-validate missing'
              ' (Debian: libvirt-clients)')
        return 77
    examples = sorted(os.path.join(src, 'examples', f)
                      for f in os.listdir(os.path.join(src, 'examples'))
                      if f.endswith('.json'))
    seed = os.path.join(src, 'tests', 'data', 'seed')
    with tempfile.TemporaryDirectory() as tmp:
        check_pool(featmask, tmp, 'seed', [seed], False)
        # libvirt 9.0 cannot name flush-l1d or fdp-excptn-only, which the
        # example hosts must turn off with -cpu host: the named model it is
        check_pool(featmask, tmp, 'examples',
                   ['--cpu-form', 'model'] + examples, True,
                   min_features=100)
        stock = write_stock_pool(featmask, tmp)
        check_pool(featmask, tmp, 'stock', stock, False)
        p = run([featmask, 'plan', '--format', 'libvirt', '--host', 'host-a']
                + stock)
        ok('pclmuldq' in p.stdout and 'ds_cpl' in p.stdout and
           "<host ecn='off' mrg_rxbuf='off'/>" in p.stdout and
           "<guest ecn='off'/>" in p.stdout,
           "stock: libvirt's names (pclmuldq, ds_cpl) and <driver> "
           "attributes", p.stdout)
        p = run([featmask, 'plan', '--format', 'libvirt'] + examples)
        ok(p.returncode == 1 and "cannot name 'flush-l1d'" in p.stderr and
           not p.stdout, 'examples, -cpu host form: exit 1, flush-l1d named,'
           ' no XML', p.stderr)
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
