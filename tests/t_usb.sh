#!/bin/sh
# t_usb.sh — a USB stick reaches the running kiosk: the watcher finds the
# signed pack on a stick folder, the installer installs it, the screen shows
# progress and the result in the kiosk's language, and the new content is
# on screen without a restart.  A second stick with a pack signed by an
# unknown key is refused with its reason, and the content stays.
BUILD=${BUILD:-build}
FARO=$BUILD/asan/faro
PACK=$BUILD/asan/faro-pack
T=$(mktemp -d /tmp/faro-t-usb-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/    /' "$T/log" | tail -n 25; }

mkdir -p "$T/data/keys" "$T/media/STICK1/faro" "$T/media2/STICK2/faro"
"$PACK" keygen -p "$T/ngo.pub" -s "$T/ngo.key" >/dev/null 2>&1
"$PACK" keygen -p "$T/evil.pub" -s "$T/evil.key" >/dev/null 2>&1
cp "$T/ngo.pub" "$T/data/keys/ngo.pub"
echo "scope org.faro.*" > "$T/data/keys/ngo.scope"
"$PACK" build tests/fixtures/content-mini -o "$T/media/STICK1/faro/mini.faro" >/dev/null 2>&1
"$PACK" sign "$T/media/STICK1/faro/mini.faro" -s "$T/ngo.key" >/dev/null 2>&1 || echo "sign failed"
cp "$T/media/STICK1/faro/mini.faro" "$T/media2/STICK2/faro/mini.faro"
"$PACK" sign "$T/media2/STICK2/faro/mini.faro" -s "$T/evil.key" >/dev/null 2>&1

cat > "$T/kiosk.yaml" <<Y
data_dir: $T/data
usb_roots: [$T/media]
languages: [es, en, fr, ar]
Y
cat > "$T/install.script" <<'S'
tap "English"
expect "Risks on the route"
expect-not "Safety"
wait-usb 60s
expect-screen usb
expect "Content from a USB stick"
expect "org.faro.test-mini"
expect "Installed."
expect "Finished. 1 pack installed."
screenshot OUT/usb_installed.png
tap "OK"
expect-screen home
expect "Safety"
expect "Risks on the route"
tap "Safety"
expect-screen topic
S
sed -i "s|OUT|$T|" "$T/install.script"
"$FARO" --headless --config "$T/kiosk.yaml" --script "$T/install.script" >"$T/log" 2>&1
if [ $? -eq 0 ]; then ok "stick installs and the new content shows"; else bad "stick installs"; fi
[ -f "$T/usb_installed.png" ] && mkdir -p "$BUILD/test-out" && cp "$T/usb_installed.png" "$BUILD/test-out/"

# after a restart the installed pack is still there (and the stick is gone)
rm -rf "$T/media/STICK1"
cat > "$T/again.script" <<'S'
tap "Español"
expect "Seguridad"
S
"$FARO" --headless --config "$T/kiosk.yaml" --script "$T/again.script" >"$T/log" 2>&1
if [ $? -eq 0 ]; then ok "installed pack survives a restart"; else bad "installed pack survives a restart"; fi

# a stick signed by an unknown key: refused in the kiosk's language, nothing changes
cat > "$T/kiosk2.yaml" <<Y
data_dir: $T/data
usb_roots: [$T/media2]
languages: [en, es]
Y
before=$(ls -l "$T/data/packs" | md5sum)
cat > "$T/refuse.script" <<'S'
wait-usb 60s
expect-screen usb
expect "publisher this kiosk does not trust"
expect "Nothing new was installed"
screenshot OUT/usb_refused.png
S
sed -i "s|OUT|$T|" "$T/refuse.script"
"$FARO" --headless --config "$T/kiosk2.yaml" --script "$T/refuse.script" >"$T/log" 2>&1
rc=$?
after=$(ls -l "$T/data/packs" | md5sum)
if [ $rc -eq 0 ] && [ "$before" = "$after" ]; then ok "unknown key refused, packs unchanged"; else bad "unknown key refused (exit $rc)"; fi
[ -f "$T/usb_refused.png" ] && cp "$T/usb_refused.png" "$BUILD/test-out/"

# a translation pack on a stick: new words on the running kiosk, no restart
mkdir -p "$T/words/locales" "$T/media3/STICK3/faro"
cat > "$T/words/pack.yaml" <<Y
id: org.faro.words-es
version: 1
layer: site
type: locale
languages: [es]
title: {es: Palabras}
Y
sed 's/^  home.title: .*/  home.title: ¿Qué buscas hoy?/' locales/es.yaml > "$T/words/locales/es.yaml"
"$PACK" build "$T/words" -o "$T/media3/STICK3/faro/words.faro" >"$T/log" 2>&1 || echo "locale pack build failed"
"$PACK" sign "$T/media3/STICK3/faro/words.faro" -s "$T/ngo.key" >/dev/null 2>&1
cat > "$T/kiosk3.yaml" <<Y
data_dir: $T/data
usb_roots: [$T/media3]
languages: [es, en]
Y
cat > "$T/words.script" <<'S'
tap "Español"
expect "¿Qué necesitas?"
wait-usb 60s
expect-screen usb
expect "org.faro.words-es"
tap "Aceptar"
expect-screen home
expect "¿Qué buscas hoy?"
expect-not "¿Qué necesitas?"
S
"$FARO" --headless --config "$T/kiosk3.yaml" --script "$T/words.script" >"$T/log" 2>&1
if [ $? -eq 0 ]; then ok "translation pack changes the words without a restart"; else bad "translation pack"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
