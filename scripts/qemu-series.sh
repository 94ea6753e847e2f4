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
#                        generated patches; errors or warnings other than
#                        "does MAINTAINERS need updating?" make the exit
#                        status 1
#   --build-each         with --check: build every patch on its own, with
#                        `git rebase -x` in build-qemu.sh's work tree
#                        (${FEATMASK_CACHE}/qemu-work, which must hold
#                        this series) and its build directory
#   --no-signoff         commits for a local build: no Signed-off-by, and
#                        a local author if no identity is configured
#
# Each stanza of the series becomes one commit, made in a scratch clone of
# the base without checking out its files (only the index is used).  The
# author, the Signed-off-by line and the series' MAINTAINERS entry (the
# @FEATMASK_IDENTITY@ of the hook patches) are the identity of the person
# who posts the series: $FEATMASK_SIGNOFF ("Name <email>"), else git config
# featmask.signoff, else user.name and user.email.  A placeholder (an
# address under example.*, *.example, *.invalid, *.test or *.localhost) is
# refused: the DCO needs a real one.  OUTDIR receives 0000-cover-letter.patch
# (from cover-letter beside the series description), NNNN-*.patch and a
# file "series" listing the patches in order; zero stanzas give an empty
# series (pristine QEMU).  The format is described in
# docs/devel/building-qemu.rst.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${FEATMASK_CACHE:-/var/cache/featmask}
REPO=$(cd "$HERE/.." && pwd)
SERIES=$HERE/qemu-series/series
BASE=
CHECK=0
BUILD_EACH=0
SIGNOFF=1
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
    --build-each) BUILD_EACH=1; shift ;;
    --no-signoff) SIGNOFF=0; shift ;;
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

# The identity of the person who posts the series, "Name <email>".
identity=${FEATMASK_SIGNOFF:-$(git -C "$REPO" config featmask.signoff ||
                              true)}
if [ -z "$identity" ]; then
    name=$(git -C "$REPO" config user.name || true)
    email=$(git -C "$REPO" config user.email || true)
    [ -n "$name" ] && [ -n "$email" ] && identity="$name <$email>"
fi
name=${identity% <*}
email=${identity##*<}
email=${email%>}
placeholder()
{
    case $1 in
    *@*.example|*@*.invalid|*@*.test|*@*.localhost|*@example.*|*@*.example.*)
        return 0 ;;
    esac
    return 1
}
if [ "$SIGNOFF" = 1 ]; then
    case $identity in
    ?*" <"?*@?*">") ;;
    *) die "no author identity: set FEATMASK_SIGNOFF=\"Name <email>\" or" \
           "git config featmask.signoff (the patches' author and" \
           "Signed-off-by)" ;;
    esac
    ! placeholder "$email" ||
        die "'$identity' is a placeholder, not an identity that can sign" \
            "the DCO: set FEATMASK_SIGNOFF=\"Name <email>\" or git config" \
            "featmask.signoff"
elif [ -z "$identity" ] || placeholder "$email"; then
    name="featmask build"
    email="featmask-build@localhost"
fi
identity="$name <$email>"
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
        sed "s|@FEATMASK_IDENTITY@|$identity|g" "$HOOKS/$h" |
            git -C "$Q" apply --cached --whitespace=error-all ||
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
    if [ "$SIGNOFF" = 1 ]; then
        git -C "$Q" commit -q -s --cleanup=strip -F "$msg"
    else
        git -C "$Q" commit -q --cleanup=strip -F "$msg"
    fi
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
    cover=$(dirname "$SERIES")/cover-letter
    if [ -r "$cover" ]; then
        git -C "$Q" format-patch -q --no-signature --cover-letter \
            -o "$SCRATCH/cover" "$base..HEAD"
        # The cover letter's first line is its subject, the rest its text.
        awk -v cover="$cover" '
            BEGIN {
                while ((getline line < cover) > 0) {
                    if (line ~ /^#/) continue
                    if (subject == "") { subject = line; continue }
                    blurb = blurb line "\n"
                }
                sub(/^\n+/, "", blurb)
            }
            /\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject) }
            /^\*\*\* BLURB HERE \*\*\*$/ { printf "%s", blurb; next }
            { print }
        ' "$SCRATCH"/cover/0000-cover-letter.patch >"$OUT/0000-cover-letter.patch"
    fi
fi
(cd "$OUT" && ls -1 -- [0-9]*.patch 2>/dev/null | grep -v '^0000-' ||
    true) >"$OUT/series"
echo "qemu-series: $count patch(es) against $(git -C "$BASE_DIR" describe \
    --always --tags "$base" 2>/dev/null) in $OUT" >&2

if [ "$CHECK" = 1 ]; then
    [ "$count" -gt 0 ] || { echo "qemu-series: nothing to check" >&2; exit 0; }
    git -C "$Q" show "$base:scripts/checkpatch.pl" >"$SCRATCH/checkpatch.pl" ||
        die "the base tree has no scripts/checkpatch.pl"
    rc=0
    (cd "$OUT" && perl "$SCRATCH/checkpatch.pl" --no-tree --color=never \
        $(cat series)) >"$SCRATCH/checkpatch.out" 2>&1 || rc=$?
    cat "$SCRATCH/checkpatch.out"
    # Warnings other than the MAINTAINERS question count as errors.
    others=$(grep -A1 '^WARNING: ' "$SCRATCH/checkpatch.out" |
             grep '^WARNING: ' | grep -vc 'MAINTAINERS need updating' ||
             true)
    if [ "$rc" -ne 0 ] || [ "$others" -ne 0 ]; then
        echo "qemu-series: checkpatch.pl reported errors or warnings" >&2
        exit 1
    fi
    [ -s "$OUT/0000-cover-letter.patch" ] ||
        die "no cover letter (scripts/qemu-series/cover-letter)"
fi

# Every patch must build on its own: replay the series in build-qemu.sh's
# work tree, building after each commit.
if [ "$BUILD_EACH" = 1 ]; then
    [ "$CHECK" = 1 ] || die "--build-each goes with --check"
    WORK=$CACHE/qemu-work
    BUILD=$CACHE/qemu-build
    [ -f "$BUILD/build.ninja" ] ||
        die "no QEMU build in $BUILD: run scripts/build-qemu.sh first"
    [ "$(git -C "$WORK" rev-list --count pristine..HEAD)" = "$count" ] ||
        die "$WORK does not hold this series: run scripts/build-qemu.sh"
    cat >"$SCRATCH/build-one" <<EOF
ninja -C '$BUILD' qemu-system-x86_64 >'$SCRATCH/ninja.out' 2>&1 ||
    { tail -40 '$SCRATCH/ninja.out'; exit 1; }
echo "qemu-series: builds: \$(git log -1 --format=%s)" >&2
EOF
    git -C "$WORK" rebase -q --force-rebase -x "sh '$SCRATCH/build-one'" \
        pristine ||
        die "a patch does not build on its own (the work tree is left" \
            "at it; git -C $WORK rebase --abort)"
fi
