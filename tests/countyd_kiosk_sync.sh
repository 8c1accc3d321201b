#!/bin/sh
# The whole path an admin relies on: kioskctl publishes to the real countyd,
# the kiosk's real sync (kioskctl sync, the same thread bin/kiosk runs)
# fills the kiosk database.  Published -> in the kiosk's store with its
# image; 党内 -> never in it; withdrawn -> deleted; and with the sync thread
# running, a publish reaches the kiosk's store within seconds (long-poll).
set -eu
T=${KIOSK_TEST_TMP:-$(mktemp -d)}
BIN=${BIN:-bin}
fail() { echo "FAIL: $*"; tail -20 "$T/countyd.log"; [ -f "$T/sync.log" ] && tail -20 "$T/sync.log"; exit 1; }
q() { sqlite3 "$T/kiosk.db" "$1"; }

"$BIN"/countyd --db "$T/county.db" --add-admin li > "$T/admin.txt"
KIOSKCTL_TOKEN=$(sed -n 2p "$T/admin.txt")
export KIOSKCTL_TOKEN
"$BIN"/countyd --db "$T/county.db" --listen 127.0.0.1:0 --log-level debug 2> "$T/countyd.log" &
PID=$!
SYNC=""
trap 'kill $PID $SYNC 2>/dev/null || true' EXIT
i=0
until PORT=$(sed -n 's/.*listening on .*(port \([0-9]*\)).*/\1/p' "$T/countyd.log") && [ -n "$PORT" ]; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "countyd did not start"; sleep 0.1
done
KIOSKCTL_SERVER="http://127.0.0.1:$PORT"
export KIOSKCTL_SERVER

C="$T/content"
mkdir -p "$C"
printf 'dec | 党组织决议、决定\n' > "$C/catalog.txt"
printf '\211PNG\r\n\032\nphoto of the meeting' > "$C/photo.png"
printf 'category: dec\ntitle: 关于召开党员大会的决定\npublished: 2026-01-05 09:00\nperiod: 即时\nscope: 社会\nimage: photo.png | 会场\n\n定于本月十日召开全体党员大会。\n' > "$C/meeting.txt"
printf 'category: dec\ntitle: 内部传达事项\npublished: 2026-01-05\nperiod: 即时\nscope: 党内\n\n只在党内传达。\n' > "$C/inner.txt"
"$BIN"/kioskctl publish "$C" --approve > /dev/null 2>&1 || fail "publish"

"$BIN"/kioskctl kiosk-add lobby-1 > "$T/kiosk-add.txt"
sed -n '/^\[sync\]/,$p' "$T/kiosk-add.txt" > "$T/kiosk.conf"
printf 'interval = 30\n[store]\ndatabase = %s/kiosk.db\ncache_dir = %s/cache\n' "$T" "$T" >> "$T/kiosk.conf"

"$BIN"/kioskctl sync --config "$T/kiosk.conf" --once > "$T/once.txt" 2>&1 || fail "sync --once: $(cat "$T/once.txt")"
[ "$(q "select count(*) from items where id='meeting' and deleted=0")" = 1 ] || fail "published item not in the kiosk store"
[ "$(q "select count(*) from items where id='inner' or title like '%内部%'")" = 0 ] || fail "a 党内 item reached the kiosk store"
SHA=$(sha256sum "$C/photo.png" | cut -d' ' -f1)
cmp -s "$T/cache/$(echo "$SHA" | cut -c1-2)/$SHA" "$C/photo.png" || fail "the image is not in the kiosk's cache"
"$BIN"/kioskctl kiosks | grep -q "^ok .*lobby-1" || fail "the kiosk's heartbeat is not listed"

# With the sync thread running (as in bin/kiosk), changes arrive within seconds.
"$BIN"/kioskctl sync --config "$T/kiosk.conf" 2> "$T/sync.log" &
SYNC=$!
sleep 1
"$BIN"/kioskctl withdraw meeting > /dev/null || fail withdraw
"$BIN"/kioskctl notice-add "今天下午三点召开党员大会" --id today > /dev/null || fail notice-add
i=0
until [ "$(q "select count(*) from notices where id='today' and deleted=0")" = 1 ] &&
      [ "$(q "select count(*) from items where id='meeting' and deleted=0")" = 0 ]; do
    i=$((i + 1)); [ $i -lt 30 ] || fail "withdraw/notice did not reach the kiosk within 3 s"; sleep 0.1
done
kill $SYNC
wait $SYNC 2>/dev/null || true
SYNC=""
kill -TERM $PID
wait $PID || fail "countyd exit status $?"
trap - EXIT
echo "countyd -> kiosk sync: ok"
