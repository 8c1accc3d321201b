#!/bin/sh
# A request for disclosure (依申请公开 / 群众点题): refused until the matter,
# a name and a valid mobile number are there, each with a message saying
# what is missing; then saved as a request with its contact details.
set -eu
. tests/lib/feedback.sh
fb_conf landscape

{
    cat <<'SCRIPT'
tap-text nav.feedback
tap-text fb.open_request
expect-text 申请公开 / 群众点题
expect-text 必填
check-layout
tap-text fb.submit
expect-text 请写下您希望公开的事项
tap-text fb.field:comment
expect-text 希望公开的事项
tap-text kb.mode:123
SCRIPT
    fb_keys 2026
    echo "tap-text kb.char:年"
    echo "tap-text kb.mode:pinyin"
    fb_keys cunwu
    echo "tap-text 村务"
    fb_keys caiwu
    echo "tap-text 财务"
    echo "tap-text kb.done"
    echo "tap-text fb.submit"
    echo "expect-text 申请公开需要留下姓名"
    echo "tap-text fb.field:name"
    # a name in Latin letters: ABC, 大写 for the capitals
    echo "tap-text kb.mode:abc"
    echo "tap-text kb.caps"
    echo "tap-text kb.char:l"
    echo "tap-text kb.caps"
    fb_keys i
    echo "tap-text kb.space"
    echo "tap-text kb.caps"
    fb_keys h
    echo "tap-text kb.caps"
    fb_keys ua
    echo "expect-text Li Hua▏"
    echo "tap-text kb.done"
    echo "tap-text fb.submit"
    echo "expect-text 申请公开需要留下手机号码"
    echo "tap-text fb.field:phone"
    fb_keys 12345678901
    echo "tap-text kb.done"
    echo "expect-text 手机号码应为11位"
    echo "expect-text 12345678901"
    echo "tap-text fb.submit"
    echo "expect-text 手机号码应为11位"
    echo "tap-text fb.field:phone"
    echo "tap-text kb.clear"
    fb_keys 15912340000
    echo "tap-text kb.done"
    cat <<'SCRIPT'
expect-text 159****0000
expect-no-text 手机号码应为11位
check-layout
screenshot feedback-request
tap-text fb.submit
expect-text 提交成功
expect-text 办理结果
SCRIPT
} | fb_script request

[ "$(fb_sql "select count(*) from feedback_outbox")" = 1 ] || fail "expected one submission"
row=$(fb_sql "select kind, rating, comment, name, phone from feedback_outbox")
[ "$row" = 'request|0|2026年村务财务|Li Hua|15912340000' ] || fail "outbox row: $row"
echo "feedback request: ok"
