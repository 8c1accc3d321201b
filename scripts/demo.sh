#!/bin/sh
# `make demo`: a sample county on this machine — a county server with a
# 县委, two 乡镇党委 and a village branch, each with its own kiosk, so that
# the difference is visible at a glance (docs/ADMIN.md "The demo").
#
#   1. a fresh countyd database in var/demo/, countyd on 127.0.0.1:$DEMO_PORT
#      (default 8750), two admins of the county ("demo" reviews, "demo-approver"
#      approves: the reviewer of a version may not approve it) and an admin of
#      青禾镇 ("qinghe-admin") to try what a township may do;
#   2. the organisations: root 中共青山县委员会, qinghe 中共青禾镇委员会 and
#      dongcun (its village branch) under it, baishi 中共白石乡委员会;
#   3. the county's catalog and items (assets/demo/county, for every lobby),
#      青禾镇's sample content (assets/sample/content, for 青禾镇 and 东村),
#      白石乡's and 东村's own items (assets/demo/baishi, assets/demo/dongcun);
#   4. one kiosk per organisation, its kiosk.conf in var/demo/KIOSK/;
#   5. sample cases for the console's 意见 page: a comment, a 依申请公开
#      request, a 举报 and two ratings, sent by the kiosks of 东村 and 青禾镇
#      as a visitor's would be, and the comment answered;
#   6. with a display, a kiosk window per organisation (each header shows its
#      own organisation's name, from the server); without one, their sync runs
#      without a screen and the script prints what each kiosk holds.
# Ctrl-C stops everything.  DEMO_PORT and DEMO_DIR change the port and the
# folder (tests/demo.sh runs it on its own).
set -eu
PORT=${DEMO_PORT:-8750}
DIR=${DEMO_DIR:-var/demo}
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
token_of() { "$BIN"/countyd --db "$DIR/county.db" --add-admin "$@" | sed -n 2p; }
KIOSKCTL_TOKEN=$(token_of demo)
APPROVER_TOKEN=$(token_of demo-approver)
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

echo "== the county's organisations"
"$BIN"/kioskctl org-set root --name "中共青山县委员会" --short "青山县委" > /dev/null
"$BIN"/kioskctl org-add qinghe --name "中共青禾镇委员会" --short "青禾镇" > /dev/null
"$BIN"/kioskctl org-add baishi --name "中共白石乡委员会" --short "白石乡" > /dev/null
"$BIN"/kioskctl org-add dongcun --parent qinghe --name "中共青禾镇东村支部委员会" --short "东村" > /dev/null
"$BIN"/kioskctl admin-add qinghe-admin --org qinghe --roles draft,review,approve > "$DIR/qinghe-admin.txt"
QINGHE_TOKEN=$(sed -n 2p "$DIR/qinghe-admin.txt")
"$BIN"/kioskctl orgs

# publish ORG AUDIENCE FOLDER: reviewed by demo, approved by demo-approver.
publish() {
    "$BIN"/kioskctl publish "$3" --org "$1" --audience "$2" --approve --note "demo" > "$DIR/publish-$1.log" 2>&1
    KIOSKCTL_TOKEN=$APPROVER_TOKEN "$BIN"/kioskctl publish "$3" --org "$1" --audience "$2" --approve --note "demo" \
        >> "$DIR/publish-$1.log" 2>&1
    echo "   $1: $(grep -c '已公开' "$DIR/publish-$1.log") item(s) published ($2)"
}
folder() {
    mkdir -p "$DIR/content-$1"
    cp assets/sample/content/catalog.txt "assets/demo/$1"/*.txt "$DIR/content-$1/"
    echo "$DIR/content-$1"
}
echo "== publishing (reviewed by demo, approved by demo-approver)"
publish root subtree "$(folder county)"
publish qinghe subtree assets/sample/content
publish baishi own "$(folder baishi)"
publish dongcun own "$(folder dongcun)"

kiosks="county-1:root qinghe-1:qinghe baishi-1:baishi dongcun-1:dongcun"
for k in $kiosks; do
    id=${k%%:*} org=${k#*:}
    mkdir -p "$DIR/$id"
    "$BIN"/kioskctl kiosk-add "$id" --org "$org" --name "演示终端 $id" > "$DIR/$id/kiosk-add.txt"
    TOKEN=$(sed -n 's/^token = //p' "$DIR/$id/kiosk-add.txt")
    cat > "$DIR/$id/kiosk.conf" <<CONF
# Written by scripts/demo.sh: the kiosk of organisation $org in \`make demo\`.
[sync]
server_url = $URL
kiosk_id = $id
token = $TOKEN
interval = 30

[store]
database = $DIR/$id/kiosk.db
cache_dir = $DIR/$id/cache
CONF
done

# A visitor's submissions, as kiosk ID's outbox sends them (docs/PROTOCOL.md).
submit() {
    token=$(sed -n 's/^token = //p' "$DIR/$1/kiosk.conf")
    curl -sf -o "$DIR/$1/feedback-answer.json" -H "Authorization: Bearer $token" -H "X-Kiosk-Id: $1" \
        -H 'Content-Type: application/json' --data-binary "{\"submissions\": [$2]}" "$URL/v1/feedback"
}
now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
echo "== sample cases (the 意见 page of the console)"
submit dongcun-1 "{\"id\": \"demo-comment-1\", \"kind\": \"comment\", \"item\": \"fw-dongcun-daolu\",
  \"comment\": \"村东头那段路的排水沟还没修好，下雨天积水，能不能一并安排？\", \"name\": \"王大伯\", \"phone\": \"\", \"created_at\": \"$now\"},
 {\"id\": \"demo-rating-1\", \"kind\": \"rating\", \"item\": \"fw-dongcun-daolu\", \"rating\": 1, \"rating_levels\": 3,
  \"reasons\": [\"内容清楚\"], \"created_at\": \"$now\"},
 {\"id\": \"demo-report-1\", \"kind\": \"report\", \"comment\": \"反映村里低保评定程序不公开的问题。\", \"created_at\": \"$now\"}"
submit qinghe-1 "{\"id\": \"demo-request-1\", \"kind\": \"request\", \"comment\": \"希望公开今年镇里党员发展的名额和进度。\",
  \"name\": \"李女士\", \"phone\": \"13800001234\", \"created_at\": \"$now\"},
 {\"id\": \"demo-rating-2\", \"kind\": \"rating\", \"rating\": 2, \"rating_levels\": 3, \"created_at\": \"$now\"}"
comment=$("$BIN"/kioskctl cases --kind comment | sed -n 's/^ *编号 \([^ ]*\) .*/\1/p' | head -1)
if [ -n "$comment" ]; then
    "$BIN"/kioskctl case "$comment" reply "排水沟已列入下月施工计划，届时在村务公开栏公示。" > /dev/null
fi
"$BIN"/kioskctl cases

# A first password for the console for each demo admin (docs/CONSOLE.md);
# the console asks for a new one at the first log-in.
: > "$DIR/console-passwords.txt"
for admin in demo demo-approver qinghe-admin; do
    echo "    $admin  $("$BIN"/countyd --db "$DIR/county.db" --console-password "$admin" | tail -1)" \
        >> "$DIR/console-passwords.txt"
done

cat <<TXT

Try, in another terminal (each kiosk shows a change within seconds, and only
the kiosks whose organisation's feed it touches):
    export KIOSKCTL_SERVER=$URL KIOSKCTL_TOKEN=$KIOSKCTL_TOKEN
    $BIN/kioskctl items                      # every item, with its organisation
    $BIN/kioskctl notice-add "今天下午三点召开党员大会" --org baishi --audience own
    $BIN/kioskctl kiosk-move dongcun-1 --org baishi
    $BIN/kioskctl overdue                    # 定期 entries not yet disclosed this period
    $BIN/kioskctl kiosks
The web console: $URL/console/  (user name and first password:)
$(cat "$DIR/console-passwords.txt")
As 青禾镇's admin (sees and changes only 青禾镇 and 东村; 白石乡's items are 403):
    KIOSKCTL_TOKEN=$QINGHE_TOKEN $BIN/kioskctl items
    KIOSKCTL_TOKEN=$QINGHE_TOKEN $BIN/kioskctl withdraw zz-dangfei-2026q4 --note 试试

TXT

# Every kiosk syncs by its own thread; with no display, `kioskctl sync`
# runs the same thread without a screen.
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ -n "${SDL_VIDEODRIVER:-}" ]; then
    echo "== starting a kiosk window per organisation (close them or press Ctrl-C to end the demo)"
    for k in $kiosks; do
        id=${k%%:*}
        "$BIN"/kiosk --config "$DIR/$id/kiosk.conf" --windowed --size 960x540 2> "$DIR/$id/kiosk.log" &
        pids="$pids $!"
    done
else
    echo "== no display: the four kiosks sync without a screen (logs in $DIR/KIOSK/sync.log)"
    for k in $kiosks; do
        id=${k%%:*}
        "$BIN"/kioskctl sync --config "$DIR/$id/kiosk.conf" --once > /dev/null 2> "$DIR/$id/sync.log" || true
        "$BIN"/kioskctl sync --config "$DIR/$id/kiosk.conf" > /dev/null 2>> "$DIR/$id/sync.log" &
        pids="$pids $!"
    done
    if command -v sqlite3 > /dev/null; then
        for k in $kiosks; do
            id=${k%%:*} org=${k#*:}
            n=$(sqlite3 "$DIR/$id/kiosk.db" "SELECT count(*) FROM items WHERE deleted = 0")
            echo "   $id ($org): $n item(s), e.g. $(sqlite3 "$DIR/$id/kiosk.db" "SELECT title FROM items WHERE deleted = 0 ORDER BY published_at DESC LIMIT 1")"
        done
    fi
    echo "Press Ctrl-C to stop."
fi
wait
