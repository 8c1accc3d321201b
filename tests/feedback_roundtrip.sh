#!/bin/sh
# The whole path of issue 5: a visitor writes an opinion on the kiosk (by
# pinyin, with name and phone); the kiosk's sync uploads it to the real
# countyd; the admin reads it with kioskctl and replies publicly; the next
# sync brings the answer to the kiosk's 回复公开 screen, without the
# visitor's name or phone; and the kiosk has erased the contact details
# once the server confirmed receipt.
set -eu
. tests/lib/feedback.sh

# The kiosk: registered with countyd, the feedback test settings besides.
fb_online_kiosk
"$BIN"/kioskctl sync --config "$T/kiosk.conf" --once > "$T/sync1.txt" 2>&1 || fail "first sync: $(cat "$T/sync1.txt")"

{
    echo "clock 2026-11-22T10:00:00+08:00"
    echo "tap-text cat:zuzhi"
    echo "tap-text item:volunteer"
    echo "expect-screen reader"
    echo "tap-text nav.feedback"
    echo "expect-text 关于开展党员志愿服务活动的通知"
    echo "tap-text fb.open_form"
    echo "tap-text fb.rate:2"
    echo "tap-text fb.field:comment"
    fb_keys huodong
    echo "tap-text 活动"
    fb_keys henhao
    echo "tap-text 很好"
    echo "tap-text kb.done"
    echo "tap-text fb.field:name"
    fb_keys wangfang
    echo "tap-text 王芳"
    echo "tap-text kb.done"
    echo "tap-text fb.field:phone"
    fb_keys 13900001111
    echo "tap-text kb.done"
    echo "tap-text fb.submit"
    echo "expect-text 提交成功"
} > "$T/visitor.txt"
fb_run "$T/visitor.txt"
[ "$(fb_sql "select count(*) from feedback_outbox where sent_at is null")" = 1 ] || fail "not in the outbox"
ID=$(fb_sql "select id from feedback_outbox")

"$BIN"/kioskctl sync --config "$T/kiosk.conf" --once > "$T/sync2.txt" 2>&1 || fail "upload: $(cat "$T/sync2.txt")"
[ "$(fb_sql "select count(*) from feedback_outbox where sent_at is not null and name = '' and phone = ''")" = 1 ] ||
    fail "after the server's receipt the kiosk still holds contact details or has not marked it sent"
"$BIN"/kioskctl feedback > "$T/feedback.txt" 2>&1 || fail "kioskctl feedback: $(cat "$T/feedback.txt")"
grep -q "活动很好" "$T/feedback.txt" || fail "the admin does not see the comment: $(cat "$T/feedback.txt")"
grep -q "王芳 13900001111" "$T/feedback.txt" || fail "the admin does not see the contact: $(cat "$T/feedback.txt")"
grep -q "共 1 条" "$T/feedback.txt" || fail "not exactly one submission on the server"

"$BIN"/kioskctl reply "$ID" "谢谢您的肯定，志愿服务会一直坚持下去。" --public --question "志愿服务活动办得好吗？" \
    > "$T/reply.txt" 2>&1 || fail "reply: $(cat "$T/reply.txt")"
"$BIN"/kioskctl sync --config "$T/kiosk.conf" --once > "$T/sync3.txt" 2>&1 || fail "sync after reply: $(cat "$T/sync3.txt")"
# A second upload round sends nothing again.
"$BIN"/kioskctl feedback | grep -q "共 1 条" || fail "the submission reached the server more than once"

cat > "$T/public.txt" <<'SCRIPT'
clock 2026-11-22T12:00:00+08:00
tap-text home.answers
expect-screen answers
expect-text 志愿服务活动办得好吗？
expect-text 谢谢您的肯定，志愿服务会一直坚持下去。
expect-no-text 王芳
expect-no-text 13900001111
expect-no-text 139****1111
check-layout
screenshot answers-after-reply
SCRIPT
fb_run "$T/public.txt"
countyd_stop
echo "feedback kiosk -> county -> reply -> kiosk: ok"
