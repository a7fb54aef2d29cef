#!/bin/sh
# t_pictograms.sh — the default content's pictograms: the committed PNGs in
# content/default/media are what tests/tools/pictograms.c draws (byte for
# byte, with this machine's libpng and FreeType), and every article that
# shows them has, in every language it exists in, the same pictures with an
# alt text of its own (not left in English).
BUILD=${BUILD:-build}
T=$(mktemp -d /tmp/faro-t-pictograms-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

if "$BUILD/tools/pictograms" "$T" && [ "$(ls "$T" | wc -l)" -gt 0 ]; then ok "pictograms drawn";
else ko "pictograms drawn"; fi
for f in "$T"/*.png; do
    n=$(basename "$f")
    if cmp -s "$f" "content/default/media/$n"; then ok "$n is what the program draws";
    else ko "$n differs from the program's drawing (run build/tools/pictograms content/default/media)"; fi
done

# pictures of an article: "src" lines in order, and their alt texts
pics() { grep -o '!\[[^]]*\](media/[^)]*)' "$1" | sed 's/.*(\(.*\))/\1/'; }
alts() { grep -o '!\[[^]]*\]' "$1"; }
for art in tell-family in-an-emergency; do
    dir=content/default/articles/$art
    pics "$dir/en.md" >"$T/en.pics"
    alts "$dir/en.md" >"$T/en.alts"
    if [ -s "$T/en.pics" ]; then ok "$art shows pictures"; else ko "$art shows pictures"; fi
    for md in "$dir"/*.md; do
        lang=$(basename "$md" .md)
        pics "$md" >"$T/$lang.pics"
        if ! cmp -s "$T/en.pics" "$T/$lang.pics"; then ko "$art/$lang: not the same pictures as en"; continue; fi
        if alts "$md" | grep -q '^!\[\]$'; then ko "$art/$lang: a picture without alt text"; continue; fi
        if [ "$lang" != en ] && alts "$md" | grep -qxF -f "$T/en.alts"; then
            ko "$art/$lang: an alt text left in English"; continue; fi
        ok "$art/$lang: the same pictures, alt texts in $lang"
    done
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
