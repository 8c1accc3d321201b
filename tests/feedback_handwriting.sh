#!/bin/sh
# The full opinion form with handwriting (portrait screen), written slowly:
# strokes drawn with a finger, candidates chosen by a tap, long pauses that
# take nothing, a character taken when the next one begins in the other
# box, 重写 for the character being written, a stroke taken back with
# 删除; then 提交成功 and the text in the outbox.
set -eu
. tests/lib/feedback.sh
fb_conf portrait

fb_script hand <<'SCRIPT'
tap-text cat:zuzhi
expect-screen category
tap-text nav.feedback
expect-text 栏目：组织建设
tap-text fb.open_form
tap-text fb.rate:3
tap-text fb.reason:5
tap-text fb.field:comment
tap-text kb.mode:hand
expect-text 请在这里写字
check-layout
# 大: a bar, a falling stroke to the left, one to the right
stroke kb.pad 15,40 85,40
stroke kb.pad 50,10 50,40 40,65 15,90
stroke kb.pad 50,40 65,65 88,90
screenshot feedback-handwriting
check-layout
tap-text 大
expect-text 大▏
# 人
stroke kb.pad 50,10 45,45 30,70 10,90
stroke kb.pad 48,40 65,65 90,90
tap-text 人
# 十 written slowly: long pauses between its strokes take nothing
stroke kb.pad 10,45 90,45
wait 6000
expect-text 大人▏
stroke kb.pad 50,10 50,90
wait 6000
expect-text 大人▏
expect-text 接着写下一个字
# the next character, begun in the other box, takes 十 (the best candidate)
stroke kb.pad.next 10,50 90,50
expect-text 大人十▏
tap-text 一
expect-text 大人十一▏
# 重写 empties the box for the character being written, nothing else
stroke kb.pad 50,10 50,90
tap-text kb.rewrite
expect-text 请在这里写字
expect-text 大人十一▏
# a slip of the finger, taken back
stroke kb.pad 20,20 80,80
tap-text kb.del
expect-text 请在这里写字
tap-text kb.done
expect-text 大人十一
# the name written by hand too: 王 (a name opens in 拼音; 手写 is one tap away)
tap-text fb.field:name
expect-text 点字母输入拼音
tap-text kb.mode:hand
expect-text 请在这里写字
stroke kb.pad 20,15 80,15
stroke kb.pad 25,50 75,50
stroke kb.pad 50,15 50,85
stroke kb.pad 10,85 90,85
tap-text 王
tap-text kb.done
tap-text fb.field:phone
tap-text kb.char:1
tap-text kb.char:8
tap-text kb.char:6
tap-text kb.char:0
tap-text kb.char:0
tap-text kb.char:0
tap-text kb.char:0
tap-text kb.char:1
tap-text kb.char:2
tap-text kb.char:3
tap-text kb.char:4
tap-text kb.done
expect-text 186****1234
check-layout
screenshot feedback-handwriting-filled
tap-text fb.submit
expect-text 提交成功
SCRIPT

row=$(fb_sql "select kind, rating, reasons, comment, name, phone, target_item, target_category from feedback_outbox")
[ "$row" = 'comment|3|["字太小"]|大人十一|王|18600001234||zuzhi' ] || fail "outbox row: $row"
echo "feedback by handwriting: ok"
