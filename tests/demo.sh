#!/bin/sh
# `make demo` without a display, as a technician first tries it: the script
# sets up the sample county on its own port and folder, the four kiosks
# sync, the sample cases are on the server (the comment answered), the
# printed console password logs in, and a TERM stops every program it
# started.
set -eu
. tests/lib/common.sh

DEMO=$T/demo-run
mkdir -p "$DEMO"
port=$((20000 + $$ % 30000))
env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER DEMO_PORT=$port DEMO_DIR="$DEMO/var" BIN="$BIN" \
    sh scripts/demo.sh > "$DEMO/out" 2>&1 &
demo=$!
FAIL_LOGS="$DEMO/out $DEMO/var/countyd.log"
ready() { grep -q "Press Ctrl-C" "$DEMO/out" || ! kill -0 $demo 2> /dev/null; }
retry 1200 "the demo did not finish setting up" ready
kill -0 $demo 2> /dev/null || fail "the demo stopped by itself"

for k in county-1 qinghe-1 baishi-1 dongcun-1; do
    grep -q "^   $k ([a-z]*): [1-9][0-9]* item(s)" "$DEMO/out" || fail "kiosk $k holds no items"
done
grep -q "^共 3 件" "$DEMO/out" || fail "the sample cases are not on the server"
grep -q "意见建议  已答复  东村" "$DEMO/out" || fail "the sample comment was not answered"
grep -q "^举报：共 1 件" "$DEMO/out" || fail "the sample 举报 is missing"

password=$(sed -n 's/^    qinghe-admin  //p' "$DEMO/out")
[ -n "$password" ] || fail "no console password printed for qinghe-admin"
curl -s -o "$DEMO/login.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "{\"name\": \"qinghe-admin\", \"password\": \"$password\"}" \
    "http://127.0.0.1:$port/console/api/login" > "$DEMO/login.code"
[ "$(cat "$DEMO/login.code")" = 200 ] || fail "the printed console password did not log in: $(cat "$DEMO/login.json")"

kill -TERM $demo
wait $demo || true
gone() { ! ps -eo args | grep -F "$DEMO/var/" | grep -qv grep; }
retry 100 "programs of the demo still run after TERM" gone
echo "ok: the demo sets up four kiosks, three cases and console passwords, and stops on TERM"
