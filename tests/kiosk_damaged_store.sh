#!/bin/sh
# The kiosk's database damaged or unwritable at start (docs/DEPLOY.md): a
# corrupt database is moved aside (kept), its unsent feedback saved into a
# fresh one, and the kiosk starts on the fresh one; a read-only folder or a
# full disk starts the kiosk read-only on what it holds, the sync mark
# saying why.  The folder faults need a tmpfs (mount, as root); where that
# cannot be mounted those two cases say so and are left out.
set -eu
. tests/lib/common.sh
export TZ=Asia/Shanghai

# conf DB: a kiosk.conf on database DB.
conf() {
    sed -e "s#^database = .*#database = $1#" -e "s#^cache_dir = .*#cache_dir = $T/cache#" \
        -e "s#^rime_user_dir = .*#rime_user_dir = $T/rime#" kiosk.conf > "$T/kiosk.conf"
}
# run NAME: the headless kiosk on the script from standard input.
run() {
    cat > "$T/$1.txt"
    kiosk_headless "$T/kiosk.conf" "$T/$1.txt" "$T/shots" --log-level info > "$T/$1.log" 2>&1 ||
        { tail -20 "$T/$1.log"; fail "$1: the kiosk did not start or a check failed"; }
}
# content DB: DB with the test content and two unsent submissions.
content() {
    conf "$1"
    printf 'clock 2026-11-22T10:00:00+08:00\nimport tests/data/feed.json\n' | run import
    sqlite3 "$1" "INSERT INTO feedback_outbox(id, kind, rating, rating_levels, comment, created_at) VALUES
        ('6f1c2b1e-0000-4000-8000-00000000000a', 'comment', 0, 5, '路灯坏了', 1795312800),
        ('6f1c2b1e-0000-4000-8000-00000000000b', 'rating', 4, 5, '', 1795312801)"
}
CAT=党组织决议、决定及执行情况

# 1. Garbage where the database should be.
printf 'this is not a database, just text that fills a page or so of bytes\n%.0s' 1 2 3 4 5 6 7 8 > "$T/garbage.db"
conf "$T/garbage.db"
printf 'expect-screen home\nexpect-text 意见建议\n' | run garbage
grep -q "was damaged; kept as $T/garbage.db.corrupt-" "$T/garbage.log" || fail "garbage: no log line"
kept=$(ls "$T"/garbage.db.corrupt-*)
[ "$(head -c 20 "$kept")" = "this is not a databa" ] || fail "garbage: the damaged file was not kept as it was"
[ "$(sqlite3 "$T/garbage.db" 'PRAGMA quick_check')" = ok ] || fail "garbage: no fresh database"
echo "ok: a file that is not a database is kept as $(basename "$kept") and a fresh one made"

# 2. A database whose items table is damaged at its root: the unsent feedback is saved.
content "$T/damaged.db"
page=$(sqlite3 "$T/damaged.db" "SELECT rootpage FROM sqlite_master WHERE name = 'items'")
size=$(sqlite3 "$T/damaged.db" "PRAGMA page_size")
head -c "$size" /dev/urandom | dd of="$T/damaged.db" bs="$size" seek=$((page - 1)) conv=notrunc 2> /dev/null
printf 'expect-screen home\nexpect-no-text %s\n' "$CAT" | run damaged
grep -q "2 unsent feedback submission(s) saved" "$T/damaged.log" || { cat "$T/damaged.log"; fail "damaged: feedback not saved"; }
[ "$(sqlite3 "$T/damaged.db" "SELECT group_concat(comment, '|') FROM feedback_outbox ORDER BY id")" = '路灯坏了|' ] ||
    fail "damaged: the fresh outbox holds $(sqlite3 "$T/damaged.db" 'SELECT * FROM feedback_outbox')"
ls "$T"/damaged.db.corrupt-* > /dev/null || fail "damaged: not kept"
echo "ok: a damaged database is kept, its 2 unsent submissions saved into a fresh one"

# 3. Damage deep in the items table, past the rows the start reads: the
# whole-file check beside the start finds it, marks the file and stops the
# kiosk (as the service would); the next start sets the file aside.
content "$T/deep.db"
page=$(sqlite3 "$T/deep.db" "SELECT max(pageno) FROM dbstat WHERE name = 'items'")
size=$(sqlite3 "$T/deep.db" "PRAGMA page_size")
head -c "$size" /dev/urandom | dd of="$T/deep.db" bs="$size" seek=$((page - 1)) conv=notrunc 2> /dev/null
mkfifo "$T/deep.fifo"
kiosk_headless "$T/kiosk.conf" "$T/deep.fifo" "$T/shots" --log-level info > "$T/deep.log" 2>&1 &
pid=$!
exec 3> "$T/deep.fifo"
echo "expect-screen home" >&3
waited=0
while kill -0 "$pid" 2> /dev/null && [ "$waited" -lt 600 ]; do
    sleep 0.1
    waited=$((waited + 1))
done
exec 3>&-
wait "$pid" || true
grep -q "is damaged (PRAGMA quick_check" "$T/deep.log" || { cat "$T/deep.log"; fail "deep: the check beside the start found nothing"; }
[ -f "$T/deep.db.damaged" ] || fail "deep: the file was not marked"
printf 'expect-screen home\nexpect-no-text %s\n' "$CAT" | run deep-again
grep -q "was damaged; kept as $T/deep.db.corrupt-" "$T/deep-again.log" || { cat "$T/deep-again.log"; fail "deep: not set aside at the next start"; }
[ ! -f "$T/deep.db.damaged" ] || fail "deep: the mark outlived the start that handled it"
echo "ok: damage deep in the items is found beside the start, and the next start sets the file aside"

# 4 and 5 need a file system of their own.
M="$T/mnt"
mkdir -p "$M"
if ! mount -t tmpfs -o size=8m tmpfs "$M" 2> "$T/mount.err"; then
    echo "read-only folder and full disk: not tested here (cannot mount a tmpfs: $(cat "$T/mount.err"))"
    exit 0
fi
trap 'umount "$M" 2> /dev/null || true' EXIT
content "$M/kiosk.db"
mount -o remount,ro "$M"
printf 'expect-screen home\nexpect-text %s\nexpect-text 存储只读\ncheck-layout\n' "$CAT" | run readonly
grep -q "cannot be written" "$T/readonly.log" || fail "read-only: no log line"
echo "ok: a read-only folder: the content is shown read-only, the sync mark says 存储只读"

mount -o remount,rw "$M"
dd if=/dev/zero of="$M/filler" bs=64k 2> /dev/null || true
printf 'expect-screen home\nexpect-text %s\nexpect-text 存储已满\n' "$CAT" | run full
echo "ok: a full disk: the content is shown read-only, the sync mark says 存储已满"
umount "$M"
trap - EXIT
echo "kiosk_damaged_store: ok"
