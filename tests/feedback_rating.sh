#!/bin/sh
# One-tap rating: from an item being read, 意见建议, one tap on 满意 ->
# 提交成功, and the outbox holds exactly that rating about that item.
set -eu
. tests/lib/feedback.sh
fb_conf landscape

fb_script rating <<'SCRIPT'
tap-text cat:zuzhi
tap-text item:fb-test-1
expect-screen reader
tap-text nav.feedback
expect-screen feedback
expect-text 青禾镇党委关于开展党员志愿服务活动的通知
check-layout
check-glyphs
screenshot feedback-start
tap-text fb.rate:2
expect-text 已选择
wait 1000
expect-text 提交成功
expect-text 补充原因和意见
check-layout
screenshot feedback-rated
SCRIPT

[ "$(fb_sql "select count(*) from feedback_outbox")" = 1 ] || fail "expected one submission"
row=$(fb_sql "select kind, rating, rating_levels, target_item, target_category, comment, name, phone from feedback_outbox")
[ "$row" = "rating|2|5|fb-test-1|zuzhi|||" ] || fail "outbox row: $row"
id=$(fb_sql "select id from feedback_outbox")
echo "$id" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' || fail "id is not a UUID: $id"
# The script's clock said 2026-11-22 10:00 +08:00 (1795312800) and ran on
# for the taps: the submission carries the time it was made.
t=$(fb_sql "select created_at from feedback_outbox")
[ "$t" -ge 1795312800 ] && [ "$t" -lt 1795312860 ] || fail "created_at is $t"
# Three levels (rating_levels = 3): 满意 / 基本满意 / 不满意.
echo "rating_levels = 3" >> "$T/kiosk.conf"
fb_script three <<'SCRIPT'
tap-text nav.feedback
expect-text 基本满意
expect-no-text 非常满意
check-layout
tap-text 不满意
wait 1000
expect-text 提交成功
SCRIPT
[ "$(fb_sql "select rating || '/' || rating_levels from feedback_outbox where rating_levels = 3")" = 3/3 ] ||
    fail "three levels: $(fb_sql "select rating, rating_levels from feedback_outbox")"

# With [feedback] enabled = false the screen says so and takes nothing.
echo "enabled = false" >> "$T/kiosk.conf"
fb_script disabled <<'SCRIPT'
tap-text nav.feedback
expect-text 本机暂不接受意见建议
expect-no-text 非常满意
check-layout
tap-text fb.answers
expect-screen answers
SCRIPT
[ "$(fb_sql "select count(*) from feedback_outbox")" = 2 ] || fail "a disabled kiosk saved feedback"
echo "feedback rating: ok"
