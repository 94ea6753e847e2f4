#!/usr/bin/env python3
#
# Boot the featmask test guest under TCG and check its console protocol.
#
# Starts QEMU with one virtio-net-pci device on user networking, waits for
# the guest's boot report, and checks that:
#   - a virtio-net device (id 1) is bound to virtio_net with DRIVER_OK set
#     and a non-empty negotiated feature set including VIRTIO_F_VERSION_1;
#   - "features" repeats the boot report, "ping" answers with a growing
#     uptime, "net" shows eth0 up, unknown commands are refused;
#   - "poweroff" ends QEMU.
# With --migrate, before the poweroff it also migrates the guest to a second
# QEMU (same binary, -incoming over a unix socket) and checks on the
# destination's console that the guest answers and reports the same
# negotiated features.
# Prints the time from QEMU's start to the READY line.
#
# Usage: check-boot.py [--qemu BIN] [--guest DIR] [--kernel vmlinux|vmlinuz]
#                      [--memfd] [--migrate] [--log FILE]
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console  # noqa: E402
from qmp import QMP, wait_migration  # noqa: E402

VIRTIO_ID_NET = 1
VIRTIO_F_VERSION_1 = 32
VIRTIO_STATUS_DRIVER_OK = 4

CACHE = os.environ.get('FEATMASK_CACHE', '/var/cache/featmask')


def default_qemu():
    """The QEMU 10 built for featmask when there is one, else the system's."""
    built = os.path.join(CACHE, 'qemu-build/prefix/bin/qemu-system-x86_64')
    if os.access(built, os.X_OK):
        return built
    return shutil.which('qemu-system-x86_64')


def guest_kernel(guest, name):
    """The kernel to boot: vmlinux (PVH entry, no decompression under TCG)
    when make-guest.sh could extract it, else vmlinuz."""
    if name != 'auto':
        return os.path.join(guest, name)
    vmlinux = os.path.join(guest, 'vmlinux')
    if os.path.exists(vmlinux):
        return vmlinux
    return os.path.join(guest, 'vmlinuz')


def qemu_cmdline(qemu, kernel, guest, sock, memfd):
    cmd = [qemu, '-machine', 'q35', '-accel', 'tcg', '-m', '512',
           '-kernel', kernel,
           '-initrd', os.path.join(guest, 'initramfs.gz'),
           '-append', 'console=ttyS0 quiet',
           '-nodefaults', '-display', 'none', '-monitor', 'none',
           '-serial', f'unix:{sock},server=on,wait=off',
           '-netdev', 'user,id=n0',
           '-device', 'virtio-net-pci,netdev=n0,romfile=',
           '-no-reboot']
    # A QEMU built without its blobs finds firmware in Debian's packages.
    for d in ('/usr/share/seabios', '/usr/share/qemu'):
        if os.path.isdir(d):
            cmd += ['-L', d]
    if memfd:
        cmd[cmd.index('q35')] = 'q35,memory-backend=mem'
        cmd += ['-object', 'memory-backend-memfd,id=mem,size=512M,share=on']
    return cmd


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print(f'ok - {what}')


def check_guest(con, boot_time, fields, boot):
    """Checks on a freshly booted guest; returns its uptime."""
    print(f'# READY after {boot_time:.2f} s '
          f'(guest uptime {fields.get("uptime")} s, '
          f'kernel {fields.get("kernel")})')
    for d in boot.values():
        print(f'# {d.name} device={d.device} driver={d.driver} '
              f'features=0x{d.features:016x}')

    nets = [d for d in boot.values() if d.device == VIRTIO_ID_NET]
    check(len(nets) == 1, 'one virtio-net device in the boot report')
    net = nets[0]
    check(net.driver == 'virtio_net', 'bound to virtio_net')
    check(net.status is not None and
          net.status & VIRTIO_STATUS_DRIVER_OK, 'DRIVER_OK set')
    check(net.features != 0, 'negotiated features not empty')
    check(net.has(VIRTIO_F_VERSION_1), 'VIRTIO_F_VERSION_1 negotiated')

    again = con.features()
    check(bits_of(again) == bits_of(boot),
          '"features" repeats the boot report')

    up1 = con.ping()
    time.sleep(1)
    up2 = con.ping()
    check(0 < up1 < up2, f'"ping" uptime grows ({up1} -> {up2})')

    lines = con.command('net')
    check(any(line.startswith('FEATMASK-NET eth0 state=up')
              for line in lines), '"net" shows eth0 up')

    try:
        con.command('no-such-command')
        refused = False
    except console.GuestError:
        refused = True
    check(refused, 'unknown command refused with FEATMASK-ERR')

    con.send('features')
    con.wait_for(r'^FEATMASK-VIRTIO virtio0 ', 30)
    con.wait_for(r'^FEATMASK-END$', 30)
    check(True, 'untagged "features" answers up to FEATMASK-END')
    return up2


def bits_of(devs):
    return {name: dev.bits for name, dev in devs.items()}


def migrate(args, tmp, src_qmp, dst_cmd, boot, uptime, log):
    """Migrate to a QEMU started from @dst_cmd; check the guest there.
    Returns the destination's Popen, whose guest is still running."""
    dst = subprocess.Popen(dst_cmd, stdin=subprocess.DEVNULL)
    dst_sock = os.path.join(tmp, 'dst-serial.sock')
    dst_qmp = QMP(os.path.join(tmp, 'dst-qmp.sock'))
    con = console.GuestConsole(dst_sock, 30, log)
    try:
        start = time.monotonic()
        src_qmp.cmd('migrate', uri='unix:' + os.path.join(tmp, 'mig.sock'))
        info = wait_migration(src_qmp, args.timeout, interval=0.2)
        check(info['status'] == 'completed',
              f'migration completed ({info.get("status")}, '
              f'{time.monotonic() - start:.2f} s)')
        status = dst_qmp.cmd('query-status')
        check(status['status'] == 'running', 'destination running')

        con.sync(args.timeout)
        after = con.features()
        check(bits_of(after) == bits_of(boot),
              'destination reports the same negotiated features')
        up = con.ping()
        check(up > uptime, f'uptime continues on the destination ({up})')
        check(any(line.startswith('FEATMASK-NET eth0 state=up')
                  for line in con.command('net')),
              '"net" shows eth0 up on the destination')
        con.command('poweroff')
    finally:
        con.close()
        dst_qmp.close()
    return dst


def run(args):
    tmp = tempfile.mkdtemp(prefix='featmask-guest-')
    kernel = guest_kernel(args.guest, args.kernel)
    cmd = qemu_cmdline(args.qemu, kernel, args.guest,
                       os.path.join(tmp, 'serial.sock'), args.memfd)
    if args.migrate:
        cmd += ['-qmp', f'unix:{tmp}/src-qmp.sock,server=on,wait=off']
    print('#', ' '.join(cmd))
    log = open(args.log, 'w') if args.log else None
    start = time.monotonic()
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    procs = [qemu]
    try:
        with console.GuestConsole(os.path.join(tmp, 'serial.sock'),
                                  30, log) as con:
            fields, boot = con.wait_ready(args.timeout)
            boot_time = time.monotonic() - start
            uptime = check_guest(con, boot_time, fields, boot)
            if not args.migrate:
                con.command('poweroff')
        if args.migrate:
            src_qmp = QMP(os.path.join(tmp, 'src-qmp.sock'))
            dst_cmd = qemu_cmdline(args.qemu, kernel, args.guest,
                                   os.path.join(tmp, 'dst-serial.sock'),
                                   args.memfd)
            dst_cmd += ['-qmp', f'unix:{tmp}/dst-qmp.sock,server=on,wait=off',
                        '-incoming', f'unix:{tmp}/mig.sock']
            print('# destination:', ' '.join(dst_cmd[-4:]))
            dst = migrate(args, tmp, src_qmp, dst_cmd, boot, uptime, log)
            procs.append(dst)
            src_qmp.cmd('quit')
            src_qmp.close()
        for p in procs:
            p.wait(timeout=60)
            check(p.returncode == 0, f'QEMU {p.pid} exits with status 0')
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if log:
            log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'# boot time to READY: {boot_time:.2f} s')
    return 0


def main():
    ap = argparse.ArgumentParser(
        description='Boot the featmask guest and check its console.')
    ap.add_argument('--qemu', default=default_qemu())
    ap.add_argument('--guest', default=os.path.join(CACHE, 'guest'))
    ap.add_argument('--kernel', default='auto',
                    help='vmlinux, vmlinuz or auto (vmlinux if built)')
    ap.add_argument('--memfd', action='store_true',
                    help='back guest RAM with a shared memfd (vhost-user)')
    ap.add_argument('--migrate', action='store_true',
                    help='also migrate the guest and check it afterwards')
    ap.add_argument('--timeout', type=float, default=180.0)
    ap.add_argument('--log', help='write the guest console to FILE')
    args = ap.parse_args()
    if not args.qemu:
        print('check-boot.py: no qemu-system-x86_64', file=sys.stderr)
        return 1
    try:
        return run(args)
    except (AssertionError, TimeoutError, EOFError, RuntimeError) as e:
        print(f'not ok - {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
