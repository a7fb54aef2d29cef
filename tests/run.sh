#!/bin/sh
# run.sh — runs every test and prints the closing line "N passed, N failed".
#
# 1. every C test program $BUILD/asan/tests/test_* (each ends with its own
#    "N passed, N failed" line; a crash or a missing line counts as 1 failed);
# 2. every shell test tests/t_*.sh (same contract);
# 3. every scenario script tests/scenarios/*.script, played by the kiosk
#    under sanitizers in headless mode: one script is one check.
# Output of each goes to $BUILD/test-logs/<name>.log; failures are shown.
BUILD=${BUILD:-build}
LOGS=$BUILD/test-logs
mkdir -p "$LOGS" "$BUILD/test-out"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export BUILD
pass=0; fail=0

add_result() { # name logfile exitcode
    line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1 | sed 's/^[A-Za-z]*: //')
    if [ -z "$line" ]; then
        fail=$((fail + 1)); echo "FAIL $1: no result line (exit $3)"; tail -n 20 "$2"; return
    fi
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    if [ "$3" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$f" != 0 ]; then echo "FAIL $1: $line (exit $3)"; grep -E 'FAIL|ERROR|Sanitizer|runtime error' "$2" | head -n 30;
    else echo "ok   $1: $line"; fi
}

for t in "$BUILD"/asan/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    "$t" >"$LOGS/$name.log" 2>&1; rc=$?
    add_result "$name" "$LOGS/$name.log" $rc
done

for t in tests/t_*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    sh "$t" >"$LOGS/$name.log" 2>&1; rc=$?
    add_result "$name" "$LOGS/$name.log" $rc
done

for s in tests/scenarios/*.script; do
    [ -f "$s" ] || continue
    name=$(basename "$s" .script)
    "$BUILD/asan/faro" --headless --config tests/scenarios/kiosk.yaml --script "$s" \
        --screenshot "$BUILD/test-out/$name.png" >"$LOGS/scenario_$name.log" 2>&1; rc=$?
    if [ $rc = 0 ]; then pass=$((pass + 1)); echo "ok   scenario $name";
    else fail=$((fail + 1)); echo "FAIL scenario $name (exit $rc)"; tail -n 15 "$LOGS/scenario_$name.log"; fi
done

echo "$pass passed, $fail failed"
[ $fail = 0 ]
