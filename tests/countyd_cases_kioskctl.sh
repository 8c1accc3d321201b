#!/bin/sh
# kioskctl's case commands against the real countyd on a free port: a
# kiosk (played with curl) sends a request, a comment and a rating; `cases`
# lists the cases in Chinese with their receipt numbers and due dates;
# `case … take`, `case … reply` (the privacy review stops a phone number),
# the kiosk's receipt lookup marks it 已告知; `overdue --cases` lists an
# overdue one; `satisfaction` counts only the rating.
set -eu
. tests/lib/common.sh

countyd_start zhang
"$BIN"/kioskctl kiosk-add hall-1 --name "青禾镇党群服务中心" > "$T/kiosk.txt" || fail "kiosk-add"
KTOKEN=$(sed -n 's/^token = //p' "$T/kiosk.txt")
kiosk() { curl -sS -H "Authorization: Bearer $KTOKEN" -H "X-Kiosk-Id: hall-1" "$@"; }

kiosk -H "Content-Type: application/json" -d '{"submissions":[
 {"id":"aa11bb22-0001-4000-8000-000000000001","kind":"request","comment":"请公开今年的党费使用情况",
  "name":"周红梅","phone":"13812345678","created_at":"2026-11-20T10:15:00+08:00"},
 {"id":"aa11bb22-0002-4000-8000-000000000002","kind":"comment","comment":"公开栏的照片太小",
  "created_at":"2026-11-20T10:20:00+08:00"},
 {"id":"aa11bb22-0003-4000-8000-000000000003","kind":"rating","rating":1,"rating_levels":3,
  "created_at":"2026-11-20T10:25:00+08:00"}]}' "$URL/v1/feedback" > "$T/ack.json"
grep -q '"rejected":\[\]' "$T/ack.json" || fail "feedback: $(cat "$T/ack.json")"

"$BIN"/kioskctl cases > "$T/cases.txt" || fail "cases: $(cat "$T/cases.txt")"
grep -q "依申请公开  待办理" "$T/cases.txt" || fail "cases output: $(cat "$T/cases.txt")"
grep -q "应办结 20" "$T/cases.txt" || fail "no due date: $(cat "$T/cases.txt")"
grep -q "^共 2 件" "$T/cases.txt" || fail "a rating became a case: $(cat "$T/cases.txt")"
grep -q "依申请公开：共 1 件，未办结 1 件" "$T/cases.txt" || fail "summary: $(cat "$T/cases.txt")"
RECEIPT=$(sed -n 's/^\([0-9]\{4\} [0-9]\{4\} [0-9]\{4\}\)  依申请公开.*/\1/p' "$T/cases.txt")
[ -n "$RECEIPT" ] || fail "no receipt number in: $(cat "$T/cases.txt")"
DIGITS=$(echo "$RECEIPT" | tr -d ' ')

# Found by the receipt number as the visitor wrote it down.
"$BIN"/kioskctl case "$RECEIPT" take > "$T/take.txt" || fail "take: $(cat "$T/take.txt")"
grep -q "办理人：zhang" "$T/take.txt" || fail "take output: $(cat "$T/take.txt")"
"$BIN"/kioskctl cases --status 办理中 > "$T/mine.txt"
grep -q "办理中  .*办理人 zhang" "$T/mine.txt" || fail "in progress: $(cat "$T/mine.txt")"
if "$BIN"/kioskctl case "$RECEIPT" reply "周红梅您好，请拨 13812345678 查询。" 2> "$T/err"; then
    fail "a private reply with the visitor's name and phone was accepted"; fi
grep -q "保密审查" "$T/err" || fail "privacy message: $(cat "$T/err")"
"$BIN"/kioskctl case "$RECEIPT" reply "党费使用情况已在公开栏公布，每季度更新。" > "$T/reply.txt" || fail "reply: $(cat "$T/reply.txt")"

kiosk "$URL/v1/kiosk/receipts/$DIGITS" > "$T/lookup.json"
grep -q '"status_label":"已答复"' "$T/lookup.json" || fail "lookup: $(cat "$T/lookup.json")"
grep -q "每季度更新" "$T/lookup.json" || fail "no answer: $(cat "$T/lookup.json")"
if grep -q "周红梅\|13812345678\|党费使用情况\"" "$T/lookup.json"; then fail "contact details in: $(cat "$T/lookup.json")"; fi
"$BIN"/kioskctl case "$DIGITS" > "$T/show.txt"
grep -q "已告知" "$T/show.txt" || fail "not notified: $(cat "$T/show.txt")"
grep -q "kiosk:hall-1  改状态" "$T/show.txt" || fail "history: $(cat "$T/show.txt")"
grep -q "联系方式：周红梅 13812345678" "$T/show.txt" || fail "the admin sees the contact: $(cat "$T/show.txt")"

# Overdue: the comment's due time is moved into the past on the database.
sqlite3 "$T/county.db" "UPDATE cases SET due_at = strftime('%s','now') - 60 WHERE kind = 'comment'"
"$BIN"/kioskctl overdue --cases > "$T/overdue.txt" || fail "overdue --cases"
grep -q "意见建议  待办理.*【逾期】" "$T/overdue.txt" || fail "overdue: $(cat "$T/overdue.txt")"
grep -q "逾期未办结的共 1 件" "$T/overdue.txt" || fail "overdue count: $(cat "$T/overdue.txt")"
"$BIN"/kioskctl case aa11bb22-0002-4000-8000-000000000002 notify 2> "$T/err" && fail "notified without an answer"
grep -q "409" "$T/err" || fail "notify message: $(cat "$T/err")"
if "$BIN"/kioskctl case "$RECEIPT" status 已答复 2> "$T/err"; then fail "answered set by hand"; fi

"$BIN"/kioskctl satisfaction > "$T/sat.txt" || fail "satisfaction"
grep -q "100.0%（1 条评价中满意 1 条）" "$T/sat.txt" || fail "satisfaction: $(cat "$T/sat.txt")"
grep -q "2026-11" "$T/sat.txt" || fail "by month: $(cat "$T/sat.txt")"
echo "kioskctl cases: ok"
