#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generate featmask's patch series for QEMU with `git format-patch`.
#
# Usage: qemu-series.sh [options] OUTDIR
#   --base GITDIR[:REV]  QEMU tree the series applies to (default: the work
#                        tree of build-qemu.sh, ${FEATMASK_CACHE}/qemu-work,
#                        at tag "pristine"; REV defaults to HEAD otherwise)
#   --series FILE        series description (default
#                        scripts/qemu-series/series); its hook patches are
#                        looked up in the folder hooks/ beside it
#   --repo DIR           where the files named by Files: are (default: the
#                        featmask repository holding this script)
#   --check              run the base tree's scripts/checkpatch.pl over the
#                        generated patches; errors make the exit status 1
#
# Each stanza of the series becomes one commit, made in a scratch clone of
# the base without checking out its files (only the index is used), with the
# author of the featmask repository's git config and a Signed-off-by line.
# OUTDIR receives NNNN-*.patch and a file "series" listing them in order;
# zero stanzas give an empty series (pristine QEMU).  The format is described
# in docs/devel/building-qemu.rst.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${FEATMASK_CACHE:-/var/cache/featmask}
REPO=$(cd "$HERE/.." && pwd)
SERIES=$HERE/qemu-series/series
BASE=
CHECK=0
OUT=

die()
{
    echo "qemu-series: error: $*" >&2
    exit 1
}

usage()
{
    sed -n '/^# Usage:/,/^# Each stanza/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --base) BASE=$2; shift 2 ;;
    --series) SERIES=$2; shift 2 ;;
    --repo) REPO=$(cd "$2" && pwd); shift 2 ;;
    --check) CHECK=1; shift ;;
    -h|--help) usage ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$OUT" ] || usage; OUT=$1; shift ;;
    esac
done
[ -n "$OUT" ] || usage
[ -r "$SERIES" ] || die "no series description $SERIES"
SERIES=$(cd "$(dirname "$SERIES")" && pwd)/$(basename "$SERIES")
HOOKS=$(dirname "$SERIES")/hooks

if [ -z "$BASE" ]; then
    BASE_DIR=$CACHE/qemu-work
    BASE_REV=pristine
    [ -d "$BASE_DIR/.git" ] ||
        die "no QEMU base: run scripts/build-qemu.sh once, or pass --base"
else
    BASE_DIR=${BASE%%:*}
    BASE_REV=HEAD
    [ "$BASE" = "$BASE_DIR" ] || BASE_REV=${BASE#*:}
fi
git -C "$BASE_DIR" rev-parse -q --verify "$BASE_REV^{commit}" >/dev/null ||
    die "$BASE_DIR has no commit '$BASE_REV'"

# The series description, flattened to one record per line:
#   S subject | B body line | F file | H hook | E end of stanza
# A stanza is a group of "Field: value" lines separated by blank lines;
# a line starting with white space continues the previous field; in Body a
# continuation line holding only "." is an empty line; '#' starts a comment
# line.
parse_series()
{
    awk -v file="$SERIES" '
        function fail(msg) {
            printf "qemu-series: error: %s:%d: %s\n", file, NR, msg > "/dev/stderr"
            bad = 1; exit 1
        }
        function words(kind, text,   n, i, w) {
            n = split(text, w, /[ \t]+/)
            for (i = 1; i <= n; i++) if (w[i] != "") print kind "\t" w[i]
        }
        function end_stanza() {
            if (!open) return
            if (!subject) fail("stanza without Subject")
            print "E"
            open = 0; subject = 0; field = ""
        }
        /^#/ { next }
        /^[ \t]*$/ { end_stanza(); next }
        /^[ \t]/ {
            if (field == "") fail("continuation line outside a field")
            line = $0; sub(/^[ \t]/, "", line)
            if (field == "Body") {
                print "B\t" (line == "." ? "" : line)
            } else if (field == "Files") {
                words("F", line)
            } else if (field == "Hooks") {
                words("H", line)
            } else {
                fail("field " field " takes one line")
            }
            next
        }
        {
            if (!match($0, /^[A-Za-z-]+:/)) fail("expected Field: value")
            field = substr($0, 1, RLENGTH - 1)
            value = substr($0, RLENGTH + 1); sub(/^[ \t]+/, "", value)
            open = 1
            if (field == "Subject") {
                if (value == "") fail("empty Subject")
                print "S\t" value; subject = 1
            } else if (field == "Body") {
                if (value != "") print "B\t" value
            } else if (field == "Files") {
                words("F", value)
            } else if (field == "Hooks") {
                words("H", value)
            } else {
                fail("unknown field " field)
            }
        }
        END { if (!bad) end_stanza() }
    ' "$SERIES"
}

records=$(parse_series) || die "cannot parse $SERIES"

name=$(git -C "$REPO" config user.name || true)
email=$(git -C "$REPO" config user.email || true)
[ -n "$name" ] && [ -n "$email" ] ||
    die "set user.name and user.email in git config (the patches' author)"
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email

SCRATCH=$(mktemp -d /tmp/qemu-series.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
Q=$SCRATCH/qemu
git clone -q --shared --no-checkout "$BASE_DIR" "$Q"
base=$(git -C "$BASE_DIR" rev-parse "$BASE_REV^{commit}")
git -C "$Q" update-ref refs/heads/featmask-series "$base"
git -C "$Q" symbolic-ref HEAD refs/heads/featmask-series
# Only the index is used: files are added as blobs, hooks applied --cached.
git -C "$Q" read-tree "$base"

subject=
body=()
files=()
hooks=()
count=0

commit_stanza()
{
    local f mode blob h msg=$SCRATCH/msg
    count=$((count + 1))
    for f in "${files[@]}"; do
        case $f in
        /*|*..*) die "stanza $count ($subject): bad path '$f'" ;;
        esac
        [ -f "$REPO/$f" ] ||
            die "stanza $count ($subject): no file $REPO/$f"
        mode=100644
        [ -x "$REPO/$f" ] && mode=100755
        blob=$(git -C "$Q" hash-object -w -- "$REPO/$f")
        git -C "$Q" update-index --add --cacheinfo "$mode,$blob,$f"
    done
    for h in "${hooks[@]}"; do
        [ -f "$HOOKS/$h" ] ||
            die "stanza $count ($subject): no hook patch $HOOKS/$h"
        git -C "$Q" apply --cached --whitespace=error-all "$HOOKS/$h" ||
            die "stanza $count ($subject): hook $h does not apply"
    done
    if git -C "$Q" diff --cached --quiet; then
        die "stanza $count ($subject) changes nothing"
    fi
    {
        echo "$subject"
        if [ ${#body[@]} -gt 0 ]; then
            echo
            printf '%s\n' "${body[@]}"
        fi
    } >"$msg"
    git -C "$Q" commit -q -s --cleanup=strip -F "$msg"
    subject=
    body=()
    files=()
    hooks=()
}

while IFS=$'\t' read -r kind value; do
    case $kind in
    S) subject=$value ;;
    B) body+=("$value") ;;
    F) files+=("$value") ;;
    H) hooks+=("$value") ;;
    E) commit_stanza ;;
    "") ;;
    *) die "internal: record '$kind'" ;;
    esac
done <<<"$records"

mkdir -p "$OUT"
rm -f "$OUT"/*.patch "$OUT/series"
if [ "$count" -gt 0 ]; then
    git -C "$Q" format-patch -q --no-signature -o "$(cd "$OUT" && pwd)" \
        "$base..HEAD"
fi
(cd "$OUT" && ls -1 -- *.patch 2>/dev/null || true) >"$OUT/series"
echo "qemu-series: $count patch(es) against $(git -C "$BASE_DIR" describe \
    --always --tags "$base" 2>/dev/null) in $OUT" >&2

if [ "$CHECK" = 1 ]; then
    [ "$count" -gt 0 ] || { echo "qemu-series: nothing to check" >&2; exit 0; }
    git -C "$Q" show "$base:scripts/checkpatch.pl" >"$SCRATCH/checkpatch.pl" ||
        die "the base tree has no scripts/checkpatch.pl"
    rc=0
    (cd "$OUT" && perl "$SCRATCH/checkpatch.pl" --no-tree --color=never \
        $(cat series)) || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "qemu-series: checkpatch.pl reported errors" >&2
        exit 1
    fi
fi
