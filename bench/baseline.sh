#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmark: 'featmask baseline' over 10, 1,000 and 10,000 generated host
# profiles (about 200 CPU features and 5 devices of 30 features each);
# prints wall time and peak memory.  Target: 10,000 profiles in under 1 s.
# Usage: bench/baseline.sh [BUILDDIR]   (default: build)

set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$HERE/build}
FEATMASK=$BUILD/tools/featmask/featmask
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$FEATMASK" ] || { echo "bench: build featmask first ($FEATMASK)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >&2

printf "%8s  %10s  %12s\n" profiles seconds peak-MiB
for n in 10 1000 10000; do
    python3 "$HERE/bench/gen-profiles.py" "$FEATMASK" "$n" "$WORK/$n"
    # The file list goes through xargs-free globbing: 10,000 names fit.
    /usr/bin/time -f '%e %M' -o "$WORK/time" \
        "$FEATMASK" baseline --json "$WORK/$n"/*.json >/dev/null 2>"$WORK/err" ||
        { cat "$WORK/err" >&2; exit 1; }
    read -r secs kib < "$WORK/time"
    printf '%8d  %10s  %12.1f\n' "$n" "$secs" "$(echo "$kib / 1024" | bc -l)"
done
