#!/bin/sh
# kioskctl feed: the command around sync/authoring.c.  A copy of the sample
# folder gives the committed feed byte for byte (hrefs relative to where the
# feed is written), imports with all its images, and mistakes end with a
# FILE:LINE message and exit status 1, writing nothing.
set -eu
top=$(pwd)
case "${BIN:-bin}" in /*) ctl="$BIN/kioskctl" ;; *) ctl="$top/${BIN:-bin}/kioskctl" ;; esac
tmp=${KIOSK_TEST_TMP:?}
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$tmp/site"
cp -r assets/sample/content "$tmp/site/content"

"$ctl" feed "$tmp/site/content" -o "$tmp/site/feed.json" 2>"$tmp/err" || fail "feed failed: $(cat "$tmp/err")"
cmp -s "$tmp/site/feed.json" assets/sample/feed.json || fail "the copied folder does not give the committed feed"
[ ! -e "$tmp/site/feed.json.tmp" ] || fail "temporary file left behind"

(cd "$tmp/site" && "$ctl" feed content >"$tmp/stdout.json") || fail "feed to standard output failed"
cmp -s "$tmp/stdout.json" assets/sample/feed.json || fail "standard output differs from the committed feed"

"$ctl" feed "$tmp/site/content" -o "$tmp/site/content/inside.json" --revision 9 2>/dev/null || fail "feed inside the folder failed"
grep -q '"href": "dangfei-2026q3.png"' "$tmp/site/content/inside.json" || fail "href not relative to the feed's folder"
grep -q '"revision": 9,' "$tmp/site/content/inside.json" || fail "--revision ignored"
rm "$tmp/site/content/inside.json"

out=$("$ctl" import "$tmp/site/feed.json" --db "$tmp/k.db" --cache "$tmp/cache" 2>/dev/null) || fail "import failed"
echo "$out" | grep -q "8 attachments ready" || fail "images not found by import: $out"

mkdir -p "$tmp/elsewhere"
if "$ctl" feed "$tmp/site/content" -o "$tmp/elsewhere/feed.json" 2>"$tmp/err"; then fail "accepted a feed beside the folder"; fi
grep -q "a folder above it" "$tmp/err" || fail "unclear message: $(cat "$tmp/err")"

printf 'category: zz-df\ntitle: 测试\npublished: 2026-11-20\nperiod: 每季度\nscope: 社会\n\n正文\n' >"$tmp/site/content/zz-bad.txt"
if "$ctl" feed "$tmp/site/content" -o "$tmp/site/bad.json" 2>"$tmp/err"; then fail "accepted a bad period"; fi
grep -q "content/zz-bad.txt:4: period: must be one of" "$tmp/err" || fail "no FILE:LINE message: $(cat "$tmp/err")"
[ ! -e "$tmp/site/bad.json" ] || fail "wrote a feed despite the error"

if "$ctl" feed 2>/dev/null; then fail "no folder accepted"; fi
if "$ctl" feed "$tmp/site/content" --revision -3 2>/dev/null; then fail "negative revision accepted"; fi
echo "kioskctl feed: ok"
