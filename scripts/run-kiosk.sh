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
exec bin/kiosk --windowed "$@"
