#!/usr/bin/env python3
#
# featmask's demo: two hosts whose virtio-net backends differ, a real Linux
# guest, a live migration that fails, and the same migration after
# featmask probed the hosts and planned their QEMU arguments.
#
#   1. Two "hosts" on this machine, each a folder with its own
#      vhost-user-featmask backend (its switch software) and, when a guest
#      runs there, its own QEMU.  Host B's backend lacks features host A's
#      has.  The guest boots on host A under TCG.
#   2. Naive migration, A to B, fails: with plain -device arguments QEMU's
#      raw "Features 0x... unsupported"; with features= (patched QEMU) the
#      same command line cannot even start on B, and B launched without
#      features= refuses the guest with the migration guard's named error.
#      Each time the guest on A runs on and answers on its console.
#   3. featmask probes both hosts through QEMU, computes the baseline and
#      the plan; both hosts are launched with the plan's arguments, the
#      guest boots on A and migrates to B, where it answers with the
#      virtio-net features its driver negotiated on A.
#   4. A summary: each host's features, the common set, what each host
#      turned off, the guest's features and the timing of every step.
#
# A second scenario, --scenario mixed, is a pool in a rolling upgrade:
# host-a runs Debian 12's stock QEMU 7.2, host-b the patched 10.0, both
# with machine pc-q35-7.2 under TCG, backends that differ and CPUs that
# differ (7.2's and 10.0's TCG "max" do not offer the same features).  The
# naive migration from A to B fails; featmask probes each host with its
# own QEMU, plan --verify starts every line on its own host's QEMU, and
# the planned migration succeeds with the guest's virtio-net and CPU
# features unchanged (MixedDemo, below).
#
# Usage: scripts/demo.py [--qemu BIN] [--featmask BIN] [--backend BIN]
#                        [--guest DIR] [--form auto|patched|stock]
#                        [--scenario two-hosts|mixed]
#                        [--qemu-a BIN] [--qemu-b BIN]
#                        [--workdir DIR] [--keep] [--tap]
# scripts/demo.sh builds everything and runs this.  --tap prints every
# expectation as a TAP line (tests/e2e runs the demo that way).  Exit
# status: 0 when every expectation held, 1 when one failed, 77 when QEMU,
# the guest or featmask's programs are missing.
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

import argparse
import ctypes
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'scripts', 'guest'))
import console  # noqa: E402
import qmp as qmplib  # noqa: E402

CACHE = os.environ.get('FEATMASK_CACHE', '/var/cache/featmask')
EXIT_SKIP = 77

VIRTIO_ID_NET = 1
# Bits of the vhost layer in a vhost-user backend's feature word, not
# virtio features: VHOST_F_LOG_ALL and VHOST_USER_F_PROTOCOL_FEATURES.
VHOST_BITS = (1 << 26) | (1 << 30)
# QEMU keeps VIRTIO_F_IOMMU_PLATFORM (ACCESS_PLATFORM) from a vhost backend
# when the device sits behind no vIOMMU: the backend then needs no IOTLB.
IOMMU_PLATFORM = 1 << 33

# What each host's switch software offers.  Host B lacks features that
# QEMU takes from a vhost-user backend and a Linux guest acks (QEMU never
# takes the USO bits from vhost-user, so they would not make a difference).
OFFER = {
    'host-a': 'all',
    'host-b': 'all,-mrg_rxbuf,-guest_tso4,-guest_ecn,-host_ufo',
}
# The naive features= launch: the device's defaults, less the USO features
# QEMU 10.0 never offers a vhost-user peer (docs/devel/featmask.rst).
NAIVE_MASK = '-host_uso:-guest_uso4:-guest_uso6'

GUEST_MEM = '512M'


class Skip(Exception):
    """Something the demo needs is not there."""


class Abort(Exception):
    """An expectation failed that later steps depend on."""


# --- output ---------------------------------------------------------------

class Report:
    """Prints the demo's steps and expectations, as text or as TAP, and
    keeps the figures for the summary."""

    def __init__(self, tap=False, out=sys.stdout):
        self.tap = tap
        self.out = out
        self.count = 0
        self.failures = []
        self.timings = []       # (what, seconds)

    def _print(self, text=''):
        for line in text.split('\n'):
            if self.tap:
                line = '# ' + line if line else '#'
            print(line, file=self.out)
        self.out.flush()

    def step(self, title):
        self._print()
        self._print(f'== {title}')

    def say(self, text):
        self._print(text)

    def show(self, text, indent='   '):
        """Program output, indented."""
        self._print('\n'.join(indent + line
                              for line in text.rstrip('\n').split('\n')))

    def check(self, cond, what, detail=None, fatal=False):
        """One expectation.  A failed @fatal one ends the scenario."""
        self.count += 1
        cond = bool(cond)
        if self.tap:
            print(f'{"ok" if cond else "not ok"} {self.count} - {what}',
                  file=self.out)
        else:
            print(f'   {"ok  " if cond else "FAIL"}  {what}', file=self.out)
        if not cond:
            self.failures.append(what)
            if detail:
                self._print('\n'.join('       ' + line
                                      for line in str(detail).split('\n')))
        self.out.flush()
        if not cond and fatal:
            raise Abort(what)
        return cond

    def timing(self, what, seconds):
        self.timings.append((what, seconds))

    def finish(self, skip_reason=None):
        if self.tap:
            if skip_reason and not self.count:
                print(f'1..0 # SKIP {skip_reason}', file=self.out)
            else:
                print(f'1..{self.count}', file=self.out)
        self.out.flush()


# --- processes ------------------------------------------------------------

def _die_with_parent():
    """In the child: get SIGKILL when the demo dies, however it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)       # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Processes:
    """Every process the demo starts, to stop them all at the end."""

    def __init__(self):
        self.procs = []

    def start(self, argv, log_path):
        with open(log_path, 'w') as log:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT,
                                 start_new_session=True,
                                 preexec_fn=_die_with_parent)
        self.procs.append(p)
        return p

    @staticmethod
    def stop(p, timeout=10):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        return p.returncode

    def stop_all(self):
        # QEMUs before backends: a QEMU whose backend goes first complains.
        for p in reversed(self.procs):
            self.stop(p)
        self.procs = []


# --- hosts ----------------------------------------------------------------

class Tools:
    """The programs the demo runs."""

    def __init__(self, args):
        self.qemu = args.qemu
        self.featmask = args.featmask
        self.backend = args.backend
        self.guest = args.guest
        out = run([self.qemu, '--version']).stdout
        m = re.search(r'version (\d+)\.(\d+)\.(\d+)', out)
        self.qemu_version = tuple(int(x) for x in m.groups()) if m else (0,)
        # The patch-set adds features= to every virtio device.
        out = run([self.qemu, '-device', 'virtio-net-pci,help']).stdout
        self.patched = bool(re.search(r'^\s*features=', out, re.M))
        self.kernel = os.path.join(self.guest, 'vmlinux')
        if not os.path.exists(self.kernel):
            self.kernel = os.path.join(self.guest, 'vmlinuz')
        self.firmware = []
        for d in ('/usr/share/seabios', '/usr/share/qemu'):
            if os.path.isdir(d):
                self.firmware += ['-L', d]
        # The guests' accelerator: TCG unless choose_accel() saw a guest
        # boot under KVM.
        self.accel = 'tcg'
        self.accel_why = 'TCG asked for'


def run(argv, check=False):
    return subprocess.run(argv, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, check=check)


# How long a guest under KVM may stay silent before KVM counts as broken
# (on some machines /dev/kvm answers but its guests never run).
KVM_BOOT_PROBE_S = 20


def _kvm_verdict_path(tools):
    """Where the KVM boot probe's verdict is kept: one file per boot of
    this machine, QEMU binary and guest kernel (in /run, which a reboot
    empties), so that the demos and tests of one run pay for it once."""
    try:
        with open('/proc/sys/kernel/random/boot_id') as f:
            boot = f.read().strip()
    except OSError:
        return None
    key = '\0'.join([boot, tools.qemu, str(os.stat(tools.qemu).st_mtime_ns),
                     tools.kernel])
    d = '/run' if os.access('/run', os.W_OK) else tempfile.gettempdir()
    return os.path.join(d, 'featmask-kvm-%s.json' %
                        hashlib.sha256(key.encode()).hexdigest()[:16])


def choose_accel(tools, want, workdir):
    """Set tools.accel to 'kvm' only when a guest really boots under KVM
    (the kernel prints on its serial console within KVM_BOOT_PROBE_S
    seconds), else 'tcg'; tools.accel_why says why.  The verdict is
    remembered until the machine reboots (_kvm_verdict_path())."""
    tools.accel = 'tcg'
    if want == 'tcg':
        tools.accel_why = '--accel tcg'
        return
    if not os.access('/dev/kvm', os.R_OK | os.W_OK):
        tools.accel_why = 'no usable /dev/kvm'
        if want == 'kvm':
            raise Skip('--accel kvm: no usable /dev/kvm')
        return
    verdict = _kvm_verdict_path(tools)
    try:
        with open(verdict) as f:
            booted, why = json.load(f)
    except (OSError, TypeError, ValueError):
        booted, why = _kvm_boot_probe(tools, workdir)
        if verdict:
            tmp = f'{verdict}.{os.getpid()}'
            with open(tmp, 'w') as f:
                json.dump([booted, why], f)
            os.replace(tmp, verdict)
    else:
        why += ' (remembered since this boot\'s first check)'
    tools.accel_why = why
    if booted:
        tools.accel = 'kvm'
    elif want == 'kvm':
        raise Skip(f'--accel kvm: {why}')


def _kvm_boot_probe(tools, workdir):
    """Boot the test guest under KVM; (True, why) when it printed on its
    console within KVM_BOOT_PROBE_S seconds, else (False, why)."""
    log = os.path.join(workdir, 'kvm-boot-probe.log')
    argv = [tools.qemu, *tools.firmware, '-accel', 'kvm', '-cpu', 'host',
            '-m', '256M', '-display', 'none', '-nodefaults', '-no-reboot',
            '-kernel', tools.kernel,
            '-initrd', os.path.join(tools.guest, 'initramfs.gz'),
            '-append', 'console=ttyS0', '-serial', f'file:{log}']
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, preexec_fn=_die_with_parent)
    booted = False
    while time.monotonic() - start < KVM_BOOT_PROBE_S and p.poll() is None:
        if os.path.exists(log) and os.path.getsize(log) > 0:
            booted = True
            break
        time.sleep(0.2)
    secs = time.monotonic() - start
    exited = p.poll()
    Processes.stop(p)
    if booted:
        return True, ('a guest printed on its console under KVM after '
                      f'{secs:.1f} s')
    return False, ('under KVM a guest printed nothing in '
                   f'{KVM_BOOT_PROBE_S} s' if exited is None else
                   f'QEMU with KVM exited ({exited}) before the guest '
                   'printed anything')


class Vm:
    """One QEMU of one host, with its QMP and the guest's console."""

    def __init__(self, host, tag, proc, qmp_path, serial, log_path):
        self.host = host
        self.tag = tag
        self.proc = proc
        self.log_path = log_path
        self.qmp = qmplib.QMP(qmp_path, timeout=60, connect_timeout=30)
        # The source learns that the destination failed to load, and runs
        # on, only with a return path (on both sides).
        self.qmp.cmd('migrate-set-capabilities', capabilities=[
            {'capability': 'return-path', 'state': True}])
        self.console = console.GuestConsole(serial, connect_timeout=30,
                                            log=host.console_log)

    def output(self):
        with open(self.log_path, errors='replace') as f:
            return f.read()

    def status(self):
        return self.qmp.cmd('query-status')['status']

    def net_features(self):
        """The virtio-net device's host features (what QEMU offers the
        guest), from x-query-virtio-status, as an int."""
        return qmplib.virtio_host_features(self.qmp, 'virtio-net')

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.qmp.cmd('quit')
                self.proc.wait(10)
            except (EOFError, OSError, qmplib.QMPError,
                    subprocess.TimeoutExpired):
                pass
        Processes.stop(self.proc)
        self.qmp.close()
        self.console.close()


class Host:
    """A host: a folder, a vhost-user backend offering @offer, the QEMU
    arguments of its network card."""

    def __init__(self, name, root, offer, tools, procs):
        self.name = name
        self.dir = os.path.join(root, name)
        self.offer = offer
        self.tools = tools
        self.procs = procs
        os.makedirs(self.dir)
        self.vu_sock = os.path.join(self.dir, 'vhost-user.sock')
        self.vu_log = os.path.join(self.dir, 'backend.log')
        self.profile = os.path.join(self.dir, 'profile.json')
        self.console_log = open(os.path.join(self.dir, 'console.log'), 'a')
        self.backend = None
        self.runs = 0

    def start_backend(self):
        out = run([self.tools.backend, '--print-features',
                   '--features', self.offer], check=True).stdout
        self.offered = int(re.search(r'^offered (0x[0-9a-f]+)', out,
                                     re.M).group(1), 16)
        # The bits QEMU takes from the backend (the others it decides).
        self.backend_bits = 0
        for m in re.finditer(r'^ *(\d+) \S+ +backend', out, re.M):
            self.backend_bits |= 1 << int(m.group(1))
        self.backend = self.procs.start(
            [self.tools.backend, '--socket-path', self.vu_sock,
             '--features', self.offer, '--log', self.vu_log],
            os.path.join(self.dir, 'backend.out'))
        deadline = time.monotonic() + 10
        while not os.path.exists(self.vu_sock):
            if self.backend.poll() is not None or \
               time.monotonic() > deadline:
                raise Abort(f'{self.name}: the backend did not start')
            time.sleep(0.02)

    def acked(self):
        """The virtio features the guest acked, as the backend last saw
        them (without the vhost bits), or None."""
        with open(self.vu_log) as f:
            found = re.findall(r'acked-features (0x[0-9a-f]+)', f.read())
        return int(found[-1], 16) if found else None

    def machine_args(self):
        """This host's machine and network card, without -device."""
        return ['-nodefaults', '-machine', 'q35,memory-backend=mem',
                '-object', f'memory-backend-memfd,id=mem,size={GUEST_MEM},'
                'share=on',
                '-chardev', f'socket,id=c0,path={self.vu_sock}',
                '-netdev', 'vhost-user,id=n0,chardev=c0']

    def device(self, device_argv):
        """@device_argv ('-device', 'TYPE,id=...,features...') joined to
        this host's backend: the plan says which features, the host which
        netdev."""
        argv = list(device_argv)
        i = argv.index('-device') + 1
        # disable-legacy=on: a transitional virtio-pci device (the default
        # on q35's root bus) refuses iommu_platform, which a plan with
        # features=all:... switches on when both hosts can provide it.
        argv[i] += ',netdev=n0,romfile=,disable-legacy=on'
        if self.tools.qemu_version < (8, 0):
            # QEMU 7.2 under TCG crashes in msix_set_vector_notifiers when
            # vhost starts with MSI-X; legacy interrupts avoid it.
            argv[i] += ',vectors=0'
        return argv

    def plain_device(self):
        return self.device(['-device', 'virtio-net-pci,id=net0'])

    def probe(self, extra=()):
        """featmask probe --qemu with this host's device arguments (and
        @extra QEMU arguments); returns the seconds it took."""
        argv = [self.tools.featmask, 'probe', '--host', self.name,
                '-o', self.profile, '--qemu', self.tools.qemu, '--',
                *self.tools.firmware, *extra, *self.machine_args(),
                *self.plain_device()]
        start = time.monotonic()
        r = run(argv)
        secs = time.monotonic() - start
        if r.returncode != 0:
            raise Abort(f'featmask probe of {self.name} failed '
                        f'({r.returncode}): {r.stderr.strip()}')
        return secs, argv, r.stderr.strip()

    def qemu_argv(self, device_argv, incoming):
        tag = f'{self.runs}'
        argv = [self.tools.qemu, *self.tools.firmware,
                '-accel', getattr(self.tools, 'accel', 'tcg'),
                '-m', GUEST_MEM, '-display', 'none',
                *self.machine_args(), *device_argv,
                '-kernel', self.tools.kernel,
                '-initrd', os.path.join(self.tools.guest, 'initramfs.gz'),
                '-append', 'console=ttyS0 quiet',
                '-serial', f'unix:{self.path("serial", tag)},server=on,'
                'wait=off',
                '-qmp', f'unix:{self.path("qmp", tag)},server=on,wait=off',
                '-no-reboot']
        if incoming:
            argv += ['-incoming', 'defer']
        return argv

    def path(self, what, tag):
        return os.path.join(self.dir, f'{what}-{tag}.sock')

    def launch(self, device_argv, incoming=False):
        """Start this host's QEMU; with @incoming, waiting for a migration
        on a unix socket in the host's folder.  Returns the Vm, or raises
        RuntimeError with QEMU's output when it does not start."""
        self.runs += 1
        tag = f'{self.runs}'
        argv = self.qemu_argv(device_argv, incoming)
        log_path = os.path.join(self.dir, f'qemu-{tag}.log')
        with open(os.path.join(self.dir, f'qemu-{tag}.cmd'), 'w') as f:
            f.write(shlex.join(argv) + '\n')
        proc = self.procs.start(argv, log_path)
        # A QEMU that refuses its command line exits before (or soon after)
        # its QMP socket appears: do not wait for the socket in vain.
        deadline = time.monotonic() + 30
        while not os.path.exists(self.path('qmp', tag)) and \
                proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        try:
            if proc.poll() is not None:
                raise EOFError('QEMU exited')
            vm = Vm(self, tag, proc, self.path('qmp', tag),
                    self.path('serial', tag), log_path)
        except (TimeoutError, EOFError, OSError, qmplib.QMPError):
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
            Processes.stop(proc)
            with open(log_path, errors='replace') as f:
                raise RuntimeError(f.read().strip() or
                                   f'QEMU exited with {proc.returncode}')
        if incoming:
            vm.incoming = 'unix:' + self.path('migrate', tag)
            vm.qmp.cmd('migrate-incoming', uri=vm.incoming)
        return vm


# --- features -------------------------------------------------------------

class DeviceMap:
    """featmask's map of a device type (featmask list --json): name <-> bit;
    virtio-net-pci unless told."""

    def __init__(self, featmask, device='virtio-net-pci'):
        r = run([featmask, 'list', '--json', device], check=True)
        self.features = json.loads(r.stdout)
        self.bit = {f['name']: f['bit'] for f in self.features}
        self.name = {f['bit']: f['name'] for f in self.features}
        self.known = 0
        for b in self.name:
            self.known |= 1 << b

    def to_bits(self, names):
        v = 0
        for n in names:
            # virtio-net's names are spelled with '_' ('host_uso'),
            # others with '-' ('write-zeroes'); either spelling is taken.
            b = self.bit.get(n)
            v |= 1 << (b if b is not None else self.bit[n.replace('-', '_')])
        return v

    def names(self, bits):
        out = []
        for b in range(64):
            if bits >> b & 1:
                out.append(self.name.get(b, f'bit{b}'))
        return out

    def show(self, bits):
        names = self.names(bits)
        return f'0x{bits:016x} ({len(names)}: {", ".join(names) or "-"})'


def net_device(devs):
    nets = [d for d in devs.values() if d.device == VIRTIO_ID_NET]
    return nets[0] if len(nets) == 1 else None


# --- the scenario ---------------------------------------------------------

class Demo:

    # The guest's device the scenario is about, and its driver.
    device_name = 'virtio-net'
    driver = 'virtio_net'

    def __init__(self, args, report):
        self.args = args
        self.r = report
        self.procs = Processes()
        self.tools = Tools(args)
        self.map = DeviceMap(args.featmask)
        form = args.form
        if form == 'auto':
            form = 'patched' if self.tools.patched else 'stock'
        if form == 'patched' and not self.tools.patched:
            raise Skip(f'{args.qemu} has no features= (QEMU without '
                       'featmask\'s patch-set)')
        self.form = form
        self.setup('featmask-demo-')
        choose_accel(self.tools, args.accel, self.root)

    def setup(self, prefix):
        """The work folder and the scenario's state."""
        self.root = self.args.workdir or tempfile.mkdtemp(prefix=prefix)
        os.makedirs(self.root, exist_ok=True)
        self.hosts = {}
        self.naive_acked = None
        self.figures = {}

    # Helpers

    def timed(self, what, fn, *a, **kw):
        start = time.monotonic()
        try:
            return fn(*a, **kw)
        finally:
            self.r.timing(what, time.monotonic() - start)

    def boot(self, host, device_argv, what):
        """Launch @host with @device_argv and wait for the guest's boot
        report; return (vm, the virtio-net VirtioDevice)."""
        start = time.monotonic()
        try:
            vm = host.launch(device_argv)
        except RuntimeError as e:
            self.r.check(False, f'{host.name}: QEMU starts ({what})',
                         self.qemu_output(str(e)), fatal=True)
        try:
            fields, devs = vm.console.wait_ready(timeout=self.args.timeout)
        except (TimeoutError, EOFError) as e:
            self.r.check(False, f'guest boots on {host.name} ({what})',
                         f'{e}\n{vm.output()[-2000:]}', fatal=True)
        secs = time.monotonic() - start
        self.r.timing(f'boot on {host.name} ({what})', secs)
        net = self.guest_device(devs)
        self.r.check(net and net.driver == self.driver and
                     net.status is not None and net.status & 4,
                     f'guest up on {host.name} in {secs:.1f} s, '
                     f'{self.device_name} bound to {self.driver} with '
                     'DRIVER_OK', devs, fatal=True)
        self.r.say(f'   guest negotiated {self.map.show(net.features)}')
        return vm, net

    def guest_device(self, devs):
        """Of the guest's virtio devices @devs, the one of the scenario."""
        return net_device(devs)

    def check_acked(self, host, guest):
        """What the guest acked reached @host's backend: the guest's bits
        that QEMU takes from the backend, without the vhost bits and
        iommu_platform, are the backend's last acked-features."""
        acked = host.acked()
        want = guest & host.backend_bits & ~VHOST_BITS & ~IOMMU_PLATFORM
        self.r.check(acked == want, f'{host.name}\'s backend logged the '
                     'guest\'s features (its own bits) as acked',
                     f'backend {self.map.show(acked or 0)}\n'
                     f'guest   {self.map.show(want)}')

    def qemu_output(self, text):
        """QEMU's messages for the reader."""
        return text.strip()

    def migrate(self, src, dst, what):
        status, secs, info = qmplib.migrate(src.qmp, dst.incoming,
                                            timeout=self.args.timeout)
        self.r.timing(f'migration ({what})', secs)
        return status, secs, info

    def migrate_planned(self, src, dst):
        """The planned migration, which must complete; keeps its
        figures."""
        status, secs, info = self.migrate(src, dst, 'plan')
        self.r.check(status == 'completed', f'migration to host-b '
                     f'completes in {secs:.1f} s', info, fatal=True)
        self.figures['migration'] = (secs, info.get('total-time'),
                                     info.get('downtime'),
                                     info.get('ram', {}).get('transferred'))

    def refused_unsupported(self, src, net, what):
        """migrate_refused() by QEMU's own virtio check, decoded."""
        out = self.migrate_refused(src, net, what,
                                   r'Features 0x[0-9a-f]+ unsupported',
                                   'host-b\'s QEMU says "Features 0x... '
                                   'unsupported"')
        raw = re.search(r'Features (0x[0-9a-f]+) unsupported. '
                        r'Allowed features: (0x[0-9a-f]+)', out)
        if raw:
            miss = int(raw.group(1), 16) & ~int(raw.group(2), 16)
            self.r.say('   decoded, the guest uses there missing: '
                       + ', '.join(self.map.names(miss)))

    def run_probe(self, h, extra=()):
        """featmask probe of host @h, shown and timed; returns its
        profile, the seconds and the warnings."""
        secs, argv, warn = h.probe(extra)
        self.r.timing(f'probe {h.name}', secs)
        self.figures[f'probe {h.name}'] = secs
        shown = [os.path.basename(argv[0])] + argv[1:]
        self.r.say(f'   $ {shlex.join(shown)}')
        with open(h.profile) as f:
            return json.load(f), secs, warn

    def migrate_refused(self, src, net, what, error, expectation):
        """Migrate the guest of @src (its virtio-net @net) to host-b
        launched with plain -device arguments; expect the migration to
        fail with @error (a regex) in host-b's output, and the guest to run
        on.  Returns host-b's output."""
        r = self.r
        b = self.hosts['host-b']
        dst = b.launch(b.plain_device(), incoming=True)
        status, secs, info = self.migrate(src, dst, what)
        r.check(status == 'failed', f'migration to host-b fails '
                f'({status} after {secs:.1f} s)', info)
        dst.proc.wait(30)
        out = dst.output()
        found = re.search(error, out)
        r.check(found, expectation, out)
        if found:
            r.show(self.qemu_output(out), '   host-b| ')
        self.guest_runs_on(src, net, 'host-a')
        dst.quit()
        return out

    def guest_runs_on(self, vm, net, where):
        """The guest on @vm answers on its console with the features @net
        it had."""
        try:
            vm.console.sync(timeout=60)
            up = vm.console.ping()
            now = self.guest_device(vm.console.features())
        except (TimeoutError, EOFError, console.GuestError) as e:
            self.r.check(False, f'the guest answers on {where}', e,
                         fatal=True)
        self.r.check(vm.status() == 'running' and now is not None,
                     f'the guest runs on {where} and answers "ping" '
                     f'(uptime {up:.1f} s)')
        self.r.check(now.features == net.features,
                     f'its negotiated features on {where} are unchanged',
                     f'before {self.map.show(net.features)}\n'
                     f'now    {self.map.show(now.features)}')
        return now

    # Steps

    def step1(self):
        r = self.r
        r.step('1. Two hosts on this machine, each with its own vhost-user '
               'backend')
        t = self.tools
        r.say(f'   QEMU {".".join(map(str, t.qemu_version))} {t.qemu} '
              f'({"with" if t.patched else "without"} featmask\'s '
              f'patch-set), {t.accel.upper()} ({t.accel_why})')
        r.say(f'   guest {t.kernel}, work folder {self.root}')
        for name, offer in OFFER.items():
            h = Host(name, self.root, offer, t, self.procs)
            self.timed(f'start backend of {name}', h.start_backend)
            self.hosts[name] = h
            r.say(f'   {name}: vhost-user-featmask --features {offer}')
        a, b = self.hosts['host-a'], self.hosts['host-b']
        lacks = a.offered & ~b.offered & a.backend_bits
        r.check(lacks, f'host-b\'s backend lacks '
                f'{", ".join(self.map.names(lacks))}', fatal=True)

    def step2_stock(self):
        r = self.r
        a = self.hosts['host-a']
        r.step('2a. Naive migration with plain -device arguments')
        dev = a.plain_device()
        r.say(f'   both hosts: {shlex.join(dev)}')
        src, net = self.boot(a, dev, 'naive')
        self.naive_acked = net.features
        self.refused_unsupported(src, net, 'naive, plain')
        src.quit()

    def step2_patched(self):
        r = self.r
        a, b = self.hosts['host-a'], self.hosts['host-b']
        r.step('2b. Naive migration with features= (the patched QEMU)')
        spec = ['-device', f'virtio-net-pci,id=net0,features={NAIVE_MASK}']
        dev = a.device(spec)
        r.say(f'   host-a: {shlex.join(dev)}')
        src, net = self.boot(a, dev, 'naive features=')

        missing = self.map.names(a.offered & ~b.offered & net.features
                                 & a.backend_bits)
        r.say('   host-b with the same command line:')
        try:
            dst = b.launch(b.device(spec), incoming=True)
            dst.quit()
            r.check(False, 'host-b\'s QEMU refuses features= its backend '
                    'cannot provide')
        except RuntimeError as e:
            r.show(self.qemu_output(str(e)), '   host-b| ')
            r.check('cannot provide features requested by features=' in
                    str(e) and all(n in str(e) for n in missing),
                    'host-b\'s QEMU does not start: its backend cannot '
                    f'provide {", ".join(missing)}')

        r.say('   host-b with plain -device arguments:')
        out = self.migrate_refused(src, net, 'naive, features=',
                                   r"device 'net0' \(virtio-net-pci\): "
                                   r'features enabled on the source are '
                                   r'not available here: ',
                                   'host-b\'s QEMU refuses the guest (the '
                                   'migration guard)')
        named = re.search(r'not available here: (.*)$', out, re.M)
        named = named.group(1).split(', ') if named else []
        r.check(sorted(named) == sorted(missing), 'the guard names exactly '
                f'the features host-b lacks: {", ".join(named)}', out)
        src.quit()

    def step3(self):
        r = self.r
        a, b = self.hosts['host-a'], self.hosts['host-b']
        fm = self.args.featmask
        r.step('3. featmask: probe both hosts, baseline, plan; launch with '
               'the plan and migrate')
        for h in (a, b):
            prof, secs, warn = self.run_probe(h)
            dev = prof['devices'][0]
            r.say(f'     {h.name}: QEMU {prof["qemu"]["kind"]} '
                  f'{prof["qemu"].get("version", "")}, net0 from '
                  f'{dev.get("source")}: {len(dev["features"])} features '
                  f'({secs:.2f} s)')
            if warn:
                r.show(warn, '     ')
            h.features = self.map.to_bits(dev['features'])
            h.kind = prof['qemu']['kind']
        r.check(a.kind == b.kind == ('patched' if self.tools.patched
                                     else 'stock'),
                f'the profiles say which QEMU: {a.kind}')
        profiles = [a.profile, b.profile]

        r.say(f'   $ featmask baseline --explain {a.name}.json '
              f'{b.name}.json')
        out = self.timed('featmask baseline --explain', run,
                         [fm, 'baseline', '--explain', *profiles],
                         check=True)
        # The CPU's lines are long; the device is what this demo is about.
        text = '\n'.join(line if len(line) < 100 else line[:96] + ' ...'
                         for line in out.stdout.splitlines())
        r.show(text, '     ')
        base = json.loads(run([fm, 'baseline', '--json', *profiles],
                              check=True).stdout)
        common_names = next(d['features'] for d in base['devices']
                            if d['id'] == 'net0')
        common = self.map.to_bits(common_names)
        self.common = common
        r.check(common == a.features & b.features,
                'the common set is what both hosts have',
                f'common {self.map.show(common)}')

        r.say(f'   $ featmask plan --json --qemu-kind {self.form} '
              f'{a.name}.json {b.name}.json')
        plan = json.loads(self.timed('featmask plan --json', run,
                                     [fm, 'plan', '--json', '--qemu-kind',
                                      self.form, *profiles],
                                     check=True).stdout)
        key = 'args-patched' if self.form == 'patched' else 'args-stock'
        self.plan = {}
        for entry in plan:
            d = next(d for d in entry['devices'] if d['id'] == 'net0')
            self.plan[entry['host']] = d
            r.say(f'     {entry["host"]}: {d[key]}')
            r.say(f'       turn off: {", ".join(d["turn-off"]) or "-"}')
            if entry.get('cpu'):
                r.say(f'       cpu: {entry["cpu"]["args"]} (not applied: '
                      '-cpu host needs KVM; both hosts are this CPU)')
        if self.form == 'patched':
            r.check(self.plan['host-a'][key] == self.plan['host-b'][key],
                    'features= is the same on both hosts')
        r.check(set(self.plan['host-a']['turn-off']) ==
                set(self.map.names(a.features & ~common)) and
                not self.plan['host-b']['turn-off'],
                'host-a turns off what host-b lacks, host-b nothing')

        devs = {h.name: h.device(shlex.split(self.plan[h.name][key]))
                for h in (a, b)}
        r.say(f'   host-a: {shlex.join(devs["host-a"])}')
        src, net = self.boot(a, devs['host-a'], 'plan')
        self.before = net.features
        offered_a = src.net_features() & self.map.known
        dst = b.launch(devs['host-b'], incoming=True)
        offered_b = dst.net_features() & self.map.known
        detail = (f'host-a {self.map.show(offered_a)}\n'
                  f'host-b {self.map.show(offered_b)}\n'
                  f'common {self.map.show(common)}')
        if self.form == 'patched':
            # features=none:+a:... switches on every common feature, and
            # QEMU enforces it.
            r.check(offered_a == common and offered_b == common,
                    'both QEMUs offer the guest exactly the common set',
                    detail)
        else:
            # Per-property switches only switch off: a common feature that
            # is off by default (packed, mq, ...) stays off.
            r.check(offered_a == offered_b and offered_a & ~common == 0,
                    'both QEMUs offer the guest the same features, all in '
                    'the common set', detail)
            if a.kind == 'stock':
                # Unpatched QEMU's profiles hold what it offers the guest.
                r.check(offered_a == common, 'they offer the common set '
                        'exactly (the stock profiles\' features are what '
                        'QEMU offered)', detail)
        r.check(net.features & ~common == 0,
                'the guest negotiated nothing outside the common set',
                self.map.show(net.features & ~common))
        if self.naive_acked is not None:
            again = self.naive_acked & common
            r.check(net.features & again == again,
                    'every common feature the driver took in 2a it takes '
                    'again', self.map.show(again & ~net.features))
        self.check_acked(a, net.features)

        self.migrate_planned(src, dst)
        r.check(src.status() == 'postmigrate', 'host-a\'s QEMU is done '
                '(postmigrate)')
        after = self.guest_runs_on(dst, net, 'host-b')
        self.after = after.features
        self.check_acked(b, after.features)
        self.offered = offered_a
        src.quit()
        dst.quit()

    def summary(self):
        r = self.r
        a, b = self.hosts['host-a'], self.hosts['host-b']
        r.step('4. Summary')
        common = self.common
        every = a.features | b.features
        cols = [('host-a', a.features), ('host-b', b.features),
                ('common', common), ('guest', self.after)]
        differ = [n for n in self.map.names(every)
                  if (a.features ^ b.features) >> self.map.bit[n] & 1]
        r.say(f'   net0 (virtio-net-pci): host-a has '
              f'{len(self.map.names(a.features))} features, host-b '
              f'{len(self.map.names(b.features))}, the common set '
              f'{len(self.map.names(common))}; where the hosts differ:')
        lines = ['feature        bit  host-a  host-b  common  turned off '
                 'on   guest']
        for n in differ:
            bit = self.map.bit[n]
            yes = ['yes' if v >> bit & 1 else '-' for _, v in cols]
            off = [h for h, d in self.plan.items() if n in d['turn-off']]
            lines.append(f'{n:<14} {bit:>3}  {yes[0]:<6}  {yes[1]:<6}  '
                         f'{yes[2]:<6}  {",".join(off) or "-":<13}   '
                         f'{yes[3]}')
        r.show('\n'.join(lines))
        same = self.map.names(a.features & b.features)
        r.say(f'   on both hosts and in the common set ({len(same)}): '
              + ', '.join(same))
        for name, d in self.plan.items():
            r.say(f'   turned off on {name}: '
                  f'{", ".join(d["turn-off"]) or "nothing"}')
        r.say('   offered to the guest (both hosts, x-query-virtio-status): '
              + f'0x{self.offered:016x}')
        r.say(f'   guest negotiated on host-a: {self.map.show(self.before)}')
        r.say(f'   guest negotiated on host-b: {self.map.show(self.after)}')
        unacked = self.map.names(common & ~self.after)
        r.say('   common but not acked by the guest\'s driver: '
              + (', '.join(unacked) or 'none'))
        self.say_figures()

    def say_figures(self, width=40):
        """The planned migration's figures and every step's time."""
        r = self.r
        secs, total, down, ram = self.figures['migration']
        r.say(f'   migration with the plan: {secs:.2f} s, query-migrate '
              f'total-time {total} ms, downtime {down} ms, '
              f'{(ram or 0) / 2**20:.1f} MiB of RAM sent')
        r.say('   timings:')
        r.show('\n'.join(f'{what:<{width}} {secs:7.2f} s'
                         for what, secs in r.timings), '     ')

    def steps(self):
        self.step1()
        self.step2_stock()
        if self.tools.patched:
            self.step2_patched()
        else:
            self.r.step('2b. Naive migration with features=: skipped, '
                        'this QEMU has no featmask patch-set')
        self.step3()
        self.summary()

    def run(self):
        try:
            self.steps()
        finally:
            self.procs.stop_all()
            for h in self.hosts.values():
                h.console_log.close()


# --- the mixed pool: stock QEMU 7.2 and patched QEMU 10.0 ----------------

MIXED_MACHINE = 'pc-q35-7.2'
STOCK_QEMU = '/usr/bin/qemu-system-x86_64'


class MixedHost(Host):
    """A host of the mixed pool: its own QEMU (@tools), the machine type
    both QEMUs know, and the device configuration both hosts share."""

    def machine_args(self):
        args = super().machine_args()
        i = args.index('-machine') + 1
        args[i] = args[i].replace('q35', MIXED_MACHINE, 1)
        return args

    def device(self, device_argv):
        argv = super().device(device_argv)
        i = argv.index('-device') + 1
        # The same device on both hosts: QEMU 7.2 needs legacy interrupts
        # (see Host.device), and the MSI-X table is part of the device's
        # migrated state, so host-b takes them too.
        if ',vectors=0' not in argv[i]:
            argv[i] += ',vectors=0'
        return argv


class MixedDemo(Demo):
    """Host A: stock QEMU 7.2; host B: patched QEMU 10.0."""

    def __init__(self, args, report):
        self.args = args
        self.r = report
        self.procs = Processes()
        self.tools_of = {}
        for name, qemu in (('host-a', args.qemu_a), ('host-b', args.qemu_b)):
            a = argparse.Namespace(**vars(args))
            a.qemu = qemu
            self.tools_of[name] = Tools(a)
        if self.tools_of['host-a'].patched:
            raise Skip(f'{args.qemu_a} has featmask\'s patch-set: host-a '
                       'must be a stock QEMU (--qemu-a)')
        if not self.tools_of['host-b'].patched:
            raise Skip(f'{args.qemu_b} has no features= (QEMU without '
                       'featmask\'s patch-set; --qemu-b)')
        self.tools = self.tools_of['host-b']
        self.map = DeviceMap(args.featmask)
        self.form = 'mixed'
        self.setup('featmask-mixed-')
        # One guest boot decides for both hosts (one machine).
        b = self.tools_of['host-b']
        choose_accel(b, args.accel, self.root)
        self.tools_of['host-a'].accel = b.accel
        self.tools_of['host-a'].accel_why = b.accel_why

    # Helpers

    @staticmethod
    def cpu_words(vm):
        """The guest's CPUID feature words, as QEMU set them:
        {(leaf, subleaf, register): bits}."""
        path = vm.qmp.cmd('query-cpus-fast')[0]['qom-path']
        words = vm.qmp.cmd('qom-get', path=path, property='feature-words')
        return {(w['cpuid-input-eax'], w.get('cpuid-input-ecx', 0),
                 w['cpuid-register']): w['features'] for w in words}

    @staticmethod
    def words_differ(a, b):
        """The CPUID words where @a and @b differ, as text; '' if none."""
        out = []
        for k in sorted(set(a) | set(b)):
            x, y = a.get(k, 0), b.get(k, 0)
            if x != y:
                out.append(f'CPUID[0x{k[0]:x},{k[1]}].{k[2]}: host-a '
                           f'0x{x:08x}, host-b 0x{y:08x}')
        return '\n'.join(out)

    def count_bits(self, a, b):
        return sum(bin(a.get(k, 0) ^ b.get(k, 0)).count('1')
                   for k in set(a) | set(b))

    # Steps

    def step1(self):
        r = self.r
        r.step('1. A mixed pool: host-a runs stock QEMU 7.2, host-b the '
               'patched QEMU 10.0')
        for name, offer in OFFER.items():
            t = self.tools_of[name]
            h = MixedHost(name, self.root, offer, t, self.procs)
            self.timed(f'start backend of {name}', h.start_backend)
            self.hosts[name] = h
            r.say(f'   {name}: QEMU {".".join(map(str, t.qemu_version))} '
                  f'{t.qemu} ({"with" if t.patched else "without"} '
                  f'featmask\'s patch-set), machine {MIXED_MACHINE}, '
                  f'{t.accel.upper()} ({t.accel_why}); '
                  f'vhost-user-featmask --features {offer}')
        a, b = self.hosts['host-a'], self.hosts['host-b']
        r.check(a.tools.qemu_version < (8, 0) <= b.tools.qemu_version,
                'host-a runs QEMU 7.x, host-b QEMU 8 or later')
        lacks = a.offered & ~b.offered & a.backend_bits
        r.check(lacks, f'host-b\'s backend lacks '
                f'{", ".join(self.map.names(lacks))}', fatal=True)

    def step2(self):
        r = self.r
        a = self.hosts['host-a']
        r.step('2. Naive migration: -cpu max and plain -device on both')
        cpu = ['-cpu', 'max']
        dev = a.plain_device()
        r.say(f'   both hosts: {shlex.join(cpu + dev)}')
        src, net = self.boot(a, cpu + dev, 'naive')
        self.naive_acked = net.features
        b = self.hosts['host-b']
        dst = b.launch(cpu + b.plain_device(), incoming=True)
        wa, wb = self.cpu_words(src), self.cpu_words(dst)
        n = self.count_bits(wa, wb)
        if a.tools.accel == 'tcg':
            # 7.2's and 10.0's TCG do not emulate the same instructions.
            r.check(n > 0, f'the two QEMUs\' "max" CPUs differ in {n} '
                    'feature bits (QEMU migrates no CPUID: the guest would '
                    'see its CPU change under it)', self.words_differ(wa, wb))
        else:
            r.say(f'   the two QEMUs\' "max" CPUs differ in {n} feature '
                  'bits')
        r.show(self.words_differ(wa, wb), '   ')
        dst.quit()
        self.refused_unsupported(src, net, 'naive, mixed')
        r.say('   the migration guard of host-b\'s patched QEMU has nothing '
              'to check: a stock source sends no featmask section (the '
              'stream is what unpatched QEMU sends), so QEMU\'s own virtio '
              'check is what refuses the guest here')
        src.quit()

    def step3(self):
        r = self.r
        a, b = self.hosts['host-a'], self.hosts['host-b']
        fm = self.args.featmask
        r.step('3. featmask: probe each host with its own QEMU, plan, '
               'verify; launch with the plan and migrate')
        profs = {}
        for h in (a, b):
            # The CPU is the view of the accelerator the guest will run on.
            prof, secs, warn = self.run_probe(h, ['-accel', h.tools.accel])
            profs[h.name] = prof
            q = prof['qemu']
            dev = prof['devices'][0]
            r.say(f'     {h.name}: QEMU {q["kind"]} {q.get("version", "")}, '
                  f'{q.get("accelerator")}, CPU from {prof["cpu"]["source"]}'
                  f': {len(prof["cpu"]["features"])} features; net0: '
                  f'{len(dev["features"])} features ({secs:.2f} s)')
            h.features = self.map.to_bits(dev['features'])
            h.kind = q['kind']
            h.cpu = set(prof['cpu']['features'])
        r.check(a.kind == 'stock' and b.kind == 'patched' and
                profs['host-a']['qemu'].get('accelerator') == a.tools.accel
                and profs['host-b']['qemu'].get('accelerator') ==
                b.tools.accel, 'the profiles say: host-a stock, host-b '
                f'patched; {a.tools.accel} and {b.tools.accel}')
        only_a, only_b = sorted(a.cpu - b.cpu), sorted(b.cpu - a.cpu)
        self.figures['cpu differ'] = (only_a, only_b)
        r.check(only_a or only_b, 'the CPUs differ: only on host-a '
                f'{", ".join(only_a) or "-"}; only on host-b '
                f'{", ".join(only_b) or "-"}')
        profiles = [a.profile, b.profile]

        for form in ('host', 'model'):
            argv = [fm, 'plan', '--verify', '--cpu-form', form, *profiles]
            r.say(f'   $ featmask plan --verify --cpu-form {form} '
                  f'{a.name}.json {b.name}.json')
            v = self.timed(f'featmask plan --verify --cpu-form {form}', run,
                           argv)
            r.show('\n'.join(line if len(line) < 110 else line[:106] +
                             ' ...' for line in v.stdout.splitlines()),
                   '     ')
            lines = v.stdout.splitlines()
            r.check(v.returncode == 0 and len(lines) == 4 and
                    all(': ok: ' in line for line in lines),
                    f'every line of the plan (--cpu-form {form}) starts on '
                    'its own host\'s QEMU', v.stdout + v.stderr)

        r.say(f'   $ featmask plan --json {a.name}.json {b.name}.json')
        plan = json.loads(self.timed('featmask plan --json', run,
                                     [fm, 'plan', '--json', *profiles],
                                     check=True).stdout)
        self.plan, cpu = {}, {}
        for entry in plan:
            d = next(d for d in entry['devices'] if d['id'] == 'net0')
            self.plan[entry['host']] = d
            cpu[entry['host']] = entry['cpu']['args']
            r.say(f'     {entry["host"]}: {entry["cpu"]["args"]}')
            r.say(f'     {entry["host"]}: '
                  f'{d.get("args-patched") or d.get("args-stock")}')
        r.check('args-stock' in self.plan['host-a'] and
                'args-patched' not in self.plan['host-a'] and
                'features=none:' in self.plan['host-b'].get('args-patched',
                                                            ''),
                'host-a gets per-property switches (stock QEMU), host-b an '
                'explicit features= list (patched)')
        want = {h.name: '-cpu host' if h.tools.accel == 'kvm' else '-cpu max'
                for h in (a, b)}
        r.check(all(cpu[n].startswith(want[n]) for n in cpu),
                'each CPU line fits its accelerator ("host" under KVM, '
                '"max" under TCG, which has no "host")', cpu)
        common = self.map.to_bits(
            next(d['features'] for d in json.loads(run(
                [fm, 'baseline', '--json', *profiles],
                check=True).stdout)['devices'] if d['id'] == 'net0'))
        self.common = common

        key = {'host-a': 'args-stock', 'host-b': 'args-patched'}
        args = {h.name: shlex.split(cpu[h.name]) +
                h.device(shlex.split(self.plan[h.name][key[h.name]]))
                for h in (a, b)}
        r.say(f'   host-a: {shlex.join(args["host-a"])}')
        src, net = self.boot(a, args['host-a'], 'plan')
        self.before = net.features
        dst = b.launch(args['host-b'], incoming=True)
        wa, wb = self.cpu_words(src), self.cpu_words(dst)
        # A word one QEMU does not know is one whose features are all off.
        r.check(not self.words_differ(wa, wb), 'both QEMUs give the guest '
                'the same CPU feature words', self.words_differ(wa, wb))
        offered_a = src.net_features() & self.map.known
        offered_b = dst.net_features() & self.map.known
        detail = (f'host-a {self.map.show(offered_a)}\n'
                  f'host-b {self.map.show(offered_b)}\n'
                  f'common {self.map.show(common)}')
        r.check(offered_a == offered_b == common,
                'both QEMUs offer the guest exactly the common set', detail)
        r.check(net.features & ~common == 0,
                'the guest negotiated nothing outside the common set',
                self.map.show(net.features & ~common))

        self.migrate_planned(src, dst)
        after = self.guest_runs_on(dst, net, 'host-b')
        self.after = after.features
        moved = self.words_differ(wa, self.cpu_words(dst))
        r.check(not moved, 'the guest\'s CPU feature words on host-b are '
                'those it had on host-a', moved)
        self.check_acked(b, after.features)
        self.offered = offered_a
        src.quit()
        dst.quit()

    def summary(self):
        r = self.r
        a, b = self.hosts['host-a'], self.hosts['host-b']
        r.step('4. Summary')
        only_a, only_b = self.figures['cpu differ']
        r.say('   CPU (TCG "max"): only QEMU 7.2 gives '
              f'{", ".join(only_a) or "-"}; only QEMU 10.0 gives '
              f'{", ".join(only_b) or "-"}')
        differ = self.map.names(a.features ^ b.features)
        r.say(f'   net0: host-a has {len(self.map.names(a.features))} '
              f'features, host-b {len(self.map.names(b.features))}, common '
              f'{len(self.map.names(self.common))}; they differ in: '
              + ', '.join(differ))
        for name, d in self.plan.items():
            r.say(f'   turned off on {name}: '
                  f'{", ".join(d["turn-off"]) or "nothing"}')
        r.say(f'   guest negotiated on host-a: {self.map.show(self.before)}')
        r.say(f'   guest negotiated on host-b: {self.map.show(self.after)}')
        r.say(f'   probe: host-a {self.figures["probe host-a"]:.2f} s, '
              f'host-b {self.figures["probe host-b"]:.2f} s')
        self.say_figures(48)

    def steps(self):
        self.step1()
        self.step2()
        self.step3()
        self.summary()


def find_build_program(*parts):
    for build in ('build', 'build-ci', '_build', 'builddir'):
        p = os.path.join(TOP, build, *parts)
        if os.access(p, os.X_OK):
            return p
    return None


def default_qemu():
    if os.environ.get('FEATMASK_QEMU'):
        return os.environ['FEATMASK_QEMU']
    built = os.path.join(CACHE, 'qemu-build/prefix/bin/qemu-system-x86_64')
    if os.access(built, os.X_OK):
        return built
    return shutil.which('qemu-system-x86_64')


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description='featmask\'s demo: probe two hosts through QEMU, plan, '
        'launch and live-migrate a real Linux guest.')
    ap.add_argument('--qemu', default=default_qemu(),
                    help='qemu-system-x86_64 (default: $FEATMASK_QEMU, the '
                    'project\'s build in $FEATMASK_CACHE, then PATH)')
    ap.add_argument('--featmask',
                    default=find_build_program('tools', 'featmask',
                                               'featmask'))
    ap.add_argument('--backend',
                    default=find_build_program('contrib',
                                               'vhost-user-featmask',
                                               'vhost-user-featmask'))
    ap.add_argument('--guest', default=os.path.join(CACHE, 'guest'),
                    help='output of scripts/make-guest.sh')
    ap.add_argument('--form', choices=('auto', 'patched', 'stock'),
                    default='auto',
                    help='how the plan switches features off: features= '
                    '(patched QEMU) or per property (any QEMU); auto: '
                    'patched when the QEMU has the patch-set')
    ap.add_argument('--scenario', choices=('two-hosts', 'mixed'),
                    default='two-hosts',
                    help='two-hosts: one QEMU, backends that differ; mixed: '
                    'host-a stock QEMU 7.2, host-b patched QEMU 10.0')
    ap.add_argument('--qemu-a', default=STOCK_QEMU,
                    help='mixed: host-a\'s stock QEMU (default %(default)s)')
    ap.add_argument('--qemu-b', default=None,
                    help='mixed: host-b\'s patched QEMU (default: --qemu)')
    ap.add_argument('--accel', choices=('auto', 'tcg', 'kvm'),
                    default='auto',
                    help='the guests\' accelerator; auto: KVM only when a '
                    f'guest prints on its console under it within '
                    f'{KVM_BOOT_PROBE_S} s, else TCG')
    ap.add_argument('--workdir', help='the hosts\' folders (default: a new '
                    'temporary folder, removed unless --keep or a failure)')
    ap.add_argument('--keep', action='store_true')
    ap.add_argument('--timeout', type=float, default=240.0,
                    help='seconds for a boot or a migration (default 240)')
    ap.add_argument('--tap', action='store_true',
                    help='print the expectations as TAP')
    return ap.parse_args(argv)


def main(argv=None, scenario=None):
    """Run the demo, or @scenario: a subclass of Demo with its own run()."""
    args = parse_args(argv)
    report = Report(tap=args.tap)
    qemus = [('QEMU', args.qemu)]
    if args.scenario == 'mixed':
        args.qemu_b = args.qemu_b or args.qemu
        qemus = [('host-a\'s QEMU', args.qemu_a),
                 ('host-b\'s QEMU', args.qemu_b)]
    missing = [what for what, p in (*qemus,
                                    ('featmask', args.featmask),
                                    ('vhost-user-featmask', args.backend))
               if not p or not os.access(p, os.X_OK)]
    if not os.path.exists(os.path.join(args.guest, 'initramfs.gz')):
        missing.append(f'the guest in {args.guest} (scripts/make-guest.sh)')
    if missing:
        report.finish(skip_reason='no ' + ', no '.join(missing))
        print(f'demo: skipped: no {", no ".join(missing)}', file=sys.stderr)
        return EXIT_SKIP

    # Ctrl-C, SIGTERM and SIGHUP end the demo through the finally blocks
    # that stop every process (SIGINT too when the shell that started the
    # demo in the background had it ignored).
    def interrupted(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)

    start = time.monotonic()
    demo = None
    status = 1
    try:
        if not scenario and args.scenario == 'mixed':
            scenario = MixedDemo
        demo = (scenario or Demo)(args, report)
        demo.run()
        status = 1 if report.failures else 0
    except Skip as e:
        report.finish(skip_reason=str(e))
        print(f'demo: skipped: {e}', file=sys.stderr)
        return EXIT_SKIP
    except Abort as e:
        report.say(f'stopped: {e}')
    except KeyboardInterrupt as e:
        report.say(f'interrupted {e}')
        status = 130
    total = time.monotonic() - start
    report.say('')
    if report.failures:
        report.say(f'demo: {len(report.failures)} of {report.count} '
                   'expectations failed:')
        report.show('\n'.join(report.failures))
    elif status == 0:
        report.say(f'demo: all {report.count} expectations held, '
                   f'{total:.0f} s')
    report.finish()
    if demo:
        if status == 0 and not args.keep and not args.workdir:
            shutil.rmtree(demo.root, ignore_errors=True)
        else:
            report.say(f'files (logs, consoles, profiles): {demo.root}')
    return status


if __name__ == '__main__':
    sys.exit(main())
