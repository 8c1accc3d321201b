#!/bin/sh
# The picture turned on its output (kiosk/ui/turn.h, [display] turn): a
# portrait picture on a landscape 1920x1080 output, turned by 90 degrees,
# with every touch going through the turn (the headless fingers touch the
# output as a panel reports it); the screens are laid out portrait, taps
# reach the widget under the finger (a finger drags a list's page through
# the turn too), and the log says what was chosen.
# The real kiosk, headless.  test_turn.c checks the turn itself against
# SDL's renderer.
set -eu
export TZ=Asia/Shanghai
. tests/lib/common.sh

for turn in 90 270; do
    sed -e "s#^database = .*#database = $T/kiosk-$turn.db#" -e "s#^cache_dir = .*#cache_dir = $T/cache#" \
        -e "s#^rime_user_dir = .*#rime_user_dir = $T/rime#" -e "s#^turn = .*#turn = $turn#" kiosk.conf > "$T/kiosk.conf"
    cat > "$T/turn.txt" <<'SCRIPT'
clock 2026-11-22T10:00:00+08:00
import tests/data/feed.json
expect-screen home
check-layout
dump home
tap-text 组织建设与党员管理
expect-screen category
check-layout
tap-text 发展党员
expect-text 入党积极分子
tap-text nav.back
expect-screen home
tap-text 党组织决议、决定及执行情况
expect-text 第 1/
swipe 900 800 100 800 300
expect-text 第 2/
tap-text nav.back
expect-screen home
screenshot home
SCRIPT
    kiosk_headless "$T/kiosk.conf" "$T/turn.txt" "$T/shots-$turn" --windowed --size 1920x1080 --landscape \
        > "$T/turn-$turn.log" 2>&1 || { tail -20 "$T/turn-$turn.log"; fail "turn $turn: the script failed"; }
    grep -q "1920x1080 output, portrait picture 1080x1920 drawn into a texture and turned $turn degrees" "$T/turn-$turn.log" ||
        fail "turn $turn: the log does not say how the picture is turned: $(grep display: "$T/turn-$turn.log")"
    grep -q '"width": 1080,' "$T/shots-$turn/home.json" && grep -q '"height": 1920,' "$T/shots-$turn/home.json" ||
        fail "turn $turn: the dump is not portrait"
    # The screenshot is the picture: 1080 wide, 1920 high (PNG header).
    size=$(od -An -tu1 -j16 -N8 "$T/shots-$turn/home.png" | awk '{print ($1*16777216+$2*65536+$3*256+$4) "x" ($5*16777216+$6*65536+$7*256+$8)}')
    [ "$size" = 1080x1920 ] || fail "turn $turn: the screenshot is $size, not 1080x1920"
    echo "ok   turn $turn: portrait picture on a landscape output, taps and a drag through the turn"
done
