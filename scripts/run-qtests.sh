#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build QEMU 10.0 with featmask's series (scripts/build-qemu.sh) and run
# featmask's qtests in it.  The qtests need nothing outside QEMU's tree:
# every host's vhost-user backend is a libvhost-user server in the test's
# own process.
#
# Usage: run-qtests.sh [options] [-- TEST-ARGS]
#   --no-build       do not run build-qemu.sh (use the QEMU built last)
#   --test NAME      the qtest to run (default featmask-device-test)
#   TEST-ARGS        passed to the test, e.g. -p /featmask/migrate/negotiated
#
# stdout is TAP (the test's own, then a "# N passed, N failed, N skipped"
# comment); build output goes to stderr.  The exit status is 0 only if no
# test failed and none was skipped.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=1
TEST=featmask-device-test
TEST_ARGS=()

die()
{
    echo "run-qtests: error: $*" >&2
    echo "Bail out! $*"
    exit 1
}

usage()
{
    sed -n '/^# Usage:/,/^# stdout/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --no-build) BUILD=0; shift ;;
    --test) TEST=$2; shift 2 ;;
    --) shift; TEST_ARGS=("$@"); break ;;
    -h|--help) usage ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done

if [ "$BUILD" = 1 ]; then
    t0=$(date +%s)
    "$HERE/build-qemu.sh" --qtest "$TEST" >&2 ||
        die "building QEMU with the featmask series failed"
    echo "run-qtests: QEMU built in $(( $(date +%s) - t0 )) s" >&2
fi
# shellcheck disable=SC1090
. <("$HERE/build-qemu.sh" --print-env)
[ -x "$QEMU_BUILD_BINARY" ] || die "no QEMU at $QEMU_BUILD_BINARY"
[ -x "$QTEST_DIR/$TEST" ] || die "no qtest $QTEST_DIR/$TEST"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
QTEST_QEMU_BINARY=$QEMU_BUILD_BINARY \
    "$QTEST_DIR/$TEST" --tap -k "${TEST_ARGS[@]}" | tee "$out" || status=$?

pass=$(grep '^ok ' "$out" | grep -vc '# SKIP' || true)
skip=$(grep '^ok ' "$out" | grep -c '# SKIP' || true)
fail=$(grep -c '^not ok ' "$out" || true)
echo "# $pass passed, $fail failed, $skip skipped"
if [ "$status" != 0 ] || [ "$fail" != 0 ] || [ "$skip" != 0 ] ||
   [ "$pass" = 0 ]; then
    exit 1
fi
exit 0
