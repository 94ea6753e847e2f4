#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The main job on the bundled example: install what is missing, build
# featmask, then compute the baseline of the three example hosts and the
# QEMU arguments that launch their VM with only what all of them have.
#
# Usage: scripts/run-example.sh [BUILDDIR]   (default: build)

set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$HERE/build}

"$HERE/scripts/install-deps.sh"
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$HERE" >/dev/null
ninja -C "$BUILD" tools/featmask/featmask >/dev/null

FEATMASK=$BUILD/tools/featmask/featmask
cd "$HERE"
echo "== featmask baseline --explain examples/*.json"
"$FEATMASK" baseline --explain examples/host-a.json examples/host-b.json \
    examples/host-c.json
echo
echo "== featmask plan --qemu-kind both examples/*.json"
"$FEATMASK" plan --qemu-kind both examples/host-a.json examples/host-b.json \
    examples/host-c.json
echo
echo "== featmask check examples/host-a.json examples/host-c.json"
"$FEATMASK" check examples/host-a.json examples/host-c.json || true
