#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmark: large inputs (issue 8, H).  Reads CPUID dumps of 1,000 to
# 40,000 leaves with 'featmask probe --cpuid-dump' and negotiates two hosts
# of 1,000 to 16,000 devices with 'featmask baseline'; prints the wall
# time and exit status of each.  Inputs past the documented limits
# (docs/interop/cpuid-dumps.rst, docs/interop/featmask-profile.rst) must
# be refused quickly, with exit status 2.
# Usage: bench/large-inputs.sh [BUILDDIR]   (default: build)

set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$HERE/build}
FEATMASK=$BUILD/tools/featmask/featmask
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$FEATMASK" ] || { echo "bench: build featmask first ($FEATMASK)" >&2; exit 1; }

# Run "$@", print "SECONDS EXIT" (the output goes to $WORK/out).
timed() {
    local start end status=0
    start=$(date +%s.%N)
    "$@" >"$WORK/out" 2>&1 || status=$?
    end=$(date +%s.%N)
    printf '%10.3f  %4d' "$(echo "$end - $start" | bc -l)" "$status"
}

printf '%-28s  %10s  %4s\n' input seconds exit
for n in 1000 4096 10000 40000; do
    python3 "$HERE/bench/gen-large.py" dump "$n" "$WORK/dump.txt"
    printf '%-28s  %s\n' "dump of $n leaves" \
        "$(timed "$FEATMASK" probe --cpuid-dump "$WORK/dump.txt" -o -)"
done
for n in 1000 4000 16000; do
    python3 "$HERE/bench/gen-large.py" devices "$n" a "$WORK/a.json"
    python3 "$HERE/bench/gen-large.py" devices "$n" b "$WORK/b.json"
    printf '%-28s  %s\n' "2 hosts of $n devices" \
        "$(timed "$FEATMASK" baseline --json "$WORK/a.json" "$WORK/b.json")"
done
