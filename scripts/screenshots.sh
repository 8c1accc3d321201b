#!/bin/sh
# `make screenshots`: runs scripts/screenshots.txt and the visitor tasks
# (tests/headless/task-*.txt) headless in landscape
# (1920x1080) and portrait (1080x1920) on a scratch database holding the
# sample content, writing docs/screenshots/{landscape,portrait}/*.png.
# The clock is fixed by the script; the time zone is China Standard Time.
set -eu
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-shots.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for o in landscape portrait; do
    if [ $o = landscape ]; then size=1920x1080; else size=1080x1920; fi
    rm -rf "$tmp/db" && mkdir -p "$tmp/db"
    sed -e "s#^database = .*#database = $tmp/db/kiosk.db#" -e "s#^cache_dir = .*#cache_dir = $tmp/db/cache#" \
        kiosk.conf > "$tmp/kiosk.conf"
    mkdir -p "docs/screenshots/$o"
    TZ=Asia/Shanghai bin/kiosk --config "$tmp/kiosk.conf" --windowed --size $size --$o --log-level warn \
        --headless scripts/screenshots.txt --shots "docs/screenshots/$o"
    # The visitor tasks (docs/VISITOR.md): every step of each, each task on
    # a fresh database, as tests/test_screens.sh checks them.
    for task in tests/headless/task-*.txt; do
        rm -rf "$tmp/db" && mkdir -p "$tmp/db"
        TZ=Asia/Shanghai bin/kiosk --config "$tmp/kiosk.conf" --windowed --size $size --$o --log-level warn \
            --headless "$task" --shots "docs/screenshots/$o"
    done
    echo "docs/screenshots/$o: $(ls docs/screenshots/$o | tr '\n' ' ')"
done
# The pictures in docs/TYPOGRAPHY.md: justification, compression, faces.
rm -rf "$tmp/db" && mkdir -p "$tmp/db" docs/screenshots/typography
TZ=Asia/Shanghai bin/kiosk --config "$tmp/kiosk.conf" --windowed --size 1920x1080 --landscape --log-level warn \
    --headless scripts/typography.txt --shots docs/screenshots/typography
echo "docs/screenshots/typography: $(ls docs/screenshots/typography | tr '\n' ' ')"
