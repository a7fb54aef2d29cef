#!/bin/sh
# t_sos.sh — a site's own emergency numbers: a pack's services of kind
# "emergency" pass lint, and the SOS screen shows them first (every phone
# of each), above the config's numbers; the example box shows while any
# number shown is an example, and goes once the administrator has set
# real numbers and the site's entry is not an example.
BUILD=${BUILD:-build}
PACK=$BUILD/asan/faro-pack
FARO=$BUILD/asan/faro
T=$(mktemp -d /tmp/faro-t-sos-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; grep -v '^ ' "$T/out" | head -20; fi; }

# site: the mini fixture plus one emergency service with two phones
site() { # DIR EXAMPLE KIND
    cp -r tests/fixtures/content-mini "$1"
    sed -i 's/^id: org.faro.test-mini/id: org.faro.site-sos/' "$1/pack.yaml"
    printf 'shelter-staff,%s,Shelter staff on duty%s,Personal de guardia del albergue%s,MX,Chiapas,Tapachula,,,,+12025550170;+12025550171,,,es,free,*,2026-10-01,Editor,%s,\n' \
        "$3" "$4" "$4" "$2" >> "$1/services.csv"
}
site "$T/ex" yes emergency " (example)"
"$PACK" lint "$T/ex" >"$T/out" 2>&1
check "lint accepts a service of kind emergency" $?
site "$T/typo" yes emergncy " (example)"
"$PACK" lint "$T/typo" >"$T/out" 2>&1
[ $? -ne 0 ] && grep -q "emergncy" "$T/out"
check "lint refuses an unknown kind, naming it" $?

mkdir -p "$T/d1/packs" "$T/d2/packs"
"$PACK" build "$T/ex" -o "$T/d1/packs/site.faro" >/dev/null 2>&1
printf 'data_dir: %s/d1\n' "$T" > "$T/k1.yaml"
"$FARO" --headless --config "$T/k1.yaml" --script /dev/stdin >"$T/out" 2>&1 <<'S'
tap "Español"
tap-exact "Emergencia"
expect-screen sos
expect "Personal de guardia del albergue (example)"
expect "+1 202 555 0170"
expect "+1 202 555 0171"
expect-above "+1 202 555 0171" "Policía"
expect "EJEMPLOS"
S
check "the site's emergency numbers come first, with the example box" $?

site "$T/real" no emergency ""
"$PACK" build "$T/real" -o "$T/d2/packs/site.faro" >/dev/null 2>&1
cat > "$T/k2.yaml" <<Y
data_dir: $T/d2
emergency:
  - {label: sos.kind.police, number: "+1 202 555 0180", kind: police}
Y
"$FARO" --headless --config "$T/k2.yaml" --script /dev/stdin >"$T/out" 2>&1 <<'S'
tap "English"
tap-exact "Emergency"
expect-screen sos
expect "Shelter staff on duty"
expect "+1 202 555 0180"
expect-above "Shelter staff on duty" "Police"
expect-not "EXAMPLES"
expect-not "+1 202 555 0190"
tap "Home"
tap "Services and contacts"
expect "Emergency numbers"
S
check "real numbers set: no example box, the config's list replaces the built-in one" $?

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
