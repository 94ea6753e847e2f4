#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what featmask's standalone build and tests need, from the
# machine's own Debian (12, bookworm) apt sources.  Packages already there
# are left alone; the package indexes are fetched only when something is
# missing.  Run as root.

set -euo pipefail

PKGS=(gcc pkg-config meson ninja-build ccache python3 libglib2.0-dev
      libjson-glib-dev libcpuid-dev dpkg-dev debian-archive-keyring
      ca-certificates qemu-system-x86 python3-docutils
      libvirt-clients bash-completion
      # scripts/fuzz.sh: clang, and libFuzzer and clang's sanitizer
      # runtimes (only recommended by clang, so named here); gcc's
      # ASan and UBSan for the sanitizer build come with gcc
      clang libclang-rt-14-dev)

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}; run as root" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
