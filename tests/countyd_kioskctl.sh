#!/bin/sh
# kioskctl's admin commands against the real countyd on a free port: publish
# an authoring folder (drafts, then --approve), the review cycle, update,
# withdraw, notices, kiosks with their heartbeat, feedback list, CSV export
# and a public reply.  The kiosk side is played with the curl command.
set -eu
. tests/lib/common.sh

countyd_start zhang
second_admin li
LI=$SECOND_TOKEN

# A wrong token is refused with the server's message.
if KIOSKCTL_TOKEN=0000 "$BIN"/kioskctl items 2> "$T/err"; then fail "wrong token accepted"; fi
grep -q "401 unauthorized" "$T/err" || fail "message: $(cat "$T/err")"

# Register a kiosk; the printed kiosk.conf lines carry its token.
"$BIN"/kioskctl kiosk-add hall-1 --name "青禾镇党群服务中心" --unit "中共青禾镇委员会" > "$T/kiosk.txt" || fail "kiosk-add"
KTOKEN=$(sed -n 's/^token = //p' "$T/kiosk.txt")
[ ${#KTOKEN} -eq 64 ] || fail "no token in: $(cat "$T/kiosk.txt")"
grep -q "kiosk_id = hall-1" "$T/kiosk.txt" || fail "kiosk.conf lines missing"

# An authoring folder: a catalog, two public items (one with an image), one 党内 item, a notice.
C="$T/content"
mkdir -p "$C"
cat > "$C/catalog.txt" <<'TXT'
dec | 党组织决议、决定 | decision
fin | 党费收缴和使用
    fin-2026 | 2026年
TXT
tiny_png "$C/chart.png" 'chart bytes'
author_item "$C/meeting.txt" dec 关于召开党员大会的决定 "2026-01-05 09:00" 即时 社会 定于本月十日召开全体党员大会。
author_item "$C/dues.txt" fin-2026 2026年第一季度党费收缴情况 2026-04-01 定期 社会 本季度应缴党费全部按时收缴。 \
    "chart.png | 收缴情况图"
author_item "$C/inner.txt" dec 内部传达事项 2026-01-05 即时 党内 只在党内传达。
cat > "$C/notices.txt" <<'TXT'
id: n1
urgent: 是

本周五上午九点主题党日活动。
TXT

cat > "$C/answers.txt" <<'TXT'
id: ans-1
question: 党费使用情况在哪里能看到？
answered: 2026-11-12 10:00

在本屏“党费收缴和使用”栏目每季度公布。
TXT

server_rev() { "$BIN"/kioskctl items | sed -n 's/^内容版本号 //p'; }
kiosk() { curl -sS -H "Authorization: Bearer $KTOKEN" -H "X-Kiosk-Id: hall-1" "$@"; }

"$BIN"/kioskctl publish "$C" > "$T/pub1.txt" || fail "publish: $(cat "$T/pub1.txt")"
grep -q "上传图片 1 张" "$T/pub1.txt" || fail "publish output: $(cat "$T/pub1.txt")"
grep -q "3 条事项等待审核" "$T/pub1.txt" || fail "publish output: $(cat "$T/pub1.txt")"
kiosk "$URL/v1/content?since=0" > "$T/snap1.json"
grep -q "本周五上午九点" "$T/snap1.json" || fail "the notice is not live"
grep -q "每季度公布。" "$T/snap1.json" || fail "the authored answer is not live"
if grep -q "召开党员大会" "$T/snap1.json"; then fail "a draft reached the kiosk"; fi

# The review cycle, one step at a time, in order only.
if "$BIN"/kioskctl publish meeting 2> "$T/err"; then fail "publish before review accepted"; fi
grep -q "409 wrong_state" "$T/err" || fail "message: $(cat "$T/err")"
"$BIN"/kioskctl review meeting --note "内容属实" > /dev/null || fail review
# The reviewer may not approve the version it reviewed: another admin does.
if "$BIN"/kioskctl approve meeting 2> "$T/err"; then fail "the reviewer approved"; fi
grep -q "403 forbidden" "$T/err" || fail "message: $(cat "$T/err")"
KIOSKCTL_TOKEN=$LI "$BIN"/kioskctl approve meeting > /dev/null || fail approve
"$BIN"/kioskctl publish meeting | grep -q "meeting 现在已公开（published）" || fail publish
kiosk "$URL/v1/content?since=0" | grep -q "召开党员大会" || fail "published item not in the snapshot"

# --approve takes each item as far as this admin may (it reviews), a second
# admin's --approve the rest; the 党内 item is published but never sent.
"$BIN"/kioskctl publish "$C" --approve > "$T/pub2.txt" || fail "publish --approve: $(cat "$T/pub2.txt")"
grep -q "2 条事项等待" "$T/pub2.txt" || fail "publish --approve by the reviewer: $(cat "$T/pub2.txt")"
KIOSKCTL_TOKEN=$LI "$BIN"/kioskctl publish "$C" --approve > "$T/pub2.txt" || fail "publish --approve: $(cat "$T/pub2.txt")"
"$BIN"/kioskctl items > "$T/items.txt"
[ "$(grep -c '^已公开' "$T/items.txt")" -eq 3 ] || fail "items: $(cat "$T/items.txt")"
kiosk "$URL/v1/content?since=0" > "$T/snap2.json"
grep -q "党费收缴情况" "$T/snap2.json" || fail "dues not published"
if grep -q "内部传达" "$T/snap2.json"; then fail "a 党内 item reached the kiosk"; fi
SHA=$(sha256sum "$C/chart.png" | cut -d' ' -f1)
kiosk -o "$T/chart.png" "$URL/v1/blobs/$SHA"
cmp -s "$T/chart.png" "$C/chart.png" || fail "the image served differs"

# update: only the changed item goes through again.
REV=$(server_rev)
sed -i 's/全部按时收缴/全部按时足额收缴/' "$C/dues.txt"
"$BIN"/kioskctl update "$C" --approve > "$T/upd.txt" || fail "update"
grep -q "事项变更 1 条" "$T/upd.txt" || fail "update output: $(cat "$T/upd.txt")"
# Replacing a published version needs a reason, which goes out with it.
if KIOSKCTL_TOKEN=$LI "$BIN"/kioskctl update "$C" --approve > "$T/upd2.txt" 2>&1; then fail "a change without a reason"; fi
KIOSKCTL_TOKEN=$LI "$BIN"/kioskctl update "$C" --approve --note "补充足额" > "$T/upd2.txt" || fail "update: $(cat "$T/upd2.txt")"
kiosk "$URL/v1/content?since=$REV" > "$T/delta.json"
grep -q '"kind":"delta"' "$T/delta.json" || fail "no delta: $(cat "$T/delta.json")"
grep -q "足额" "$T/delta.json" || fail "delta lacks the change"
if grep -q "召开党员大会" "$T/delta.json"; then fail "the delta carries an unchanged item"; fi

# withdraw: the kiosk is told to delete it.
REV=$(server_rev)
"$BIN"/kioskctl withdraw meeting --note "已过期" | grep -q "已撤回（withdrawn）" || fail withdraw
kiosk "$URL/v1/content?since=$REV" | grep -q '"delete":\["meeting"\]' || fail "withdraw not in the delta"

# The audit trail names who did each step.
"$BIN"/kioskctl audit --limit 500 > "$T/audit.txt"
grep -q "zhang *review *item:meeting  内容属实" "$T/audit.txt" || fail "audit: $(cat "$T/audit.txt")"
grep -q "zhang *withdraw *item:meeting  已过期" "$T/audit.txt" || fail "audit lacks the withdrawal"

# The yearly archive: every published version as JSON, and its images.
YEAR=$(TZ=Asia/Shanghai date +%Y)
"$BIN"/kioskctl archive --year "$YEAR" -o "$T/arch" > "$T/arch.txt" || fail "archive: $(cat "$T/arch.txt")"
grep -q '"item": "dues"' "$T/arch/$YEAR/revisions.json" || fail "archive lacks dues: $(head -c 400 "$T/arch/$YEAR/revisions.json")"
cmp -s "$T/arch/$YEAR/images/$SHA.png" "$C/chart.png" || fail "the archive lacks the chart image"
# The record is intact; an entry edited in the database file is found.
"$BIN"/kioskctl audit verify > "$T/verify.txt" || fail "verify: $(cat "$T/verify.txt")"
grep -q "归档记录完整" "$T/verify.txt" || fail "verify: $(cat "$T/verify.txt")"
sqlite3 "$T/county.db" "UPDATE audit SET detail = '内容不实' WHERE action = 'review' AND target = 'item:meeting'"
SEQ=$(sqlite3 "$T/county.db" "SELECT seq FROM audit WHERE action = 'review' AND target = 'item:meeting'")
if "$BIN"/kioskctl audit verify > "$T/verify.txt"; then fail "an edited audit entry went unnoticed"; fi
grep -q "在第 $SEQ 条断开" "$T/verify.txt" || fail "verify: $(cat "$T/verify.txt")"

# A ticker notice from the command line.
"$BIN"/kioskctl notice-add "今晚停电检修" --id power --urgent > /dev/null || fail notice-add
kiosk "$URL/v1/content?since=0" | grep -q "今晚停电检修" || fail "notice not live"

# Heartbeat and the kiosks list.
kiosk -X POST -H "Content-Type: application/json" \
    -d '{"app_version":"1.0.0","revision":3,"outbox":2,"last_error":"","uptime":60,"free_disk":5368709120}' \
    "$URL/v1/heartbeat" | grep -q '"unit_name":"中共青禾镇委员会"' || fail "heartbeat answer lacks the unit name"
"$BIN"/kioskctl kiosks > "$T/kiosks.txt"
grep -q "^正常 hall-1.*版本号 3.*待上传 2" "$T/kiosks.txt" || fail "kiosks: $(cat "$T/kiosks.txt")"
kiosk -X POST -H "Content-Type: application/json" -d '{"time":"2020-01-01T00:00:00+08:00"}' "$URL/v1/heartbeat" > /dev/null
"$BIN"/kioskctl kiosks | grep -q "它的时钟慢 .* 分钟" || fail "a wrong kiosk clock is not flagged"
"$BIN"/kioskctl kiosk-add hall-2 > /dev/null
"$BIN"/kioskctl kiosks | grep -q "^失联 hall-2 .*从未联系" || fail "a silent kiosk is not flagged"

# Feedback reasons pushed to all kiosks, full-width commas allowed.
"$BIN"/kioskctl kiosk-set all reasons "内容清楚，更新及时,看不明白" > /dev/null || fail kiosk-set
kiosk -X POST -H "Content-Type: application/json" -d '{}' "$URL/v1/heartbeat" |
    grep -q '"reasons":\["内容清楚","更新及时","看不明白"\]' || fail "reasons not pushed"

# Feedback: list, CSV export (contact details kept for the admins), a public reply without them.
kiosk -X POST -H "Content-Type: application/json" -d '{"submissions":[
  {"id":"11111111-aaaa-4bbb-8ccc-000000000001","kind":"comment","comment":"希望公开党费使用情况, 谢谢",
   "name":"李大姐","phone":"13900000000","created_at":"2026-11-20T10:00:00+08:00"}]}' \
    "$URL/v1/feedback" | grep -q '"acknowledged":\["11111111-aaaa-4bbb-8ccc-000000000001"\]' || fail "feedback upload"
"$BIN"/kioskctl feedback | grep -q "希望公开党费使用情况" || fail "feedback list"
"$BIN"/kioskctl feedback-export --csv "$T/fb.csv" > /dev/null || fail "export"
head -c 3 "$T/fb.csv" | od -An -tx1 | grep -q "ef bb bf" || fail "no UTF-8 mark"
grep -q '"希望公开党费使用情况, 谢谢",李大姐,13900000000' "$T/fb.csv" || fail "csv: $(cat "$T/fb.csv")"
# A public answer needs the question as the admin restates it (never the visitor's words),
# and passes the privacy review: the visitor's phone in it is refused.
if "$BIN"/kioskctl reply 11111111-aaaa-4bbb-8ccc-000000000001 "每季度公布一次。" --public 2> "$T/err"; then
    fail "a public reply without a question"; fi
if "$BIN"/kioskctl reply 11111111-aaaa-4bbb-8ccc-000000000001 "已电话告知 13900000000。" --public \
    --question "党费使用情况在哪里公开？" 2> "$T/err"; then fail "a phone number in a public reply"; fi
grep -q "409 privacy_review" "$T/err" || fail "message: $(cat "$T/err")"
"$BIN"/kioskctl reply 11111111-aaaa-4bbb-8ccc-000000000001 "每季度公布一次。" --public \
    --question "党费使用情况在哪里公开？" > /dev/null || fail reply
kiosk "$URL/v1/content?since=0" > "$T/snap3.json"
grep -q "每季度公布一次。" "$T/snap3.json" || fail "the public answer is not in the feed"
if grep -q "李大姐\|13900000000" "$T/snap3.json"; then fail "contact details reached the kiosk"; fi

# Stops cleanly on SIGTERM; a kiosk's held long-poll is answered 503, not cut off.
REV=$(server_rev)
kiosk -o "$T/held.json" -w '%{http_code}' --trace-ascii "$T/held.trace" "$URL/v1/content?since=$REV&wait=60" > "$T/held.status" &
CURL=$!
sent() { grep -q "^=> Send header" "$T/held.trace" 2>/dev/null; }
retry 600 "the long-poll request was not sent" sent
countyd_stop
wait $CURL || true
[ "$(cat "$T/held.status")" = 503 ] && grep -q '"code":"unavailable"' "$T/held.json" || fail "held long-poll: $(cat "$T/held.status") $(cat "$T/held.json")"
grep -q "countyd: stopped" "$T/countyd.log" || fail "no clean stop in the log"
echo "countyd + kioskctl: ok"
