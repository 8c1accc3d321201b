#!/bin/sh
# The kiosk's growing restart back-off (deploy/dangwu-backoff, docs/DEPLOY.md),
# driven the way systemd 252 drives it from dangwu-kiosk.service: `stopped`
# from ExecStopPost= with SERVICE_RESULT, `wait` from ExecStartPre= in the
# unit's RuntimeDirectory.  No real systemd is needed: the helper's state is
# its file, and a long run is made by moving its start back in that file.
set -eu
. tests/lib/common.sh

H=deploy/dangwu-backoff
export RUNTIME_DIRECTORY=$T/run
mkdir -p "$RUNTIME_DIRECTORY"
STATE=$RUNTIME_DIRECTORY/backoff

expect_delay() {
    got=$(sh $H delay)
    [ "$got" = "$1" ] || fail "$2: the next start would wait $got s, not $1 s (state: $(cat "$STATE" 2> /dev/null))"
}
# One run: the start (which must not sleep here), then its stop with RESULT.
run_and_stop() {
    DANGWU_BACKOFF_FIRST=0 sh $H wait > /dev/null
    SERVICE_RESULT=$1 EXIT_CODE=exited EXIT_STATUS=1 sh $H stopped > "$T/stopped.txt"
}

# A first start: no failure yet, no wait.
expect_delay 0 "a first start"
sh $H wait > "$T/wait.txt"
[ ! -s "$T/wait.txt" ] || fail "a first start said: $(cat "$T/wait.txt")"

# Failures in a row: 5, 10, 20, 40, 80, then the ceiling of 120 s.
n=0
for want in 5 10 20 40 80 120 120; do
    run_and_stop exit-code
    n=$((n + 1))
    expect_delay "$want" "after $n failures in a row"
done
grep -q "7 failure(s) in a row, next start waits 120 s" "$T/stopped.txt" || fail "the stop said: $(cat "$T/stopped.txt")"
# The watchdog and a start-up timeout count as failures too.
SERVICE_RESULT=watchdog sh $H stopped > /dev/null
expect_delay 120 "a watchdog stop"

# A clean stop (systemctl stop or restart, a clean exit) forgets the count.
SERVICE_RESULT=success sh $H stopped
expect_delay 0 "after a clean stop"

# A failure after a long run (300 s or more) is the first again.
for _ in 1 2 3; do run_and_stop signal; done
expect_delay 20 "after three quick failures"
DANGWU_BACKOFF_FIRST=0 sh $H wait > /dev/null
read -r f s < "$STATE"
echo "$f $((s - 400))" > "$STATE" # this run began 400 s ago
SERVICE_RESULT=exit-code sh $H stopped > /dev/null
expect_delay 5 "a failure after a run of 400 s"
# ... but not after a short one.
run_and_stop exit-code
expect_delay 10 "a second quick failure"

# The settings from the unit's Environment=.
DANGWU_BACKOFF_FIRST=2 DANGWU_BACKOFF_MAX=3 sh $H delay | grep -qx 3 || fail "DANGWU_BACKOFF_MAX is not the ceiling"

# wait really sleeps: one failure with a first step of 1 s.
SERVICE_RESULT=success sh $H stopped
run_and_stop exit-code
t0=$(cut -d' ' -f1 /proc/uptime)
DANGWU_BACKOFF_FIRST=1 sh $H wait > "$T/wait.txt"
t1=$(cut -d' ' -f1 /proc/uptime)
grep -q "failure 1 in a row: waiting 1 s before starting" "$T/wait.txt" || fail "wait said: $(cat "$T/wait.txt")"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 1) }' || fail "wait did not sleep its 1 s ($t0 .. $t1)"

# A broken or unwritable state never keeps the kiosk from starting.
echo "garbage here" > "$STATE"
expect_delay 0 "a garbled state file"
sh $H wait > /dev/null || fail "wait failed on a garbled state file"
if [ "$(id -u)" != 0 ]; then
    chmod a-w "$RUNTIME_DIRECTORY"
    sh $H wait 2> "$T/err.txt" || fail "wait failed on an unwritable folder"
    chmod u+w "$RUNTIME_DIRECTORY"
fi
RUNTIME_DIRECTORY='' sh $H wait 2> "$T/err.txt" || fail "wait failed without RUNTIME_DIRECTORY"
grep -q "no back-off" "$T/err.txt" || fail "no word about the missing RUNTIME_DIRECTORY"
if sh $H bogus 2> /dev/null; then fail "an unknown command was accepted"; fi

# The unit uses it as above, and its start timeout leaves room for the
# longest wait plus the kiosk's own start-up (90 s).
U=deploy/dangwu-kiosk.service
grep -qx 'ExecStartPre=/usr/lib/dangwu/dangwu-backoff wait' $U || fail "$U: no ExecStartPre back-off"
grep -qx 'ExecStopPost=/usr/lib/dangwu/dangwu-backoff stopped' $U || fail "$U: no ExecStopPost back-off"
grep -qx 'RuntimeDirectory=dangwu-kiosk' $U || fail "$U: no RuntimeDirectory"
grep -qx 'RuntimeDirectoryPreserve=restart' $U || fail "$U: the count would not survive a restart"
timeout_s=$(sed -n 's/^TimeoutStartSec=//p' $U)
[ "$timeout_s" -ge $((120 + 90)) ] || fail "$U: TimeoutStartSec=$timeout_s is shorter than the longest back-off and the start-up"
grep -q 'install .*deploy/dangwu-backoff .*/usr/lib/dangwu/dangwu-backoff' debian/rules || fail "debian/rules does not install the helper"
echo "deploy_backoff: 5, 10, 20 ... 120 s after failures in a row; reset by a clean stop or a run of 300 s"
