#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch Debian source packages, or install binary packages, from a Debian
# suite that the machine's apt is not configured for, without touching the
# system's apt configuration.
#
# Usage:
#   debian-source.sh [--refresh] SRCPKG SUITE DESTDIR
#       Unpack source package SRCPKG from SUITE (e.g. trixie) into DESTDIR,
#       Debian's patches applied (apt-get source, i.e. dpkg-source -x).
#       DESTDIR becomes the source tree itself.  A second run finds the
#       stamp DESTDIR/.featmask-source and does nothing; --refresh fetches
#       the suite's index again and replaces DESTDIR if the version changed.
#   debian-source.sh --install SUITE PKG[>=VERSION]...
#       Install binary packages from SUITE (e.g. bookworm-backports) on the
#       system.  Packages already installed at a good enough version are
#       left alone, so a second run does nothing.
#   debian-source.sh --print-mirror
#       Print the Debian mirror URI read from the system's apt sources.
#
# The extra apt state (sources, lists, caches) lives in
# ${FEATMASK_CACHE:-/var/cache/featmask}/apt/<suite>/.  Its sources point at
# the mirror the machine already uses, and every index is verified with the
# keyrings of debian-archive-keyring: a suite whose Release file those keys
# cannot verify is an error, never silently trusted.

set -euo pipefail

CACHE=${FEATMASK_CACHE:-/var/cache/featmask}
APT_ROOT=$CACHE/apt
# Where debian-archive-keyring puts its keyrings (overridable for testing
# the refusal of a suite that cannot be verified).
KEYRING_DIR=${FEATMASK_KEYRING_DIR:-/usr/share/keyrings}

die()
{
    echo "debian-source: error: $*" >&2
    exit 1
}

note()
{
    echo "debian-source: $*" >&2
}

usage()
{
    sed -n '/^# Usage:/,/^# The extra/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

# Install packages from the suites the system already knows, updating the
# system's indexes only if the first attempt fails (a fresh machine may never
# have run apt-get update).
system_install()
{
    local missing=() p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
             grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    note "installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
           --no-install-recommends "${missing[@]}" >&2; then
        apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "${missing[@]}" >&2
    fi
}

# The URI of the machine's main Debian archive: the first URIs: entry of a
# deb822 source whose suites are plain Debian ones (not -security), or the
# first matching line of a one-line-style sources.list.
system_mirror()
{
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        uri=$(awk '
            /^[ \t]*$/ { if (uri != "" && types ~ /deb/ && suites !~ /security/) {
                             print uri; exit }
                         uri = ""; types = ""; suites = ""; next }
            /^[ \t]*#/ { next }
            tolower($1) == "uris:"   { uri = $2 }
            tolower($1) == "types:"  { types = $0 }
            tolower($1) == "suites:" { suites = $0 }
            tolower($1) == "enabled:" && tolower($2) == "no" { types = "" }
            END { if (uri != "" && types ~ /deb/ && suites !~ /security/)
                      print uri }' "$f" | head -n1)
        if [ -n "$uri" ]; then
            echo "${uri%/}"
            return 0
        fi
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        uri=$(awk '$1 == "deb" || $1 == "deb-src" {
                       i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                       if ($(i + 1) !~ /security/) { print $i; exit } }' "$f")
        if [ -n "$uri" ]; then
            echo "${uri%/}"
            return 0
        fi
    done
    die "no Debian mirror found in /etc/apt/sources.list{,.d/*.sources,.d/*.list}"
}

# The keyrings that may sign SUITE: the archive keyring plus the per-release
# keyrings shipped beside it (debian-archive-<codename>-*.gpg), comma
# separated for Signed-By.
suite_keyrings()
{
    local codename=${1%%-*} list=$KEYRING_DIR/debian-archive-keyring.gpg k
    [ -r "$list" ] || die "$list missing (package debian-archive-keyring)"
    for k in "$KEYRING_DIR"/debian-archive-"$codename"-*.gpg; do
        [ -r "$k" ] && list="$list,$k"
    done
    echo "$list"
}

# Run TOOL (apt-get or apt-cache) on the private state in DIR.
apt_private()
{
    local tool=$1 dir=$2
    shift 2
    "$tool" -q -o Acquire::Retries=3 \
        -o Dir::Etc::SourceList=/dev/null \
        -o Dir::Etc::SourceParts="$dir/sources.d" \
        -o Dir::State::Lists="$dir/lists" \
        -o Dir::Cache="$dir/cache" \
        -o Dir::Cache::pkgcache="$dir/cache/pkgcache.bin" \
        -o Dir::Cache::srcpkgcache="$dir/cache/srcpkgcache.bin" \
        "$@"
}

# Write the private sources for SUITE ("src" for a deb-src entry only, "bin"
# for the system's own sources plus a deb entry for SUITE) and update its
# indexes when the sources changed, the indexes are missing or $REFRESH.
prepare_state()
{
    local suite=$1 kind=$2
    local dir=$APT_ROOT/$2-$1 mirror keyrings f new log rc=0

    mirror=$(system_mirror)
    keyrings=$(suite_keyrings "$suite")
    mkdir -p "$dir/sources.d" "$dir/lists/partial" "$dir/cache/archives/partial"
    new=$(mktemp)
    {
        if [ "$kind" = bin ]; then
            # The system's own sources, so that dependencies resolve.
            for f in /etc/apt/sources.list.d/*.sources; do
                [ -r "$f" ] && { cat "$f"; echo; }
            done
        fi
        echo "Types: $([ "$kind" = src ] && echo deb-src || echo deb)"
        echo "URIs: $mirror"
        echo "Suites: $suite"
        echo "Components: main"
        echo "Signed-By: $keyrings"
    } >"$new"
    if [ "$kind" = bin ] && [ -r /etc/apt/sources.list ]; then
        cp /etc/apt/sources.list "$dir/sources.d/system.list"
    fi
    if ! cmp -s "$new" "$dir/sources.d/featmask.sources" ||
       ! ls "$dir"/lists/*Release >/dev/null 2>&1 ||
       [ "$REFRESH" = 1 ]; then
        mv "$new" "$dir/sources.d/featmask.sources"
        chmod 644 "$dir/sources.d/featmask.sources"
        note "updating private apt indexes for $suite ($kind) from $mirror"
        log=$dir/update.log
        apt_private apt-get "$dir" update >"$log" 2>&1 || rc=$?
        # Until the update succeeded the sources do not count as prepared.
        check_update "$suite" "$log" "$rc" "$keyrings" ||
            { rm -f "$dir/sources.d/featmask.sources"; exit 1; }
    else
        rm -f "$new"
    fi
    echo "$dir"
}

# apt-get update exits non-zero when a Release file is not signed by a key
# from Signed-By; explain that case rather than only forwarding apt's words.
check_update()
{
    local suite=$1 log=$2 rc=$3 keyrings=$4 kver
    if grep -q -e NO_PUBKEY -e EXPKEYSIG -e 'is not signed' \
            -e 'signatures were invalid' -e 'signatures couldn' "$log"; then
        cat "$log" >&2
        kver=$(dpkg-query -W -f='${Version}' debian-archive-keyring \
               2>/dev/null || echo "not installed")
        echo "debian-source: error: the Release file of '$suite' cannot be" \
             "verified with $keyrings (debian-archive-keyring $kver)." \
             "Install a debian-archive-keyring that holds the suite's" \
             "signing key (apt names the missing key ids above); this" \
             "script will not use trusted=yes." >&2
        return 1
    fi
    if [ "$rc" -ne 0 ] || grep -q '^[EW]: ' "$log"; then
        cat "$log" >&2
        if [ "$rc" -ne 0 ]; then
            echo "debian-source: error: apt-get update failed for suite" \
                 "'$suite'" >&2
            return 1
        fi
    fi
    # Say which key signed the suite: the check is real, show it.
    local inrel
    inrel=$(ls "$APT_ROOT"/*-"$suite"/lists/*_dists_"${suite}"_InRelease \
            2>/dev/null | head -n1 || true)
    if [ -n "$inrel" ] && command -v gpgv >/dev/null; then
        local args=() k
        for k in ${keyrings//,/ }; do
            args+=(--keyring "$k")
        done
        gpgv "${args[@]}" "$inrel" 2>&1 |
            sed -n 's/^gpgv: Good signature from/verified, signed by/p' |
            sed "s/^/debian-source: $suite Release /" >&2 || true
    fi
}

fetch_source()
{
    local srcpkg=$1 suite=$2 dest=$3
    local stamp=$dest/.featmask-source
    local dir version tmp tree

    if [ -f "$stamp" ] && [ "$REFRESH" = 0 ]; then
        note "$srcpkg from $suite already in $dest ($(cut -d' ' -f2 "$stamp"))"
        echo "$dest"
        return 0
    fi
    system_install dpkg-dev debian-archive-keyring gpgv xz-utils
    dir=$(prepare_state "$suite" src)
    version=$(apt_private apt-cache "$dir" showsrc --only-source "$srcpkg" 2>/dev/null |
              sed -n 's/^Version: //p' | sort -V | tail -n1)
    [ -n "$version" ] || die "no source package '$srcpkg' in suite '$suite'"
    if [ -f "$stamp" ] &&
       [ "$(cut -d' ' -f2 "$stamp")" = "$version" ]; then
        note "$srcpkg $version from $suite already in $dest"
        echo "$dest"
        return 0
    fi
    note "fetching $srcpkg $version from $suite"
    mkdir -p "$(dirname "$dest")"
    tmp=$(mktemp -d "$dest.tmp.XXXXXX")
    # apt downloads as user _apt when it can write there.
    chmod 755 "$tmp"
    if id _apt >/dev/null 2>&1; then
        chown _apt "$tmp"
    fi
    # apt checks the files against the signed Sources index; dpkg-source
    # cannot check the uploader's signature without debian-keyring and says
    # so, which is expected.
    # The mirror sometimes answers 404 for a file it has: try again, apt
    # keeps the files already downloaded and verified.
    local try=1
    until (cd "$tmp" &&
           apt_private apt-get "$dir" source --only-source \
               "$srcpkg=$version" >"$tmp.log" 2>&1); do
        if [ $try -ge 5 ]; then
            cat "$tmp.log" >&2
            rm -rf "$tmp" "$tmp.log"
            die "apt-get source $srcpkg=$version failed $try times"
        fi
        note "apt-get source failed ($(grep -c '^Err:' "$tmp.log")" \
             "file(s)), trying again"
        try=$((try + 1))
        sleep $try
    done
    tree=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
    [ -n "$tree" ] || die "apt-get source left no tree in $tmp"
    echo "$srcpkg $version $suite" >"$tree/.featmask-source"
    rm -rf "$dest"
    mv "$tree" "$dest"
    rm -rf "$tmp" "$tmp.log"
    note "$srcpkg $version unpacked in $dest"
    echo "$dest"
}

# PKG or PKG>=VERSION: true when installed and recent enough.
installed_ok()
{
    local spec=$1 pkg=${1%%>=*} want have
    have=$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null |
           sed -n 's/^install ok installed //p')
    [ -n "$have" ] || return 1
    [ "$spec" = "$pkg" ] && return 0
    want=${spec#*>=}
    dpkg --compare-versions "$have" ge "$want"
}

install_from_suite()
{
    local suite=$1 dir spec missing=() pkgs=()
    shift
    for spec in "$@"; do
        if installed_ok "$spec"; then
            note "${spec%%>=*} $(dpkg-query -W -f='${Version}' \
                 "${spec%%>=*}") already installed"
        else
            missing+=("$spec")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    system_install debian-archive-keyring gpgv
    dir=$(prepare_state "$suite" bin)
    for spec in "${missing[@]}"; do
        pkgs+=("${spec%%>=*}/$suite")
    done
    note "installing ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt_private apt-get "$dir" install -y \
        --no-install-recommends "${pkgs[@]}" >&2 ||
        die "could not install ${pkgs[*]} from $suite"
    for spec in "${missing[@]}"; do
        installed_ok "$spec" ||
            die "$spec: $suite has only" \
                "$(dpkg-query -W -f='${Version}' "${spec%%>=*}")"
    done
}

REFRESH=0
[ $# -gt 0 ] || usage
[ "$(id -u)" -eq 0 ] || die "must run as root (it runs apt-get)"
case $1 in
--print-mirror)
    system_mirror
    ;;
--install)
    shift
    [ $# -ge 2 ] || usage
    install_from_suite "$@"
    ;;
-h|--help)
    usage
    ;;
*)
    if [ "$1" = --refresh ]; then
        REFRESH=1
        shift
    fi
    [ $# -eq 3 ] || usage
    fetch_source "$1" "$2" "$3"
    ;;
esac
