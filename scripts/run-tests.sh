#!/bin/sh
# Runs every test program given on the command line (cmocka binaries from
# build/tests/) and every tests/*.sh script, and prints one closing line
# "tests: N passed, N failed".  Exit status 1 if anything failed.
# Each test may use $KIOSK_TEST_TMP, a fresh scratch folder.
set -u
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
        *.sh) (cd "$top" && sh "$t") ;;
        *) (cd "$top" && "$t") ;;
    esac
    rc=$?
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        rm -rf "$KIOSK_TEST_TMP"
    else
        failed=$((failed + 1))
        failures="$failures $name"
        echo "!!! $name failed (exit $rc); scratch files kept in $KIOSK_TEST_TMP"
    fi
done
[ -n "$failures" ] && echo "failed:$failures"
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
