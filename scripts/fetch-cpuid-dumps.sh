#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch the raw CPUID dumps of real CPUs that Debian's libcpuid source
# package carries in its tests/ folder (libcpuid's raw format, one CPU per
# *.test file), for featmask's real-data tests.
#
# Usage:
#   fetch-cpuid-dumps.sh [--print-dir]
#       Fetch Debian 13 (trixie)'s libcpuid source into
#       ${FEATMASK_CACHE:-/var/cache/featmask}/src/libcpuid-trixie (once;
#       a second run does nothing) and print the dumps directory, the
#       folder holding the *.test files, on stdout.
#       With --print-dir, only print it if it is there (exit 1 if not).
#
# The suite can be changed with FEATMASK_LIBCPUID_SUITE (e.g. bookworm).

set -euo pipefail

CACHE=${FEATMASK_CACHE:-/var/cache/featmask}
SUITE=${FEATMASK_LIBCPUID_SUITE:-trixie}
DEST=$CACHE/src/libcpuid-$SUITE
HERE=$(cd "$(dirname "$0")" && pwd)

dumps_dir()
{
    # The dumps sit in tests/ of the source tree, in per-vendor folders.
    [ -d "$DEST/tests" ] || return 1
    find "$DEST/tests" -name '*.test' -print -quit | grep -q . || return 1
    echo "$DEST/tests"
}

case ${1:-} in
--print-dir)
    dumps_dir || { echo "fetch-cpuid-dumps: no dumps in $DEST" >&2; exit 1; }
    exit 0
    ;;
-h|--help)
    sed -n '/^# Usage:/,/^# The suite/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 0
    ;;
"")
    ;;
*)
    echo "fetch-cpuid-dumps: unknown argument '$1' (try --help)" >&2
    exit 2
    ;;
esac

# Some mirrors carry a source package's upstream tarball but not its .dsc
# and Debian diff; the dumps are upstream files, so fall back to the
# tarball alone, downloaded with the private apt state debian-source.sh
# prepared (apt checks it against the signed Sources index).
fetch_tarball()
{
    local state=$CACHE/apt/src-$SUITE tmp version
    [ -d "$state/sources.d" ] || return 1
    local apt_opts=(-q -o Dir::Etc::SourceList=/dev/null
                    -o Dir::Etc::SourceParts="$state/sources.d"
                    -o Dir::State::Lists="$state/lists"
                    -o Dir::Cache="$state/cache"
                    -o Dir::Cache::pkgcache="$state/cache/pkgcache.bin"
                    -o Dir::Cache::srcpkgcache="$state/cache/srcpkgcache.bin")
    version=$(apt-cache "${apt_opts[@]}" showsrc --only-source libcpuid |
              sed -n 's/^Version: //p' | sort -V | tail -n1)
    [ -n "$version" ] || return 1
    echo "fetch-cpuid-dumps: falling back to the upstream tarball of" \
         "libcpuid $version" >&2
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && apt-get "${apt_opts[@]}" source --tar-only \
              --only-source "libcpuid=$version" >"$tmp/log" 2>&1); then
        cat "$tmp/log" >&2
        rm -rf "$tmp"
        return 1
    fi
    mkdir "$tmp/tree"
    tar -xf "$tmp"/libcpuid_*.orig.tar.* -C "$tmp/tree" --strip-components=1
    echo "libcpuid $version $SUITE orig-tarball" >"$tmp/tree/.featmask-source"
    rm -rf "$DEST"
    mkdir -p "$(dirname "$DEST")"
    mv "$tmp/tree" "$DEST"
    rm -rf "$tmp"
}

if ! dumps_dir >/dev/null; then
    "$HERE/debian-source.sh" libcpuid "$SUITE" "$DEST" >/dev/null ||
        fetch_tarball ||
        { echo "fetch-cpuid-dumps: could not fetch libcpuid" >&2; exit 1; }
fi
dir=$(dumps_dir) || {
    echo "fetch-cpuid-dumps: libcpuid from $SUITE has no tests/*.test" >&2
    exit 1
}
echo "fetch-cpuid-dumps: $(find "$dir" -name '*.test' | wc -l) dumps" \
     "in $dir" >&2
echo "$dir"
