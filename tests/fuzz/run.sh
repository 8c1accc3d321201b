#!/bin/sh
# Runs each libFuzzer harness over its stored corpus (tests/fuzz/corpus/NAME/,
# read only) and then for SECONDS more on new inputs, which go to a scratch
# folder.  A crash, a leak, a sanitizer report, an input slower than 10 s or
# more than 2 GB of memory fails the run; the input that did it is kept in the
# scratch folder and its path printed (add it to the corpus once fixed).
#
#   sh tests/fuzz/run.sh SECONDS build/fuzz/fuzz_feed ...
set -eu
seconds=$1
shift
scratch=${KIOSK_TEST_TMP:-$(mktemp -d)}/fuzz
mkdir -p "$scratch"
export KIOSK_TEST_TMP="$scratch"
failed=0
for bin in "$@"; do
    name=$(basename "$bin" | sed 's/^fuzz_//')
    corpus="tests/fuzz/corpus/$name"
    new="$scratch/new-$name"
    mkdir -p "$new" "$corpus"
    start=$(date +%s)
    if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$scratch/$name-" -print_final_stats=1 "$new" "$corpus" >"$scratch/$name.log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$name.log")
        echo "fuzz $name: ok, ${runs:-?} inputs in $(($(date +%s) - start)) s ($(ls "$corpus" | wc -l) stored)"
    else
        echo "fuzz $name: FAILED; see $scratch/$name.log" >&2
        grep -E "ERROR|SUMMARY|Test unit written" "$scratch/$name.log" | head -5 >&2
        failed=1
    fi
done
exit $failed
