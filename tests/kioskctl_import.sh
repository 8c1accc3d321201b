#!/bin/sh
# kioskctl import from the command line: a good feed with an image, then a
# broken one that must change nothing and exit 1 with a message.
set -eu
. tests/lib/common.sh

feed_with_image "$T/feed" img/a.png 7 党的思想建设情况 学习计划 long_term
out=$("$BIN"/kioskctl import "$T/feed/feed.json" --db "$T/k.db" --cache "$T/cache")
echo "$out" | grep -q "已导入 .*feed.json：快照，版本号 7，新增或更新 2 条，删除 0 条，附件 1 个就绪" || fail "unexpected output: $out"
[ -f "$(cache_file "$SHA")" ] || fail "image not in the cache"

printf '{"format":"dangwu-feed","version":1,"kind":"snapshot","revision":8,"items":{"upsert":[{"id":"x"}]}}' > "$T/bad.json"
if "$BIN"/kioskctl import "$T/bad.json" --db "$T/k.db" --cache "$T/cache" 2> "$T/err"; then fail "bad feed accepted"; fi
grep -q "kioskctl：导入失败，数据库没有任何改动：.*bad.json: items.upsert\[0\].category: is missing" "$T/err" || fail "message: $(cat "$T/err")"
[ "$(sqlite3 "$T/k.db" "select value from sync_state where key='revision'")" = 7 ] || fail "revision changed"

out=$("$BIN"/kioskctl import "$T/feed/feed.json" --db "$T/k.db" --cache "$T/cache")
echo "$out" | grep -q "：已是最新，版本号 7" || fail "the same feed again: $out"
if "$BIN"/kioskctl import 2>"$T/err"; then fail "no arguments accepted"; fi
grep -q "用法：kioskctl import 文件" "$T/err" || fail "usage: $(cat "$T/err")"
if "$BIN"/kioskctl frobnicate 2>"$T/err"; then fail "unknown command accepted"; fi
grep -q "没有 \"frobnicate\" 这个命令" "$T/err" || fail "unknown command: $(cat "$T/err")"
echo "kioskctl import: ok"
