#!/bin/sh
# Durability: the kiosk is killed (kill -9) the moment 提交成功 is on the
# screen.  After a restart the submission is in the outbox, whole, once.
# And when the database refuses the write, 提交成功 never shows.
set -eu
. tests/lib/feedback.sh
fb_conf landscape

# The visitor's comment, 公开, typed by pinyin and sent.
comment_and_submit() {
    echo "tap-text fb.field:comment"
    fb_keys gongkai
    printf 'tap-text 公开\ntap-text kb.done\ntap-text fb.submit\n'
}

{
    printf 'tap-text nav.feedback\ntap-text fb.open_form\ntap-text fb.rate:3\n'
    comment_and_submit
    cat <<'SCRIPT'
expect-text 提交成功
dump submitted
hold 60000
SCRIPT
} | fb_script_write submit

# Started directly, not through kiosk_headless: $! must be the kiosk itself
# (a function in the background is a subshell, and kill -9 would miss it).
"$BIN"/kiosk --config "$T/kiosk.conf" --headless "$T/submit.txt" --shots "$T/shots" > "$T/kiosk.log" 2>&1 &
pid=$!
i=0
while [ ! -s "$T/shots/submitted.json" ]; do
    kill -0 "$pid" 2>/dev/null || { tail "$T/kiosk.log"; fail "the kiosk ended before 提交成功"; }
    i=$((i + 1))
    [ $i -lt 600 ] || { kill -9 "$pid"; fail "提交成功 did not show within 60 s"; }
    sleep 0.1
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
grep -q '提交成功' "$T/shots/submitted.json" || fail "the dump does not show 提交成功"
[ -s "$T/kiosk.db-wal" ] || fail "expected the commit in the write-ahead log (the kiosk never closed the database)"

# Restart: the kiosk opens the same database and runs again.
echo "expect-screen home" | fb_script restart
row=$(fb_sql "select count(*), kind, rating, comment from feedback_outbox where sent_at is null")
[ "$row" = '1|comment|3|公开' ] || fail "outbox after restart: $row"
# A database that refuses the write (a full disk, simulated by a trigger):
# no 提交成功, a clear message, a log line, and the visitor's words stay
# on the form for another try.
sqlite3 "$T/kiosk.db" "CREATE TRIGGER disk_full BEFORE INSERT ON feedback_outbox
    BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;"
{
    printf 'tap-text nav.feedback\ntap-text fb.open_form\n'
    comment_and_submit
    cat <<'SCRIPT'
expect-no-text 提交成功
expect-text 暂时无法提交，请稍后再试
expect-text 公开
SCRIPT
} | fb_script full
grep -q "feedback: not saved: .*database or disk is full" "$T/kiosk.log" || fail "no log line for the refused write"
[ "$(fb_sql "select count(*) from feedback_outbox")" = 1 ] || fail "the outbox changed"
echo "feedback survives kill -9: ok"
