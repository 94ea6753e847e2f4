#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build featmask's libFuzzer harnesses (clang, -Dfuzzing=true) and run
# every executable named fuzz-* in that build tree, each over its seeds:
# tests/fuzz/corpus/NAME/ (NAME without "fuzz-") when it exists, plus the
# seeds made here from tests/data and examples.  docs/devel/fuzzing.rst
# says what each harness covers.
#
# Usage: scripts/fuzz.sh [--quick] [--runs N | --time SECONDS]
#                        [--build DIR] [HARNESS...]
#   --quick        a short, fixed number of executions per harness (CI):
#                  10000, or $FEATMASK_FUZZ_QUICK_RUNS
#   --runs N       a campaign of N executions per harness
#   --time S       a campaign of S seconds per harness (default: 600)
#   --build DIR    the fuzzing build folder (default: build-fuzz)
#   HARNESS        only these harnesses (fuzz-mask or mask)
#
# Prints one TAP line per harness with its executions, time and result,
# and exits 1 if any harness failed.  A crash, a leak, a sanitizer report
# or a broken invariant is kept in DIR/fuzz/artifacts/NAME/, with the
# command that reproduces it.  --quick stops at the first; a campaign
# (libFuzzer's fork mode) goes on and lists them at the end.  Inputs a
# campaign finds are kept in DIR/fuzz/found/NAME/ and seed the next
# campaign; --quick keeps nothing.

set -uo pipefail
# Nothing here reads the terminal (meson's compiler probes would).
exec </dev/null

HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$HERE/build-fuzz
QUICK_RUNS=${FEATMASK_FUZZ_QUICK_RUNS:-10000}
quick=
runs=
secs=
only=()

while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --runs) runs=$2; shift ;;
    --time) secs=$2; shift ;;
    --build) BUILD=$(realpath -m "$2"); shift ;;
    -h|--help)
        sed -n '/^# Usage:/,/^# Prints/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    -*) echo "fuzz: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) only+=("fuzz-${1#fuzz-}") ;;
    esac
    shift
done

if ! command -v clang >/dev/null; then
    echo "fuzz: clang is missing (scripts/install-deps.sh installs it)" >&2
    exit 2
fi
if [ -f "$BUILD/build.ninja" ]; then
    meson configure "$BUILD" -Dfuzzing=true >/dev/null || exit 1
else
    CC=clang meson setup "$BUILD" "$HERE" -Dfuzzing=true >/dev/null || exit 1
fi
ninja -C "$BUILD" >"$BUILD/fuzz-build.log" 2>&1 || {
    cat "$BUILD/fuzz-build.log" >&2
    echo "fuzz: the fuzzing build failed" >&2
    exit 1
}

WORK=$BUILD/fuzz
SEEDS=$WORK/seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS" "$WORK/artifacts" "$WORK/found" "$WORK/logs"

# Seeds made from the test data: every profile (alone, and the pools
# the CLI tests use, joined with "%%" lines), the masks of the CLI tests
# and the feature lists of the example profiles, the CPUID dumps (and
# libcpuid's dumps of real CPUs when they were fetched), the KVM records.
python3 - "$HERE" "$SEEDS" "${FEATMASK_CPUID_DUMPS:-}" <<'PY'
import glob, json, os, sys
root, out, dumps = sys.argv[1:4]

def seed(harness, name, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())

profiles = sorted(glob.glob(root + '/examples/*.json') +
                  glob.glob(root + '/tests/data/**/*.json', recursive=True))
for p in profiles:
    name = os.path.relpath(p, root).replace('/', '_')
    text = open(p, 'rb').read()
    seed('json', name, text)
    seed('profile', name, text)
for group in (['examples/host-a.json', 'examples/host-b.json',
               'examples/host-c.json'],
              ['tests/data/seed/host-a.json', 'tests/data/seed/host-b.json'],
              ['tests/data/vm-small.json', 'examples/host-c.json']):
    seed('profile', 'pool_' + '+'.join(os.path.basename(g) for g in group),
         b'\n%%\n'.join(open(os.path.join(root, g), 'rb').read()
                         for g in group))

for cmd in glob.glob(root + '/tests/data/cli/mask-*.cmd'):
    words = open(cmd).read().split()
    if len(words) == 3:
        seed('mask', os.path.basename(cmd), words[1] + '\n' + words[2])
for p in glob.glob(root + '/examples/*.json'):
    prof = json.load(open(p))
    for d in prof.get('devices', []):
        if d.get('features'):
            seed('mask', '%s_%s' % (os.path.basename(p), d['id']),
                 d['type'] + '\n' + ','.join(d['features']))
    cpu = prof.get('cpu')
    if cpu and cpu.get('features'):
        seed('mask', os.path.basename(p) + '_cpu',
             'x86-cpu\nall,' + ','.join('-' + f for f in cpu['features'][:8]))

for p in glob.glob(root + '/tests/data/cpu/dumps/*.txt'):
    seed('cpuid-dump', os.path.basename(p), open(p, 'rb').read())
if dumps and os.path.isdir(dumps):
    for p in sorted(glob.glob(dumps + '/**/*.test', recursive=True)):
        seed('cpuid-dump', os.path.relpath(p, dumps).replace('/', '_'),
             open(p, 'rb').read())
for p in glob.glob(root + '/tests/data/cpu/kvm/*.rec'):
    seed('kvm-record', os.path.basename(p), open(p, 'rb').read())
PY

if [ ${#only[@]} -eq 0 ]; then
    mapfile -t harnesses < <(find "$BUILD" -type f -executable \
                             -name 'fuzz-*' ! -name '*.*' ! -path '*.p/*' |
                             sort)
else
    harnesses=()
    for h in "${only[@]}"; do
        f=$(find "$BUILD" -type f -executable -name "$h" | head -n 1)
        [ -n "$f" ] || { echo "fuzz: no harness $h in $BUILD" >&2; exit 2; }
        harnesses+=("$f")
    done
fi
if [ ${#harnesses[@]} -eq 0 ]; then
    echo "fuzz: no fuzz-* executables in $BUILD" >&2
    exit 1
fi

# A sanitizer report must end the run (libFuzzer then keeps the input);
# leaks are reported at the end of each input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# The first line of a report: sanitizers, libFuzzer, glib, fuzz_check().
REPORT='^==[0-9]+==ERROR|runtime error|invariant|ERROR: libFuzzer|CRITICAL'

echo "1..${#harnesses[@]}"
n=0
failed=0
for exe in "${harnesses[@]}"; do
    name=$(basename "$exe")
    short=${name#fuzz-}
    n=$((n + 1))
    art=$WORK/artifacts/$name
    log=$WORK/logs/$name.log
    mkdir -p "$art"
    dirs=()
    # The harnesses' scratch files (fuzz_write()) go to memory.
    tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
    if [ -n "$quick" ]; then
        dirs=("$tmp/new")
        mkdir "$tmp/new"
        limit=(-runs="$QUICK_RUNS")
    else
        mkdir -p "$WORK/found/$name"
        dirs+=("$WORK/found/$name")
        limit=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
        if [ -n "$runs" ]; then
            limit+=(-runs="$runs")
        else
            limit+=(-max_total_time="${secs:-600}")
        fi
    fi
    before=$(ls "$art" | wc -l)
    [ -d "$HERE/tests/fuzz/corpus/$short" ] &&
        dirs+=("$HERE/tests/fuzz/corpus/$short")
    [ -d "$SEEDS/$short" ] && dirs+=("$SEEDS/$short")

    start=$(date +%s.%N)
    TMPDIR=$tmp "$exe" "${limit[@]}" -seed=1 -timeout=60 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" \
        "${dirs[@]}" >"$log" 2>&1
    status=$?
    end=$(date +%s.%N)
    rm -rf "$tmp"

    # -print_final_stats' count, or the last status line of fork mode.
    execs=$(sed -n -e 's/^stat::number_of_executed_units: *//p' \
                   -e 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -n 1)
    time=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    found=$(ls -t "$art" | head -n $(( $(ls "$art" | wc -l) - before )))
    if [ $status -eq 0 ] && [ -z "$found" ]; then
        echo "ok $n - $name: ${execs:-?} executions in $time s"
        continue
    fi
    failed=$((failed + 1))
    echo "not ok $n - $name: failed after ${execs:-?} executions in" \
         "$time s (exit status $status)"
    for f in $found; do
        echo "# $name: an input that fails is kept in $art/$f"
        echo "#   reproduce: $exe $art/$f"
    done
    echo "# $name: the log is $log; its first report:"
    grep -m 1 -A 30 -E "$REPORT" "$log" | grep -v ' in fuzzer::' |
        sed 's/^/#   /'
done
[ $failed -eq 0 ]
