# SPDX-License-Identifier: GPL-2.0-or-later
#
# TAP output for the Python tests of the CLI: one "ok N - what" line per
# check, the detail of a failure as comments, the plan at the end.


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, cond, what, detail=''):
        self.count += 1
        print('%sok %d - %s' % ('' if cond else 'not ', self.count, what))
        if not cond:
            self.failed += 1
            for line in str(detail).splitlines()[:40]:
                print('# ' + line)
        return cond

    def done(self):
        """Print the plan; the exit status."""
        print('1..%d' % self.count)
        return 1 if self.failed else 0
