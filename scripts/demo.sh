#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# featmask's demo, from a fresh clone on Debian 12 (as root): install what
# is missing, build featmask, QEMU 10.0 with featmask's patch-set and the
# Linux test guest (each cached after the first run), then run
# scripts/demo.py: two hosts whose vhost-user backends differ, a naive live
# migration that fails, then featmask's probe, baseline and plan, and the
# same migration done right.
#
# Usage: scripts/demo.sh [--stock] [DEMO-OPTIONS...]
#   --stock          do not build QEMU; use Debian's qemu-system-x86_64 (7.2,
#                    without the patch-set: no features=, no guard)
#   DEMO-OPTIONS     passed to scripts/demo.py (--help lists them), e.g.
#                    --form stock, --keep, --tap
# Environment: FEATMASK_BUILD (default ./build), FEATMASK_CACHE (default
# /var/cache/featmask: QEMU's source and build, the guest, ccache),
# FEATMASK_QEMU (use this qemu-system-x86_64 and build no QEMU).
#
# Cold (nothing cached) it takes about 10 minutes, mostly QEMU's build;
# warm about a minute.  Exit status: demo.py's (0 when every expectation
# held).

set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FEATMASK_BUILD:-$HERE/build}
CACHE=${FEATMASK_CACHE:-/var/cache/featmask}
# Debian's interpreter: the one the packages installed below are for.
PYTHON=/usr/bin/python3

STOCK=0
if [ "${1:-}" = --stock ]; then
    STOCK=1
    shift
fi

T0=$(date +%s)
say()
{
    echo "demo.sh: [$(($(date +%s) - T0)) s] $*" >&2
}

if [ "$(id -u)" -ne 0 ]; then
    echo "demo.sh: run as root (it installs packages and builds QEMU)" >&2
    exit 1
fi

say "packages (scripts/install-deps.sh)"
"$HERE/scripts/install-deps.sh"

if [ -n "${FEATMASK_QEMU:-}" ]; then
    QEMU=$FEATMASK_QEMU
    say "QEMU: $QEMU (FEATMASK_QEMU; nothing built)"
elif [ "$STOCK" = 1 ]; then
    QEMU=$(command -v qemu-system-x86_64)
else
    say "QEMU 10.0 with featmask's patch-set (scripts/build-qemu.sh)"
    if ! "$HERE/scripts/build-qemu.sh" >&2; then
        echo "demo.sh: building QEMU failed (see above); scripts/demo.sh" \
             "--stock runs the demo with Debian's QEMU 7.2 instead" >&2
        exit 1
    fi
    QEMU=$CACHE/qemu-build/prefix/bin/qemu-system-x86_64
fi

# After QEMU: build-qemu.sh may install a newer meson (from backports).
say "featmask and vhost-user-featmask (meson, $BUILD)"
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$HERE" >/dev/null
ninja -C "$BUILD" tools/featmask/featmask \
    contrib/vhost-user-featmask/vhost-user-featmask >/dev/null

say "the Linux guest (scripts/make-guest.sh)"
"$HERE/scripts/make-guest.sh" >/dev/null

say "the demo (scripts/demo.py)"
status=0
"$PYTHON" "$HERE/scripts/demo.py" --qemu "$QEMU" \
    --featmask "$BUILD/tools/featmask/featmask" \
    --backend "$BUILD/contrib/vhost-user-featmask/vhost-user-featmask" \
    --guest "$CACHE/guest" "$@" || status=$?
say "done, exit status $status"
exit $status
