#!/bin/sh
# The screens, headless with the real renderer: every script under
# tests/headless/ in landscape (1920x1080) and portrait (1080x1920), each on
# a fresh database.  input.txt uses fixed coordinates: landscape only.
# Also checks that a failing check does fail (exit 1, naming the line).
set -u
tmp=${KIOSK_TEST_TMP:-/tmp}
failed=0

run() { # NAME SCRIPT SIZE ORIENTATION
    dir="$tmp/$1"
    mkdir -p "$dir"
    sed -e "s#^database = .*#database = $dir/kiosk.db#" -e "s#^cache_dir = .*#cache_dir = $dir/cache#" \
        kiosk.conf > "$dir/kiosk.conf"
    bin/kiosk --config "$dir/kiosk.conf" --windowed --size "$3" "--$4" --log-level warn \
        --headless "$2" --shots "$dir/shots"
}

for script in tests/headless/*.txt; do
    name=$(basename "$script" .txt)
    for o in landscape portrait; do
        [ "$name" = input ] && [ "$o" = portrait ] && continue
        if [ "$o" = landscape ]; then size=1920x1080; else size=1080x1920; fi
        if run "$name-$o" "$script" "$size" "$o"; then
            echo "ok   $name ($o)"
        else
            echo "FAIL $name ($o)"
            failed=1
        fi
    done
done

# A check that does not hold must fail the run and name the line.
printf 'clock 2026-11-22T10:00:00+08:00\nexpect-screen reader\n' > "$tmp/must-fail.txt"
if run must-fail "$tmp/must-fail.txt" 1920x1080 landscape 2> "$tmp/must-fail.err"; then
    echo "FAIL a failing check passed"
    failed=1
elif ! grep -q "must-fail.txt:2: expected the reader screen" "$tmp/must-fail.err"; then
    echo "FAIL a failing check did not name its line:"; cat "$tmp/must-fail.err"
    failed=1
else
    echo "ok   a failing check fails"
fi
# Fonts that cannot be opened: a clear message and exit status 1, never a
# blank screen.
mkdir -p "$tmp/nofont"
sed -e "s#^regular = .*#regular = $tmp/nofont/missing.ttc#" -e "s#^database = .*#database = $tmp/nofont/kiosk.db#" \
    kiosk.conf > "$tmp/nofont/kiosk.conf"
printf 'wait 10\n' > "$tmp/nofont/s.txt"
bin/kiosk --config "$tmp/nofont/kiosk.conf" --headless "$tmp/nofont/s.txt" 2> "$tmp/nofont/err"
rc=$?
if [ $rc -ne 1 ] || ! grep -q "the fonts cannot be used" "$tmp/nofont/err"; then
    echo "FAIL missing fonts: exit $rc"; cat "$tmp/nofont/err"
    failed=1
else
    echo "ok   missing fonts stop the kiosk with a clear message"
fi
exit $failed
