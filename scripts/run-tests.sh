#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what is missing, build featmask, QEMU 10.0 with featmask's
# patch-set and the test guest, and run every test; the last line is
# "N passed, N failed".  Cold (nothing in /var/cache/featmask) QEMU's
# build takes most of the time; warm the tests take a few minutes.
#
# Usage: scripts/run-tests.sh [BUILDDIR]   (default: build)
#   FEATMASK_SKIP_CPUID_DUMPS=1  do not fetch libcpuid's CPUID dumps (the
#                                real-data CPU tests then skip)

set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$HERE/build}

"$HERE/scripts/install-deps.sh" || exit 1

dumps=""
if [ -z "${FEATMASK_SKIP_CPUID_DUMPS:-}" ]; then
    dumps=$("$HERE/scripts/fetch-cpuid-dumps.sh") || {
        echo "run-tests: cannot fetch libcpuid's CPUID dumps" >&2
        exit 1
    }
fi

# QEMU 10.0 with featmask's patch-set (its qtests, the end-to-end test)
# and the Linux guest of the QEMU tests; both are cached after the first
# run.  QEMU goes first: its build may install a newer meson.
"$HERE/scripts/build-qemu.sh" --qtest featmask-device-test >&2 || {
    echo "run-tests: cannot build QEMU with featmask's patch-set" >&2
    exit 1
}
"$HERE/scripts/make-guest.sh" >/dev/null || {
    echo "run-tests: cannot build the test guest" >&2
    exit 1
}

if [ -f "$BUILD/build.ninja" ]; then
    meson configure "$BUILD" -Dcpuid_dumps="$dumps" >/dev/null || exit 1
else
    meson setup "$BUILD" "$HERE" -Dcpuid_dumps="$dumps" >/dev/null || exit 1
fi
ninja -C "$BUILD" || exit 1

meson test -C "$BUILD" --no-rebuild --print-errorlogs --num-processes 2
status=$?

# Count the TAP subtests and the plain tests meson ran.
python3 - "$BUILD/meson-logs/testlog.json" <<'PY'
import json, re, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    out = t.get('stdout') or ''
    oks = len(re.findall(r'^ok \d+', out, re.M))
    skips = len(re.findall(r'^ok \d+ .*# SKIP', out, re.M))
    fails = len(re.findall(r'^not ok \d+', out, re.M))
    if oks + fails:
        passed += oks - skips
        skipped += skips
        failed += fails
        if t['result'] not in ('OK', 'SKIP') and not fails:
            failed += 1
    elif t['result'] == 'OK':
        passed += 1
    elif t['result'] == 'SKIP':
        skipped += 1
    else:
        failed += 1
print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
PY
exit $status
