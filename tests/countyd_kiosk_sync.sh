#!/bin/sh
# The whole path an admin relies on: kioskctl publishes to the real countyd,
# the kiosk's real sync (kioskctl sync, the same thread bin/kiosk runs)
# fills the kiosk database.  Published -> in the kiosk's store with its
# image; 党内 -> never in it; withdrawn -> deleted; and with the sync thread
# running, a publish reaches the kiosk's store within seconds (long-poll).
set -eu
. tests/lib/common.sh
q() { sqlite3 "$T/kiosk.db" "$1"; }

countyd_start li
FAIL_LOGS="$FAIL_LOGS $T/sync.log"

C="$T/content"
mkdir -p "$C"
printf 'dec | 党组织决议、决定\n' > "$C/catalog.txt"
tiny_png "$C/photo.png" 'photo of the meeting'
author_item "$C/meeting.txt" dec 关于召开党员大会的决定 "2026-01-05 09:00" 即时 社会 定于本月十日召开全体党员大会。 "photo.png | 会场"
author_item "$C/inner.txt" dec 内部传达事项 2026-01-05 即时 党内 只在党内传达。
publish_approved "$C"

"$BIN"/kioskctl kiosk-add lobby-1 > "$T/kiosk-add.txt"
sed -n '/^\[sync\]/,$p' "$T/kiosk-add.txt" > "$T/kiosk.conf"
printf 'interval = 30\n[store]\ndatabase = %s/kiosk.db\ncache_dir = %s/cache\n' "$T" "$T" >> "$T/kiosk.conf"

"$BIN"/kioskctl sync --config "$T/kiosk.conf" --once > "$T/once.txt" 2>&1 || fail "sync --once: $(cat "$T/once.txt")"
[ "$(q "select count(*) from items where id='meeting' and deleted=0")" = 1 ] || fail "published item not in the kiosk store"
[ "$(q "select count(*) from items where id='inner' or title like '%内部%'")" = 0 ] || fail "a 党内 item reached the kiosk store"
SHA=$(sha256sum "$C/photo.png" | cut -d' ' -f1)
cmp -s "$(cache_file "$SHA")" "$C/photo.png" || fail "the image is not in the kiosk's cache"
"$BIN"/kioskctl kiosks | grep -q "^正常 lobby-1" || fail "the kiosk's heartbeat is not listed"

# With the sync thread running (as in bin/kiosk), changes arrive (long-poll).
q "delete from sync_state where key='sync.last_ok'"
"$BIN"/kioskctl sync --config "$T/kiosk.conf" 2> "$T/sync.log" &
SYNC=$!
ALSO_KILL=$SYNC
synced() { [ -n "$(q "select value from sync_state where key='sync.last_ok'")" ]; }
retry 600 "the sync thread did not finish its first round" synced
"$BIN"/kioskctl withdraw meeting --note "会议已召开" > /dev/null || fail withdraw
"$BIN"/kioskctl notice-add "今天下午三点召开党员大会" --id today > /dev/null || fail notice-add
arrived() {
    [ "$(q "select count(*) from notices where id='today' and deleted=0")" = 1 ] &&
        [ "$(q "select count(*) from items where id='meeting' and deleted=0")" = 0 ]
}
retry 600 "withdraw/notice did not reach the kiosk" arrived
kill $SYNC
wait $SYNC 2>/dev/null || true
ALSO_KILL=""
countyd_stop
echo "countyd -> kiosk sync: ok"
