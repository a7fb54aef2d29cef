#!/bin/sh
# t_badinput.sh — the kiosk starts on what it has when its inputs are broken:
# a broken config, an unknown language, a broken locale file, a missing font
# folder, a broken installed pack.  Each case must exit 0 (headless picture
# written) and log what is wrong.
BUILD=${BUILD:-build}
FARO=$BUILD/asan/faro
T=$(mktemp -d)
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/    /' "$T/log" | head -n 20; }

# expect NAME PATTERN -- args...: runs faro headless, needs exit 0, a PNG and PATTERN in the log
expect() {
    name=$1; pattern=$2; shift 3
    rm -f "$T/shot.png"
    "$FARO" --headless --screenshot "$T/shot.png" "$@" >"$T/log" 2>&1; rc=$?
    if [ $rc -eq 0 ] && [ -s "$T/shot.png" ] && grep -q -- "$pattern" "$T/log"; then ok "$name"; else bad "$name (exit $rc)"; fi
}

mkdir -p "$T/data/packs" "$T/locales"
cp locales/*.yaml "$T/locales/"

printf 'idle_timeout_s: [1, 2\nwidth: 800\n' > "$T/broken.yaml"
expect "broken config YAML" "broken.yaml:" -- --config "$T/broken.yaml"

printf 'languages: [es, xx, fr]\ndata_dir: %s/data\nlocales_dir: %s/locales\n' "$T" "$T" > "$T/unknown-lang.yaml"
expect "unknown language in config" "language 'xx' has no locale file" -- --config "$T/unknown-lang.yaml"

printf 'meta: {lang: fr, endonym: Français\nstrings: [\n' > "$T/locales/fr.yaml"
printf 'data_dir: %s/data\nlocales_dir: %s/locales\n' "$T" "$T" > "$T/kiosk.yaml"
expect "locale file with a syntax error" "fr.yaml:" -- --config "$T/kiosk.yaml"
# the other languages are still offered
"$FARO" --headless --config "$T/kiosk.yaml" --script /dev/stdin >"$T/log" 2>&1 <<'S'
expect "Español"
expect-not "Français"
tap "Español"
expect-screen home
S
if [ $? -eq 0 ]; then ok "other languages still work"; else bad "other languages still work"; fi

printf 'assets_dir: %s/nofonts\ndata_dir: %s/data\n' "$T" "$T" > "$T/nofonts.yaml"
"$FARO" --headless --config "$T/nofonts.yaml" --screenshot "$T/shot.png" >"$T/log" 2>&1; rc=$?
if [ $rc -eq 0 ] && [ -s "$T/shot.png" ] && grep -q "nofonts" "$T/log"; then ok "missing font folder: logged, shipped fonts used"; else bad "missing font folder (exit $rc)"; fi

head -c 5000 /dev/urandom > "$T/data/packs/garbage.faro"
printf 'data_dir: %s/data\n' "$T" > "$T/data.yaml"
expect "broken installed pack" "garbage.faro" -- --config "$T/data.yaml"
"$FARO" --headless --config "$T/data.yaml" --script /dev/stdin >"$T/log" 2>&1 <<'S'
tap "English"
expect "Risks on the route"
S
if [ $? -eq 0 ]; then ok "default content still shown"; else bad "default content still shown"; fi

cat > "$T/emergency.yaml" <<Y
data_dir: $T/data
emergency:
  - {label: Police, number: "call the police", kind: police}
  - {label: Shelter staff (room 3), number: "+12025550142", kind: staff}
  - {label: Fire, number: "+12025550143", kind: volcano}
Y
expect "bad emergency number: file and line" "emergency.yaml:3: emergency entry 1: bad number" -- --config "$T/emergency.yaml"
expect "unknown emergency kind: file and line" "emergency.yaml:5: emergency entry 3: unknown kind" -- --config "$T/emergency.yaml"
"$FARO" --headless --config "$T/emergency.yaml" --script /dev/stdin >"$T/log" 2>&1 <<'S'
tap "English"
tap-exact "Emergency"
expect-screen sos
expect "Shelter staff (room 3)"
expect "+1 202 555 0142"
expect-not "EXAMPLES"
expect-not "call the police"
S
if [ $? -eq 0 ]; then ok "the good emergency entry is shown, without the example box"; else bad "good emergency entry shown"; fi

"$FARO" --headless --script "$T/missing.script" >"$T/log" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "missing.script: cannot open" "$T/log"; then ok "missing script"; else bad "missing script"; fi

printf 'tap "Español"\nfrobnicate\n' > "$T/bad.script"
"$FARO" --headless --script "$T/bad.script" >"$T/log" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "bad.script:2: unknown command" "$T/log"; then ok "bad script line"; else bad "bad script line"; fi

# a screenshot without --headless would open a window and never end: refused at once
timeout 20 "$FARO" --screenshot "$T/x.png" >"$T/log" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q "only with --headless" "$T/log"; then ok "--screenshot without --headless refused";
else bad "--screenshot without --headless refused (exit $rc)"; fi

rm -rf "$T"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
