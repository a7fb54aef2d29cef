#!/bin/sh
# t_qr.sh — the take-away QR codes as a person's phone sees them: the kiosk
# draws a service page, an article and the SOS screen, and Debian's zbarimg
# decodes the screenshots back to the vCard, the article's card and the
# emergency numbers' tel: URIs (at 1280x800 and on a small 800x480 screen).
BUILD=${BUILD:-build}
T=$(mktemp -d /tmp/faro-t-qr-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; cat "$T/out" "$T/log" 2>/dev/null | head -20; fi; }

cat > "$T/service.script" <<S
tap "Español"
tap "Servicios y contactos"
tap "Consulado de Haití"
wheel 3000
screenshot $T/service.png
S
XDG_DATA_HOME=$T "$BUILD/asan/faro" --headless --script "$T/service.script" >"$T/log" 2>&1
zbarimg -q --raw "$T/service.png" >"$T/out" 2>/dev/null
grep -q '^BEGIN:VCARD' "$T/out" && grep -q '^FN:Consulado de Haití (ejemplo)' "$T/out" &&
    grep -q '^TEL;TYPE=VOICE:+12025550101' "$T/out" && grep -q '^NOTE:Ejemplo' "$T/out" &&
    grep -q '^END:VCARD' "$T/out"
check "service vCard decodes from the screen" $?

cat > "$T/article.script" <<S
tap "English"
tap "Contact your family"
tap "Tell your family you are alive"
wheel 20000
screenshot $T/article.png
S
XDG_DATA_HOME=$T "$BUILD/asan/faro" --headless --script "$T/article.script" >"$T/log" 2>&1
zbarimg -q --raw "$T/article.png" >"$T/out" 2>/dev/null
head -n 1 "$T/out" | grep -q 'Tell your family you are alive' && grep -q '•' "$T/out"
check "article card decodes from the screen" $?

for size in "1280 800" "800 480"; do
cat > "$T/sos.script" <<S
resize $size
tap "Español"
tap-exact "Emergencia"
expect-screen sos
screenshot $T/sos.png
S
XDG_DATA_HOME=$T "$BUILD/asan/faro" --headless --script "$T/sos.script" >"$T/log" 2>&1
zbarimg -q --raw "$T/sos.png" >"$T/out" 2>/dev/null
grep -qx 'tel:+12025550190' "$T/out"
check "SOS number's tel: URI decodes from the screen at ${size% *}" $?
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
