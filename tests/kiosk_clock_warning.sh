#!/bin/sh
# The admin's warning after the sync mark (kiosk/ui/app.c): 时区有误 when
# the kiosk's zone is not China Standard Time, 时钟有误 when its clock is
# before 2026, nothing when both look right; the header still fits in both
# orientations.  The real kiosk, headless.
set -eu
. tests/lib/common.sh

sed -e "s#^database = .*#database = $T/kiosk.db#" -e "s#^cache_dir = .*#cache_dir = $T/cache#" \
    -e "s#^rime_user_dir = .*#rime_user_dir = $T/rime#" kiosk.conf > "$T/kiosk.conf"

# run NAME ZONE CLOCK ORIENTATION CHECKS...: one headless run on a fresh database.
run() {
    name=$1 zone=$2 clock=$3 orient=$4
    shift 4
    rm -f "$T/kiosk.db"*
    { printf 'clock %s\nimport tests/data/feed.json\nstate sync.state ok\nexpect-text 已同步\n' "$clock"
      for c in "$@"; do printf '%s\n' "$c"; done
      printf 'check-layout\n'; } > "$T/$name.txt"
    if [ "$orient" = portrait ]; then size=1080x1920; else size=1920x1080; fi
    TZ=$zone kiosk_headless "$T/kiosk.conf" "$T/$name.txt" "$T/shots" --windowed --size $size --$orient \
        --log-level warn > "$T/$name.log" 2>&1 || { cat "$T/$name.log"; fail "$name"; }
    echo "ok   $name"
}

run right-landscape Asia/Shanghai 2026-11-22T10:00:00+08:00 landscape "expect-no-text 时区有误" "expect-no-text 时钟有误"
run right-portrait Asia/Shanghai 2026-11-22T10:00:00+08:00 portrait "expect-no-text 时区有误" "expect-no-text 时钟有误"
run utc-landscape UTC 2026-11-22T10:00:00+08:00 landscape "expect-text 已同步 · 时区有误"
run utc-portrait UTC 2026-11-22T10:00:00+08:00 portrait "expect-text 已同步 · 时区有误"
run old-clock-portrait Asia/Shanghai 2020-01-01T08:00:00+08:00 portrait "expect-text 已同步 · 时钟有误"
grep -q "the time zone looks wrong" "$T/utc-portrait.log" || fail "the wrong zone is not in the log"
grep -q "the clock looks wrong" "$T/old-clock-portrait.log" || fail "the wrong clock is not in the log"
