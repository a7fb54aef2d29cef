#!/bin/sh
# bench.sh — prints Faro's performance figures, one per line: `name: value unit`.
# Run by `make bench` from the repo root on the optimised build.  Window
# figures run under Xvfb (a real X server, no GPU) with SDL's software
# renderer.  Nothing here asserts: the figures are for people to compare.
BUILD=${BUILD:-build}
FARO=$BUILD/faro
T=$(mktemp -d)
DISPLAY_NUM=${BENCH_DISPLAY:-:97}

Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null; rm -rf "$T"' EXIT INT TERM
for i in $(seq 50); do [ -e "/tmp/.X11-unix/X${DISPLAY_NUM#:}" ] && break; sleep 0.1; done
export DISPLAY=$DISPLAY_NUM
export XDG_DATA_HOME=$T/data

# startup_first_frame_ms: process start to the first presented frame (median of 7)
for i in 1 2 3 4 5 6 7; do
    start=$(date +%s%N)
    end=$("$FARO" --first-frame-ns 2>/dev/null)
    echo $(( (end - start) / 1000 ))
done | sort -n | sed -n 4p | awk '{ printf "startup_first_frame_ms: %.1f ms\n", $1 / 1000 }'

# startup_bare_sdl_ms: the floor on this display: an SDL window, one cleared frame (median of 7)
for i in 1 2 3 4 5 6 7; do
    start=$(date +%s%N)
    end=$("$BUILD/tools/baresdl" 2>/dev/null)
    echo $(( (end - start) / 1000 ))
done | sort -n | sed -n 4p | awk '{ printf "startup_bare_sdl_ms: %.1f ms\n", $1 / 1000 }'

# rss_home_mb and idle_cpu_percent: the home screen in a window, left alone
"$FARO" --lang es >/dev/null 2>&1 &
PID=$!
sleep 2
t0=$(awk '{ print $14 + $15 }' /proc/$PID/stat)
sleep 10
t1=$(awk '{ print $14 + $15 }' /proc/$PID/stat)
hwm=$(awk '/VmHWM/ { print $2 }' /proc/$PID/status)
kill $PID; wait $PID 2>/dev/null
hz=$(getconf CLK_TCK)
echo "$hwm" | awk '{ printf "rss_home_mb: %.1f MB\n", $1 / 1024 }'
echo "$t0 $t1 $hz" | awk '{ printf "idle_cpu_percent: %.1f %%\n", ($2 - $1) * 100 / $3 / 10 }'

# scroll_frame_p50_ms / p99: the longest default article, software renderer, 1280x800
"$BUILD/tools/scrollbench" es scroll_frame
# image_decode_ms_1mp: a 1-megapixel JPEG decoded and scaled by the picture thread;
# scroll_frame_p99_img_ms: an article with three such photos, scrolled the same way (tests/tools/imagebench.c)
"$BUILD/tools/imagebench"

# binary_kb: the kiosk binary, stripped (the default pack is embedded in it)
strip -o "$T/faro.stripped" "$FARO"
echo "binary_kb: $(( $(stat -c %s "$T/faro.stripped") / 1024 )) KB"
# faro_binary_kb / faro_pack_binary_kb: each program stripped, holding only its own link set
echo "faro_binary_kb: $(( $(stat -c %s "$T/faro.stripped") / 1024 )) KB"
strip -o "$T/faro-pack.stripped" "$BUILD/faro-pack"
echo "faro_pack_binary_kb: $(( $(stat -c %s "$T/faro-pack.stripped") / 1024 )) KB"

# pack_build_ms: content/default to a pack
"$BUILD/faro-pack" build content/default -o "$T/default.faro" 2>&1 | grep '^pack_build_ms:'

# the text engine's figures
[ -x "$BUILD/tools/txtbench" ] && "$BUILD/tools/txtbench"

# network sync from a local nginx: poll_nochange_bytes, http_install_mb_per_s, download_rss_growth_mb (200 MB pack)
[ -x "$BUILD/tools/syncbench" ] && "$BUILD/tools/syncbench" 2>/dev/null | grep -E '^(poll_nochange_bytes|http_install_mb_per_s|download_rss_growth_mb):'
# search over 20,000 article and 5,000 service texts in 8 languages, and start_index_ms_unchanged:
# the kept index of that set reopened at a start whose packs did not change (tests/tools/searchbench.c)
[ -x "$BUILD/tools/searchbench" ] && "$BUILD/tools/searchbench"
# installing packs: install_mb_per_s, install_rss_growth_mb (200 MB pack), usb_to_screen_ms,
# pack_opens_per_install (one install + the shelf's reload) (tests/tools/installbench.c)
[ -x "$BUILD/tools/installbench" ] && "$BUILD/tools/installbench"
# kiosk state database and translation packs: state_db_30days_kb, locale_pack_apply_ms (tests/tools/statebench.c)
[ -x "$BUILD/tools/statebench" ] && "$BUILD/tools/statebench"
# fsyncs_per_view: fsync/fdatasync calls one more article view costs (target 0).  The
# kiosk plays, headless with a data folder (so state.db is written), a script that
# opens 1 article and one that opens 1 + N; strace counts the calls of each run
# (start-up and the write of the counts at exit are in both); the difference / N.
views_script() { # n -> script opening the article n times
    echo 'tap "Español"'; echo 'tap "Tus derechos"'
    i=0; while [ $i -lt "$1" ]; do echo 'tap "refugio"'; echo 'key back'; i=$((i + 1)); done
}
fsyncs_of() { # n -> fsync + fdatasync calls of a run opening n articles
    rm -rf "$T/fs-data"; views_script "$1" > "$T/views.script"
    XDG_DATA_HOME=$T/fs-data strace -f -c -e trace=fsync,fdatasync -o "$T/strace.out" \
        "$FARO" --headless --script "$T/views.script" >/dev/null 2>&1
    awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$T/strace.out"
}
if command -v strace >/dev/null; then      # strace: in TEST_DEBS
    N=50; f1=$(fsyncs_of 1); fn=$(fsyncs_of $((N + 1)))
    echo "$f1 $fn $N" | awk '{ printf "fsyncs_per_view: %.2f (%d fsyncs for 1 view, %d for %d)\n", ($2 - $1) / $3, $1, $2, $3 + 1 }'
fi
# speech_first_audio_ms / speech_rss_growth_mb: audio guidance through the app
# (a first tap on a tile to its first synthetic sample; memory after many
# utterances and articles read aloud), SDL's disk audio driver into /dev/null
[ -x "$BUILD/tools/speechbench" ] && "$BUILD/tools/speechbench" 2>/dev/null

# idle_wakeups_per_s: the window loop idle on the language screen on SDL's
# offscreen driver (where SDL itself would poll every millisecond): context
# switches of all the kiosk's threads over 5 s, from /proc
SDL_VIDEODRIVER=offscreen "$FARO" --desktop >/dev/null 2>&1 &
PID=$!
sleep 2
switches() { awk '/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }' /proc/$PID/task/*/status; }
s0=$(switches); sleep 5; s1=$(switches)
kill $PID; wait $PID 2>/dev/null
echo "$s0 $s1" | awk '{ printf "idle_wakeups_per_s: %.1f /s\n", ($2 - $1) / 5 }'

exit 0
