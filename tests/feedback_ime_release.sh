#!/bin/sh
# The keyboard's engines on the kiosk's own clock: not loaded until 拼音 is
# first shown, still there 9 minutes after the keyboard closed, freed at
# [feedback] ime_release_minutes (10) whatever screen shows by then, and
# loaded again for the next visitor, who types pinyin as before.
set -eu
. tests/lib/feedback.sh
fb_conf landscape

open_comment() {
    cat <<'SCRIPT'
tap-text nav.feedback
tap-text fb.open_form
tap-text fb.field:comment
SCRIPT
}

{
    open_comment
    fb_keys nihao
    echo "tap-text 你好"
    echo "tap-text kb.done"
    echo "expect-text 你好"
    # 9 minutes closed (the form itself is cleared after idle_timeout)
    echo "wait 540000"
} | fb_script nine
grep -q "pinyin ready" "$T/kiosk.log" || fail "pinyin never loaded"
if grep -q "input engines released" "$T/kiosk.log"; then fail "released before ime_release_minutes"; fi

{
    echo "tap-text nav.feedback"
    echo "tap-text fb.open_form"
    echo "wait 2000"
} | fb_script untouched
if grep -q "pinyin ready" "$T/kiosk.log"; then fail "pinyin loaded although no keyboard was shown"; fi

{
    open_comment
    fb_keys nihao
    echo "tap-text 你好"
    echo "tap-text kb.done"
    echo "wait 601000"
    echo "expect-screen attract"
    echo "tap 960 540"
    echo "expect-screen home"
    open_comment
    fb_keys guojia
    echo "tap-text 国家"
    echo "expect-text 国家▏"
} | fb_script ten
grep -q "input engines released after 10 min closed" "$T/kiosk.log" || fail "not released after 10 minutes"
[ "$(grep -c "pinyin ready" "$T/kiosk.log")" = 2 ] || fail "pinyin not loaded again after the release"
echo "input engines loaded on use and released when closed: ok"
