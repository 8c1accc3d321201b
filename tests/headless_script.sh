#!/bin/sh
# The headless script reader (kiosk/headless/headless.c, docs/HEADLESS.md):
# numbers are read strictly, so a typo stops the script at its line instead
# of tapping somewhere else; a line with the wrong number of words, or an
# unknown command, fails with the command's usage and the line number.
set -u
. tests/lib/common.sh
sed -e "s#^database = .*#database = $T/kiosk.db#" -e "s#^cache_dir = .*#cache_dir = $T/cache#" kiosk.conf > "$T/kiosk.conf"
export SDL_VIDEODRIVER=dummy

# expect_refused SCRIPT-TEXT MESSAGE: the script fails with MESSAGE.
expect_refused() {
    printf '%b' "$1" > "$T/s.txt"
    if kiosk_headless "$T/kiosk.conf" "$T/s.txt" "$T/shots" --log-level warn 2> "$T/err"; then
        fail "accepted: $1"
    fi
    grep -qF "$2" "$T/err" || fail "for \"$1\" expected \"$2\", got: $(cat "$T/err")"
}

expect_refused 'expect-screen home\ntap 54O 300\n' 's.txt:2: X: "54O" is not a whole number 0..100000'
expect_refused 'wait 1O0\n' 's.txt:1: MS: "1O0" is not a whole number 0..86400000'
expect_refused 'press 10 10 -5\n' 's.txt:1: MS: "-5" is not a whole number'
expect_refused 'tap 10\n' 's.txt:1: usage: tap X Y'
expect_refused 'tap 10 20 30\n' 's.txt:1: usage: tap X Y'
expect_refused '# a comment\n\nexpect-depth one\n' 's.txt:3: N: "one" is not a whole number'
expect_refused 'taps 10 20\n' 's.txt:1: unknown command "taps"'

# And a well-formed script still runs.
printf 'wait 100\ntap 10 10\nexpect-screen home\nexpect-depth 1\n' > "$T/ok.txt"
kiosk_headless "$T/kiosk.conf" "$T/ok.txt" "$T/shots" --log-level warn 2> "$T/err" || fail "a good script failed: $(cat "$T/err")"
echo "headless script reader: ok"
