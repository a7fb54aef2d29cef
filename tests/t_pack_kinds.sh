#!/bin/sh
# t_pack_kinds.sh — a pack's type decides what it may change, and the
# installer enforces it at the door: a signed "locale" pack that carries
# content, or a "content" pack that carries UI strings, is refused and
# nothing is installed; honest packs of both kinds install.
BUILD=${BUILD:-build}
PACK=$BUILD/asan/faro-pack
T=$(mktemp -d /tmp/faro-t-kinds-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; cat "$T/out"; fi; }
mkdir -p "$T/data/keys"
"$PACK" keygen -p "$T/k.pub" -s "$T/k.key" >/dev/null 2>&1
cp "$T/k.pub" "$T/data/keys/k.pub"; echo "scope org.faro.*" > "$T/data/keys/k.scope"

"$PACK" build tests/fixtures/content-mini -o "$T/forged-locale.faro" >/dev/null 2>&1
sqlite3 "$T/forged-locale.faro" "UPDATE meta SET value='locale' WHERE key='type'"
"$PACK" sign "$T/forged-locale.faro" -s "$T/k.key" >/dev/null 2>&1
"$PACK" install "$T/data" "$T/forged-locale.faro" >"$T/out" 2>&1
[ $? -ne 0 ] && grep -q "a locale pack cannot change content" "$T/out" && [ -z "$(ls "$T/data/packs" 2>/dev/null)" ]
check "locale pack carrying content refused" $?

"$PACK" build tests/fixtures/content-mini -o "$T/forged-content.faro" >/dev/null 2>&1
sqlite3 "$T/forged-content.faro" "INSERT INTO media(name, mime, data) VALUES('locale/es.yaml', 'application/yaml', 'meta: {}')"
"$PACK" sign "$T/forged-content.faro" -s "$T/k.key" >/dev/null 2>&1
"$PACK" install "$T/data" "$T/forged-content.faro" >"$T/out" 2>&1
[ $? -ne 0 ] && grep -q "locale" "$T/out" && [ -z "$(ls "$T/data/packs" 2>/dev/null)" ]
check "content pack carrying UI strings refused" $?

"$PACK" build tests/fixtures/content-mini -o "$T/ok.faro" >/dev/null 2>&1
"$PACK" sign "$T/ok.faro" -s "$T/k.key" >/dev/null 2>&1
"$PACK" install "$T/data" "$T/ok.faro" >"$T/out" 2>&1
check "honest content pack installs" $?

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
