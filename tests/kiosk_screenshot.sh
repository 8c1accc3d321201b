#!/bin/sh
# Remote screenshots with the real countyd and the real kiosk (headless,
# syncing against 127.0.0.1): an admin asks for one; while a visitor has
# the feedback form open the kiosk takes none and says it deferred (the
# server shows 'deferred' and has no picture); after the idle timeout took
# the screen home it sends the picture: a PNG of 960x540 that is the home
# screen (the kiosk's own full-size screenshot of that frame, scaled down).
# An admin of another township may neither ask nor look (403); a non-PNG,
# a PNG too large, a body over the limit and a picture nobody asked for
# are refused.  `kioskctl kiosk-screenshot` asks and saves the picture.
# A kiosk that holds its content long-poll is called at once (X-Kiosk-Call)
# and sends the picture in seconds, not at its next [sync] interval.
set -eu
. tests/lib/feedback.sh

fb_online_kiosk "interval = 5"
KTOKEN=$(sed -n 's/^token = //p' "$T/kiosk-add.txt")
admin() { curl -sS -H "Authorization: Bearer $KIOSKCTL_TOKEN" "$@"; }
# code METHOD PATH [CURL-ARGS...]: the status of an admin request
code() {
    m=$1 p=$2
    shift 2
    curl -sS -o "$T/body.out" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $KIOSKCTL_TOKEN" "$@" "$URL$p"
}
# kiosk_put FILE: the status of lobby-1 sending FILE as its screenshot
kiosk_put() {
    curl -sS -o "$T/body.out" -w '%{http_code}' -X PUT -H "Authorization: Bearer $KTOKEN" -H "X-Kiosk-Id: lobby-1" \
        -H "Content-Type: image/png" --data-binary @"$1" "$URL/v1/kiosk/screenshot"
}
# shot_field KEY: lobby-1's screenshot_KEY in the admins' kiosk list
shot_field() {
    admin "$URL/v1/admin/kiosks" |
        python3 -c 'import json,sys; k=[k for k in json.load(sys.stdin)["kiosks"] if k["id"]=="lobby-1"][0]; v=k["screenshot_'"$1"'"]; print("" if v is None else v)'
}

[ "$(code POST /v1/admin/kiosks/lobby-1/screenshot)" = 202 ] || fail "asking: $(cat "$T/body.out")"
[ "$(shot_field state)" = pending ] || fail "not pending: $(shot_field state)"
[ "$(code GET /v1/admin/kiosks/lobby-1/screenshot)" = 404 ] || fail "a picture before any was sent"

# A visitor has the form open: the kiosk defers, and sends nothing.
fb_script deferred <<'SCRIPT'
tap-text nav.feedback
tap-text fb.open_form
tap-text fb.field:comment
expect-screen feedback
sync-start
wait-state screenshot.state deferred
expect-screen feedback
SCRIPT
[ "$(shot_field state)" = deferred ] || fail "the server does not say deferred: $(shot_field state)"
[ "$(code GET /v1/admin/kiosks/lobby-1/screenshot)" = 404 ] || fail "a picture was taken while the form was open"
grep -q "screenshot deferred" "$T/kiosk.log" || fail "the kiosk's log does not say it deferred"
echo "ok   deferred while the feedback form is open"

# The request stays open: a kiosk started again with the form open defers
# again, and sends the picture once the idle timeout took the screen home.
# `kioskctl kiosk-screenshot` asks again (the request is pending once more)
# and waits for that picture.
"$BIN"/kioskctl kiosk-screenshot lobby-1 "$T/kioskctl.png" --wait 120 > "$T/kioskctl.out" 2>&1 &
CTL=$!
ALSO_KILL=$CTL
is_pending() { [ "$(shot_field state)" = pending ]; }
retry 100 "kioskctl did not ask" is_pending
fb_script home <<'SCRIPT'
tap-text nav.feedback
tap-text fb.open_form
state screenshot.state none
sync-start
wait-state screenshot.state deferred
wait 91000
expect-screen home
wait-state screenshot.state sent
screenshot home
SCRIPT
[ "$(shot_field state)" = ready ] || fail "the server has no picture: $(shot_field state)"
[ -n "$(shot_field taken_at)" ] || fail "the picture has no time"
[ "$(code GET /v1/admin/kiosks/lobby-1/screenshot -D "$T/headers.txt")" = 200 ] || fail "GET the picture"
cp "$T/body.out" "$T/remote.png"
grep -qi '^Content-Type: image/png' "$T/headers.txt" || fail "not served as image/png: $(cat "$T/headers.txt")"
grep -qi '^X-Taken-At: 20' "$T/headers.txt" || fail "no X-Taken-At: $(cat "$T/headers.txt")"
python3 - "$T/remote.png" "$T/shots/home.png" <<'PY' || fail "the picture is not the home screen"
import struct, sys, zlib

def decode(path):
    """A non-interlaced 8-bit RGB or RGBA PNG as (width, height, rows of RGB)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path + ": not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[j] for j in range(stride) if j % bpp < 3))
        prev = line
    return w, h, rows

w, h, rows = decode(sys.argv[1])
if (w, h) != (960, 540): sys.exit("the picture is %dx%d, not 960x540" % (w, h))
colours = {rows[y][x * 3:x * 3 + 3] for y in range(0, h, 4) for x in range(0, w, 4)}
if len(colours) < 20: sys.exit("the picture is blank: %d colours" % len(colours))
fw, fh, full = decode(sys.argv[2])
# The kiosk's own screenshot of home, each 2x2 block averaged, against the sent picture.
worst = total = 0
for y in range(0, h, 3):
    for x in range(0, w, 3):
        for c in range(3):
            want = sum(full[2 * y + dy][(2 * x + dx) * 3 + c] for dy in (0, 1) for dx in (0, 1)) / 4
            d = abs(rows[y][x * 3 + c] - want)
            worst, total = max(worst, d), total + d
mean = total / (((h + 2) // 3) * ((w + 2) // 3) * 3)
print("picture %dx%d, %d colours; against the home screen: mean difference %.2f" % (w, h, len(colours), mean))
if mean > 2: sys.exit("it is not the home screen (mean difference %.2f)" % mean)
PY
echo "ok   sent after the visitor left: the home screen, 960x540"
wait $CTL || fail "kioskctl kiosk-screenshot: $(cat "$T/kioskctl.out")"
ALSO_KILL=""
cmp -s "$T/kioskctl.png" "$T/remote.png" || fail "kioskctl saved another picture"
grep -q "访客正在使用，稍后自动截图" "$T/kioskctl.out" || fail "kioskctl did not say it was deferred: $(cat "$T/kioskctl.out")"
echo "ok   kioskctl kiosk-screenshot waited through the deferral and saved it"

# Another township's admin: neither asks nor looks.
"$BIN"/kioskctl org-add town-b --name 中共乙镇委员会 --short 乙镇 --parent root > /dev/null || fail "org-add"
"$BIN"/countyd --db "$T/county.db" --add-admin zhao --roles manage,approve --org town-b > "$T/zhao.txt" ||
    fail "add-admin zhao"
ZTOKEN=$(sed -n 2p "$T/zhao.txt")
for m in POST GET; do
    got=$(curl -sS -o "$T/body.out" -w '%{http_code}' -X $m -H "Authorization: Bearer $ZTOKEN" \
        "$URL/v1/admin/kiosks/lobby-1/screenshot")
    [ "$got" = 403 ] || fail "$m by another township's admin: $got $(cat "$T/body.out")"
done
[ "$(code POST /v1/admin/kiosks/no-such/screenshot)" = 404 ] || fail "an unknown kiosk"
echo "ok   another township's admin: 403"

# What the server refuses from a kiosk.
[ "$(kiosk_put "$T/remote.png")" = 409 ] || fail "a picture nobody asked for: $(cat "$T/body.out")"
[ "$(code POST /v1/admin/kiosks/lobby-1/screenshot)" = 202 ] || fail "asking again"
printf 'not a picture at all' > "$T/text.png"
[ "$(kiosk_put "$T/text.png")" = 400 ] || fail "a non-PNG: $(cat "$T/body.out")"
[ "$(kiosk_put "$T/shots/home.png")" = 400 ] || fail "a 1920x1080 PNG: $(cat "$T/body.out")"
grep -q 960 "$T/body.out" || fail "the refusal does not say the limit: $(cat "$T/body.out")"
head -c 5000000 /dev/zero > "$T/huge.png"
[ "$(kiosk_put "$T/huge.png")" = 413 ] || fail "a body over SCREENSHOT_MAX_BYTES: $(cat "$T/body.out")"
[ "$(shot_field state)" = pending ] || fail "a refused upload changed the request: $(shot_field state)"
[ "$(code GET /v1/admin/kiosks/lobby-1/screenshot)" = 200 ] || fail "the picture before is gone"
cmp -s "$T/body.out" "$T/remote.png" || fail "the picture before was replaced"
admin "$URL/v1/admin/audit" | grep -q '"screenshot"' || fail "the request is not in the audit log"
echo "ok   refused: non-PNG, too large, over the byte limit, unasked; audited"

# A running kiosk whose heartbeat is ten minutes away: its held long-poll
# ends when the admin asks, its heartbeat brings the command, and the
# picture comes within the script's 30 s wait.
[ "$(kiosk_put "$T/remote.png")" = 200 ] || fail "closing the open request: $(cat "$T/body.out")"
sed 's/^interval = .*/interval = 600/' "$T/kiosk.conf" > "$T/kiosk-slow.conf"
fb_script_write called <<'SCRIPT'
state screenshot.state none
sync-start
wait-state sync.state ok
wait-state screenshot.state sent
SCRIPT
kiosk_headless "$T/kiosk-slow.conf" "$T/called.txt" "$T/shots" > "$T/called.log" 2>&1 &
KIOSK=$!
ALSO_KILL=$KIOSK
held() { admin "$URL/v1/admin/status" | grep -q '"long_polls_held": *[1-9]'; }
retry 300 "the kiosk's long-poll is not held" held
[ "$(code POST /v1/admin/kiosks/lobby-1/screenshot)" = 202 ] || fail "asking the running kiosk"
wait $KIOSK || { tail -20 "$T/called.log"; fail "the running kiosk did not send the picture within 30 s"; }
ALSO_KILL=""
[ "$(shot_field state)" = ready ] || fail "the server has no picture from the running kiosk: $(shot_field state)"
echo "ok   a running kiosk is called from its long-poll and sends the picture at once"
echo "kiosk screenshot: ok"
