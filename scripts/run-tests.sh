#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what is missing, build featmask, QEMU 10.0 with featmask's
# patch-set and the test guest, and run every test; the last line is
# "N passed, N failed, N skipped".  Cold (nothing in /var/cache/featmask)
# QEMU's build takes most of the time; warm the tests take a few minutes.
#
# Usage: scripts/run-tests.sh [--only STAGE[,STAGE...]] [BUILDDIR]
#   BUILDDIR (default: build) holds the main build; the other stages
#   build in BUILDDIR-sanitize and BUILDDIR-fuzz.  The stages, all run
#   by default:
#     main      every test suite, with QEMU and the test guest
#     sanitize  the unit and CLI suites again, built with ASan and UBSan
#               (-Db_sanitize=address,undefined): a report fails the test
#     fuzz      every libFuzzer harness for a short, fixed number of
#               executions (scripts/fuzz.sh --quick): one test each
#   FEATMASK_SKIP_CPUID_DUMPS=1  do not fetch libcpuid's CPUID dumps (the
#                                real-data CPU tests then skip)

set -uo pipefail
# Nothing here reads the terminal (meson's compiler probes would).
exec </dev/null

HERE=$(cd "$(dirname "$0")/.." && pwd)
stages=main,sanitize,fuzz
if [ "${1:-}" = --only ]; then
    stages=$2
    shift 2
fi
BUILD=$(realpath -m "${1:-$HERE/build}")
for s in ${stages//,/ }; do
    case $s in
    main|sanitize|fuzz) ;;
    *) echo "run-tests: unknown stage '$s' (main, sanitize, fuzz)" >&2
       exit 2 ;;
    esac
done
want() { [[ ,$stages, == *,$1,* ]]; }

"$HERE/scripts/install-deps.sh" || exit 1

dumps=""
if [ -n "${FEATMASK_SKIP_CPUID_DUMPS:-}" ]; then
    :
elif want main; then
    dumps=$("$HERE/scripts/fetch-cpuid-dumps.sh") || {
        echo "run-tests: cannot fetch libcpuid's CPUID dumps" >&2
        exit 1
    }
else
    # Without the main stage, use the dumps only if they were fetched.
    dumps=$("$HERE/scripts/fetch-cpuid-dumps.sh" --print-dir 2>/dev/null)
fi
status=0
logs=()

# Set up build folder $1 with the options that follow (or reconfigure
# it with them), and build it.
build()
{
    local dir=$1

    shift
    if [ -f "$dir/build.ninja" ]; then
        meson configure "$dir" "$@" >/dev/null || return 1
    else
        meson setup "$dir" "$HERE" "$@" >/dev/null || return 1
    fi
    ninja -C "$dir"
}

if want main; then
    # QEMU 10.0 with featmask's patch-set (its qtests, the end-to-end
    # test) and the Linux guest of the QEMU tests; both are cached after
    # the first run.  QEMU goes first: its build may install a newer meson.
    "$HERE/scripts/build-qemu.sh" --qtest featmask-device-test \
        --qtest featmask-types-test --qtest featmask-pvpanic-test >&2 || {
        echo "run-tests: cannot build QEMU with featmask's patch-set" >&2
        exit 1
    }
    "$HERE/scripts/make-guest.sh" >/dev/null || {
        echo "run-tests: cannot build the test guest" >&2
        exit 1
    }
    build "$BUILD" -Dcpuid_dumps="$dumps" || exit 1
    meson test -C "$BUILD" --no-rebuild --print-errorlogs \
        --num-processes 2 || status=1
    logs+=("$BUILD/meson-logs/testlog.json")
fi

# The quick suites under AddressSanitizer (leaks included) and UBSan.  A
# report aborts the test program, so the test fails; a CLI golden test
# also fails on the report's text.  No suppressions are needed: glib's
# and json-glib's one-time allocations stay reachable.  Timeouts are
# three times longer: the sanitizers slow the tests down, and a loaded
# machine must not turn that into a failure.
if want sanitize; then
    SAN=$BUILD-sanitize
    build "$SAN" -Db_sanitize=address,undefined -Db_lundef=false \
        -Dcpuid_dumps="$dumps" || exit 1
    asan=detect_leaks=1:halt_on_error=1:abort_on_error=1:print_summary=1
    ubsan=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1
    ASAN_OPTIONS=$asan UBSAN_OPTIONS=$ubsan \
        meson test -C "$SAN" --no-rebuild --print-errorlogs \
            --num-processes 2 --timeout-multiplier 3 \
            --suite unit --suite cli --suite vhost-user --no-suite qemu \
        || status=1
    logs+=("$SAN/meson-logs/testlog.json")
fi

# Every libFuzzer harness for a short, fixed run: one test each.
if want fuzz; then
    FUZZ=$BUILD-fuzz
    mkdir -p "$FUZZ"
    "$HERE/scripts/fuzz.sh" --quick --build "$FUZZ" | tee "$FUZZ/quick.tap"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    logs+=("$FUZZ/quick.tap")
fi

# Count the TAP subtests and the plain tests meson ran, and the lines of
# fuzz.sh's TAP.
python3 - "${logs[@]}" <<'PY'
import json, re, sys
passed = failed = skipped = 0
for log in sys.argv[1:]:
    if log.endswith('.tap'):
        out = open(log).read()
        passed += len(re.findall(r'^ok \d+', out, re.M))
        failed += len(re.findall(r'^not ok \d+', out, re.M))
        continue
    for line in open(log):
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
