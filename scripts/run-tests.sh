#!/bin/sh
# Runs every test program given on the command line (cmocka binaries from
# build/tests/) and every tests/*.sh script, and prints one closing line
# "tests: N passed, N failed".  Exit status 1 if anything failed.
# Each test may use $KIOSK_TEST_TMP, a fresh scratch folder.
#
# Every test has a time limit (TEST_TIMEOUT seconds, default 300: generous,
# the machine may be shared): one that hangs is stopped, with its whole
# process group, and fails with "!!! NAME timed out after N s" instead of
# hanging the run.  Tests wait for states, not for time, so the limit is
# never what decides a passing test.
set -u
limit="${TEST_TIMEOUT:-300}"
passed=0
failed=0
failures=""
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
top=$(pwd)
# Shell tests run the programs in $BIN (bin/, or build-asan/bin/ for make asan).
export BIN="${BIN:-bin}"
for t in "$@" tests/*.sh; do
    [ -e "$t" ] || continue
    name=$(basename "$t")
    KIOSK_TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-test.XXXXXX")
    export KIOSK_TEST_TMP
    echo "=== $name"
    case "$t" in
        *.sh) (cd "$top" && timeout --kill-after=10 "$limit" sh "$t") ;;
        *) (cd "$top" && timeout --kill-after=10 "$limit" "$t") ;;
    esac
    rc=$?
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        rm -rf "$KIOSK_TEST_TMP"
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        failed=$((failed + 1))
        failures="$failures $name"
        echo "!!! $name timed out after $limit s; scratch files kept in $KIOSK_TEST_TMP"
    else
        failed=$((failed + 1))
        failures="$failures $name"
        echo "!!! $name failed (exit $rc); scratch files kept in $KIOSK_TEST_TMP"
    fi
done
[ -n "$failures" ] && echo "failed:$failures"
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
