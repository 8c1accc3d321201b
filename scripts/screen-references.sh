#!/bin/sh
# Reference outputs of the headless screens: what each screen shows, as a
# JSON dump, kept in tests/headless/expected/{landscape,portrait}/NAME.json.
#
#   sh scripts/screen-references.sh check    (tests/screen_references.sh, make test)
#   sh scripts/screen-references.sh update   (make update-references)
#
# The walk is scripts/screenshots.txt (the pictures in docs/screenshots/),
# with each `screenshot NAME` taken as `dump NAME`, on the sample content,
# a fresh database and the script's fixed clock.  Each dump is normalised by
# scripts/screen-references.jq (keys sorted; the header clock and the sync
# mark replaced).  `check` fails with a diff when a screen shows something
# else than its reference, so a change in what a screen shows fails until
# the reference is regenerated on purpose with `update` (and the diff of
# tests/headless/expected/ is reviewed and committed with the change).
# keyboard-pinyin is left out: librime deploys in the background, so what
# its candidate bar shows depends on timing (tests/feedback_pinyin.sh checks
# it by waiting for the engine).
set -eu
mode=${1:-check}
BIN=${BIN:-bin}
refs=tests/headless/expected
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-refs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software TZ=Asia/Shanghai
sed -e 's/^screenshot /dump /' -e '/^dump keyboard-pinyin$/d' scripts/screenshots.txt > "$tmp/walk.txt"
failed=0
for o in landscape portrait; do
    if [ $o = landscape ]; then size=1920x1080; else size=1080x1920; fi
    mkdir -p "$tmp/$o/db" "$tmp/$o/raw" "$tmp/$o/norm"
    sed -e "s#^database = .*#database = $tmp/$o/db/kiosk.db#" -e "s#^cache_dir = .*#cache_dir = $tmp/$o/db/cache#" \
        kiosk.conf > "$tmp/$o/kiosk.conf"
    if ! "$BIN"/kiosk --config "$tmp/$o/kiosk.conf" --windowed --size $size --$o --log-level warn \
        --headless "$tmp/walk.txt" --shots "$tmp/$o/raw" 2> "$tmp/$o/err"; then
        cat "$tmp/$o/err" >&2
        echo "screen references: the walk failed in $o" >&2
        exit 1
    fi
    for f in "$tmp/$o/raw"/*.json; do
        jq -S -f scripts/screen-references.jq "$f" > "$tmp/$o/norm/$(basename "$f")"
    done
    if [ "$mode" = update ]; then
        rm -rf "${refs:?}/$o"
        mkdir -p "$refs/$o"
        cp "$tmp/$o/norm"/*.json "$refs/$o/"
        echo "screen references: $refs/$o: $(ls "$refs/$o" | wc -l) screens written"
        continue
    fi
    for f in "$tmp/$o/norm"/*.json; do
        name=$(basename "$f")
        if [ ! -f "$refs/$o/$name" ]; then
            echo "screen references: $o/$name has no reference (make update-references)" >&2
            failed=1
        elif ! diff -u "$refs/$o/$name" "$f" > "$tmp/diff" 2>&1; then
            echo "screen references: $o/$name shows something else than its reference:" >&2
            head -40 "$tmp/diff" >&2
            failed=1
        fi
    done
    for f in "$refs/$o"/*.json; do
        [ -f "$tmp/$o/norm/$(basename "$f")" ] || { echo "screen references: $o/$(basename "$f") is no longer made" >&2; failed=1; }
    done
done
if [ "$mode" = check ]; then
    if [ $failed -ne 0 ]; then
        echo "screen references: if the change is intended, run 'make update-references' and commit tests/headless/expected/" >&2
        exit 1
    fi
    echo "screen references: ok ($(ls "$refs/landscape" | wc -l) screens in each orientation)"
fi
