#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build QEMU 10.0 (Debian 13's source package) with featmask's patch series,
# for the x86_64 system emulator and the qtests, with ccache.
#
# Usage: build-qemu.sh [options]
#   --series FILE     series description (default scripts/qemu-series/series)
#   --repo DIR        where the series' files are (default: this repository)
#   --qtest NAME      also build tests/qtest/NAME (repeatable)
#   --target T        also build ninja target T (repeatable)
#   --jobs N          ninja -j N (default: number of CPUs)
#   --print-env       only print the locations (shell variables) and exit
#
# Layout under ${FEATMASK_CACHE:-/var/cache/featmask}:
#   src/qemu-trixie/   Debian's source, Debian's patches applied (pristine)
#   qemu-work/         git work tree: commit "pristine" + the series (git am)
#   qemu-series/       the generated series (git format-patch)
#   qemu-build/        build directory; qemu-build/prefix/ the installed QEMU
#   qemu-build/featmask-qemu.env   the locations, as shell variables
#   ccache/            the compiler cache
#
# A re-run with nothing changed re-applies nothing, does not reconfigure and
# lets ninja find nothing to do.  When the series changed, the work tree is
# reset to "pristine" and the series applied again; files whose content ends
# up unchanged get their old modification time back so nothing is rebuilt
# for them.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${FEATMASK_CACHE:-/var/cache/featmask}
PRISTINE=$CACHE/src/qemu-trixie
WORK=$CACHE/qemu-work
SERIES_OUT=$CACHE/qemu-series
BUILD=$CACHE/qemu-build
PREFIX=$BUILD/prefix
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}

SUITE=trixie
QEMU_RELEASE=10.0
MESON_SUITE=bookworm-backports
MESON_MIN=1.5
DEFAULT_QTESTS="qos-test migration-test"
# Debian's firmware packages (seabios, ipxe-qemu, qemu-system-data): the
# source package has no blobs, so QEMU looks for them there.
FIRMWARE_PATH=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
BUILD_DEPS="gcc make ninja-build pkg-config git ccache perl python3
    python3-venv libglib2.0-dev libpixman-1-dev libslirp-dev libfdt-dev
    zlib1g-dev flex bison seabios ipxe-qemu qemu-system-data dpkg-dev
    debian-archive-keyring"

CONFIGURE_ARGS=(
    --prefix="$PREFIX"
    --python=/usr/bin/python3
    --cc="ccache gcc"
    --target-list=x86_64-softmmu
    --firmwarepath="$FIRMWARE_PATH"
    --disable-download
    --disable-docs
    --disable-werror
    --without-default-features
    --disable-install-blobs
    --enable-tcg
    --enable-kvm
    --enable-slirp
    --enable-fdt=system
    --enable-vhost-user
    --enable-vhost-net
    --enable-vhost-kernel
)

SERIES_ARGS=()
QTESTS=$DEFAULT_QTESTS
EXTRA_TARGETS=()
JOBS=$(nproc)
PRINT_ENV=0

T0=$(date +%s.%N)
STEP_T=$T0

die()
{
    echo "build-qemu: error: $*" >&2
    exit 1
}

note()
{
    echo "build-qemu: $*" >&2
}

usage()
{
    sed -n '/^# Usage:/,/^# Layout/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

# Print how long the step that just ended took.
step_done()
{
    local now
    now=$(date +%s.%N)
    awk -v a="$now" -v b="$STEP_T" -v what="$1" \
        'BEGIN { printf "build-qemu: %-28s %6.1f s\n", what, a - b }' >&2
    STEP_T=$now
}

write_env()
{
    cat <<EOF
QEMU_SRC=$WORK
QEMU_BUILD_DIR=$BUILD
QEMU_PREFIX=$PREFIX
QEMU_BINARY=$PREFIX/bin/qemu-system-x86_64
QEMU_BUILD_BINARY=$BUILD/qemu-system-x86_64
QTEST_DIR=$BUILD/tests/qtest
QEMU_SERIES_DIR=$SERIES_OUT
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
    --series|--repo) SERIES_ARGS+=("$1" "$2"); shift 2 ;;
    --qtest) QTESTS="$QTESTS $2"; shift 2 ;;
    --target) EXTRA_TARGETS+=("$2"); shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --print-env) PRINT_ENV=1; shift ;;
    -h|--help) usage ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done

if [ "$PRINT_ENV" = 1 ]; then
    write_env
    exit 0
fi
[ "$(id -u)" -eq 0 ] || die "must run as root (it installs build dependencies)"

mkdir -p "$CACHE"
# One build at a time: CI and a developer may share the cache.
exec 9>"$CACHE/qemu-build.lock"
if ! flock -n 9; then
    note "waiting for another build-qemu.sh to finish"
    flock 9
fi

# --- build dependencies ---------------------------------------------------
missing=()
for p in $BUILD_DEPS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    note "installing ${missing[*]}"
    apt_install=(apt-get install -y -q --no-install-recommends
                 -o DPkg::Lock::Timeout=600)
    DEBIAN_FRONTEND=noninteractive "${apt_install[@]}" "${missing[@]}" ||
        { apt-get update -q &&
          DEBIAN_FRONTEND=noninteractive "${apt_install[@]}" "${missing[@]}"; } ||
        die "cannot install ${missing[*]}"
fi
"$HERE/debian-source.sh" --install "$MESON_SUITE" "meson>=$MESON_MIN" ||
    die "QEMU $QEMU_RELEASE needs meson >= $MESON_MIN (from $MESON_SUITE)"
step_done "build dependencies"

# --- pristine source ------------------------------------------------------
"$HERE/debian-source.sh" qemu "$SUITE" "$PRISTINE" >/dev/null ||
    die "cannot fetch Debian's qemu source from $SUITE"
src_id=$(cat "$PRISTINE/.featmask-source")
case $(cat "$PRISTINE/VERSION") in
"$QEMU_RELEASE".*) ;;
*) die "$PRISTINE holds QEMU $(cat "$PRISTINE/VERSION"), not $QEMU_RELEASE.x" ;;
esac
step_done "pristine source"

# --- work tree ------------------------------------------------------------
if [ ! -d "$WORK/.git" ] ||
   [ "$(cat "$WORK/.git/featmask-source" 2>/dev/null)" != "$src_id" ]; then
    note "creating work tree $WORK from $src_id"
    # A new pristine tree: the old build's outputs may look newer than the
    # new sources, so the build directory goes too.
    rm -rf "$WORK" "$WORK.tmp" "$BUILD"
    cp -a "$PRISTINE" "$WORK.tmp"
    rm -f "$WORK.tmp/.featmask-source"
    (
        cd "$WORK.tmp"
        git init -q
        git config user.name "featmask build"
        git config user.email "featmask-build@localhost"
        git config core.autocrlf false
        git config gc.auto 0
        # Everything, including what QEMU's .gitignore would hide.
        git add -A -f .
        git commit -q -m "QEMU $(cat VERSION) pristine ($src_id)"
        git tag pristine
    ) || die "cannot create the git work tree"
    echo "$src_id" >"$WORK.tmp/.git/featmask-source"
    mv "$WORK.tmp" "$WORK"
fi
# Loose objects (the pristine commit leaves some 10000) make every git
# command on the tree, and so each run of the series, seconds slower.
if [ "$(git -C "$WORK" count-objects | cut -d' ' -f1)" -gt 2000 ]; then
    note "packing the objects of $WORK"
    git -C "$WORK" repack -a -d -q && git -C "$WORK" prune-packed
fi
step_done "work tree"

# --- series ---------------------------------------------------------------
"$HERE/qemu-series.sh" "${SERIES_ARGS[@]}" --no-signoff \
    --base "$WORK:pristine" \
    "$SERIES_OUT" || die "cannot generate the series"
# The hash ignores the lines that only carry dates and commit ids, so an
# unchanged series is recognised although it was committed anew.
series_hash=$(
    cd "$SERIES_OUT"
    while read -r p; do
        echo "== $p"
        sed -e '1{/^From [0-9a-f]\{40\} /d}' -e '/^Date: /d' "$p"
    done <series | sha256sum | cut -d' ' -f1
)
applied=$(cat "$WORK/.git/featmask-series" 2>/dev/null || true)
head=$(git -C "$WORK" rev-parse HEAD)
if [ "$applied" != "$series_hash $head" ] ||
   [ -n "$(git -C "$WORK" status --porcelain --untracked-files=no)" ]; then
    note "applying $(wc -l <"$SERIES_OUT/series") patch(es) to $WORK"
    rm -f "$WORK/.git/featmask-series"
    cd "$WORK"
    # Remember the files the old series touched, to keep the modification
    # time of those that come out the same.
    keep=$SERIES_OUT/.mtimes
    git diff --name-only pristine HEAD | while read -r f; do
        [ -f "$f" ] && echo "$(git hash-object -- "$f") $(stat -c %Y "$f") $f"
    done >"$keep"
    git am --abort >/dev/null 2>&1 || true
    git checkout -q -B featmask pristine
    git reset -q --hard pristine
    while read -r p; do
        if ! git am -q "$SERIES_OUT/$p"; then
            git am --abort >/dev/null 2>&1 || true
            git reset -q --hard pristine
            die "patch $p does not apply to QEMU $(cat VERSION)"
        fi
    done <"$SERIES_OUT/series"
    while read -r blob mtime f; do
        if [ -f "$f" ] && [ "$(git hash-object -- "$f")" = "$blob" ]; then
            touch -m -d "@$mtime" -- "$f"
        fi
    done <"$keep"
    rm -f "$keep"
    cd - >/dev/null
    echo "$series_hash $(git -C "$WORK" rev-parse HEAD)" \
        >"$WORK/.git/featmask-series"
else
    note "series unchanged ($(wc -l <"$SERIES_OUT/series") patch(es))"
fi
step_done "series"

# --- configure ------------------------------------------------------------
# The recipe number changes when this script configures differently.
config_id=$(printf '%s\n' recipe=2 "${CONFIGURE_ARGS[@]}" | sha256sum |
            cut -d' ' -f1)
if [ ! -f "$BUILD/build.ninja" ] ||
   [ "$(cat "$BUILD/.featmask-configure" 2>/dev/null)" != "$config_id" ]; then
    mkdir -p "$BUILD"
    note "configure ${CONFIGURE_ARGS[*]}"
    if ! (cd "$BUILD" && "$WORK/configure" "${CONFIGURE_ARGS[@]}" \
            >"$BUILD/configure.out" 2>&1); then
        tail -n 40 "$BUILD/configure.out" >&2
        die "configure failed, see $BUILD/configure.out and $BUILD/meson-logs"
    fi
    echo "$config_id" >"$BUILD/.featmask-configure"
    step_done "configure"
fi
# For a git work tree QEMU's configure writes "werror = true" into the
# native file config-meson.cross.  --disable-werror wins at configure time,
# but meson reads the native file again when ninja regenerates the build (a
# hook changed a meson.build) and then the file wins: every compile command
# gains -Werror, ccache misses everything and warnings stop the build.
if grep -q '^werror = true$' "$BUILD/config-meson.cross"; then
    sed -i '/^werror = true$/d' "$BUILD/config-meson.cross"
fi

# --- build ----------------------------------------------------------------
# What "meson install" installs, then the qtests.
install_targets=$(cd "$BUILD" && pyvenv/bin/meson introspect --targets |
    /usr/bin/python3 -c '
import json, os, sys
for t in json.load(sys.stdin):
    if t["installed"]:
        for f in t["filename"]:
            print(os.path.relpath(f, os.getcwd()))
') || die "meson introspect failed in $BUILD"
targets=($install_targets)
for t in $QTESTS; do
    targets+=("tests/qtest/$t")
done
targets+=("${EXTRA_TARGETS[@]}")
ccache -z >/dev/null
note "ninja -j$JOBS ${targets[*]}"
ninja -C "$BUILD" -j"$JOBS" "${targets[@]}" >"$BUILD/ninja.out" 2>&1 || {
    grep -E -B2 -A8 'error|FAILED' "$BUILD/ninja.out" | head -n 60 >&2
    die "build failed, see $BUILD/ninja.out"
}
tail -n 1 "$BUILD/ninja.out" | sed 's/^/build-qemu: ninja: /' >&2
ccache -s 2>/dev/null | grep -E '^ *(Hits|Misses|Cacheable)' |
    sed 's/^ */build-qemu: ccache: /' >&2 || true
step_done "build"

(cd "$BUILD" && pyvenv/bin/meson install --no-rebuild --quiet \
    >"$BUILD/install.out" 2>&1) || {
    tail -n 20 "$BUILD/install.out" >&2
    die "meson install failed, see $BUILD/install.out"
}
# A binary in the build directory finds its data under qemu-bundle/
# (util/cutils.c, get_relocated_path()), the firmware path included.
IFS=: read -ra fw_dirs <<<"$FIRMWARE_PATH"
for d in "${fw_dirs[@]}"; do
    if [ ! -L "$BUILD/qemu-bundle$d" ]; then
        mkdir -p "$BUILD/qemu-bundle$(dirname "$d")"
        ln -sfn "$d" "$BUILD/qemu-bundle$d"
    fi
done
write_env >"$BUILD/featmask-qemu.env"
step_done "install"

# --- result ---------------------------------------------------------------
STEP_T=$T0
step_done total
echo "QEMU $(cat "$WORK/VERSION") + $(wc -l <"$SERIES_OUT/series") patch(es) ($src_id)"
echo "  source:      $WORK"
echo "  build dir:   $BUILD"
echo "  qemu:        $PREFIX/bin/qemu-system-x86_64"
echo "  qtests:      $(for t in $QTESTS; do printf '%s ' "$BUILD/tests/qtest/$t"; done)"
echo "  environment: $BUILD/featmask-qemu.env"
echo "  run a qtest: QTEST_QEMU_BINARY=$BUILD/qemu-system-x86_64 $BUILD/tests/qtest/qos-test"
