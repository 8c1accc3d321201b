#!/bin/sh
# Abuse rules: an identical rating repeated at once is not saved twice
# (the visitor is told it was already received); with a limit of 3 an hour
# the 4th submission is refused with a clear message, and an hour later
# the kiosk takes submissions again.
set -eu
. tests/lib/feedback.sh
fb_conf landscape 3

fb_script limit <<'SCRIPT'
tap-text nav.feedback
tap-text fb.rate:1
expect-text 已选择
wait 1000
expect-text 提交成功
tap-text nav.back
tap-text nav.feedback
tap-text fb.rate:1
expect-text 已选择
wait 1000
expect-text 已经收到
expect-text 无需重复提交
tap-text nav.back
tap-text nav.feedback
tap-text fb.rate:2
expect-text 已选择
wait 1000
expect-text 提交成功
tap-text nav.back
tap-text nav.feedback
tap-text fb.rate:3
expect-text 已选择
wait 1000
expect-text 提交成功
tap-text nav.back
tap-text nav.feedback
tap-text fb.rate:4
expect-text 每小时上限
expect-no-text 提交成功
check-layout
screenshot feedback-rate-limit
clock 2026-11-22T11:01:00+08:00
tap-text fb.rate:4
expect-text 已选择
wait 1000
expect-text 提交成功
SCRIPT

[ "$(fb_sql "select group_concat(rating) from (select rating from feedback_outbox order by created_at, rowid)")" = "1,2,3,4" ] ||
    fail "saved ratings: $(fb_sql "select group_concat(rating) from feedback_outbox")"
grep -q "rate limit of 3 an hour reached" "$T/kiosk.log" || fail "no log line for the refusal"
echo "feedback rate limit and duplicates: ok"
