#!/bin/sh
# t_privacy.sh — the canary test: a visit leaves nothing behind.
#
# A person reads in Arabic, searches for a word that exists nowhere (the
# canary, typed on the on-screen keys), chooses a nationality and opens a
# service whose take-away QR code holds its card.  The kiosk is then left
# alone past the idle reset.  At that point the live process's memory
# (/proc/PID/mem over every mapping in /proc/PID/maps that can hold what
# the process computed: heap, stack, anonymous and writable mappings) and
# every file the kiosk wrote (its data folder: state.db and its -wal/-shm,
# search.db; its home; its log) must hold the canary, the nationality's
# Arabic name and the QR payload 0 times, in UTF-8, UTF-16 or UTF-32.
# Each hit is printed with its mapping (heap, stack, anon, a library's
# data, a file) and address, so the module that keeps it can be found.
#
# Controls, so that the test can fail: the same scan during the visit must
# find all three words, and the payload is read back from the screen with
# zbarimg first.  The script types each letter with its own `tap-exact`
# (the script file never holds the canary whole, and the player wipes each
# line it ran) and `hold` keeps the process alive for the scan.
#
# The release build (build/faro) is scanned, not the sanitizer one: ASan's
# shadow memory and quarantine make /proc/PID/mem enormous and keep every
# freed chunk on purpose.  The kiosk makes itself undumpable; root can read
# its memory anyway, and this test needs root.
BUILD=${BUILD:-build}
FARO=$BUILD/faro
SCAN=$BUILD/tools/memscan
T=$(mktemp -d /tmp/faro-t-privacy-XXXXXX)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$T"' EXIT
pass=0; fail=0
check() { if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi; }

CANARY=ظغثقفضظ                       # typed letter by letter: no pack or locale has it
NATION=منغوليا                       # Mongolia, as the Arabic country list names it
CANARY_TAPS=$(printf '%s' "$CANARY" | sed 's/./tap-exact "&"\n/g')

if [ "$(id -u)" != 0 ]; then
    echo "FAIL t_privacy needs root: the kiosk is undumpable, so only root may read /proc/PID/mem"
    echo "0 passed, 1 failed"
    exit 1
fi

# 1. the QR payload, as a phone reads it off the screen
cat > "$T/qr.script" <<S
tap "العربية"
tap "الخدمات وأرقام التواصل"
tap "الصحة"
tap "عيادة صحية للمهاجرين"
wheel 3000
screenshot $T/qr.png
S
HOME=$T/qrhome XDG_DATA_HOME=$T/qrhome "$FARO" --headless --config tests/scenarios/kiosk.yaml \
    --script "$T/qr.script" >"$T/qr.log" 2>&1
QR=$(zbarimg -q --raw "$T/qr.png" 2>/dev/null | grep '^TEL;TYPE=VOICE:' | tr -d '\r')
[ -n "$QR" ]
check "the service's QR payload is read off the screen ($QR)" $?
rm -rf "$T/qrhome"

# 2. the visit, held once during it and once after the idle reset
mkdir -p "$T/home"
cat > "$T/visit.script" <<S
tap "العربية"
tap "بحث"
$CANARY_TAPS
expect "$CANARY"
tap "الرئيسية"
tap "الخدمات وأرقام التواصل"
tap "اختر بلدك"
tap "$NATION"
expect "$NATION"
tap "الصحة"
tap "عيادة صحية للمهاجرين"
expect-screen service
wheel 3000
hold $T/during
wait 120s
expect-screen language
hold $T/after
S
HOME=$T/home XDG_DATA_HOME=$T/home/share "$FARO" --headless --config tests/scenarios/kiosk.yaml \
    --script "$T/visit.script" >"$T/home/faro.log" 2>&1 &
PID=$!

# waits (bounded) until the kiosk reaches `hold FILE`; 0 when it did
held() {
    i=0
    while [ ! -s "$1" ] && kill -0 $PID 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    [ -s "$1" ]
}

# scans the live kiosk for one word; prints where, returns the hit count (capped)
scan_mem() { # label word
    "$SCAN" --pid $PID "$2" >"$T/scan.out" 2>&1; src=$?
    n=$(tail -n 1 "$T/scan.out" | awk '{ print $1 }')
    grep '^hit' "$T/scan.out" | sort -k4,4 | awk -v l="$1" '{ print "     " l ": " $3 " in " $4 " at " $5 }' | head -n 40
    if [ $src -gt 1 ] || [ -z "$n" ]; then n=999; cat "$T/scan.out"; fi     # nothing could be read
    echo "$n" > "$T/scan.n"
}

scan_files() { # -> prints hits, leaves the count in $T/scan.n
    find "$T/home" -type f > "$T/files"
    # shellcheck disable=SC2046
    "$SCAN" --files $(cat "$T/files") -- "$CANARY" "$NATION" "$QR" >"$T/scan.out" 2>&1; src=$?
    grep '^hit' "$T/scan.out" | sed "s|$T/||" | awk '{ sub("WORD#1", "canary"); sub("WORD#2", "nationality"); sub("WORD#3", "qr"); print "     " $2 ": " $3 " in " $4 " at " $5 }' | head -n 40
    tail -n 1 "$T/scan.out" | awk '{ print $1 }' > "$T/scan.n"
    [ $src -gt 1 ] && { echo 999 > "$T/scan.n"; cat "$T/scan.out"; }     # nothing scanned
    grep -q 'state.db$' "$T/files" || { echo 999 > "$T/scan.n"; echo "     no state.db: the data folder was not used"; }
}

held "$T/during"
check "the visit was played (search, nationality, QR) and held during it" $?
for w in canary nationality qr; do
    case $w in canary) word=$CANARY ;; nationality) word=$NATION ;; qr) word=$QR ;; esac
    scan_mem "$w" "$word" >/dev/null
    [ "$(cat "$T/scan.n")" -gt 0 ] && [ "$(cat "$T/scan.n")" != 999 ]
    check "control: during the visit the $w is found in memory ($(cat "$T/scan.n") hits)" $?
done
rm -f "$T/during"

held "$T/after"
check "the idle reset ran and the kiosk was held after it" $?
for w in canary nationality qr; do
    case $w in canary) word=$CANARY ;; nationality) word=$NATION ;; qr) word=$QR ;; esac
    scan_mem "$w" "$word"
    [ "$(cat "$T/scan.n")" = 0 ]
    check "after the idle reset the $w is nowhere in the live process ($(cat "$T/scan.n") hits)" $?
done
scan_files
[ "$(cat "$T/scan.n")" = 0 ]
check "no file the running kiosk wrote holds them ($(cat "$T/scan.n") hits)" $?

rm -f "$T/after"
wait $PID; rc=$?
PID=
check "the kiosk finished the script (exit $rc)" $rc
scan_files
[ "$(cat "$T/scan.n")" = 0 ]
check "no file holds them after the kiosk exited ($(cat "$T/scan.n") hits)" $?

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
