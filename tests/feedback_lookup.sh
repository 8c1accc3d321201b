#!/bin/sh
# 查询办理结果 with the real countyd: a request submitted on kiosk lobby-1
# is looked up there while the server cannot be reached (暂时无法查询, and
# the note that it is saved here, not yet delivered); once delivered, it is
# looked up on a second kiosk, lobby-2: 待办理 with its due date; the admin
# replies with kioskctl; the next lookup shows 已答复 and the answer, the
# one after it 已告知.  A number the server does not know: 没有查到.  The
# server allows lobby-2 four lookups (--receipt-lookups 4): the fifth is
# refused and the screen says so.
set -eu
. tests/lib/feedback.sh

COUNTYD_ARGS="--receipt-lookups 4"
fb_online_kiosk
"$BIN"/kioskctl kiosk-add lobby-2 > "$T/kiosk-add-2.txt"
# lobby-2: its own database, cache and [sync] section
sed -e "s#^database = .*#database = $T/kiosk2.db#" -e "s#^cache_dir = .*#cache_dir = $T/cache2#" \
    -e '/^\[sync\]/,/^\[/{/^\[sync\]/!{/^\[/!d}}' "$T/kiosk.conf" > "$T/k2.tmp"
awk -v add="$(sed -n '/^\[sync\]/,$p' "$T/kiosk-add-2.txt" | tail -n +2)" \
    '{print} /^\[sync\]/{print add}' "$T/k2.tmp" > "$T/kiosk2.conf"
# lobby-1 cut off from the server (nothing listens on port 9)
sed 's#^server_url = .*#server_url = http://127.0.0.1:9#' "$T/kiosk.conf" > "$T/kiosk-off.conf"

# keys DIGITS: the digits tapped on the keypad
keys() { echo "$1" | sed 's/./tap-text kb.char:&\n/g' | grep -v '^$'; }

{
    echo "clock 2026-11-22T10:00:00+08:00"
    echo "tap-text nav.feedback"
    echo "tap-text fb.open_request"
    echo "tap-text fb.field:comment"
    fb_keys gongkai
    echo "tap-text 公开"
    echo "tap-text kb.done"
    echo "tap-text fb.field:name"
    echo "tap-text kb.mode:abc"
    fb_keys li
    echo "tap-text kb.done"
    echo "tap-text fb.field:phone"
    fb_keys 15912340000
    echo "tap-text kb.done"
    echo "tap-text fb.submit"
    echo "expect-text 提交成功"
    echo "expect-text 回执号"
} > "$T/submit.txt"
kiosk_headless "$T/kiosk-off.conf" "$T/submit.txt" "$T/shots" > "$T/submit.log" 2>&1 ||
    { tail -20 "$T/submit.log"; fail "submitting on lobby-1"; }
ID=$(fb_sql "select id from feedback_outbox where kind = 'request'")
R=$(receipt_of "$ID")

# lookup DIGITS [again]: the script's lines that look DIGITS up, from home
# (or, with "again", from another screen)
lookup() {
    if [ "${2:-}" = again ]; then echo "tap-text nav.home"; fi
    echo "tap-text nav.feedback"
    echo "tap-text fb.lookup"
    echo "expect-screen lookup"
    keys "$1"
    echo "tap-text lk.go"
}

{
    echo "sync-start"
    lookup "$R"
    echo "wait-text 暂时无法查询，请稍后再试"
    echo "expect-text 这条留言已保存在本机，还没有送达县里"
    echo "check-layout"
    echo "screenshot lookup-offline"
} > "$T/offline.txt"
kiosk_headless "$T/kiosk-off.conf" "$T/offline.txt" "$T/shots" > "$T/offline.log" 2>&1 ||
    { tail -20 "$T/offline.log"; fail "the lookup on a kiosk cut off from the server"; }

"$BIN"/kioskctl sync --config "$T/kiosk.conf" --once > "$T/sync.txt" 2>&1 || fail "upload: $(cat "$T/sync.txt")"
[ "$(fb_sql "select count(*) from feedback_outbox where sent_at is null")" = 0 ] || fail "the request was not delivered"

{
    echo "sync-start"
    echo "wait-state sync.state ok"
    lookup "$R"
    echo "wait-text 待办理"
    echo "expect-text $(receipt_grouped "$R")"
    echo "expect-text 办理期限"
    echo "expect-text 还没有答复"
    echo "check-layout"
    echo "screenshot lookup-pending"
    lookup 123456789015 again
    echo "wait-text 没有查到这个回执号"
    echo "check-layout"
} > "$T/pending.txt"
kiosk_headless "$T/kiosk2.conf" "$T/pending.txt" "$T/shots" > "$T/pending.log" 2>&1 ||
    { tail -20 "$T/pending.log"; fail "the lookup on lobby-2 before the answer"; }

"$BIN"/kioskctl case "$R" reply "您申请公开的事项已在镇党务公开栏公布，欢迎查看。" > "$T/reply.txt" 2>&1 ||
    fail "kioskctl case reply: $(cat "$T/reply.txt")"

{
    echo "sync-start"
    echo "wait-state sync.state ok"
    lookup "$R"
    echo "wait-text 已答复"
    echo "expect-text 您申请公开的事项已在镇党务公开栏公布，欢迎查看。"
    echo "expect-no-text 15912340000"
    echo "expect-no-text 办理期限"
    echo "check-layout"
    echo "screenshot lookup-answered"
    lookup "$R" again
    echo "wait-text 已告知"
    lookup "$R" again
    echo "wait-text 这台触控屏刚才查询太多次了"
    echo "expect-no-text 已告知"
    echo "check-layout"
    echo "screenshot lookup-busy"
    # what was typed is gone once the kiosk is idle and home
    echo "tap-text lk.again"
    keys 1234
    echo "wait 100000"
    echo "expect-screen home"
    echo "tap-text nav.feedback"
    echo "tap-text fb.lookup"
    echo "expect-no-text 1234"
} > "$T/answered.txt"
kiosk_headless "$T/kiosk2.conf" "$T/answered.txt" "$T/shots" > "$T/answered.log" 2>&1 ||
    { tail -20 "$T/answered.log"; fail "the lookup on lobby-2 after the answer"; }
countyd_stop
grep -q "kiosk lobby-2: receipt lookups over the limit" "$T/countyd.log" || fail "countyd did not log the refused lookup"
echo "feedback lookup: offline + unsent note, 待办理, 没有查到, 已答复 with the answer, 已告知 on a second kiosk, the fifth lookup refused: ok"
