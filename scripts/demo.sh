#!/bin/sh
# `make demo`: a county server with the sample content and a kiosk synced
# to it, all on this machine.
#
#   1. a fresh countyd database in var/demo/, an admin "demo", countyd on
#      127.0.0.1:$DEMO_PORT (default 8750);
#   2. the sample content (assets/sample/content) published with
#      `kioskctl publish --approve`, reviewed by "demo" and approved by
#      "demo-approver" (never the same person);
#   3. a kiosk "demo-1" registered, its kiosk.conf written to var/demo/;
#   4. the kiosk window syncing from countyd when there is a display, or the
#      kiosk's sync alone (kioskctl sync) when there is none.
# Ctrl-C stops everything.  While it runs, try in another terminal the
# commands it prints (withdraw an item, post a notice) and watch the kiosk.
set -eu
PORT=${DEMO_PORT:-8750}
DIR=var/demo
URL="http://127.0.0.1:$PORT"
BIN=${BIN:-bin}

pids=""
stop_all() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 0' INT TERM

rm -rf "$DIR"
mkdir -p "$DIR"
"$BIN"/countyd --db "$DIR/county.db" --add-admin demo > "$DIR/admin.txt"
KIOSKCTL_TOKEN=$(sed -n 2p "$DIR/admin.txt")
# A second admin: the reviewer of a version may not approve it.
"$BIN"/countyd --db "$DIR/county.db" --add-admin demo-approver > "$DIR/approver.txt"
APPROVER_TOKEN=$(sed -n 2p "$DIR/approver.txt")
KIOSKCTL_SERVER=$URL
export KIOSKCTL_TOKEN KIOSKCTL_SERVER

"$BIN"/countyd --db "$DIR/county.db" --listen "127.0.0.1:$PORT" --log-file "$DIR/countyd.log" 2> /dev/null &
pids="$pids $!"
i=0
until "$BIN"/kioskctl items > /dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -ge 50 ]; then
        echo "countyd did not start on port $PORT (in use? set DEMO_PORT); see $DIR/countyd.log" >&2
        exit 1
    fi
    sleep 0.1
done

echo "== publishing assets/sample/content to countyd ($URL)"
"$BIN"/kioskctl publish assets/sample/content --approve --note "demo" > "$DIR/publish.log" 2>&1
KIOSKCTL_TOKEN=$APPROVER_TOKEN "$BIN"/kioskctl publish assets/sample/content --approve --note "demo" 2>/dev/null | tail -n 3

"$BIN"/kioskctl kiosk-add demo-1 --name "演示终端" --unit "中共青禾镇委员会" > "$DIR/kiosk-add.txt"
TOKEN=$(sed -n 's/^token = //p' "$DIR/kiosk-add.txt")
cat > "$DIR/kiosk.conf" <<CONF
# Written by scripts/demo.sh: the kiosk of \`make demo\`.
[sync]
server_url = $URL
kiosk_id = demo-1
token = $TOKEN
interval = 30

[store]
database = $DIR/kiosk.db
cache_dir = $DIR/cache
CONF


cat <<TXT

Try, in another terminal (the kiosk shows each change within seconds):
    export KIOSKCTL_SERVER=$URL KIOSKCTL_TOKEN=$KIOSKCTL_TOKEN
    $BIN/kioskctl items
    $BIN/kioskctl withdraw ITEM-ID
    $BIN/kioskctl notice-add "今天下午三点召开党员大会" --urgent
    $BIN/kioskctl kiosks
    $BIN/kioskctl feedback

TXT

# The kiosk syncs by its own thread; with no display, `kioskctl sync` runs
# the same thread on its own so the database still follows countyd.
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ -n "${SDL_VIDEODRIVER:-}" ]; then
    echo "== starting the kiosk window, syncing from countyd (close it or press Ctrl-C to end the demo)"
    "$BIN"/kiosk --config "$DIR/kiosk.conf" --windowed 2> "$DIR/kiosk.log" || true
else
    echo "== no display: kiosk demo-1 syncs without a screen (log: $DIR/sync.log); its database is $DIR/kiosk.db."
    echo "Press Ctrl-C to stop."
    "$BIN"/kioskctl sync --config "$DIR/kiosk.conf" 2> "$DIR/sync.log" || true
fi
