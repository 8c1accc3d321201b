# tests/lib/feedback.sh — shared by the tests/feedback_*.sh scripts: a
# kiosk.conf in the scratch folder (or one registered with a real countyd),
# the headless kiosk run on a script, and reading the outbox with the
# sqlite3 tool.  Sourced from the top of the tree; brings tests/lib/common.sh
# (T, BIN, fail) with it.

. tests/lib/common.sh

# fb_conf [landscape|portrait] [rate_limit_per_hour]
fb_conf() {
    orient=${1:-landscape}
    limit=${2:-30}
    if [ "$orient" = portrait ]; then w=1080; h=1920; else w=1920; h=1080; fi
    cat > "$T/kiosk.conf" <<CONF
[display]
fullscreen = false
width = $w
height = $h
orientation = $orient
[store]
database = $T/kiosk.db
cache_dir = $T/cache
[sync]
server_url = file://$T/no-feed
[screen]
idle_timeout = 90
attract_timeout = 180
[input]
rime_user_dir = $T/rime
[feedback]
rate_limit_per_hour = $limit
duplicate_window = 600
CONF
}

# fb_online_kiosk [LINE...]: a real countyd (admin li) holding one published
# item, volunteer (关于开展党员志愿服务活动的通知, category zuzhi), and kiosk
# lobby-1 registered with it; $T/kiosk.conf is fb_conf's with lobby-1's
# [sync] section, each LINE added to that section.
fb_online_kiosk() {
    countyd_start li
    C="$T/content"
    mkdir -p "$C"
    printf 'zuzhi | 组织建设\n' > "$C/catalog.txt"
    author_item "$C/volunteer.txt" zuzhi 关于开展党员志愿服务活动的通知 "2026-11-01 09:00" 即时 社会 \
        每月第一个周六，党员在便民服务中心门前开展志愿服务。
    publish_approved "$C"
    "$BIN"/kioskctl kiosk-add lobby-1 > "$T/kiosk-add.txt"
    fb_conf landscape
    grep -v '^server_url\|^\[sync\]' "$T/kiosk.conf" > "$T/rest.conf"
    {
        sed -n '/^\[sync\]/,$p' "$T/kiosk-add.txt"
        for line in "$@"; do echo "$line"; done
        cat "$T/rest.conf"
    } > "$T/kiosk.conf"
}

# The start every script shares: a fixed clock and the test content.
fb_script_head() {
    cat <<SCRIPT
clock 2026-11-22T10:00:00+08:00
import tests/feedback/feed.json
SCRIPT
}

# fb_run SCRIPT: runs the headless kiosk; fails the test when a check fails.
fb_run() {
    kiosk_headless "$T/kiosk.conf" "$1" "$T/shots" > "$T/kiosk.log" 2>&1 ||
        { tail -20 "$T/kiosk.log"; fail "the headless script $1 failed"; }
}

# fb_script_write NAME: $T/NAME.txt, the shared start and then the steps
# read from standard input.
fb_script_write() {
    { fb_script_head; cat; } > "$T/$1.txt"
}

# fb_script NAME: fb_script_write NAME, then fb_run on it.
fb_script() {
    fb_script_write "$1"
    fb_run "$T/$1.txt"
}

# fb_sql QUERY: one value from the kiosk's database.
fb_sql() {
    sqlite3 "$T/kiosk.db" "$1"
}

# Letters typed on the on-screen keyboard, one tap each.
fb_keys() {
    echo "$1" | sed 's/./tap-text kb.char:&\n/g' | grep -v '^$'
}

# receipt_of ID: the receipt number (回执号) of the submission ID, worked
# out here independently of proto/receipt.c from the rule it documents:
# SHA-256 of the id, its first 8 bytes as a number modulo 10^11 (in steps
# of 16 bits so that shell arithmetic does not overflow), 11 digits, then
# a Luhn check digit.
receipt_of() {
    hex=$(printf '%s' "$1" | sha256sum | cut -c1-16)
    v=0
    for i in 1 5 9 13; do
        v=$(((v * 65536 + 0x$(echo "$hex" | cut -c$i-$((i + 3)))) % 100000000000))
    done
    digits=$(printf '%011d' "$v")
    sum=0 pos=0
    for i in 11 10 9 8 7 6 5 4 3 2 1; do
        d=$(echo "$digits" | cut -c$i)
        if [ $((pos % 2)) -eq 0 ]; then d=$((d * 2)); [ $d -gt 9 ] && d=$((d - 9)); fi
        sum=$((sum + d)) pos=$((pos + 1))
    done
    echo "$digits$(((10 - sum % 10) % 10))"
}

# receipt_grouped DIGITS: "482109375516" -> "4821 0937 5516", as shown.
receipt_grouped() {
    echo "$1" | sed 's/^\(....\)\(....\)\(....\)$/\1 \2 \3/'
}
