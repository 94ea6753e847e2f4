#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmark: featmask against what a user would run instead, in one run on
# the same machine.
#
#   featmask  'featmask baseline -' and 'featmask plan -' over N generated
#             full profiles (about 230 CPU features and 5 devices of 30
#             features each) read from standard input;
#   libvirt   'virsh -c test:///default cpu-baseline' over the Intel host
#             CPUs of libvirt's own tests/cputestdata (the source release
#             of the installed virsh), repeated to the first multiple of
#             their number that reaches N (10,032 for 10,000);
#   real      'featmask baseline -' over the real CPUs of libcpuid's CPUID
#             dumps (scripts/fetch-cpuid-dumps.sh), repeated to 10,000.
#
# The programs of one size run in turn, in alternating order, RUNS times
# (paired runs: a load that comes and goes hits both).  Printed: the median
# and best wall time, the median CPU time (user+sys, less sensitive to
# other load on the machine) and the peak memory (max RSS), and the ratio
# libvirt / featmask baseline.  Target: ratio >= 5 at 10,000, best of 3;
# peak memory at 100,000 at most twice that at 1,000, for baseline and
# plan; plan at most twice as slow as baseline.
#
# Usage: bench/baseline.sh [BUILDDIR]
#   BENCH_SIZES   the sizes (default "1000 10000 100000")
#   BENCH_RUNS    paired runs per size (default 5; 3 from 100,000 on)
#   BENCH_REAL    0 skips the run over real CPUs
#   FEATMASK_THREADS  reader threads of featmask (default: one a core)
#   FEATMASK_CACHE  where sources are cached (default /var/cache/featmask)

set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$HERE/build}
FEATMASK=$BUILD/tools/featmask/featmask
CACHE=${FEATMASK_CACHE:-/var/cache/featmask}
SIZES=${BENCH_SIZES:-1000 10000 100000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

note()
{
    echo "bench: $*" >&2
}

[ -x "$FEATMASK" ] || { note "build featmask first ($FEATMASK)"; exit 1; }
for tool in /usr/bin/time:time virsh:libvirt-clients; do
    command -v "${tool%%:*}" >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "${tool#*:}" >&2
done

# libvirt's test data, from the source release of the installed virsh.
have=$(dpkg-query -W -f='${Version}' libvirt-clients)
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
src=$("$HERE/scripts/debian-source.sh" libvirt "$suite" \
      "$CACHE/src/libvirt-$suite")
got=$(cut -d' ' -f2 "$src/.featmask-source")
upstream()
{
    local v=${1#*:}
    echo "${v%%-*}"
}
if [ "$(upstream "$got")" != "$(upstream "$have")" ]; then
    note "warning: libvirt source $got, installed virsh $have"
fi
mapfile -t lvcpus < <(grep -l '<vendor>Intel</vendor>' \
                      "$src"/tests/cputestdata/x86_64-cpuid-*-host.xml | sort)
[ ${#lvcpus[@]} -gt 0 ] || { note "no Intel host CPUs in $src"; exit 1; }
note "libvirt $have, ${#lvcpus[@]} Intel host CPUs from $src/tests/cputestdata"

# Repeat libvirt's CPUs to the first multiple of their count >= N.
libvirt_input()
{
    local n=$1 out=$2 reps i
    reps=$(( (n + ${#lvcpus[@]} - 1) / ${#lvcpus[@]} ))
    for ((i = 0; i < reps; i++)); do
        cat "${lvcpus[@]}"
    done >"$out"
    echo $((reps * ${#lvcpus[@]}))
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=$WORK/results
: >"$RESULTS"

# timed LABEL SIZE STDIN CMD...: one run, appended to $RESULTS.  featmask
# must not fail; libvirt may (its file reader stops at 10 MiB of XML, some
# 12,000 CPUs): that size gets no libvirt figure, and the reason is said.
timed()
{
    local label=$1 size=$2 in=$3
    shift 3
    if ! /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" \
            "$@" <"$in" >/dev/null 2>"$WORK/err"; then
        if [ "${label#libvirt}" != "$label" ]; then
            note "libvirt cannot run at $size: $(head -n1 "$WORK/err")"
            echo "$label-fail $size 0 0 0 0" >>"$RESULTS"
            echo "why $size $(head -n1 "$WORK/err" | cut -c1-100)" \
                >>"$RESULTS"
            return 0
        fi
        cat "$WORK/err" >&2
        note "failed: $*"
        exit 1
    fi
    echo "$label $size $(cat "$WORK/time")" >>"$RESULTS"
}

# paired RUNS FUNCTION...: RUNS rounds of the functions, in reverse order
# every other round
paired()
{
    local runs=$1 r i
    shift
    local -a fns=("$@")
    for ((r = 0; r < runs; r++)); do
        for ((i = 0; i < ${#fns[@]}; i++)); do
            if ((r % 2)); then
                "${fns[${#fns[@]} - 1 - i]}"
            else
                "${fns[i]}"
            fi
        done
    done
}

run_baseline()
{
    timed baseline "$n" "$WORK/profiles.json" "$FEATMASK" baseline -
}

run_plan()
{
    timed plan "$n" "$WORK/profiles.json" "$FEATMASK" plan -
}

run_libvirt()
{
    timed "${1:-libvirt}" "$n" /dev/null \
        virsh -c test:///default cpu-baseline "$WORK/cpus.xml"
}

run_real()
{
    timed real "$n" "$WORK/real.json" "$FEATMASK" baseline -
}

run_libvirt_real()
{
    run_libvirt libvirt-real
}

for n in $SIZES; do
    runs=${BENCH_RUNS:-$( [ "$n" -ge 100000 ] && echo 3 || echo 5 )}
    note "$n profiles: generating"
    python3 "$HERE/bench/gen-profiles.py" --stream "$FEATMASK" "$n" \
        "$WORK/profiles.json"
    lvn=$(libvirt_input "$n" "$WORK/cpus.xml")
    note "$n profiles ($(($(stat -c %s "$WORK/profiles.json") >> 20)) MiB)," \
         "$lvn libvirt CPUs ($(($(stat -c %s "$WORK/cpus.xml") >> 20)) MiB):" \
         "$runs paired runs"
    paired "$runs" run_baseline run_plan run_libvirt
    echo "libvirt-count $n $lvn 0 0 0" >>"$RESULTS"
    rm -f "$WORK/profiles.json" "$WORK/cpus.xml"
done

if [ "${BENCH_REAL:-1}" != 0 ]; then
    dumps=$("$HERE/scripts/fetch-cpuid-dumps.sh")
    mkdir -p "$WORK/real"
    nreal=0
    while read -r f; do
        name=${f#"$dumps"/}
        name=${name%.test}
        name=${name//\//-}
        if "$FEATMASK" probe --cpuid-dump "$f" --host "$name" \
                -o "$WORK/real/$name.json" 2>/dev/null; then
            nreal=$((nreal + 1))
        fi
    done < <(find "$dumps" -name '*.test' | sort)
    note "real CPUs: $nreal libcpuid dumps probed, repeated to 10,000"
    python3 "$HERE/bench/gen-profiles.py" --stream --from "$WORK/real" \
        "$FEATMASK" 10000 "$WORK/real.json"
    n=10000
    lvn=$(libvirt_input "$n" "$WORK/cpus.xml")
    paired "${BENCH_RUNS:-5}" run_real run_libvirt_real
    echo "real-count 10000 $nreal 0 0 0" >>"$RESULTS"
fi

note "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg)" \
     "(at the start: $LOAD0)"
note "featmask reads on ${FEATMASK_THREADS:-$(nproc)} threads" \
     "($(nproc) cores; FEATMASK_THREADS sets it)"
python3 - "$RESULTS" <<'EOF'
import collections
import statistics
import sys

runs = collections.defaultdict(list)
counts = {}
fails = {}
for line in open(sys.argv[1]):
    if line.startswith('why '):
        _, size, why = line.rstrip('\n').split(' ', 2)
        fails[int(size)] = why
        continue
    label, size, wall, user, sys_, kib = line.split()
    if label.endswith('-fail'):
        continue
    if label.endswith('-count'):
        counts[(label, int(size))] = int(wall)
        continue
    runs[(label, int(size))].append((float(wall), float(user) + float(sys_),
                                     int(kib)))


def fig(label, size):
    r = runs[(label, size)]
    wall = [x[0] for x in r]
    return (statistics.median(wall), min(wall),
            statistics.median(x[1] for x in r),
            max(x[2] for x in r) / 1024)


def ratio(a, b):
    # /usr/bin/time says 0.00 for a run under 5 ms
    return a / b if b > 0 else float('inf')


def row(name, label, size, peer):
    w, best, cpu, mib = fig(label, size)
    if not runs[(peer, size)]:
        print('%-9s %7d  %6.2f %6.2f %5.2f %6.1f   %s'
              % (name, size, w, best, cpu, mib, '(libvirt cannot run)'))
        return
    pw, pbest, pcpu, pmib = fig(peer, size)
    print('%-9s %7d  %6.2f %6.2f %5.2f %6.1f   %6.2f %6.2f %5.2f %6.1f'
          '   %5.1f %5.1f %5.1f'
          % (name, size, w, best, cpu, mib, pw, pbest, pcpu, pmib,
             ratio(pw, w), ratio(pbest, best), ratio(pcpu, cpu)))


print('%-9s %7s  %-27s   %-27s   %s'
      % ('', '', '---------- featmask ---------',
         '---------- libvirt ----------', 'libvirt / featmask'))
print('%-9s %7s  %6s %6s %5s %6s   %6s %6s %5s %6s   %5s %5s %5s'
      % ('', 'hosts', 'median', 'best', 'cpu', 'MiB', 'median', 'best',
         'cpu', 'MiB', 'wall', 'best', 'cpu'))
sizes = sorted({s for (l, s) in runs if l == 'baseline'})
for s in sizes:
    row('baseline', 'baseline', s, 'libvirt')
    row('plan', 'plan', s, 'libvirt')
if ('real', 10000) in runs:
    row('real-cpus', 'real', 10000, 'libvirt-real')
print()
print('times in seconds, to /usr/bin/time\'s 0.01 s: the ratios of runs'
      ' that short are rough')
for s in sizes:
    print('libvirt at %d: %d CPUs (Intel host CPUs of tests/cputestdata)'
          % (s, counts[('libvirt-count', s)]))
if ('real-count', 10000) in counts:
    print('real-cpus: %d libcpuid dumps repeated to 10000'
          % counts[('real-count', 10000)])
if ('baseline', 10000) in runs:
    w, best, _, _ = fig('baseline', 10000)
    pw, pbest, _, _ = fig('libvirt', 10000)
    print('10,000 hosts: featmask baseline is %.1fx faster than libvirt'
          ' (best of %d; target 5x)' % (ratio(pbest, best),
                                       len(runs[('baseline', 10000)])))
for s in sizes:
    if s != sizes[0]:
        for label in ('baseline', 'plan'):
            a, b = fig(label, sizes[0])[3], fig(label, s)[3]
            print('peak memory of %s, %d vs %d hosts: %.2fx (target <= 2)'
                  % (label, s, sizes[0], ratio(b, a)))
for s in sizes:
    b, p = fig('baseline', s), fig('plan', s)
    print('plan / baseline at %d hosts: %.2fx median, %.2fx best'
          ' (target <= 2)' % (s, ratio(p[0], b[0]), ratio(p[1], b[1])))
for s in sizes:
    if not runs[('libvirt', s)]:
        print('libvirt at %d: did not run (%s)' % (s, fails.get(s, '?')))
EOF
