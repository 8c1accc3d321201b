#!/bin/sh
# The county server's backup and restore (deploy/countyd-backup,
# deploy/countyd-restore; docs/DEPLOY.md) on the real countyd: a copy made
# while countyd runs passes PRAGMA integrity_check and holds the images,
# only the newest BACKUP_KEEP copies stay, a restore brings the database
# back to the copy (a kiosk registered after it is gone again) with a new
# identity (countyd --new-identity) and keeps
# the replaced one, and a damaged copy is refused with nothing changed.
set -eu
. tests/lib/common.sh

export COUNTYD_DB="$T/county.db" COUNTYD_BLOBS="$T/countyd-blobs" BACKUP_DIR="$T/backups" BACKUP_KEEP=2
export COUNTYD_BIN="$BIN/countyd"
countyd_start zhang

# Content with an image, and one kiosk, before the backups.
C="$T/content"
mkdir -p "$C"
printf 'dec | 党组织决议、决定 | decision\n' > "$C/catalog.txt"
tiny_png "$C/chart.png" 'the bytes of a chart'
author_item "$C/meeting.txt" dec 关于召开党员大会的决定 "2026-01-05 09:00" 即时 社会 定于本月十日召开全体党员大会。 \
    "chart.png | 会议通知"
"$BIN"/kioskctl publish "$C" --approve > "$T/publish.txt" || fail "publish: $(cat "$T/publish.txt")"
"$BIN"/kioskctl kiosk-add before-backup > /dev/null || fail "kiosk-add before-backup"
IMAGE=$(sha256sum "$C/chart.png" | cut -d' ' -f1)

# Three backups while countyd runs; the newest two stay.
for n in 1 2 3; do
    sh deploy/countyd-backup > "$T/backup$n.txt" 2>&1 || fail "backup $n: $(cat "$T/backup$n.txt")"
done
cat "$T/backup3.txt"
kept=$(ls -1d "$BACKUP_DIR"/countyd-* | wc -l)
[ "$kept" -eq 2 ] || fail "BACKUP_KEEP=2 but $kept copies are there"
[ -z "$(ls -A "$BACKUP_DIR" | grep -v '^countyd-')" ] || fail "left-overs in the backup folder: $(ls -A "$BACKUP_DIR")"
NEWEST=$(ls -1d "$BACKUP_DIR"/countyd-* | sort | tail -n 1)
grep -q "$NEWEST" "$T/backup3.txt" || fail "the last backup is not the newest copy"
[ "$(sqlite3 "$NEWEST/county.db" 'PRAGMA integrity_check;')" = ok ] || fail "the copy fails PRAGMA integrity_check"
[ -n "$(find "$NEWEST/blobs" -type f -name "$IMAGE*")" ] || fail "the image $IMAGE is not in the copy"

# A change after the backup: it must be gone after the restore.
"$BIN"/kioskctl kiosk-add after-backup > /dev/null || fail "kiosk-add after-backup"
"$BIN"/kioskctl kiosks > "$T/kiosks-before.txt"
grep -q after-backup "$T/kiosks-before.txt" || fail "the second kiosk is not listed"
countyd_stop

# A damaged copy is refused before anything is touched.
mkdir -p "$T/bad"
cp "$NEWEST/county.db" "$T/bad/county.db"
printf 'not a database any more' | dd of="$T/bad/county.db" bs=1 seek=0 conv=notrunc 2> /dev/null
before=$(sha256sum "$COUNTYD_DB" | cut -d' ' -f1)
if sh deploy/countyd-restore --no-service "$T/bad" > "$T/bad.txt" 2>&1; then fail "a damaged copy was restored"; fi
grep -q "integrity check, nothing was changed" "$T/bad.txt" || fail "message: $(cat "$T/bad.txt")"
[ "$(sha256sum "$COUNTYD_DB" | cut -d' ' -f1)" = "$before" ] || fail "the refused restore changed the database"

# The restore, then countyd on the restored database.
rm -rf "$COUNTYD_BLOBS"
sh deploy/countyd-restore --no-service "$NEWEST" > "$T/restore.txt" 2>&1 || fail "restore: $(cat "$T/restore.txt")"
cat "$T/restore.txt"
identity() { sqlite3 "$1" "select value from meta where key = 'database_id';"; }
[ -n "$(identity "$COUNTYD_DB")" ] || fail "no identity in the restored database's meta table"
[ "$(identity "$COUNTYD_DB")" != "$(identity "$NEWEST/county.db")" ] || fail "the restored database kept the backup's identity"
ls "$COUNTYD_DB".before-restore-* > /dev/null 2>&1 || fail "the replaced database was not kept"
countyd_start zhang
"$BIN"/kioskctl kiosks > "$T/kiosks-after.txt" || fail "kioskctl kiosks after the restore"
grep -q before-backup "$T/kiosks-after.txt" || fail "the kiosk from before the backup is gone: $(cat "$T/kiosks-after.txt")"
if grep -q after-backup "$T/kiosks-after.txt"; then fail "the kiosk registered after the backup is still there"; fi
"$BIN"/kioskctl items > "$T/items.txt"
grep -q 关于召开党员大会的决定 "$T/items.txt" || fail "the item is gone after the restore: $(cat "$T/items.txt")"
[ -n "$(find "$COUNTYD_BLOBS" -type f -name "$IMAGE*")" ] || fail "the image was not restored"
countyd_stop
echo "deploy_backup: backup, retention, refused damaged copy and restore all hold"
