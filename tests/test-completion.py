#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The bash completion (tools/featmask/featmask.bash-completion) against
# the built featmask: commands, options, option values, device kinds and
# feature names inside a mask.
# Usage: test-completion.py FEATMASK COMPLETION   (TAP)

import os
import shlex
import shutil
import subprocess
import sys

from tap import Tap


def complete(featmask, script, words):
    """COMPREPLY for the command line @words (the last one is completed)."""
    words = [featmask] + words
    cmd = ('source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _featmask; '
           'printf "%%s\\n" "${COMPREPLY[@]}"'
           % (shlex.quote(script), ' '.join(shlex.quote(w) for w in words),
              len(words) - 1))
    p = subprocess.run(['bash', '--norc', '-c', cmd], capture_output=True,
                       text=True, timeout=60)
    return sorted(w for w in p.stdout.split('\n') if w), p.stderr


def main():
    featmask, script = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not shutil.which('bash'):
        print('1..0 # SKIP no bash')
        return 77
    cases = [
        (['pl'], ['plan']),
        (['la'], ['labels']),
        (['plan', '--fo'], ['--format']),
        (['plan', '--format', 'l'], ['libvirt']),
        (['plan', '--format', '=', 's'], ['selector']),
        (['plan', '--cpu-form', ''], ['host', 'model']),
        (['labels', '--out'], ['--output', '--output-dir']),
        (['list', 'virtio-s'],
         ['virtio-scmi', 'virtio-scsi', 'virtio-serial', 'virtio-sound']),
        (['mask', 'virtio-net', 'all,-host_u'],
         ['all,-host_ufo', 'all,-host_uso']),
        (['mask', 'virtio-blk', 'write-z'], ['write-zeroes']),
        (['mask', 'x86-cpu', '+pclmul'], ['+pclmulqdq']),
    ]
    tap = Tap()
    for words, want in cases:
        got, err = complete(featmask, script, words)
        tap.ok(got == want, '%s -> %s' % (' '.join(words), ' '.join(want)),
               'got: %s %s' % (got, err.strip()))
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
