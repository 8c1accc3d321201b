#!/bin/sh
# kioskctl feed: the command around kioskctl/authoring.c.  A copy of the sample
# folder gives the committed feed byte for byte (hrefs relative to where the
# feed is written), imports with all its images, and mistakes end with a
# FILE:LINE message and exit status 1, writing nothing.
set -eu
. tests/lib/common.sh
# An absolute path: one run is from inside the scratch folder.
case "$BIN" in /*) ctl="$BIN/kioskctl" ;; *) ctl="$(pwd)/$BIN/kioskctl" ;; esac

mkdir -p "$T/site"
cp -r assets/sample/content "$T/site/content"

# The sample's relative dates (今天+6) count from its day (Makefile SAMPLE_DAY).
day=2026-11-22
"$ctl" feed "$T/site/content" -o "$T/site/feed.json" --today $day 2>"$T/err" || fail "feed failed: $(cat "$T/err")"
grep -q "已写入 $T/site/feed.json：版本号 1，目录 .* 个，事项 .* 条" "$T/err" || fail "no word on what was written: $(cat "$T/err")"
cmp -s "$T/site/feed.json" assets/sample/feed.json || fail "the copied folder does not give the committed feed"
# The sample's 党内 item stays out of a feed for kiosks, and says so.
grep -q "1 条党内事项未写入" "$T/err" || fail "no word about the internal item: $(cat "$T/err")"
if grep -q '"internal"' "$T/site/feed.json"; then fail "an internal item is in the feed"; fi
internal_title=$(sed -n 's/^title: //p' assets/sample/content/jc-zijin-jihua-dangnei.txt)
if grep -qF "$internal_title" "$T/site/feed.json"; then fail "the internal item's title is in the feed"; fi
[ ! -e "$T/site/feed.json.tmp" ] || fail "temporary file left behind"

(cd "$T/site" && "$ctl" feed content --today $day >"$T/stdout.json") || fail "feed to standard output failed"
cmp -s "$T/stdout.json" assets/sample/feed.json || fail "standard output differs from the committed feed"

"$ctl" feed "$T/site/content" -o "$T/site/content/inside.json" --revision 9 2>/dev/null || fail "feed inside the folder failed"
grep -q '"href": "dangfei-2026q3.png"' "$T/site/content/inside.json" || fail "href not relative to the feed's folder"
grep -q '"revision": 9,' "$T/site/content/inside.json" || fail "--revision ignored"
rm "$T/site/content/inside.json"

out=$("$ctl" import "$T/site/feed.json" --db "$T/k.db" --cache "$T/cache" 2>/dev/null) || fail "import failed"
# Every attachment of the sample (its images and its PDF) is found beside the feed.
attachments=$(grep -o '"sha256": "[0-9a-f]*"' assets/sample/feed.json | sort -u | wc -l)
echo "$out" | grep -q "附件 $attachments 个就绪" || fail "attachments not found by import (want $attachments): $out"

mkdir -p "$T/elsewhere"
if "$ctl" feed "$T/site/content" -o "$T/elsewhere/feed.json" 2>"$T/err"; then fail "accepted a feed beside the folder"; fi
grep -q "或它的上级文件夹里" "$T/err" || fail "unclear message: $(cat "$T/err")"

printf 'category: zz-df\ntitle: 测试\npublished: 2026-11-20\nperiod: 每季度\nscope: 社会\n\n正文\n' >"$T/site/content/zz-bad.txt"
if "$ctl" feed "$T/site/content" -o "$T/site/bad.json" 2>"$T/err"; then fail "accepted a bad period"; fi
grep -q "content/zz-bad.txt:4: period: must be one of" "$T/err" || fail "no FILE:LINE message: $(cat "$T/err")"
[ ! -e "$T/site/bad.json" ] || fail "wrote a feed despite the error"

if "$ctl" feed 2>"$T/err"; then fail "no folder accepted"; fi
grep -q "用法：kioskctl feed 文件夹" "$T/err" || fail "usage: $(cat "$T/err")"
if "$ctl" feed "$T/site/content" --revision -3 2>"$T/err"; then fail "negative revision accepted"; fi
grep -q "kioskctl：--revision 须为不小于 0 的整数" "$T/err" || fail "bad revision: $(cat "$T/err")"
echo "kioskctl feed: ok"
