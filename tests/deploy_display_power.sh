#!/bin/sh
# deploy/dangwu-display-power, the package's panel_off / panel_on command
# (docs/DEPLOY.md): a backlight switched through a sysfs tree laid out as
# the kernel's, what is said when nothing can switch the panel, bad
# arguments, and — with the real tools when they are installed — cec-ctl on
# something that is no CEC adapter, and X without DPMS (Xvfb), both of
# which must read as failures although the tools exit 0 there.
set -eu
. tests/lib/common.sh

P=deploy/dangwu-display-power
export DANGWU_SYSFS=$T/sys DANGWU_DEV=$T/dev
mkdir -p "$T/sys/class/backlight/intel_backlight" "$T/dev"
BL=$T/sys/class/backlight/intel_backlight/bl_power
echo 0 > "$BL"

env -u DISPLAY sh $P off 2> "$T/err.txt" || fail "off with a backlight: $(cat "$T/err.txt")"
[ "$(cat "$BL")" = 4 ] || fail "off wrote $(cat "$BL") to bl_power, not 4 (FB_BLANK_POWERDOWN)"
env -u DISPLAY sh $P on backlight || fail "on with a backlight"
[ "$(cat "$BL")" = 0 ] || fail "on wrote $(cat "$BL") to bl_power, not 0"
if [ "$(id -u)" != 0 ]; then
    chmod a-w "$BL"
    if env -u DISPLAY sh $P off backlight 2> "$T/err.txt"; then fail "an unwritable bl_power counted as done"; fi
    grep -q "cannot write $BL" "$T/err.txt" || fail "no word on the unwritable bl_power: $(cat "$T/err.txt")"
    chmod u+w "$BL"
fi
echo "ok   backlight: bl_power 4 off, 0 on"

rm -rf "$T/sys/class/backlight/intel_backlight"
if env -u DISPLAY PATH=/usr/bin:/bin sh $P off backlight cec x11 2> "$T/err.txt"; then fail "nothing to switch counted as done"; fi
grep -q "nothing here can switch the panel" "$T/err.txt" || fail "said: $(cat "$T/err.txt")"
if sh $P dim 2> /dev/null; then fail "an unknown state was accepted"; fi
if sh $P off hdmi 2> /dev/null; then fail "an unknown method was accepted"; fi
echo "ok   nothing to switch: exit 1 and a clear line; bad arguments refused"

if command -v cec-ctl > /dev/null; then
    : > "$T/dev/cec0" # a file, not an adapter: cec-ctl exits 0 and says "unconfigured"
    if sh $P on cec 2> "$T/err.txt"; then fail "cec-ctl on a file counted as done"; fi
    grep -q "cec-ctl on $T/dev/cec0 failed" "$T/err.txt" || fail "said: $(cat "$T/err.txt")"
    rm "$T/dev/cec0"
    echo "ok   cec: a device that is no adapter reads as a failure"
else
    echo "skip cec: cec-ctl (v4l-utils) is not installed"
fi

if command -v Xvfb > /dev/null && command -v xset > /dev/null; then
    Xvfb :97 -screen 0 640x480x24 -nolisten tcp > "$T/xvfb.log" 2>&1 &
    xpid=$!
    trap 'kill $xpid 2> /dev/null || true' EXIT
    retry 100 "Xvfb did not start" env DISPLAY=:97 xset q > /dev/null 2>&1
    if env -u WAYLAND_DISPLAY DISPLAY=:97 sh $P off x11 2> "$T/err.txt"; then fail "X without DPMS counted as done"; fi
    grep -q "did not switch the monitor" "$T/err.txt" || fail "said: $(cat "$T/err.txt")"
    echo "ok   x11: a server without DPMS (Xvfb) reads as a failure"
else
    echo "skip x11: Xvfb or xset is not installed"
fi
