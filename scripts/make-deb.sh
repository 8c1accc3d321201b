#!/bin/sh
# `make deb`: the Debian packages (debian/, docs/DEPLOY.md) built from a
# copy of this tree in build-deb/src (so bin/ and build/ here stay as they
# are), then checked with lintian.  The packages end up in build-deb/:
#   dangwu-kiosk_VERSION_ARCH.deb     the kiosk, its session unit, sample content
#   dangwu-countyd_VERSION_ARCH.deb   countyd, its service, backup timer, restore
#   dangwu-kioskctl_VERSION_ARCH.deb  kioskctl
# lintian errors fail the build; its warnings are printed.
set -eu
top=$(pwd)
out=$top/build-deb
rm -rf "$out"
mkdir -p "$out/src"
# Everything but build outputs, run-time data and git's own files.
tar -C "$top" --exclude=./build --exclude=./build-deb --exclude=./build-asan --exclude=./bin --exclude=./var --exclude=./.git \
    --exclude=./fonts -cf - . | tar -C "$out/src" -xf -
cd "$out/src"
echo "make deb: building the packages in $out/src (log: $out/build.log)"
if ! dpkg-buildpackage -b -uc -us > "$out/build.log" 2>&1; then
    tail -40 "$out/build.log"
    echo "make deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
    exit 1
fi
cd "$out"
changes=$(ls "$out"/dangwu_*.changes)
echo "make deb: lintian $(basename "$changes")"
lintian --fail-on error "$changes" > "$out/lintian.txt" 2>&1 || {
    cat "$out/lintian.txt"
    echo "make deb: lintian reports errors (above)" >&2
    exit 1
}
cat "$out/lintian.txt"
ls -1 "$out"/*.deb
