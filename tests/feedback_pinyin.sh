#!/bin/sh
# The full opinion form typed with pinyin on the on-screen keyboard:
# rating, a reason chip, a comment in Chinese with punctuation, a name, a
# phone number on the keypad (masked once entered); then 提交成功, and the
# form is empty for the next visitor.
set -eu
. tests/lib/feedback.sh
fb_conf landscape

{
    cat <<'SCRIPT'
tap-text nav.feedback
expect-text 中共青禾镇委员会的工作
tap-text fb.open_form
tap-text fb.rate:4
tap-text fb.reason:2
tap-text fb.field:comment
expect-text 拼音
# 意见建议 tapped while typing opens another feedback screen; back from it,
# the keyboard still types here
tap-text nav.feedback
expect-depth 3
tap-text nav.back
expect-depth 2
SCRIPT
    fb_keys dangwugongkai
    echo "screenshot feedback-pinyin"
    echo "check-layout"
    # librime offers rare characters the fonts lack; they are not shown
    echo "check-glyphs"
    echo "tap-text 党务公开"
    fb_keys gengxin
    echo "tap-text 更新"
    # a slip: one letter too many, taken back with 删除
    fb_keys taimanx
    echo "tap-text kb.del"
    echo "expect-text tai man"
    echo "tap-text 太慢"
    echo "tap-text kb.char:，"
    fb_keys qing
    echo "tap-text 请"
    fb_keys gaijin
    # 。 takes the first candidate (改进) and adds the mark
    echo "tap-text kb.char:。"
    fb_keys xiexie
    echo "tap-text 谢谢"
    echo "tap-text kb.mode:sym"
    echo "tap-text kb.char:！"
    # letters typed as pinyin, then ABC: they were meant as Latin
    echo "tap-text kb.mode:pinyin"
    fb_keys ok
    echo "tap-text kb.mode:abc"
    echo "tap-text kb.done"
    echo "expect-text 党务公开更新太慢，请改进。谢谢！ok"
    echo "tap-text fb.field:name"
    # a name opens in 拼音, whatever the comment was last written in (ABC)
    echo "expect-text 点字母输入拼音"
    fb_keys zhangsan
    echo "tap-text 张三"
    echo "tap-text kb.done"
    echo "tap-text fb.field:phone"
    echo "expect-text 填写手机号码"
    fb_keys 13812345678
    echo "tap-text kb.char:9"
    echo "expect-text 13812345678"
    echo "check-layout"
    echo "screenshot feedback-keypad"
    echo "tap-text kb.done"
    cat <<'SCRIPT'
expect-text 138****5678
expect-no-text 13812345678
check-layout
check-glyphs
screenshot feedback-form-filled
tap-text fb.submit
expect-text 提交成功
tap-text fb.cancel
tap-text fb.open_form
# the next visitor starts in 拼音, not in the ABC this one used last
tap-text fb.field:comment
expect-text 点字母输入拼音
tap-text kb.done
expect-no-text 党务公开更新太慢
expect-no-text 138****5678
SCRIPT
} | fb_script pinyin

row=$(fb_sql "select kind, rating, reasons, comment, name, phone, target_item from feedback_outbox")
[ "$row" = 'comment|4|["内容不全"]|党务公开更新太慢，请改进。谢谢！ok|张三|13812345678|' ] || fail "outbox row: $row"
echo "feedback with pinyin: ok"
