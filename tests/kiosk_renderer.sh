#!/bin/sh
# Which renderer the kiosk picks, and that it says why (kiosk/ui/renderer.h):
# on this machine there is no GPU (no /dev/dri render node), so "auto" must
# choose SDL's software renderer; kiosk.conf can force one; headless runs
# always draw in software.  A real window on SDL's dummy driver, which
# tests may name in SDL_VIDEODRIVER.
set -eu
. tests/lib/common.sh

write_conf() {
    cat > "$T/kiosk.conf" <<CONF
[display]
fullscreen = false
renderer = $1
[store]
database = $T/kiosk.db
cache_dir = $T/cache
[sync]
server_url = file://$T/no-feed
[input]
rime_user_dir = $T/rime
CONF
}

# Starts the kiosk on a screen, waits for its renderer line, stops it.
renderer_line() {
    "$BIN"/kiosk --config "$T/kiosk.conf" --log-level info > "$T/kiosk.log" 2>&1 &
    pid=$!
    FAIL_LOGS="$T/kiosk.log"
    said() { grep -q 'renderer: ' "$T/kiosk.log"; }
    retry 300 "no 'renderer:' line in the log within 30 s" said
    kill -TERM $pid
    wait $pid || true
    grep 'renderer: ' "$T/kiosk.log"
}

if [ -e /dev/dri ] && ls /dev/dri | grep -q renderD; then
    echo "this machine has a GPU render node: the no-GPU case cannot be shown here"
else
    write_conf auto
    line=$(renderer_line)
    echo "$line" | grep -q 'renderer: software, because no GPU' || fail "auto without a GPU chose: $line"
fi

write_conf software
line=$(renderer_line)
echo "$line" | grep -q 'renderer: software, because kiosk.conf says renderer = software' || fail "forced software: $line"

write_conf sideways
if "$BIN"/kiosk --config "$T/kiosk.conf" > "$T/bad.log" 2>&1; then fail "renderer = sideways was accepted"; fi
grep -q 'renderer must be auto, software or gpu' "$T/bad.log" || fail "no clear message for a bad renderer: $(cat "$T/bad.log")"

printf 'expect-screen home\n' > "$T/one.txt"
write_conf gpu
"$BIN"/kiosk --config "$T/kiosk.conf" --headless "$T/one.txt" --shots "$T" > "$T/headless.log" 2>&1 || fail "headless run failed: $(cat "$T/headless.log")"
grep -q 'renderer: software, because headless runs draw in software' "$T/headless.log" || fail "headless: $(grep renderer "$T/headless.log")"
echo "renderer choice: ok"
