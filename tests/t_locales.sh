#!/bin/sh
# t_locales.sh — the locale check and translation packs through faro-pack.
#
# 1. `faro-pack locale check` on the real locales/ finds no error (exit 0).
# 2. Every case tests/locales-bad/<case>/ is an overlay on the clean
#    fixture tests/fixtures/locales-mini: its files replace or add to a copy,
#    and the problem lines printed (everything before the table) must be
#    exactly <case>/expected.txt, with exit status 1.
# 3. A translation pack folder (pack.yaml type: locale + locales/) builds;
#    one that also carries content, or a broken locale file, is refused.
# Ends with "N passed, N failed".
BUILD=${BUILD:-build}
TOOL=$(pwd)/$BUILD/asan/faro-pack
BASE=tests/fixtures/locales-mini
pass=0; fail=0
tmp=$(mktemp -d /tmp/faro-t-locales-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

# problem lines: everything before the table's header line
problems() { sed '/^lang  *dir  *reviewed/,$d' "$1"; }

if "$TOOL" locale check locales >"$tmp/real.out" 2>&1 && tail -n 1 "$tmp/real.out" | grep -q ' 0 errors,' &&
   grep -q '^es  *ltr' "$tmp/real.out"; then ok "locales/ checks clean";
else ko "locales/ checks clean"; cat "$tmp/real.out"; fi

if "$TOOL" locale check "$BASE" >"$tmp/base.out" 2>&1 && [ -z "$(problems "$tmp/base.out")" ]; then
    ok "clean fixture"
else ko "clean fixture"; cat "$tmp/base.out"; fi

for dir in tests/locales-bad/*/; do
    name=$(basename "$dir")
    mkdir -p "$tmp/cases" && rm -rf "$tmp/cases/$name"
    cp -R "$BASE" "$tmp/cases/$name" && cp -R "$dir". "$tmp/cases/$name"/ || { ko "$name: copy"; continue; }
    rm -f "$tmp/cases/$name/expected.txt"
    (cd "$tmp/cases" && "$TOOL" locale check "$name") >"$tmp/$name.out" 2>"$tmp/$name.err"; rc=$?
    problems "$tmp/$name.out" >"$tmp/$name.problems"
    if [ $rc = 1 ] && diff -u "$dir/expected.txt" "$tmp/$name.problems" >"$tmp/$name.diff"; then
        ok "$name"
    else
        ko "$name (exit $rc)"; cat "$tmp/$name.diff" "$tmp/$name.err"
    fi
done

# a translation pack: builds with locales/ only, refused with content
lp=$tmp/lpack
mkdir -p "$lp/locales"
cat >"$lp/pack.yaml" <<'YAML'
id: org.example.fr-fix
version: 3
layer: site
type: locale
languages: [fr]
title: {fr: Corrections françaises}
YAML
cat >"$lp/locales/fr.yaml" <<'YAML'
meta: {lang: fr, endonym: Français, direction: ltr, fallback: [en], reviewed: true}
strings:
  nav.back: Revenir
YAML
if FARO_LOCALES=locales "$TOOL" build "$lp" -o "$tmp/fr.faro" >"$tmp/lp.out" 2>&1 && [ -s "$tmp/fr.faro" ]; then
    ok "locale pack builds"
else ko "locale pack builds"; cat "$tmp/lp.out"; fi

printf 'topics: []\n' >"$lp/topics.yaml"
if ! FARO_LOCALES=locales "$TOOL" build "$lp" -o "$tmp/fr2.faro" >"$tmp/lp2.out" 2>&1 && [ ! -e "$tmp/fr2.faro" ] &&
   grep -q "^topics.yaml: a locale pack cannot change content" "$tmp/lp2.out"; then
    ok "locale pack with content refused"
else ko "locale pack with content refused"; cat "$tmp/lp2.out"; fi
rm "$lp/topics.yaml"

printf 'meta: {lang: fr, endonym: Français, direction: ltr, fallback: [en], reviewed: true}\nstrings:\n  nav.back: Revenir {nowhere}\n' >"$lp/locales/fr.yaml"
if ! FARO_LOCALES=locales "$TOOL" lint "$lp" >"$tmp/lp3.out" 2>&1 &&
   grep -q "^locales/fr.yaml:3: nav.back: placeholder {nowhere} is not in the source text" "$tmp/lp3.out"; then
    ok "locale pack lint checks placeholders"
else ko "locale pack lint checks placeholders"; cat "$tmp/lp3.out"; fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
