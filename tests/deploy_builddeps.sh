#!/bin/sh
# debian/control keeps up with scripts/install-deps.sh: every -dev package
# the build needs is a Build-Depends of the Debian source package, and every
# font the kiosk's settings name comes with a package dangwu-kiosk Depends
# on.  (A package missing there would still build here, where everything is
# installed, and fail on a clean build machine or a kiosk.)
set -eu
. tests/lib/common.sh

build_depends=$(sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*:/p' debian/control)
kiosk_depends=$(sed -n '/^Package: dangwu-kiosk$/,/^Description:/p' debian/control)
missing=""
# libcmocka-dev is for the tests only, which the package build does not run.
for p in $(sed -n '/^PACKAGES="/,/"$/p' scripts/install-deps.sh | tr -d '"' | sed 's/^PACKAGES=//'); do
    case "$p" in
        libcmocka-dev) ;;
        *-dev | fonts-*) printf '%s\n' "$build_depends" | grep -q "[ ,]$p,\?\$" || missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] || fail "debian/control Build-Depends lacks:$missing (scripts/install-deps.sh has them)"

# The installed kiosk.conf's fonts (the fallbacks through the package's
# links), and the package that has each.
conf=$(sh deploy/installed-kiosk-conf.sh kiosk.conf)
fonts="$(printf '%s\n' "$conf" | sed -n 's/^\(regular\|bold\) = //p') $(sh deploy/installed-kiosk-conf.sh --font-links | cut -d' ' -f2)"
for font in $fonts; do
    pkg=$(dpkg -S "$font" 2> /dev/null | cut -d: -f1 | head -n 1)
    [ -n "$pkg" ] || fail "$font (installed kiosk.conf) belongs to no installed package"
    printf '%s\n' "$kiosk_depends" | grep -q "[ ,]$pkg,\?\$" || fail "dangwu-kiosk does not depend on $pkg, which has $font"
done
echo "deploy_builddeps: Build-Depends and the kiosk's font Depends match install-deps.sh and kiosk.conf"
