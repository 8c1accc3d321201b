#!/bin/sh
# installed-kiosk-conf.sh KIOSK_CONF — prints the kiosk.conf the dangwu-kiosk
# package installs as /etc/dangwu/kiosk.conf: the checkout's kiosk.conf
# (every key with its comment) with the paths of an installed system.
# Fails when a path it rewrites is no longer in KIOSK_CONF, so the package
# never ships a file that points into a checkout.
#
# installed-kiosk-conf.sh --font-links — prints "NAME TARGET" for each
# fallback font: the package links /usr/share/dangwu-kiosk/fonts/NAME to
# the Debian font file TARGET, which keeps the fallback line short (the
# kiosk reads lines of at most 198 bytes).
set -eu

FONT_LINKS="DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
HanaMinA.ttf /usr/share/fonts/truetype/hanazono/HanaMinA.ttf
HanaMinB.ttf /usr/share/fonts/truetype/hanazono/HanaMinB.ttf
Symbola.ttf /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"
if [ "$1" = --font-links ]; then
    printf '%s\n' "$FONT_LINKS"
    exit 0
fi

src=$1
out=$(sed \
    -e 's#^regular = fonts/#regular = /usr/share/fonts/opentype/noto/#' \
    -e 's#^bold = fonts/#bold = /usr/share/fonts/opentype/noto/#' \
    -e '/^fallback = /s#fonts/#/usr/share/dangwu-kiosk/fonts/#g' \
    -e 's#^database = var/#database = /var/lib/dangwu-kiosk/#' \
    -e 's#^cache_dir = var/#cache_dir = /var/lib/dangwu-kiosk/#' \
    -e 's#^rime_user_dir = var/#rime_user_dir = /var/lib/dangwu-kiosk/#' \
    -e 's#^server_url = file://assets/sample#server_url = file:///usr/share/dangwu-kiosk/sample#' \
    -e 's#^enrolment =$#enrolment = /etc/dangwu/enrolment.conf#' \
    -e 's#^panel_off =$#panel_off = /usr/lib/dangwu/dangwu-display-power off#' \
    -e 's#^panel_on =$#panel_on = /usr/lib/dangwu/dangwu-display-power on#' \
    -e 's#^\(\# kiosk.conf — settings of one 党务公开 touchscreen\.\)#\1\n\# Installed by the dangwu-kiosk package as /etc/dangwu/kiosk.conf; the\n\# server, id and token come from dangwu-kiosk-enrol (docs/DEPLOY.md).#' \
    "$src")
for want in "regular = /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" \
    "bold = /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc" \
    "database = /var/lib/dangwu-kiosk/kiosk.db" "cache_dir = /var/lib/dangwu-kiosk/cache" \
    "rime_user_dir = /var/lib/dangwu-kiosk/rime" "server_url = file:///usr/share/dangwu-kiosk/sample" \
    "enrolment = /etc/dangwu/enrolment.conf" "panel_off = /usr/lib/dangwu/dangwu-display-power off" \
    "panel_on = /usr/lib/dangwu/dangwu-display-power on"; do
    printf '%s\n' "$out" | grep -qxF "$want" || { echo "installed-kiosk-conf.sh: $src has no line to make \"$want\" from" >&2; exit 1; }
done
# Every fallback font is one the package links.
for font in $(printf '%s\n' "$out" | sed -n 's/^fallback = //p' | tr ';' ' '); do
    name=${font#/usr/share/dangwu-kiosk/fonts/}
    printf '%s\n' "$FONT_LINKS" | grep -q "^$name " || { echo "installed-kiosk-conf.sh: no Debian font for the fallback $font" >&2; exit 1; }
done
if printf '%s\n' "$out" | grep -nE '= *(fonts/|var/|assets/)' >&2; then
    echo "installed-kiosk-conf.sh: the lines above still point into a checkout" >&2
    exit 1
fi
printf '%s\n' "$out"
