#!/bin/sh
# A kiosk that cannot start says why and exits with status 1, so the
# service's restart policy and the journal show it (docs/DEPLOY.md): no
# display, no fonts, a database in a folder that does not exist.  Each is the real bin/kiosk,
# not headless.
set -eu
. tests/lib/common.sh

conf() {
    cat > "$T/kiosk.conf" <<CONF
[display]
fullscreen = true
[store]
database = ${1:-$T/kiosk.db}
cache_dir = $T/cache
[sync]
server_url = file://$T/no-feed
[input]
rime_user_dir = $T/rime
[fonts]
regular = ${2:-fonts/NotoSansCJK-Regular.ttc}
CONF
}

# expect_failure WHAT MESSAGE [ENV...]: the kiosk ends (a kiosk still
# running after 120 s is taken as hung), with status 1 and MESSAGE on
# standard error.
expect_failure() {
    what=$1 message=$2
    shift 2
    rc=0
    env "$@" timeout 120 "$BIN"/kiosk --config "$T/kiosk.conf" > "$T/out" 2> "$T/err" || rc=$?
    [ $rc -ne 124 ] || fail "$what: the kiosk was still running after 120 s"
    [ $rc -eq 1 ] || { cat "$T/err"; fail "$what: exit status $rc, expected 1"; }
    grep -q "$message" "$T/err" || { cat "$T/err"; fail "$what: no \"$message\" on standard error"; }
    echo "ok: $what: status 1: $(grep "^kiosk:" "$T/err" | cut -c1-100)"
}

# No display: SDL's invisible fallback drivers are refused unless named.
conf
expect_failure "no display" "no display to show on" -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER
[ ! -e "$T/kiosk.db" ] || fail "no display: the database was created anyway"

# The rest with a display (SDL's dummy driver, named on purpose).
conf "$T/kiosk.db" "$T/missing-font.ttc"
expect_failure "no fonts" "the fonts cannot be used" SDL_VIDEODRIVER=dummy

# A file that is not a database no longer stops the kiosk: it is moved
# aside and a fresh one made (tests/kiosk_damaged_store.sh).

conf "$T/missing-folder/kiosk.db"
expect_failure "a database in a folder that does not exist" "the database cannot be used" SDL_VIDEODRIVER=dummy
echo "kiosk_startup: every start-up failure ends with status 1 and says why"
