#!/bin/sh
# bin/kiosk --headless stops at SIGTERM like the kiosk on a screen: at
# once, with status 0, even in the middle of a script's `hold`.
set -eu
. tests/lib/common.sh

cat > "$T/kiosk.conf" <<CONF
[store]
database = $T/kiosk.db
cache_dir = $T/cache
[sync]
server_url = file://$T/no-feed
[input]
rime_user_dir = $T/rime
CONF
printf 'expect-screen home\ndump holding\nhold 60000\nexpect-screen nosuch\n' > "$T/hold.txt"
"$BIN"/kiosk --config "$T/kiosk.conf" --headless "$T/hold.txt" --shots "$T" > "$T/kiosk.log" 2>&1 &
pid=$!
FAIL_LOGS="$T/kiosk.log"
trap 'kill -9 $pid 2>/dev/null || true' EXIT
has_dump() { [ -s "$T/holding.json" ]; }
retry 300 "the script did not reach its hold within 30 s" has_dump
kill -TERM $pid
gone() { ! kill -0 $pid 2>/dev/null; }
# The hold is 60 s of real time: a kiosk gone before it ends stopped in it.
retry 300 "the kiosk still runs 30 s after SIGTERM (its hold was not interrupted)" gone
rc=0
wait $pid || rc=$?
trap - EXIT
[ $rc -eq 0 ] || fail "exit status $rc after SIGTERM, expected 0"
grep -q "stopped before line 4" "$T/kiosk.log" || fail "no log line saying where the script stopped"
echo "kiosk --headless stops at SIGTERM: ok"
