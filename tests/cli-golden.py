#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run one featmask CLI case and compare its exit status, stdout and stderr
# with a golden file.  Usage: cli-golden.py FEATMASK DATADIR CASE
#   DATADIR/cli/CASE.cmd  the arguments (one line, shell words), run with
#                         DATADIR as the working directory
#   DATADIR/cli/CASE.out  the expected result
#   DATADIR/cli/CASE.stdin  standard input, if there is one (else none)
# FEATMASK_REGENERATE=1 writes the .out files instead of comparing.

import difflib
import os
import shlex
import subprocess
import sys


def main():
    featmask, datadir, case = sys.argv[1:4]
    featmask = os.path.abspath(featmask)
    cmd = os.path.join(datadir, 'cli', case + '.cmd')
    golden = os.path.join(datadir, 'cli', case + '.out')
    with open(cmd) as f:
        args = shlex.split(f.read())
    stdin = os.path.join(datadir, 'cli', case + '.stdin')
    if os.path.exists(stdin):
        with open(stdin) as f:
            stdin = f.read()
    else:
        stdin = ''
    p = subprocess.run([featmask] + args, cwd=datadir, capture_output=True,
                       text=True, timeout=60, input=stdin)
    got = 'exit: %d\n--- stdout\n%s--- stderr\n%s' % (p.returncode,
                                                      p.stdout, p.stderr)
    if os.environ.get('FEATMASK_REGENERATE'):
        with open(golden, 'w') as f:
            f.write(got)
        print('regenerated', golden)
        return 0
    if p.returncode < 0:
        print('featmask died of signal %d' % -p.returncode)
        return 1
    with open(golden) as f:
        want = f.read()
    if got != want:
        sys.stdout.writelines(difflib.unified_diff(
            want.splitlines(True), got.splitlines(True), golden, 'actual'))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
