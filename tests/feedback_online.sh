#!/bin/sh
# An online kiosk sends a submission at once: 提交 wakes the sync thread
# out of its long-poll (sync_poke), so the visitor's rating is at the real
# countyd within 2 s, not at the next round (up to 50 s later, or the next
# heartbeat).  The views counted meanwhile reach the store through the
# sync thread, not the screen.
set -eu
. tests/lib/feedback.sh

# Content on the server, so the kiosk's first round ends at once (with an
# empty server its first request would be a long-poll already).
fb_online_kiosk "interval = 300"

cat > "$T/online.txt" <<'SCRIPT'
sync-start
wait-state sync.state ok
# the first round is over: the thread waits in its long-poll now
hold 1500
tap-text cat:zuzhi
tap-text item:volunteer
expect-screen reader
tap-text nav.feedback
expect-screen feedback
tap-text fb.rate:3
# the chosen face stays marked a moment (saved already), then the thanks
expect-text 已选
wait 1000
expect-text 提交成功
dump submitted
hold 60000
SCRIPT
"$BIN"/kiosk --config "$T/kiosk.conf" --headless "$T/online.txt" --shots "$T/shots" > "$T/kiosk.log" 2>&1 &
KPID=$!
ALSO_KILL=$KPID
FAIL_LOGS="$FAIL_LOGS $T/kiosk.log"
submitted() { [ -s "$T/shots/submitted.json" ]; }
retry 600 "提交成功 did not show within 60 s" submitted
start=$(date +%s%N)
at_server() { "$BIN"/kioskctl feedback 2> /dev/null | grep -q lobby-1; }
retry 50 "the rating is not at the server 5 s after 提交成功" at_server
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -le 2000 ] || fail "the rating reached the server ${ms} ms after 提交成功 (at most 2000)"
kill -TERM $KPID
wait $KPID || fail "the kiosk's exit status after SIGTERM: $?"
# The view of the item, counted on the screen, written by the sync thread.
[ "$(fb_sql "select count from view_counts where item_id = 'volunteer'")" = 1 ] ||
    fail "the view was not counted: $(fb_sql "select * from view_counts")"
echo "feedback online: at the server ${ms} ms after 提交成功: ok"
