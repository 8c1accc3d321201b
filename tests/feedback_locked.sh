#!/bin/sh
# The database's write lock held by another connection (as the sync
# thread holds it while it applies a large snapshot) while a visitor
# submits: the screen goes on (the script taps and checks meanwhile) and
# says 正在保存… with the words still on the form; once the lock is
# released it says 提交成功 and the row is in the outbox once.  A visitor
# who leaves while it saves, or the idle timeout going home, loses nothing.  A lock held past the writer's
# deadline (10 s) is a failure that asks to press again, the words kept.
# SIGTERM while it saves: the kiosk commits it before it exits.
set -eu
. tests/lib/feedback.sh
fb_conf landscape

# The visitor's comment, 公开, typed by pinyin.
comment() {
    printf 'tap-text nav.feedback\ntap-text fb.open_form\ntap-text fb.field:comment\n'
    fb_keys gongkai
    printf 'tap-text 公开\ntap-text kb.done\n'
}

{
    comment
    cat <<'SCRIPT'
lock-store
tap-text fb.submit
expect-text 正在保存…
expect-no-text 提交成功
expect-text 公开
hold 1500
expect-screen feedback
expect-text 正在保存…
dump saving
unlock-store
wait-text 提交成功
expect-no-text 正在保存…
tap-text nav.home
SCRIPT
    # Rated 2, the visitor goes home; rated 3, the idle timeout does.
    for rating_and_away in "2 tap-text nav.home" "3 wait 100000"; do
        comment
        printf 'tap-text fb.rate:%s\nlock-store\ntap-text fb.submit\nexpect-text 正在保存…\n' "${rating_and_away%% *}"
        printf '%s\nexpect-screen home\nunlock-store\nexpect-screen home\n' "${rating_and_away#* }"
    done
} | fb_script locked
grep -q '正在保存' "$T/shots/saving.json" || fail "the dump during the lock does not show 正在保存…"
[ "$(fb_sql "select count(*) from feedback_outbox where comment = '公开' and rating = 0")" = 1 ] ||
    fail "expected the first comment once: $(fb_sql "select count(*) from feedback_outbox")"
[ "$(fb_sql "select count(*) from feedback_outbox where comment = '公开' and rating = 2")" = 1 ] ||
    fail "expected the comment saved after the visitor left, once"
[ "$(fb_sql "select count(*) from feedback_outbox where comment = '公开' and rating = 3")" = 1 ] ||
    fail "expected the comment saved after the idle timeout went home, once"
[ "$(fb_sql "select count(*) from feedback_outbox")" = 3 ] || fail "outbox: $(fb_sql "select count(*) from feedback_outbox")"

# Past the deadline: not saved, asked to press again, the words kept.
{
    comment
    cat <<'SCRIPT'
lock-store
tap-text fb.submit
expect-text 正在保存…
wait-text 正在更新内容，请过几秒再按一次提交
expect-no-text 提交成功
expect-text 公开
unlock-store
SCRIPT
} | fb_script deadline
grep -q "feedback: not saved (the database was busy with an update)" "$T/kiosk.log" || fail "no log line for the busy lock"
[ "$(fb_sql "select count(*) from feedback_outbox")" = 3 ] || fail "the outbox changed"

# SIGTERM while the submission waits for the lock: the script stops, its
# lock ends with it, and the kiosk commits the submission before it exits.
# Two of them: the visitor left while the first was saving, and the next
# one waits in the writer's queue behind it.
{
    printf 'lock-store\n'
    comment
    printf 'tap-text fb.rate:4\ntap-text fb.submit\nexpect-text 正在保存…\ntap-text nav.home\n'
    comment
    cat <<'SCRIPT'
tap-text fb.rate:5
tap-text fb.submit
expect-text 正在保存…
dump waiting
hold 60000
SCRIPT
} | fb_script_write term
kiosk_until_dump "$T/kiosk.conf" "$T/term.txt" "$T/shots" waiting
[ "$(fb_sql "select count(*) from feedback_outbox where rating >= 4")" = 0 ] || fail "saved while the store was locked"
kiosk_term
[ "$(fb_sql "select group_concat(rating) from feedback_outbox where rating >= 4 and comment = '公开'")" = "4,5" ] ||
    fail "the submissions being saved at SIGTERM are not in the outbox, once each"
echo "feedback behind a locked database: ok"
