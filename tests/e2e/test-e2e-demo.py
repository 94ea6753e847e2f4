#!/usr/bin/env python3
#
# End-to-end test: the scenario of scripts/demo.py, every expectation a TAP
# line.  Two hosts whose vhost-user backends differ, a real Linux guest
# under TCG, the naive migrations and their errors, featmask's probe,
# baseline and plan, the planned launch and the live migration, with the
# guest's negotiated features checked against the common set before and
# after.  The scenario and its checks live in scripts/demo.py (one copy);
# this runs it with --tap.
#
# Usage: test-e2e-demo.py --featmask BIN --backend BIN [DEMO-OPTIONS...]
# Exit status 0 when every expectation held, 1 when one failed, 77 (skip)
# when QEMU or the guest (scripts/make-guest.sh) is missing.
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
    sys.exit(demo.main(['--tap'] + sys.argv[1:]))
