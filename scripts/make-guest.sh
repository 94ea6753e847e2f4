#!/bin/sh
#
# Build the small Linux guest used by the featmask migration demo and tests.
#
# Usage: scripts/make-guest.sh [OUTDIR]
#
# OUTDIR defaults to ${FEATMASK_CACHE:-/var/cache/featmask}/guest and receives
# vmlinuz and initramfs.gz.  The kernel and busybox come from Debian's own
# packages (linux-image-<version>-amd64 as linux-image-amd64 currently depends
# on, and busybox-static), fetched with apt-get download.  The initramfs holds
# busybox, the virtio-net modules and scripts/guest/init.
#
# Nothing is rebuilt while the outputs exist and the inputs (this script, the
# init, the package versions) match OUTDIR/stamp.  FEATMASK_GUEST_FORCE=1
# rebuilds anyway.  See docs/devel/guest.rst.
#
# Copyright (c) featmask contributors
# SPDX-License-Identifier: GPL-2.0-or-later

set -eu

# Loaded in this order by the init; checked against the modules' own
# dependency lists below.
MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
virtio_pci failover net_failover virtio_net virtio_blk"

die() {
    echo "make-guest: $*" >&2
    exit 1
}

log() {
    echo "make-guest: $*" >&2
}

SRCDIR=$(cd "$(dirname "$0")" && pwd)
SELF=$SRCDIR/$(basename "$0")
INIT=$SRCDIR/guest/init
OUTDIR=${1:-${FEATMASK_CACHE:-/var/cache/featmask}/guest}

[ -r "$INIT" ] || die "missing $INIT"

need_tools() {
    missing=
    command -v cpio >/dev/null || missing="$missing cpio"
    command -v gzip >/dev/null || missing="$missing gzip"
    command -v xz >/dev/null || missing="$missing xz-utils"
    command -v sha256sum >/dev/null || missing="$missing coreutils"
    if [ -n "$missing" ]; then
        log "installing$missing"
        # shellcheck disable=SC2086 # one argument per package
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2
    fi
}

# Version of a package as apt would download it now.
candidate() {
    apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p'
}

# The versioned kernel package the linux-image-amd64 metapackage points to.
kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*-amd64\)$/\1/p' |
        head -n 1
}

KPKG=$(kernel_package)
if [ -z "$KPKG" ]; then
    # Fresh machine without package lists yet.
    log "no package lists, running apt-get update"
    apt-get update -q >&2
    KPKG=$(kernel_package)
fi
[ -n "$KPKG" ] || die "cannot resolve the kernel package of linux-image-amd64"
KVER=${KPKG#linux-image-}
KPKG_VERSION=$(candidate "$KPKG")
BB_VERSION=$(candidate busybox-static)
[ -n "$KPKG_VERSION" ] || die "no candidate version for $KPKG"
[ -n "$BB_VERSION" ] || die "no candidate version for busybox-static"

STAMP_WANT=$(cat <<EOF
make-guest $(sha256sum <"$SELF" | cut -d' ' -f1)
init $(sha256sum <"$INIT" | cut -d' ' -f1)
$KPKG $KPKG_VERSION
busybox-static $BB_VERSION
EOF
)

up_to_date() {
    [ "${FEATMASK_GUEST_FORCE:-0}" != 1 ] &&
    [ -s "$OUTDIR/vmlinuz" ] && [ -s "$OUTDIR/initramfs.gz" ] &&
    [ -r "$OUTDIR/stamp" ] &&
    [ "$(cat "$OUTDIR/stamp")" = "$STAMP_WANT" ]
}

# Checking needs no privileges, so tests can call this as any user.
if up_to_date; then
    log "up to date: $OUTDIR ($KPKG $KPKG_VERSION)"
    exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, device nodes)"

# One build at a time per OUTDIR; a waiting run finds the work done.
mkdir -p "$OUTDIR/debs"
exec 9>"$OUTDIR/.lock"
flock 9
if up_to_date; then
    log "up to date: $OUTDIR ($KPKG $KPKG_VERSION), built meanwhile"
    exit 0
fi

need_tools
WORK=$(mktemp -d "$OUTDIR/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

# Download into OUTDIR/debs so that a change to the script or the init does
# not fetch the 70 MB kernel package again.  apt-get writes "pkg_ver_arch.deb"
# with the epoch's colon escaped as %3a.  Prints the file; fails when the
# mirror does not have that version (any more).
fetch() {
    pkg=$1
    ver=$2
    deb=
    for f in "$OUTDIR/debs/${pkg}_"*.deb; do
        if [ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version)" = "$ver" ]; then
            deb=$f
        fi
    done
    if [ -z "$deb" ]; then
        log "downloading $pkg $ver"
        rm -f "$OUTDIR/debs/${pkg}_"*.deb
        (cd "$OUTDIR/debs" &&
         apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2) ||
            return 1
        for f in "$OUTDIR/debs/${pkg}_"*.deb; do
            [ -f "$f" ] && deb=$f
        done
        [ -n "$deb" ] || return 1
    fi
    echo "$deb"
}

if ! KDEB=$(fetch "$KPKG" "$KPKG_VERSION") ||
   ! BBDEB=$(fetch busybox-static "$BB_VERSION"); then
    if [ -n "${FEATMASK_GUEST_UPDATED:-}" ]; then
        die "cannot download $KPKG $KPKG_VERSION or busybox-static $BB_VERSION"
    fi
    # Stale package lists name versions the mirror has dropped (security
    # updates replace kernels): refresh them and start again, since the
    # kernel package itself may have changed.
    log "download failed, running apt-get update and starting again"
    apt-get update -q >&2
    rm -rf "$WORK"
    FEATMASK_GUEST_UPDATED=1 exec "$SELF" "$OUTDIR"
fi

log "unpacking $(basename "$KDEB") and $(basename "$BBDEB")"
dpkg-deb -x "$KDEB" "$WORK/kernel"
dpkg-deb -x "$BBDEB" "$WORK/busybox"

VMLINUZ=$WORK/kernel/boot/vmlinuz-$KVER
MODDIR=$WORK/kernel/lib/modules/$KVER
[ -s "$VMLINUZ" ] || die "$KPKG has no boot/vmlinuz-$KVER"
[ -d "$MODDIR" ] || die "$KPKG has no lib/modules/$KVER"
BUSYBOX=$WORK/busybox/bin/busybox
[ -x "$BUSYBOX" ] || die "busybox-static has no bin/busybox"

ROOT=$WORK/root
mkdir -p "$ROOT/bin" "$ROOT/sbin" "$ROOT/usr/bin" "$ROOT/usr/sbin" \
         "$ROOT/dev" "$ROOT/proc" "$ROOT/sys" "$ROOT/tmp" "$ROOT/run" \
         "$ROOT/etc" "$ROOT/lib/modules/$KVER"

# busybox and one symlink per applet, at the path busybox itself suggests.
cp "$BUSYBOX" "$ROOT/bin/busybox"
"$BUSYBOX" --list-full | while read -r applet; do
    [ -e "$ROOT/$applet" ] && continue
    case "$applet" in
    bin/*|sbin/*) target=../bin/busybox ;;
    usr/bin/*|usr/sbin/*) target=../../bin/busybox ;;
    *) continue ;;
    esac
    ln -s "$target" "$ROOT/$applet"
done
[ -e "$ROOT/bin/sh" ] || die "busybox provides no sh"

# The modules, uncompressed: busybox insmod reads plain ELF only.
loaded=
for m in $MODULES; do
    if grep -q "/$m\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null; then
        log "$m is built into $KVER"
        loaded="$loaded $m"
        continue
    fi
    src=$(find "$MODDIR/kernel" -name "$m.ko" -o -name "$m.ko.xz" \
               -o -name "$m.ko.zst" -o -name "$m.ko.gz" | head -n 1)
    [ -n "$src" ] || die "module $m not found in $KPKG"
    dst=$ROOT/lib/modules/$KVER/$m.ko
    case "$src" in
    *.ko) cp "$src" "$dst" ;;
    *.xz) xz -dc "$src" >"$dst" ;;
    *.gz) gzip -dc "$src" >"$dst" ;;
    *.zst)
        command -v zstd >/dev/null ||
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q zstd >&2
        zstd -dcq "$src" >"$dst"
        ;;
    esac
    # Every dependency must be loaded before; the init has no modprobe.
    deps=$(tr '\0' '\n' <"$dst" | sed -n 's/^depends=//p' | head -n 1)
    for d in $(echo "$deps" | tr ',' ' '); do
        case " $loaded " in
        *" $d "*) ;;
        *) die "module $m needs $d, which is not loaded before it" ;;
        esac
    done
    loaded="$loaded $m"
done

cp "$INIT" "$ROOT/init"
chmod 0755 "$ROOT/init"
printf '%s\n' "$STAMP_WANT" >"$ROOT/etc/featmask-guest"

# The kernel opens /dev/console before devtmpfs is mounted.
mknod -m 0600 "$ROOT/dev/console" c 5 1
mknod -m 0666 "$ROOT/dev/null" c 1 3

# Same inputs, same bytes: fixed timestamps, sorted names, no inode numbers.
find "$ROOT" -exec touch -h -d @0 {} +
(cd "$ROOT" &&
 find . -mindepth 1 -print0 | LC_ALL=C sort -z |
     cpio --quiet --null -o -H newc -R 0:0 --reproducible) |
    gzip -9n >"$WORK/initramfs.gz"

# The uncompressed kernel, booted through its PVH entry point, saves the
# several seconds that decompressing vmlinuz takes under TCG.  Find the
# payload by its compression magic and keep the first one that decompresses
# to an ELF image.
extract_vmlinux() {
    img=$1
    out=$2
    for fmt in xz zstd gzip; do
        case $fmt in
        xz) magic=$(printf '\3757zXZ'); unpack="xz -dcq" ;;
        zstd) magic=$(printf '\050\265\057\375'); unpack="zstd -dcq" ;;
        gzip) magic=$(printf '\037\213\010'); unpack="gzip -dcq" ;;
        esac
        command -v "${unpack%% *}" >/dev/null || continue
        # shellcheck disable=SC2013 # offsets are single words
        for off in $(LC_ALL=C grep -abo "$magic" "$img" | cut -d: -f1); do
            # Trailing data after the payload makes the tool fail; the
            # ELF check below is what decides.
            tail -c +$((off + 1)) "$img" | $unpack >"$out" 2>/dev/null || :
            if [ "$(head -c 4 "$out" | od -An -c | tr -d ' ')" = 177ELF ]
            then
                return 0
            fi
        done
    done
    rm -f "$out"
    return 1
}

HAVE_VMLINUX=no
if grep -q '^CONFIG_PVH=y' "$WORK/kernel/boot/config-$KVER" 2>/dev/null; then
    if extract_vmlinux "$VMLINUZ" "$WORK/vmlinux"; then
        HAVE_VMLINUX=yes
    else
        log "could not extract vmlinux from vmlinuz; only vmlinuz built"
    fi
else
    log "$KVER has no PVH entry point; only vmlinuz built"
fi

# Forget packages of older versions.
for f in "$OUTDIR/debs/"*.deb; do
    [ "$f" = "$KDEB" ] || [ "$f" = "$BBDEB" ] || rm -f "$f"
done

cp "$VMLINUZ" "$WORK/vmlinuz"
mv -f "$WORK/vmlinuz" "$OUTDIR/vmlinuz"
mv -f "$WORK/initramfs.gz" "$OUTDIR/initramfs.gz"
if [ $HAVE_VMLINUX = yes ]; then
    mv -f "$WORK/vmlinux" "$OUTDIR/vmlinux"
else
    rm -f "$OUTDIR/vmlinux"
fi
printf '%s\n' "$STAMP_WANT" >"$OUTDIR/stamp"
log "built $OUTDIR: vmlinuz, vmlinux ($HAVE_VMLINUX), initramfs.gz" \
    "($KPKG $KPKG_VERSION, busybox $BB_VERSION," \
    "$(du -k "$OUTDIR/initramfs.gz" | cut -f1) KiB initramfs)"
