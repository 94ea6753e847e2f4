#!/usr/bin/env python3
#
# End-to-end test of a mixed pool: host-a runs Debian 12's stock QEMU 7.2,
# host-b the patched QEMU 10.0, machine pc-q35-7.2, TCG, vhost-user
# backends that differ and CPUs that differ.  The naive migration from A to
# B fails; featmask probes each host with its own QEMU, plan --verify
# starts every line (both CPU forms) on its own host's QEMU, and the
# planned migration succeeds with the guest answering and its virtio-net
# and CPU features unchanged.  The scenario and its checks live in
# scripts/demo.py (MixedDemo, one copy); this runs it with --tap.
#
# Usage: test-e2e-mixed.py --featmask BIN --backend BIN [DEMO-OPTIONS...]
# Host-a's QEMU is /usr/bin/qemu-system-x86_64 (--qemu-a), host-b's the
# project's build ($FEATMASK_QEMU, else $FEATMASK_CACHE's; --qemu-b).
# Exit status 0 when every expectation held, 1 when one failed, 77 (skip)
# when a QEMU or the guest (scripts/make-guest.sh) is missing, or host-b's
# QEMU has no patch-set.
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
import demo  # noqa: E402

if __name__ == '__main__':
    sys.exit(demo.main(['--tap', '--scenario', 'mixed'] + sys.argv[1:]))
