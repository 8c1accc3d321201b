#!/bin/sh
# bin/kiosk --headless stops at SIGTERM like the kiosk on a screen: at
# once, with status 0, even in the middle of a script's `hold`.
set -eu
. tests/lib/common.sh

cat > "$T/kiosk.conf" <<CONF
[store]
database = $T/kiosk.db
cache_dir = $T/cache
[sync]
server_url = file://$T/no-feed
[input]
rime_user_dir = $T/rime
CONF
printf 'expect-screen home\ndump holding\nhold 60000\nexpect-screen nosuch\n' > "$T/hold.txt"
kiosk_until_dump "$T/kiosk.conf" "$T/hold.txt" "$T" holding
# The hold is 60 s of real time: a kiosk gone within 30 s stopped in it.
kiosk_term
grep -q "stopped before line 4" "$T/kiosk.log" || fail "no log line saying where the script stopped"
echo "kiosk --headless stops at SIGTERM: ok"
