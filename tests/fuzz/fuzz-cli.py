#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Mutation fuzzing of the featmask CLI's inputs: profiles (bytes deleted,
# inserted, truncated; JSON tokens spliced in) and feature masks.  Every
# run must end with exit status 0, 1 or 2, one error message, and no
# sanitizer report.  Build featmask with sanitizers first:
#   meson setup /tmp/asan -Db_sanitize=address,undefined -Db_lundef=false
#   ninja -C /tmp/asan tools/featmask/featmask
#   tests/fuzz/fuzz-cli.py /tmp/asan/tools/featmask/featmask [N] [SEED]
# Inputs that fail are kept as fuzz-crash-N.json in the current folder.
# Not part of the test suite: it takes minutes.

import glob
import os
import random
import subprocess
import sys
import tempfile

F = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 500
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
TMP = os.path.join(tempfile.mkdtemp(), 'fuzz.json')
seeds = [open(f,'rb').read() for f in glob.glob(ROOT + '/examples/*.json') + glob.glob(ROOT + '/tests/data/seed/*.json') + glob.glob(ROOT + '/tests/data/bad/*.json')]
rnd = random.Random(SEED)
toks = [b'{', b'}', b'[', b']', b'"', b',', b':', b'\\u', b'\\ud800', b'\xff', b'\x00', b'null', b'1e999', b'-', b'"features"', b'"devices"', b'"cpu"', b'"featmask-profile"', b'2', b'"type"']
bad = 0
env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1', UBSAN_OPTIONS='halt_on_error=1:print_stacktrace=1')
for i in range(N):
    d = bytearray(rnd.choice(seeds))
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randint(0, 3)
        pos = rnd.randint(0, len(d))
        if op == 0 and d: del d[pos:pos + rnd.randint(1, 20)]
        elif op == 1: d[pos:pos] = rnd.choice(toks)
        elif op == 2 and d: d = d[:pos]
        else: d[pos:pos] = bytes([rnd.randint(0, 255)])
    open(TMP, 'wb').write(d)
    p = subprocess.run([F, 'baseline', '--explain', '--json', TMP, ROOT + '/examples/host-a.json'], capture_output=True, env=env)
    err = p.stderr.decode('utf-8', 'replace')
    if p.returncode not in (0, 1, 2) or 'Sanitizer' in err or 'runtime error' in err or 'CRITICAL' in err:
        bad += 1
        open('fuzz-crash-%d.json' % i, 'wb').write(d)
        print('CRASH', i, p.returncode, err[:500])
    if p.returncode == 2 and err.count('\nfeatmask:') > 0:
        print('TWO ERRORS', i, err[:300])
for i in range(N):
    m = ','.join(rnd.choice(['all','none','+csum','-csum','csum=on','csum=off','x','','host_uso','-','=','=off','++a','csum=maybe','\xe9']) for _ in range(rnd.randint(0,6)))
    p = subprocess.run([F, 'mask', 'virtio-net', m], capture_output=True, env=env)
    err = p.stderr.decode('utf-8','replace')
    if p.returncode not in (0, 2) or 'Sanitizer' in err or 'runtime error' in err or 'CRITICAL' in err:
        bad += 1; print('MASK CRASH', repr(m), p.returncode, err[:300])
print('done', N, 'profiles and', N, 'masks;', bad, 'problems')
sys.exit(1 if bad else 0)
