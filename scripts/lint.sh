#!/bin/sh
# The style check (make lint, run by make test):
#   1. formatting: every C file is as clang-format (.clang-format) writes it;
#      `make format` rewrites them;
#   2. banned calls: sprintf, strcpy, atoi and friends, which overflow or read
#      a typo as a number (use snprintf and common/number.h);
#   3. cppcheck's warnings (scripts/cppcheck-macros.h lets it parse jansson's
#      loop macros).
# Prints each finding and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.."
bad=0

files=$(git ls-files '*.c' '*.h' 2>/dev/null || find common proto kiosk sync kioskctl countyd tests bench scripts -name '*.[ch]')

# 1. Formatting.
unformatted=""
for f in $files; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted="$unformatted $f"
done
if [ -n "$unformatted" ]; then
    echo "lint: not formatted as .clang-format says (run 'make format'):$unformatted" >&2
    bad=1
fi

# 2. Banned calls (a call, not a mention in a comment or a string).
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|gets|atoi|atol|atoll|atof|strtok|tmpnam|mktemp)[[:space:]]*\('
hits=$(grep -nE "$banned" $files | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)' | grep -vE '"[^"]*\b(sprintf|strcpy|atoi)\b[^"]*"')
if [ -n "$hits" ]; then
    echo "lint: banned calls (use snprintf, common/number.h):" >&2
    echo "$hits" >&2
    bad=1
fi

# 3. cppcheck.
includes=$(for d in common proto kiosk/store kiosk/config sync sync/internal kiosk/text kiosk/ui kiosk/screens \
                    kiosk/ime kiosk/headless kioskctl countyd tests; do [ -d "$d" ] && printf ' -I%s' "$d"; done)
# shellcheck disable=SC2086
if ! cppcheck --quiet --enable=warning,portability --std=c11 -D_GNU_SOURCE --inline-suppr --error-exitcode=1 \
        -j2 --include=scripts/cppcheck-macros.h $includes common proto kiosk sync kioskctl countyd tests bench; then
    echo "lint: cppcheck found the problems above" >&2
    bad=1
fi

[ $bad -eq 0 ] && echo "lint: ok"
exit $bad
