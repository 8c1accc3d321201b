#!/bin/sh
# kioskctl sync --once from a folder (a USB stick), in Chinese with the kiosk's
# own state words (已同步, 离线, 同步异常): the content and its image
# arrive, the same stick again changes nothing, a pulled stick is "offline"
# with exit status 1 and the content kept, a broken feed is an error, and so
# is a feed whose image is missing.
set -eu
. tests/lib/common.sh

feed_with_image "$T/usb" img/meeting.png 12 党组织建设 支部换届选举结果 immediate
cat > "$T/kiosk.conf" <<CONF
[store]
database = $T/k.db
cache_dir = $T/cache
[sync]
server_url = file://$T/usb
CONF

out=$("$BIN"/kioskctl sync --config "$T/kiosk.conf" --once 2>"$T/log") || fail "sync failed: $(cat "$T/log")"
echo "$out" | grep -q "同步：已同步，内容版本号 12，待上传意见 0 条" || fail "unexpected output: $out"
[ -f "$(cache_file "$SHA")" ] || fail "image not in the cache"

"$BIN"/kioskctl sync --config "$T/kiosk.conf" --once >/dev/null 2>"$T/log" || fail "second sync failed"
grep -q "applied" "$T/log" && fail "the same stick was applied again"

mv "$T/usb" "$T/usb-out"
if "$BIN"/kioskctl sync --config "$T/kiosk.conf" --once >"$T/out" 2>"$T/log"; then fail "a missing stick counted as ok"; fi
grep -q "同步：离线，内容版本号 12，待上传意见 0 条；最近的错误：.*is the USB stick or folder there" "$T/out" || fail "status: $(cat "$T/out")"
grep -q "is the USB stick or folder there" "$T/log" || fail "message: $(cat "$T/log")"
[ "$(sqlite3 "$T/k.db" "select count(*) from items where deleted = 0")" = 1 ] || fail "content lost"

mv "$T/usb-out" "$T/usb"
printf '{"format":"dangwu-feed","version":1,"kind":"snapshot","revision":13,"items":{"upsert":[{"id":"x"}]}}' > "$T/usb/feed.json"
if "$BIN"/kioskctl sync --config "$T/kiosk.conf" --once >"$T/out" 2>"$T/log"; then fail "a broken feed counted as ok"; fi
grep -q "同步：同步异常，内容版本号 12" "$T/out" || fail "status: $(cat "$T/out")"

# The content comes but its image does not: not "ok", and it says why.
feed_with_image "$T/usb2" img/lost.png 14 党组织建设 缺图的条目 immediate
rm "$T/usb2/img/lost.png"
if "$BIN"/kioskctl sync --config "$T/kiosk.conf" --server "file://$T/usb2" --once >"$T/out" 2>"$T/log"; then
    fail "a missing image counted as ok"
fi
grep -q "同步：同步异常，内容版本号 14" "$T/out" || fail "status: $(cat "$T/out")"
grep -q "kioskctl sync：这一轮没有全部完成：.*1 attachment(s) missing" "$T/log" || fail "message: $(cat "$T/log")"

if "$BIN"/kioskctl sync --config "$T/nonexistent.conf" --once 2>"$T/log"; then fail "a missing config accepted"; fi
grep -q "kioskctl sync：设置有误：" "$T/log" || fail "missing config: $(cat "$T/log")"
# A store never synced says so in the kiosk's own words.
cat > "$T/never.conf" <<CONF
[store]
database = $T/never.db
cache_dir = $T/cache
[sync]
server_url = file://$T/nowhere
CONF
if "$BIN"/kioskctl sync --config "$T/never.conf" --once >"$T/out" 2>/dev/null; then fail "a missing folder counted as ok"; fi
grep -q "同步：离线，内容版本号 0" "$T/out" || fail "status: $(cat "$T/out")"

# Its own usage, not the kiosk's; the screen's options are refused.
"$BIN"/kioskctl sync --help | grep -q "用法：kioskctl sync" || fail "--help"
"$BIN"/kioskctl sync --help | grep -q -- "--windowed" && fail "--help lists the kiosk's screen options"
set +e
"$BIN"/kioskctl sync --windowed --once 2>"$T/log"
rc=$?
set -e
[ $rc -eq 2 ] || fail "--windowed: exit $rc"
grep -q "kioskctl sync：--windowed 不是这里的选项" "$T/log" || fail "--windowed: $(cat "$T/log")"
echo "kioskctl sync: ok"
