#!/usr/bin/env python3
#
# End-to-end test: faults during live migration, with the real guest under
# TCG and vhost-user-featmask as each host's netdev.
#
# Two hosts whose backends offer the same features; the guest boots once,
# on host-a, and then moves back and forth: each fault hits a migration
# from the host the guest is on, and the retry that follows moves it to
# the other host, which is the source of the next fault.
#
#   dst-qemu-killed     the destination QEMU gets SIGKILL mid-migration
#   dst-backend-killed  the destination's backend gets SIGKILL mid-migration
#   cancelled           migrate_cancel mid-migration
#   src-backend-restart the source's backend is killed and started again
#                       (the chardev has reconnect-ms), then a migration
#
# "Mid-migration" is made deterministic by throttling the source
# (max-bandwidth) and waiting for status "active" with RAM sent before the
# fault.  After each fault: the source runs, the guest answers on its
# serial console, its negotiated virtio features are unchanged, and a
# migration to a healthy destination completes, where the guest answers
# with the same features again.
#
# Usage: test-e2e-faults.py --featmask BIN --backend BIN [DEMO-OPTIONS...]
# (the options of scripts/demo.py).  TAP on stdout; exit status 0 when
# every expectation held, 1 when one failed, 77 (skip) when QEMU, the
# guest or featmask's programs are missing.
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import re
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
import demo  # noqa: E402
import qmp as qmplib  # noqa: E402

OFFER = 'all'
# Slow enough that the first pass over the guest's RAM takes many seconds,
# so that a fault lands in the middle of it.
THROTTLE_BPS = 2 << 20
# RAM sent before the fault: the stream is well under way.
MID_BYTES = 1 << 20
# The retry: as fast as this machine goes.
FAST_BPS = 1 << 30
RECONNECT_MS = 500


class FaultHost(demo.Host):
    """A demo host whose vhost-user chardev reconnects (reconnect-ms; the
    older reconnect, in seconds, before QEMU 9.2)."""

    def machine_args(self):
        args = super().machine_args()
        i = args.index('-chardev') + 1
        if self.tools.qemu_version >= (9, 2):
            args[i] += f',reconnect-ms={RECONNECT_MS}'
        else:
            args[i] += ',reconnect=1'
        return args

    def kill_backend(self, sig=signal.SIGKILL):
        self.backend.send_signal(sig)
        self.backend.wait(10)
        return self.backend.returncode

    def restart_backend(self):
        if self.backend.poll() is None:
            self.kill_backend(signal.SIGTERM)
        # The dead backend's socket file stays: wait for the new one.
        if os.path.lexists(self.vu_sock):
            os.unlink(self.vu_sock)
        self.start_backend()


def wait_event(vm, name, timeout):
    """Wait until QEMU sent the QMP event @name (polling with query-status
    so that the QMP client reads it); return it, or None."""
    deadline = time.monotonic() + timeout
    while True:
        for i, ev in enumerate(vm.qmp.events):
            if ev['event'] == name:
                return vm.qmp.events.pop(i)
        if time.monotonic() > deadline:
            return None
        vm.qmp.cmd('query-status')
        time.sleep(0.05)


def guest_link(vm):
    """eth0's operstate in the guest."""
    for line in vm.console.command('net'):
        m = re.match(r'^FEATMASK-NET eth0 state=(\S+)', line)
        if m:
            return m.group(1)
    return None


def wait_link(vm, up, timeout=30):
    """Wait until the guest's eth0 is up (@up) or not; return its state.
    The guest learns of a link change from a config interrupt and the
    kernel reports it asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        state = guest_link(vm)
        if (state == 'up') == up or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


class Faults(demo.Demo):
    """The faults scenario, run by demo.main(): the demo's hosts, boot,
    checks and report."""

    def __init__(self, args, report):
        super().__init__(args, report)
        self.rows = []

    # --- helpers ----------------------------------------------------------

    def device(self, host):
        """The network card, with features= (so that the migration guard
        is in the stream)."""
        return host.device(['-device', 'virtio-net-pci,id=net0,'
                            f'features={demo.NAIVE_MASK}'])

    def throttle(self, vm, bps, downtime_ms):
        vm.qmp.cmd('migrate-set-parameters', **{
            'max-bandwidth': bps, 'downtime-limit': downtime_ms})

    def start_mid(self, src, dst):
        """Start a throttled migration from @src to @dst and wait until it
        is active with RAM sent; return query-migrate at that moment."""
        self.throttle(src, THROTTLE_BPS, 1)
        src.qmp.cmd('migrate', uri=dst.incoming)
        deadline = time.monotonic() + self.args.timeout
        while True:
            info = src.qmp.cmd('query-migrate')
            ram = info.get('ram', {})
            if info.get('status') == 'active' and \
               ram.get('transferred', 0) >= MID_BYTES:
                return info
            if info.get('status') in qmplib.FINAL_STATES or \
               time.monotonic() > deadline:
                self.r.check(False, 'the migration is under way before the '
                             'fault', info, fatal=True)
            time.sleep(0.05)

    def src_outcome(self, src, t0):
        """Wait for the source's migration to end; return (status, seconds
        since @t0, error-desc)."""
        info = qmplib.wait_migration(src.qmp, timeout=self.args.timeout,
                                     interval=0.05)
        return (info['status'], time.monotonic() - t0,
                info.get('error-desc', ''))

    def dst_outcome(self, dst, timeout=30):
        """How the destination ended: (exit status or None, its error:
        the guard's line if there is one, else the last)."""
        try:
            dst.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        lines = [line for line in dst.output().splitlines()
                 if line.strip() and 'short-form boolean' not in line and
                 not line.startswith('Please use ')]
        guard = [line for line in lines if 'features enabled' in line]
        return dst.proc.returncode, (guard or lines or [''])[-1]

    def source_survives(self, src, net, where):
        """The source runs, the guest answers with unchanged features."""
        # A migration that failed in its last stage restarts the source's
        # guest just after query-migrate says "failed".
        deadline = time.monotonic() + 30
        st = src.status()
        while st != 'running' and time.monotonic() < deadline:
            time.sleep(0.05)
            st = src.status()
        self.r.check(st == 'running', f'{where}: the source runs on '
                     f'({st})')
        self.guest_runs_on(src, net, where)
        return st

    def retry(self, src, net, dst_host, fault):
        """Migrate @src to a healthy @dst_host at full speed; return the
        new source (the destination), with the guest checked there."""
        self.throttle(src, FAST_BPS, 300)
        dst = dst_host.launch(self.device(dst_host), incoming=True)
        status, secs, info = qmplib.migrate(src.qmp, dst.incoming,
                                            timeout=self.args.timeout)
        self.r.timing(f'retry after {fault}', secs)
        self.r.check(status == 'completed', f'{fault}: the retry to '
                     f'{dst_host.name} completes in {secs:.1f} s', info,
                     fatal=True)
        src.quit()
        self.guest_runs_on(dst, net, dst_host.name)
        self.check_acked(dst_host, net.features)
        return dst, secs

    def row(self, fault, reported, source, secs_fault, retry_secs):
        self.rows.append((fault, reported, source, secs_fault, retry_secs))

    # --- the faults -------------------------------------------------------

    def fault_mid(self, src, net, src_host, dst_host, fault, inject,
                  expect_error=None):
        """One fault during a throttled migration @src -> @dst_host:
        @inject does it.  Returns the new source after the retry."""
        r = self.r
        dst = dst_host.launch(self.device(dst_host), incoming=True)
        info = self.start_mid(src, dst)
        ram = info['ram']
        r.say(f'   migration active: {ram["transferred"] / 2**20:.1f} MiB '
              f'sent, {ram["remaining"] / 2**20:.1f} MiB to go; fault now')
        t0 = time.monotonic()
        what = inject(src, dst, dst_host)
        status, secs, err = self.src_outcome(src, t0)
        code, dst_err = self.dst_outcome(dst)
        r.say(f'   source: {status} after {secs:.2f} s: {err}')
        r.say(f'   destination: exit {code}: {dst_err}')
        expected = 'cancelled' if fault == 'cancelled' else 'failed'
        r.check(status == expected, f'{fault}: the source\'s migration '
                f'ends "{expected}" ({status}, {secs:.2f} s after the '
                'fault)', err)
        if fault != 'dst-qemu-killed':
            r.check(code is not None and code > 0, f'{fault}: the '
                    f'destination exits with an error, no crash ({code})',
                    dst.output()[-2000:])
        if expect_error:
            r.check(re.search(expect_error, dst.output()), f'{fault}: the '
                    'destination says why', dst.output()[-2000:])
        src_state = self.source_survives(src, net, src_host.name)
        dst.quit()
        if what:
            what()
        new, rsecs = self.retry(src, net, dst_host, fault)
        self.row(fault, f'source: {status}, "{err}"; destination: exit '
                 f'{code}, "{dst_err}"', src_state, secs, rsecs)
        return new

    def run(self):
        try:
            self.scenario()
        finally:
            self.procs.stop_all()
            for h in self.hosts.values():
                h.console_log.close()

    def scenario(self):
        r = self.r
        r.step('Faults during migration: two hosts, backends with the same '
               'features, one guest')
        a = FaultHost('host-a', self.root, OFFER, self.tools, self.procs)
        b = FaultHost('host-b', self.root, OFFER, self.tools, self.procs)
        self.hosts = {'host-a': a, 'host-b': b}
        for h in (a, b):
            h.start_backend()
        dev = self.device(a)
        r.say(f'   both hosts: {" ".join(dev)}, chardev reconnect')
        src, net = self.boot(a, dev, 'faults')
        self.check_acked(a, net.features)
        hosts = [a, b]
        faults = [
            ('a. The destination QEMU killed mid-migration',
             'dst-qemu-killed', self.kill_dst, None),
            ('b. The destination\'s backend killed mid-migration',
             'dst-backend-killed', self.kill_dst_backend,
             r"device 'net0' \(virtio-net-pci\): features enabled on the "
             r"source are not available here: netdev 'n0' \(vhost-user\) "
             r'lost its backend'),
            ('c. The migration cancelled', 'cancelled', self.cancel, None),
        ]
        for title, fault, inject, error in faults:
            r.step(title)
            src = self.fault_mid(src, net, hosts[0], hosts[1], fault,
                                 inject, error)
            hosts.reverse()
        r.step('d. The source\'s backend restarted after the guest booted')
        src = self.backend_restart(src, net, hosts[0], hosts[1])
        src.quit()
        self.summary()

    # Each fault: @src migrates to @dst of @dst_host; returns what to do
    # before the retry, or None.

    def kill_dst(self, src, dst, dst_host):
        dst.proc.send_signal(signal.SIGKILL)
        return None

    def kill_dst_backend(self, src, dst, dst_host):
        dst.qmp.events.clear()
        dst_host.kill_backend()
        # Once the destination knows, the rest of the migration goes at
        # full speed: the destination must refuse the guest at its end.
        ev = wait_event(dst, 'NETDEV_VHOST_USER_DISCONNECTED', 30)
        self.r.check(ev, 'dst-backend-killed: the destination reports its '
                     'backend gone (NETDEV_VHOST_USER_DISCONNECTED)')
        self.throttle(src, FAST_BPS, 300)
        return dst_host.restart_backend

    def cancel(self, src, dst, dst_host):
        src.qmp.cmd('migrate_cancel')
        return None

    def backend_restart(self, src, net, src_host, dst_host):
        r = self.r
        src.qmp.events.clear()
        t0 = time.monotonic()
        code = src_host.kill_backend()
        ev = wait_event(src, 'NETDEV_VHOST_USER_DISCONNECTED', 30)
        r.check(ev, f'src-backend-restart: QEMU reports the backend gone '
                f'(NETDEV_VHOST_USER_DISCONNECTED, backend exit {code})')
        down = wait_link(src, False)
        r.say(f'   guest eth0 while the backend is gone: {down}')
        src_host.restart_backend()
        ev = wait_event(src, 'NETDEV_VHOST_USER_CONNECTED', 30)
        secs = time.monotonic() - t0
        r.check(ev, 'src-backend-restart: QEMU reconnects to the new '
                f'backend ({secs:.2f} s after the kill)')
        self.source_survives(src, net, src_host.name)
        up = wait_link(src, True)
        r.check(down != 'up' and up == 'up', 'src-backend-restart: the '
                f'guest saw the link go {down} and come back {up}')
        self.check_acked(src_host, net.features)
        new, rsecs = self.retry(src, net, dst_host, 'src-backend-restart')
        self.row('src-backend-restart', 'NETDEV_VHOST_USER_DISCONNECTED, '
                 f'guest link {down}; NETDEV_VHOST_USER_CONNECTED, link '
                 f'{up}', 'running', secs, rsecs)
        return new

    def summary(self):
        r = self.r
        r.step('Summary')
        for fault, reported, source, secs, rsecs in self.rows:
            r.say(f'   {fault}: {reported}; fault to end {secs:.2f} s, '
                  f'retry {rsecs:.1f} s')
        r.show('\n'.join(f'{what:<40} {secs:7.2f} s'
                         for what, secs in r.timings), '     ')


def main(argv=None):
    # The guard is part of what is tested: the patched QEMU only.
    argv = ['--form', 'patched', '--tap'] + (argv or sys.argv[1:])
    return demo.main(argv, scenario=Faults)


if __name__ == '__main__':
    sys.exit(main())
