#!/bin/sh
# t_linksets.sh — the two programs hold only their own code (the Makefile's
# KIOSK_SRC / TOOL_SRC / COMMON_SRC): nm on build/faro finds no pack
# builder, lint, keygen, signing, key-pack or publish symbol, and nm on
# build/faro-pack no screens, gfx, text layout, ui, app, keyboard, script,
# usb, search or sync symbol; neither program links a library it does not
# use (faro-pack needs no SDL).  Each binary must also hold what it is for,
# so a broken nm cannot pass.
BUILD=${BUILD:-build}
T=$(mktemp -d /tmp/faro-t-linksets-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

# defined symbols (global or file-local, code or data) of a binary
nm "$BUILD/faro" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[TtDdBbRr]$/ { print $3 }' | sort -u >"$T/faro"
nm "$BUILD/faro-pack" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[TtDdBbRr]$/ { print $3 }' | sort -u >"$T/pack"

# has FILE SYMBOL...: every symbol is defined
has() {
    f=$1; shift
    for s in "$@"; do grep -qx "$s" "$T/$f" || return 1; done
}
# lacks FILE REGEX: no defined symbol matches (prints the first few that do)
lacks() {
    if grep -E "$2" "$T/$1" >"$T/hits"; then head -5 "$T/hits"; return 1; fi
}

if has faro main sig_verify_hash catalog_parse txt_new screens_name store_add_file; then ok "faro holds the kiosk";
else ko "faro holds the kiosk"; fi
if has pack main pack_build_dir sig_keygen sig_sign_file publish_mirror keypack_write lcheck_dir; then
    ok "faro-pack holds the tool"; else ko "faro-pack holds the tool"; fi

tool='^(pack_build_|lint_|lcheck_|csv_|publish_|keypack_write|sig_keygen|sig_sign_|sig_seckey_)'
if lacks faro "$tool"; then ok "faro: no pack builder, lint, keygen, signing or publish";
else ko "faro: no pack builder, lint, keygen, signing or publish"; fi

kiosk='^(screens_|gfx_|txt_|ui_|app_|kbd_|script_|usb_|search_|sync_|mdoc_|qr_|admin_|cfg_)'
if lacks pack "$kiosk"; then ok "faro-pack: no screens, gfx, text layout or ui";
else ko "faro-pack: no screens, gfx, text layout or ui"; fi

if readelf -d "$BUILD/faro-pack" | grep NEEDED | grep -q -i -E 'sdl|freetype|harfbuzz'; then
    ko "faro-pack links no SDL"; readelf -d "$BUILD/faro-pack" | grep NEEDED
else ok "faro-pack links no SDL"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
