#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# -o FILE writes the file and nothing else to standard output, the same
# text the command prints without it (for baseline, the profile that
# --json's baseline is); a command that fails leaves no file.
# Usage: test-cli-output.py FEATMASK DATADIR   (TAP)

import json
import os
import subprocess
import sys
import tempfile

from tap import Tap


def main():
    featmask, data = os.path.abspath(sys.argv[1]), sys.argv[2]
    seed = [os.path.join(data, 'seed', h) for h in ('host-a.json',
                                                      'host-b.json')]
    dump = os.path.join(data, 'cpu', 'dumps', 'host-cpuid-tool.txt')
    tap = Tap()
    ok = tap.ok

    def run(args):
        return subprocess.run([featmask] + args, capture_output=True,
                              text=True, timeout=60)

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out')
        for label, args in (
                ('plan', ['plan'] + seed),
                ('plan --format libvirt', ['plan', '--format', 'libvirt'] +
                 seed),
                ('plan --json', ['plan', '--json'] + seed),
                ('labels', ['labels', seed[0]]),
                ('probe --cpuid-dump', ['probe', '--cpuid-dump', dump,
                                        '--host', 'h'])):
            plain = run(args)
            p = run(args + ['-o', out])
            with open(out) as f:
                text = f.read()
            ok(p.returncode == 0 and p.stdout == '' and text == plain.stdout
               and text, '%s -o FILE: the file, nothing on stdout' % label,
               p.stdout[:500] + p.stderr)
            os.unlink(out)

        p = run(['baseline', '-o', out] + seed)
        b = run(['baseline', '--json'] + seed)
        with open(out) as f:
            saved = json.load(f)
        ok(p.returncode == 0 and p.stdout == '' and
           saved == json.loads(b.stdout),
           'baseline -o FILE: the baseline profile, nothing on stdout',
           p.stdout + p.stderr)
        os.unlink(out)

        # -o on something that is not a regular file (here a FIFO, as
        # /dev/null is a device) writes into it and never renames over it.
        fifo = os.path.join(tmp, 'fifo')
        os.mkfifo(fifo)
        reader = subprocess.Popen(['cat', fifo], stdout=subprocess.PIPE,
                                  text=True)
        p = run(['plan', '-o', fifo] + seed)
        text = reader.communicate(timeout=60)[0]
        ok(p.returncode == 0 and text == run(['plan'] + seed).stdout and
           os.path.exists(fifo) and not os.path.isfile(fifo) and
           sorted(os.listdir(tmp)) == ['fifo'],
           '-o FIFO: written in place, not replaced by a file',
           p.stderr + repr(os.listdir(tmp)))
        os.unlink(fifo)

        p = run(['plan', '-o', out, seed[0], os.path.join(tmp, 'none.json')])
        ok(p.returncode == 2 and not os.path.exists(out) and
           not os.listdir(tmp), 'a failed plan leaves no file',
           os.listdir(tmp))
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
