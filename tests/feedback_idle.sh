#!/bin/sh
# Privacy: a visitor walks away mid-sentence.  After idle_timeout without a
# touch the kiosk is back home and the next visitor finds an empty form, no
# half-typed pinyin, nothing saved.
set -eu
. tests/lib/feedback.sh
fb_conf landscape

{
    cat <<'SCRIPT'
tap-text nav.feedback
tap-text fb.open_form
tap-text fb.rate:5
tap-text fb.reason:0
tap-text fb.field:comment
SCRIPT
    fb_keys nihao
    echo "tap-text 你好"
    fb_keys wang
    cat <<'SCRIPT'
expect-text 你好▏
expect-text wang
wait 60000
expect-screen feedback
expect-text 你好▏
wait 31000
expect-screen home
tap-text nav.feedback
expect-no-text 提交成功
tap-text fb.open_form
expect-no-text 你好
tap-text fb.field:comment
expect-no-text wang
expect-text 0/300
SCRIPT
} | fb_script idle

[ "$(fb_sql "select count(*) from feedback_outbox")" = 0 ] || fail "something was saved"
echo "feedback cleared on idle: ok"
