#!/bin/sh
# countyd's --config file goes through the one INI reader (common/inifile.h):
# every fault names the file and line and says what is wrong, a malformed
# line and a key set twice included; other programs' sections are left
# alone.
set -eu
. tests/lib/common.sh

expect_refused() {   # FILE-CONTENT EXPECTED-MESSAGE
    printf '%b' "$1" > "$T/countyd.ini"
    if "$BIN"/countyd --config "$T/countyd.ini" --db "$T/county.db" > "$T/out" 2>&1; then fail "accepted: $1"; fi
    grep -qF "$2" "$T/out" || fail "for \"$1\" expected \"$2\", got: $(cat "$T/out")"
}

expect_refused '[countyd]\nthis line is broken\n' "countyd.ini:2: not a \"key = value\" line or a [section] header"
expect_refused '[countyd]\nmax_wait = lots\n' "countyd.ini:2: max-wait: must be a whole number 0..120"
expect_refused '[countyd]\nmax_wait = 90\nmax_wait = 5\n' 'countyd.ini:3: "max_wait" in [countyd] is set twice (first on line 2)'
expect_refused '[countyd]\n  max_wait = 90\n' "countyd.ini:2: "
expect_refused '[countyd]\nheader_timeout = 0\n' "countyd.ini:2: header-timeout: must be a whole number 1..600"
expect_refused '[countyd]\nno_such_key = 1\n' 'countyd.ini:2: unknown setting "no_such_key"'
if "$BIN"/countyd --config "$T/missing.ini" > "$T/out" 2>&1; then fail "a missing file accepted"; fi
grep -q "missing.ini: cannot open" "$T/out" || fail "missing file: $(cat "$T/out")"

# A [kiosk] section beside [countyd] is another program's: not refused.
printf '[kiosk]\nanything = at all\n[countyd]\nmax_wait = 5\n' > "$T/shared.ini"
"$BIN"/countyd --config "$T/shared.ini" --db "$T/county.db" --add-admin cfg > "$T/out" 2>&1 || fail "shared file: $(cat "$T/out")"
# The packaged settings are read as they are.
sed 's|^db = .*|db = '"$T"'/county.db|; s|^blobs = .*|blobs = '"$T"'/blobs|' deploy/countyd.conf > "$T/deployed.ini"
"$BIN"/countyd --config "$T/deployed.ini" --add-admin cfg2 > "$T/out" 2>&1 || fail "deploy/countyd.conf: $(cat "$T/out")"
echo "countyd config: ok"
