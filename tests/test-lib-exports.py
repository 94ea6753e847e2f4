#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# libfeatmask.so exports the featmask_* API and nothing else: no QEMU
# names (error_*), no helpers of its own (json_pull_*, kvm_cpuid_*).
# Usage: test-lib-exports.py LIBFEATMASK   (TAP)

import subprocess
import sys

from tap import Tap

tap = Tap()
lib = sys.argv[1]
out = subprocess.run(['nm', '-D', '--defined-only', lib], capture_output=True,
                     text=True, check=True).stdout
# "featmask_map_new@@FEATMASK_0.1": the name, without its version.
names = [line.split()[-1].split('@')[0] for line in out.splitlines()
         if line.strip()]
# The version node the linker adds for the version script.
names = [n for n in names if n != 'FEATMASK_0.1']
bad = [n for n in names if not n.startswith('featmask_')]
tap.ok(not bad, 'only featmask_* symbols are exported',
       'not featmask_*: ' + ', '.join(bad[:20]))
api = ['featmask_map_new', 'featmask_mask_parse', 'featmask_negotiate',
       'featmask_profile_loader_new', 'featmask_error_free']
missing = [n for n in api if n not in names]
tap.ok(not missing, '%d symbols, the API among them' % len(names),
       'missing: ' + ', '.join(missing))
sys.exit(tap.done())
