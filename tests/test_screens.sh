#!/bin/sh
# The screens, headless with the real renderer: every script under
# tests/headless/ in landscape (1920x1080) and portrait (1080x1920), each on
# a fresh database.  input.txt uses fixed coordinates: landscape only.
# Also checks that a failing check does fail (exit 1, naming the line).
set -u
# Dates and the screen's hours are read in China Standard Time.
export TZ=Asia/Shanghai
. tests/lib/common.sh
failed=0

run() { # NAME SCRIPT ORIENTATION [TEXT_SCALE]
    dir="$T/$1"
    mkdir -p "$dir"
    sed -e "s#^database = .*#database = $dir/kiosk.db#" -e "s#^cache_dir = .*#cache_dir = $dir/cache#" \
        -e "s#^text_scale = .*#text_scale = ${4:-100}#" kiosk.conf > "$dir/kiosk.conf"
    if [ "$3" = landscape ]; then size=1920x1080; else size=1080x1920; fi
    kiosk_headless "$dir/kiosk.conf" "$2" "$dir/shots" --windowed --size "$size" "--$3" --log-level warn
}

# check LABEL NAME SCRIPT ORIENTATION [TEXT_SCALE]: one run, reported as LABEL.
check() {
    label=$1
    shift
    if run "$@"; then
        echo "ok   $label"
    else
        echo "FAIL $label"
        failed=1
    fi
}

for script in tests/headless/*.txt; do
    name=$(basename "$script" .txt)
    for o in landscape portrait; do
        [ "$name" = input ] && [ "$o" = portrait ] && continue
        check "$name ($o)" "$name-$o" "$script" "$o"
    done
done

# [display] text_scale enlarges the reading text: reading still fits, and
# so do the carousel (task-6) and the answers (task-5).
for o in landscape portrait; do
    check "read at text_scale 150 ($o)" "read-150-$o" tests/headless/read.txt "$o" 150
    check "attract at text_scale 150 ($o)" "attract-150-$o" tests/headless/task-6-urgent.txt "$o" 150
    check "answers at text_scale 150 ($o)" "answers-150-$o" tests/headless/task-5-answers.txt "$o" 150
done

# A check that does not hold must fail the run and name the line.
printf 'clock 2026-11-22T10:00:00+08:00\nexpect-screen reader\n' > "$T/must-fail.txt"
if run must-fail "$T/must-fail.txt" landscape 2> "$T/must-fail.err"; then
    echo "FAIL a failing check passed"
    failed=1
elif ! grep -q "must-fail.txt:2: expected the reader screen" "$T/must-fail.err"; then
    echo "FAIL a failing check did not name its line:"; cat "$T/must-fail.err"
    failed=1
else
    echo "ok   a failing check fails"
fi
# Fonts that cannot be opened: a clear message and exit status 1, never a
# blank screen.
mkdir -p "$T/nofont"
sed -e "s#^regular = .*#regular = $T/nofont/missing.ttc#" -e "s#^database = .*#database = $T/nofont/kiosk.db#" \
    kiosk.conf > "$T/nofont/kiosk.conf"
printf 'wait 10\n' > "$T/nofont/s.txt"
kiosk_headless "$T/nofont/kiosk.conf" "$T/nofont/s.txt" "$T/nofont/shots" 2> "$T/nofont/err"
rc=$?
if [ $rc -ne 1 ] || ! grep -q "the fonts cannot be used" "$T/nofont/err"; then
    echo "FAIL missing fonts: exit $rc"; cat "$T/nofont/err"
    failed=1
else
    echo "ok   missing fonts stop the kiosk with a clear message"
fi
exit $failed
