#!/bin/sh
# The panel's power follows the screen's hours (kiosk/ui/power.h, [screen]
# panel_off / panel_on, docs/DEPLOY.md): the real kiosk, headless, on the
# script's clock, with commands that record their calls.  The panel is
# switched on at start-up, off when the dark sleep screen comes, on again
# by a touch or by the hours beginning, and each only once; a touch while a
# slow off command still runs is not lost (on runs after it, in order); a
# failing command is logged once and the screen goes on as before.
set -eu
export TZ=Asia/Shanghai
. tests/lib/common.sh

conf() { # conf FILE OFF ON
    sed -e "s#^database = .*#database = $T/kiosk.db#" -e "s#^cache_dir = .*#cache_dir = $T/cache#" \
        -e "s#^rime_user_dir = .*#rime_user_dir = $T/rime#" -e "s#^panel_off =.*#panel_off = $2#" \
        -e "s#^panel_on =.*#panel_on = $3#" kiosk.conf > "$1"
}

# 1. The moments: on at start, off at dark, on by a touch, off, on when the
#    hours begin (and not again for the carousel), off when they end.
conf "$T/kiosk.conf" "sleep 0.3 \&\& echo off >> $T/calls" "echo on >> $T/calls"
cat > "$T/hours.txt" <<'SCRIPT'
clock 2026-11-22T21:00:00+08:00
import tests/data/feed.json
state setting.screen_on 07:00-20:00
expect-screen home
expect-panel on
wait 91000
expect-screen sleep
expect-panel off
wait 600000
expect-screen sleep
expect-panel off
tap 500 500
expect-screen home
expect-panel on
wait 91000
expect-screen sleep
tap 500 500
expect-screen home
expect-panel on
wait 91000
expect-screen sleep
expect-panel off
clock 2026-11-23T06:59:00+08:00
wait 30000
expect-screen sleep
wait 40000
expect-screen home
expect-panel on
wait 200000
expect-screen attract
expect-panel on
clock 2026-11-23T20:00:30+08:00
wait 1000
expect-screen sleep
expect-panel off
SCRIPT
kiosk_headless "$T/kiosk.conf" "$T/hours.txt" "$T/shots" > "$T/hours.log" 2>&1 ||
    { tail -20 "$T/hours.log"; fail "the hours script failed"; }
calls=$(tr '\n' ' ' < "$T/calls")
# The second touch came while the slow off command ran: off still ended
# first, then on ran.
[ "$calls" = "on off on off on off on off " ] || fail "the panel commands ran as: $calls"
if grep -q "power:" "$T/hours.log"; then fail "working commands were logged: $(grep power: "$T/hours.log")"; fi
echo "ok   on at start, off at dark, on by a touch or the hours, each once, in order: $calls"

# 2. Failing commands: each failure is logged once, the kiosk draws and
#    wakes as before, and the commands are still tried at each change.
conf "$T/fail.conf" "echo off >> $T/calls2 \&\& exit 3" "/nonexistent/panel-on"
cat > "$T/fail.txt" <<'SCRIPT'
clock 2026-11-22T21:00:00+08:00
import tests/data/feed.json
state setting.screen_on 07:00-20:00
expect-panel on
wait 91000
expect-screen sleep
expect-panel off
expect-text 轻触屏幕查看党务公开
check-layout
tap 500 500
expect-screen home
expect-panel on
check-layout
wait 91000
expect-screen sleep
expect-panel off
tap 500 500
expect-screen home
tap-text 党风廉政建设
expect-screen category
SCRIPT
kiosk_headless "$T/fail.conf" "$T/fail.txt" "$T/shots" > "$T/fail.log" 2>&1 ||
    { tail -20 "$T/fail.log"; fail "the script with failing commands failed"; }
[ "$(grep -c 'power: panel_off failed (exit status 3)' "$T/fail.log")" = 1 ] ||
    fail "panel_off's failure is not logged once: $(grep power: "$T/fail.log")"
[ "$(grep -c 'power: panel_on failed (exit status 127)' "$T/fail.log")" = 1 ] ||
    fail "panel_on's failure is not logged once: $(grep power: "$T/fail.log")"
[ "$(grep -c . "$T/calls2")" = 2 ] || fail "panel_off ran $(grep -c . "$T/calls2") times, not 2"
echo "ok   failing commands: logged once each, the screens go on"

# 3. None set (the checkout's kiosk.conf): the screens are the same,
#    nothing runs, nothing is logged.
conf "$T/none.conf" "" ""
rm -f "$T/calls"
kiosk_headless "$T/none.conf" "$T/hours.txt" "$T/shots" > "$T/none.log" 2>&1 ||
    { tail -20 "$T/none.log"; fail "the hours script failed with no commands"; }
[ ! -e "$T/calls" ] || fail "a command ran with none set"
if grep -q "power:" "$T/none.log"; then fail "no commands, yet: $(grep power: "$T/none.log")"; fi
echo "ok   no commands: none run"
