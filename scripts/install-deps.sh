#!/bin/sh
# Installs the Debian packages the kiosk needs to build, run and test.
# Called by `make deps` (and so by `make run` and `make test`).  Installs
# only what is missing; as a normal user it prints the exact command to run.
#
#   sh scripts/install-deps.sh            what building and running need
#   sh scripts/install-deps.sh console    also what the web console's browser
#                                         test needs (make test): Chromium, its
#                                         WebDriver and python3-selenium
#   sh scripts/install-deps.sh fuzz       also what the libFuzzer harnesses need (make test,
#                                         make fuzz): clang and its runtime (libFuzzer,
#                                         the sanitizers)
#   sh scripts/install-deps.sh deb        also what `make deb` and `make test-deploy`
#                                         need: debhelper, lintian, debootstrap, and
#                                         cage and kbd (the programs the kiosk's unit
#                                         starts, so systemd-analyze verify can check it),
#                                         and v4l-utils, xvfb, x11-xserver-utils (the real
#                                         cec-ctl and xset that tests/deploy_display_power.sh
#                                         runs dangwu-display-power against)
set -eu

PACKAGES="gcc make pkg-config
libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpng-dev libjpeg-dev
libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev openssl curl libsystemd-dev
libinih-dev libunibreak-dev libunistring-dev libjansson-dev libyajl-dev libcmocka-dev libmicrohttpd-dev zlib1g-dev libargon2-dev
librime-dev librime-data rime-data-luna-pinyin libzinnia-dev tegaki-zinnia-simplified-chinese
libopencc-dev libopencc-data libmd4c-dev libpoppler-glib-dev libcairo2-dev poppler-data
fonts-noto-cjk fonts-dejavu-core fonts-hanazono fonts-symbola
clang-format cppcheck jq"
CONSOLE_PACKAGES="chromium chromium-driver python3-selenium openssl"
FUZZ_PACKAGES="clang libclang-rt-14-dev"
DEB_PACKAGES="dpkg-dev debhelper lintian systemd cage kbd debootstrap v4l-utils xvfb x11-xserver-utils"
for group in "$@"; do
    case "$group" in
        console) PACKAGES="$PACKAGES $CONSOLE_PACKAGES" ;;
        deb) PACKAGES="$PACKAGES $DEB_PACKAGES" ;;
        fuzz) PACKAGES="$PACKAGES $FUZZ_PACKAGES" ;;
    esac
done

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages:$missing" >&2
    echo "Install them as root, then run make again:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    exit 1
fi

echo "Installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
