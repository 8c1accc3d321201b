#!/bin/sh
# `make run`: start the kiosk on the embedded sample content.
# On a desktop it opens a window; with no display at all it says so.
set -eu
mkdir -p var
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${SDL_VIDEODRIVER:-}" ]; then
    echo "No display found (DISPLAY is not set). On a kiosk PC run this from its desktop session;"
    echo "to look at the screens without a display: make screenshots (writes docs/screenshots/)."
    exit 1
fi
# The sample's notices have dates relative to the day (今天+6, see
# docs/AUTHORING.md): its feed is made afresh at every start, into
# var/sample with the images beside it, so the notices are live whenever
# the kiosk starts.  The revision is the clock, so the kiosk takes it.
rm -rf var/sample
mkdir -p var/sample/content
cp assets/sample/content/* var/sample/content/
bin/kioskctl feed var/sample/content -o var/sample/feed.json --revision "$(date +%s)"
exec bin/kiosk --windowed --server file://var/sample "$@"
