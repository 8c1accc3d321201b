#!/bin/sh
# kioskctl import from the command line: a good feed with an image, then a
# broken one that must change nothing and exit 1 with a message.
set -eu
. tests/lib/common.sh

feed_with_image "$T/feed" img/a.png 7 党的思想建设情况 学习计划 long_term
out=$("$BIN"/kioskctl import "$T/feed/feed.json" --db "$T/k.db" --cache "$T/cache")
echo "$out" | grep -q "snapshot to revision 7, 2 upserts, 0 deletions, 1 attachments ready" || fail "unexpected output: $out"
[ -f "$(cache_file "$SHA")" ] || fail "image not in the cache"

printf '{"format":"dangwu-feed","version":1,"kind":"snapshot","revision":8,"items":{"upsert":[{"id":"x"}]}}' > "$T/bad.json"
if "$BIN"/kioskctl import "$T/bad.json" --db "$T/k.db" --cache "$T/cache" 2> "$T/err"; then fail "bad feed accepted"; fi
grep -q "nothing was changed: .*bad.json: items.upsert\[0\].category: is missing" "$T/err" || fail "message: $(cat "$T/err")"
[ "$(sqlite3 "$T/k.db" "select value from sync_state where key='revision'")" = 7 ] || fail "revision changed"

if "$BIN"/kioskctl import 2>/dev/null; then fail "no arguments accepted"; fi
if "$BIN"/kioskctl frobnicate 2>/dev/null; then fail "unknown command accepted"; fi
echo "kioskctl import: ok"
