#!/usr/bin/env python3
#
# A small QMP client for featmask's scripts and tests (standard library).
#
# QEMU's QMP (docs/interop/qmp-spec.rst in QEMU) over a unix socket, as
# given by -qmp unix:PATH,server=on,wait=off: the greeting, capabilities
# negotiation, then one command at a time.  Events that arrive meanwhile
# are kept in QMP.events.  Also the migration helpers every test needs.
#
#   with QMP('/tmp/qmp.sock') as q:
#       q.cmd('migrate-set-capabilities', capabilities=[...])
#       status, seconds, info = migrate(q, 'unix:/tmp/mig.sock')
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

import json
import time

import unixsock


class QMPError(RuntimeError):
    """QEMU answered a command with an error."""

    def __init__(self, command, error):
        self.command = command
        self.error_class = error.get('class', '')
        self.desc = error.get('desc', '')
        super().__init__(f'{command}: {self.desc}')


class QMP:
    """One QMP connection."""

    def __init__(self, path, timeout=30.0, connect_timeout=30.0):
        """Connect to the unix socket at @path, retrying for
        @connect_timeout seconds while QEMU has not created it yet;
        @timeout bounds every later read."""
        sock = unixsock.connect(path, connect_timeout, 'QMP socket')
        sock.settimeout(timeout)
        self.sock = sock
        self.file = sock.makefile('r')
        self.events = []
        self.greeting = self._read()
        self.cmd('qmp_capabilities')

    def _read(self):
        line = self.file.readline()
        if not line:
            raise EOFError('QMP connection closed')
        return json.loads(line)

    def cmd(self, name, **arguments):
        """Run command @name; return its 'return' value.  Raise QMPError
        when QEMU reports an error, EOFError when QEMU went away."""
        req = {'execute': name}
        if arguments:
            req['arguments'] = arguments
        self.sock.sendall(json.dumps(req).encode() + b'\n')
        while True:
            resp = self._read()
            if 'event' in resp:
                self.events.append(resp)
            elif 'error' in resp:
                raise QMPError(name, resp['error'])
            elif 'return' in resp:
                return resp['return']

    def hmp(self, line):
        """Run a human monitor command; return its output."""
        return self.cmd('human-monitor-command', **{'command-line': line})

    def close(self):
        self.file.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# The feature names x-query-virtio-status prints (QEMU's
# hw/virtio/virtio-qmp.c), with their bits: the virtio specification's and
# vhost's constants.
VIRTIO_FEATURE_BITS = {
    'VIRTIO_NET_F_CSUM': 0, 'VIRTIO_NET_F_GUEST_CSUM': 1,
    'VIRTIO_NET_F_CTRL_GUEST_OFFLOADS': 2, 'VIRTIO_NET_F_MTU': 3,
    'VIRTIO_NET_F_MAC': 5, 'VIRTIO_NET_F_GSO': 6,
    'VIRTIO_NET_F_GUEST_TSO4': 7, 'VIRTIO_NET_F_GUEST_TSO6': 8,
    'VIRTIO_NET_F_GUEST_ECN': 9, 'VIRTIO_NET_F_GUEST_UFO': 10,
    'VIRTIO_NET_F_HOST_TSO4': 11, 'VIRTIO_NET_F_HOST_TSO6': 12,
    'VIRTIO_NET_F_HOST_ECN': 13, 'VIRTIO_NET_F_HOST_UFO': 14,
    'VIRTIO_NET_F_MRG_RXBUF': 15, 'VIRTIO_NET_F_STATUS': 16,
    'VIRTIO_NET_F_CTRL_VQ': 17, 'VIRTIO_NET_F_CTRL_RX': 18,
    'VIRTIO_NET_F_CTRL_VLAN': 19, 'VIRTIO_NET_F_CTRL_RX_EXTRA': 20,
    'VIRTIO_NET_F_GUEST_ANNOUNCE': 21, 'VIRTIO_NET_F_MQ': 22,
    'VIRTIO_NET_F_CTRL_MAC_ADDR': 23, 'VIRTIO_NET_F_NOTF_COAL': 53,
    'VIRTIO_NET_F_GUEST_USO4': 54, 'VIRTIO_NET_F_GUEST_USO6': 55,
    'VIRTIO_NET_F_HOST_USO': 56, 'VIRTIO_NET_F_HASH_REPORT': 57,
    'VIRTIO_NET_F_RSS': 60, 'VIRTIO_NET_F_RSC_EXT': 61,
    'VIRTIO_NET_F_STANDBY': 62, 'VIRTIO_NET_F_SPEED_DUPLEX': 63,
    'VIRTIO_F_NOTIFY_ON_EMPTY': 24, 'VHOST_F_LOG_ALL': 26,
    'VIRTIO_F_ANY_LAYOUT': 27, 'VIRTIO_RING_F_INDIRECT_DESC': 28,
    'VIRTIO_RING_F_EVENT_IDX': 29, 'VHOST_USER_F_PROTOCOL_FEATURES': 30,
    'VIRTIO_F_VERSION_1': 32, 'VIRTIO_F_IOMMU_PLATFORM': 33,
    'VIRTIO_F_RING_PACKED': 34, 'VIRTIO_F_IN_ORDER': 35,
    'VIRTIO_F_ORDER_PLATFORM': 36, 'VIRTIO_F_SR_IOV': 37,
    'VIRTIO_F_NOTIFICATION_DATA': 38, 'VIRTIO_F_RING_RESET': 40,
    'VIRTIO_BLK_F_BARRIER': 0, 'VIRTIO_BLK_F_SIZE_MAX': 1,
    'VIRTIO_BLK_F_SEG_MAX': 2, 'VIRTIO_BLK_F_GEOMETRY': 4,
    'VIRTIO_BLK_F_RO': 5, 'VIRTIO_BLK_F_BLK_SIZE': 6,
    'VIRTIO_BLK_F_SCSI': 7, 'VIRTIO_BLK_F_FLUSH': 9,
    'VIRTIO_BLK_F_TOPOLOGY': 10, 'VIRTIO_BLK_F_CONFIG_WCE': 11,
    'VIRTIO_BLK_F_MQ': 12, 'VIRTIO_BLK_F_DISCARD': 13,
    'VIRTIO_BLK_F_WRITE_ZEROES': 14, 'VIRTIO_BLK_F_LIFETIME': 15,
    'VIRTIO_BLK_F_SECURE_ERASE': 16, 'VIRTIO_BLK_F_ZONED': 17,
}


def virtio_host_features(qmp, name='virtio-net'):
    """The host features (what QEMU offers the guest) of the first virtio
    device called @name in x-query-virtio, from x-query-virtio-status, as
    an int.  A name this table lacks is an error, so that a newer QEMU is
    noticed rather than misread."""
    devs = qmp.cmd('x-query-virtio')
    path = next(d['path'] for d in devs if d['name'] == name)
    hf = qmp.cmd('x-query-virtio-status', path=path)['host-features']
    bits = 0
    for s in hf.get('transports', []) + hf.get('dev-features', []):
        feature = s.split(':')[0].strip()
        if feature not in VIRTIO_FEATURE_BITS:
            raise ValueError(f'unknown feature name {feature!r} in '
                             'x-query-virtio-status')
        bits |= 1 << VIRTIO_FEATURE_BITS[feature]
    return bits | hf.get('unknown-dev-features', 0)


FINAL_STATES = ('completed', 'failed', 'cancelled')


def wait_migration(qmp, timeout=300.0, interval=0.1):
    """Poll query-migrate until the migration ends; return its answer."""
    deadline = time.monotonic() + timeout
    while True:
        info = qmp.cmd('query-migrate')
        if info.get('status') in FINAL_STATES:
            return info
        if time.monotonic() > deadline:
            raise TimeoutError(f'migration still {info.get("status")} '
                               f'after {timeout:.0f} s')
        time.sleep(interval)


def migrate(qmp, uri, timeout=300.0):
    """Migrate to @uri; return (final status, seconds, query-migrate)."""
    start = time.monotonic()
    qmp.cmd('migrate', uri=uri)
    info = wait_migration(qmp, timeout)
    return info['status'], time.monotonic() - start, info
