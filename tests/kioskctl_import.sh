#!/bin/sh
# kioskctl import from the command line: a good feed with an image, then a
# broken one that must change nothing and exit 1 with a message.
set -eu
T=${KIOSK_TEST_TMP:-$(mktemp -d)}
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$T/feed/img"
printf 'not really a png but bytes all the same' > "$T/feed/img/a.png"
sha=$(sha256sum "$T/feed/img/a.png" | cut -d' ' -f1)
size=$(wc -c < "$T/feed/img/a.png")
cat > "$T/feed/feed.json" <<JSON
{"format":"dangwu-feed","version":1,"kind":"snapshot","revision":7,
 "categories":{"upsert":[{"id":"c","name":"党的思想建设情况"}]},
 "items":{"upsert":[{"id":"i","category":"c","title":"学习计划","body":"正文",
   "published_at":"2026-01-01T08:00:00+08:00","period":"long_term","scope":"public",
   "attachments":[{"sha256":"$sha","size":$size,"type":"image/png","href":"img/a.png"}]}]}}
JSON
out=$("$BIN"/kioskctl import "$T/feed/feed.json" --db "$T/k.db" --cache "$T/cache")
echo "$out" | grep -q "snapshot to revision 7, 2 upserts, 0 deletions, 1 attachments ready" || fail "unexpected output: $out"
[ -f "$T/cache/$(echo "$sha" | cut -c1-2)/$sha" ] || fail "image not in the cache"

printf '{"format":"dangwu-feed","version":1,"kind":"snapshot","revision":8,"items":{"upsert":[{"id":"x"}]}}' > "$T/bad.json"
if "$BIN"/kioskctl import "$T/bad.json" --db "$T/k.db" --cache "$T/cache" 2> "$T/err"; then fail "bad feed accepted"; fi
grep -q "nothing was changed: .*bad.json: items.upsert\[0\].category: is missing" "$T/err" || fail "message: $(cat "$T/err")"
[ "$(sqlite3 "$T/k.db" "select value from sync_state where key='revision'")" = 7 ] || fail "revision changed"

if "$BIN"/kioskctl import 2>/dev/null; then fail "no arguments accepted"; fi
if "$BIN"/kioskctl frobnicate 2>/dev/null; then fail "unknown command accepted"; fi
echo "kioskctl import: ok"
