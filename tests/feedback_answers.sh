#!/bin/sh
# 回复公开: the public answers from the feed, newest first, four to a page
# (two columns in landscape), paged by button and by swipe; a tap shows
# one answer alone in larger type with one way back (返回), a long one in
# pages of its own.  Reached from home and
# from the feedback screen.
set -eu
. tests/lib/feedback.sh

for orient in landscape portrait; do
    fb_conf $orient
    {
        cat <<'SCRIPT'
tap-text home.answers
expect-screen answers
expect-text 回复公开（共 6 条）
expect-text 换届选举的候选人名单什么时候公示？
expect-text 第 1/2 页
check-layout
check-glyphs
SCRIPT
        echo "screenshot answers-$orient"
        cat <<'SCRIPT'
tap-text pager.next
expect-text 第 2/2 页
expect-text 村里的路灯坏了很久，什么时候修？
expect-no-text 换届选举
tap-text answer:1
expect-screen answer
expect-no-text 返回列表
expect-text 已联系供电所
check-layout
tap-text nav.back
expect-screen answers
expect-text 第 2/2 页
swipe 300 700 1000 700 300
expect-text 第 1/2 页
# a long answer is paged on its own
tap-text answer:0
expect-text 全镇路灯检修的结果能不能逐条公开？
expect-text 第1条：
expect-no-text 第30条：
expect-screen answer
check-layout
check-glyphs
SCRIPT
        echo "screenshot answer-long-$orient"
        cat <<'SCRIPT'
swipe 1000 700 300 700 300
expect-no-text 第1条：
# (a line may break between 第30 and 条)
tap-until pager.next 第30
expect-text 第30
expect-no-text 第1条：
check-layout
tap-text nav.back
expect-text 第 1/2 页
tap-text nav.home
tap-text nav.feedback
tap-text fb.answers
expect-screen answers
SCRIPT
    } | fb_script_write answers
    rm -f "$T/kiosk.db"*
    fb_run "$T/answers.txt"
done
echo "public answers: ok"
