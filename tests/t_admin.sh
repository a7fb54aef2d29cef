#!/bin/sh
# t_admin.sh — the administrator's console, end to end on the headless kiosk:
# the hidden gesture and the PIN (right, wrong, the delay surviving a
# restart), languages shown and their order (persisted in the state
# database), usage counts exported to a USB stick as per-day counts only,
# removing an installed pack (the Status tab first counts its recording in
# the audio coverage), and the console in Spanish and Arabic.
BUILD=${BUILD:-build}
FARO=$BUILD/asan/faro
PACK=$BUILD/asan/faro-pack
T=$(mktemp -d /tmp/faro-t-admin-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/    /' "$T/log" | tail -n 25; }
run() { # name config script-text
    printf '%s\n' "$3" > "$T/s.script"
    "$FARO" --headless --config "$2" --script "$T/s.script" >"$T/log" 2>&1
    if [ $? -eq 0 ]; then ok "$1"; else bad "$1"; fi
}
GESTURE='tap 10 10
tap 10 10
tap 10 10
tap 10 10
tap 10 10
expect-screen admin-pin'

mkdir -p "$T/data" "$T/media/STICK"
printf '2468\n' | "$PACK" pin set "$T/data" >/dev/null 2>&1
cat > "$T/en.yaml" <<Y
data_dir: $T/data
usb_roots: [$T/media]
languages: [en, es, fr, ar]
Y

run "gesture, wrong PIN, right PIN" "$T/en.yaml" "$GESTURE
tap \"1\"
tap \"1\"
tap \"1\"
tap \"1\"
tap \"Open\"
expect \"This PIN is not right\"
expect-screen admin-pin
wait 3s
tap \"2\"
tap \"4\"
tap \"6\"
tap \"8\"
tap \"Open\"
expect-screen admin
expect \"Kiosk version\"
expect \"org.faro.default version 1\"
screenshot $T/console.png"
[ -f "$T/console.png" ] && mkdir -p "$BUILD/test-out" && cp "$T/console.png" "$BUILD/test-out/admin_console_en.png"

run "four taps are not the gesture" "$T/en.yaml" "tap 10 10
tap 10 10
tap 10 10
tap 10 10
expect-screen language"

# wrong PINs: the delay grows and survives a restart
run "wrong PINs are delayed" "$T/en.yaml" "$GESTURE
tap \"9\"
tap \"9\"
tap \"9\"
tap \"9\"
tap \"Open\"
wait 2s
tap \"9\"
tap \"9\"
tap \"9\"
tap \"9\"
tap \"Open\"
wait 3s
tap \"9\"
tap \"9\"
tap \"9\"
tap \"9\"
tap \"Open\"
expect \"Try again in\""
run "the delay survives a restart: even the right PIN waits" "$T/en.yaml" "$GESTURE
tap \"2\"
tap \"4\"
tap \"6\"
tap \"8\"
tap \"Open\"
expect-screen admin-pin
expect \"Try again in\""
run "after the delay the right PIN opens" "$T/en.yaml" "$GESTURE
wait 60s
tap \"2\"
tap \"4\"
tap \"6\"
tap \"8\"
tap \"Open\"
expect-screen admin"

OPEN="$GESTURE
tap \"2\"
tap \"4\"
tap \"6\"
tap \"8\"
tap \"Open\"
expect-screen admin"

# languages: hide French, move Arabic to the top; kept after a restart
run "languages shown and their order" "$T/en.yaml" "$OPEN
tap \"Languages\"
tap 850 440
expect \"Saved.\"
tap \"Close the console\"
expect-screen language
expect-not \"Français\""
run "language setting survives a restart" "$T/en.yaml" "expect-screen language
expect-not \"Français\"
expect \"Español\"
expect \"العربية\""

# usage: browse, export to the stick, only day,topic,lang,views rows
run "usage exported to the stick" "$T/en.yaml" "tap \"Español\"
tap \"Tus derechos\"
tap \"refugio\"
key back
key back
tap \"Riesgos en el camino\"
tap \"Atrás\"
tap \"Idioma\"
$OPEN
tap \"Usage\"
tap \"Export usage counts to the USB stick\"
expect \"Usage counts saved as\""
csv=$(ls "$T"/media/STICK/faro-usage-*.csv 2>/dev/null | head -n 1)
if [ -n "$csv" ] && head -n 1 "$csv" | grep -qx 'day,topic,lang,views' &&
   grep -q '^[0-9-]*,rights,es,1$' "$csv" &&
   [ "$(awk -F, 'NR > 1 && (NF != 4 || $1 !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/ || $4 !~ /^[0-9]+$/)' "$csv" | wc -l)" = 0 ]; then
    ok "usage CSV holds only per-day counts"
else
    fail=$((fail + 1)); echo "FAIL usage CSV holds only per-day counts ($csv)"; od -c "$csv" | head -5
fi

# remove an installed pack from the console
"$PACK" keygen -p "$T/k.pub" -s "$T/k.key" >/dev/null 2>&1
cp "$T/k.pub" "$T/data/keys/ngo.pub"; echo "scope org.faro.*" > "$T/data/keys/ngo.scope"
# (the pack carries one recording: the Status tab counts it)
cp -R tests/fixtures/content-mini "$T/mini" && mkdir -p "$T/mini/audio/en" &&
    sox -n -r 48000 -b 16 -c 1 "$T/tone.wav" synth 0.5 sine 440 2>/dev/null &&
    opusenc --quiet "$T/tone.wav" "$T/mini/audio/en/article-stay-safe.opus" 2>/dev/null
"$PACK" build "$T/mini" -o "$T/mini.faro" >/dev/null 2>&1
"$PACK" sign "$T/mini.faro" -s "$T/k.key" >/dev/null 2>&1
"$PACK" install "$T/data" "$T/mini.faro" >/dev/null 2>&1
run "remove a pack from the console" "$T/en.yaml" "tap \"English\"
expect \"Safety\"
tap \"Language\"
$OPEN
expect \"Spoken content\"
expect \"en: 1 of \"
expect \"es: 0 of \"
tap \"Packs\"
expect \"org.faro.test-mini\"
tap \"Remove\"
expect \"Remove the pack org.faro.test-mini?\"
tap \"Yes, do it\"
expect \"was removed\"
tap \"Close the console\"
tap \"English\"
expect-not \"Safety\"
expect \"Risks on the route\""

# the console in Spanish and in Arabic (the kiosk's first language)
mkdir -p "$T/data-es" "$T/data-ar"
printf '2468\n' | "$PACK" pin set "$T/data-es" >/dev/null 2>&1
printf '2468\n' | "$PACK" pin set "$T/data-ar" >/dev/null 2>&1
printf 'data_dir: %s/data-es\nlanguages: [es, en]\n' "$T" > "$T/es.yaml"
run "console in Spanish" "$T/es.yaml" "$GESTURE
expect \"PIN del administrador\"
tap \"2\"
tap \"4\"
tap \"6\"
tap \"8\"
tap \"Abrir\"
expect-screen admin
expect \"Consola del administrador\"
tap \"Idiomas\"
expect \"Idiomas\"
tap \"Cerrar la consola\"
expect-screen language"
printf 'data_dir: %s/data-ar\nlanguages: [ar, en]\n' "$T" > "$T/ar.yaml"
run "console in Arabic, mirrored" "$T/ar.yaml" "$GESTURE
tap \"2\"
tap \"4\"
tap \"6\"
tap \"8\"
tap \"فتح\"
expect-screen admin
expect-rtl 1
expect \"وحدة تحكم المسؤول\"
tap \"الحزم\"
screenshot $T/console_ar.png
tap \"إغلاق وحدة التحكم\"
expect-screen language"
[ -f "$T/console_ar.png" ] && cp "$T/console_ar.png" "$BUILD/test-out/admin_console_ar.png"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
