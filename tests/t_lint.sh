#!/bin/sh
# t_lint.sh — runs `faro-pack lint` on every broken content folder under
# tests/lint/<case>/ and compares its output with <case>/expected.txt.
#
# Each case is an overlay on the clean fixture tests/fixtures/content-mini:
# the case's files replace or add to a copy of it, so a case holds only
# what it breaks.  Optional files in a case (never copied):
#   expected.txt  the exact lines lint must print (exit status must be 1, or 0
#                 for a case named ok-*: a clean folder whose notes are checked)
#   remove.txt    paths (relative to the content folder) to delete first
#   setup.sh      run inside the copy (for inputs too big to commit)
# Also checks that the clean fixture lints silently with exit 0, and that
# `faro-pack build` refuses a broken folder and leaves no file behind.
BUILD=${BUILD:-build}
TOOL=$BUILD/asan/faro-pack
BASE=tests/fixtures/content-mini
pass=0; fail=0
tmp=$(mktemp -d /tmp/faro-t-lint-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

if "$TOOL" lint "$BASE" >"$tmp/base.out" 2>&1 && [ ! -s "$tmp/base.out" ]; then ok "clean fixture";
else ko "clean fixture"; cat "$tmp/base.out"; fi

for dir in tests/lint/*/; do
    name=$(basename "$dir")
    work=$tmp/$name
    cp -R "$BASE" "$work" && cp -R "$dir". "$work"/ || { ko "$name: copy"; continue; }
    rm -f "$work/expected.txt" "$work/remove.txt" "$work/setup.sh"
    if [ -f "$dir/remove.txt" ]; then
        while read -r p; do [ -n "$p" ] && rm -rf "${work:?}/$p"; done <"$dir/remove.txt"
    fi
    if [ -f "$dir/setup.sh" ]; then
        here=$(pwd)
        (cd "$work" && sh "$here/$dir/setup.sh") || { ko "$name: setup"; continue; }
    fi
    "$TOOL" lint "$work" >"$tmp/$name.out" 2>"$tmp/$name.err"; rc=$?
    want=1; case $name in ok-*) want=0 ;; esac
    if [ $rc = $want ] && diff -u "$dir/expected.txt" "$tmp/$name.out" >"$tmp/$name.diff"; then
        ok "$name"
    else
        ko "$name (exit $rc)"; cat "$tmp/$name.diff" "$tmp/$name.err"
    fi
done

# build refuses a broken folder, prints the same problems, writes nothing
"$TOOL" build "$tmp/unknown-article" -o "$tmp/out.faro" >"$tmp/build.out" 2>&1; rc=$?
if [ $rc = 1 ] && [ ! -e "$tmp/out.faro" ] && [ ! -e "$tmp/out.faro.tmp" ] &&
   grep -q "topics.yaml:6: unknown article 'nowhere'" "$tmp/build.out"; then ok "build refuses";
else ko "build refuses (exit $rc)"; cat "$tmp/build.out"; fi

# a missing folder is a usage/I-O error (exit 2), not a lint result
"$TOOL" lint "$tmp/no-such-folder" >/dev/null 2>&1; rc=$?
if [ $rc = 2 ]; then ok "missing folder"; else ko "missing folder (exit $rc)"; fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
