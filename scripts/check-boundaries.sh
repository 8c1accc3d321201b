#!/bin/sh
# The module boundaries the compiler's include paths cannot see (the
# Makefile's module table gives each module only the include paths it may
# use; docs/ARCHITECTURE.md draws the result):
#   - no relative or folder-qualified includes ("../x.h", "kiosk/store/x.h")
#     in the programs' sources, which would step around the include paths;
#   - libcurl only in the sync client (sync/) and kioskctl's admin client;
#   - SDL only in the kiosk's screen side (kiosk/text, ui, screens, ime,
#     headless and kiosk/main.c);
#   - poppler and cairo only in the kiosk's PDF renderer (kiosk/ui/pdfrender.c;
#     scripts/sample_pdf.c, which draws the sample, is no program's);
#   - bin/countyd and bin/kioskctl link no SDL, SDL_ttf, SDL_image, librime,
#     zinnia, poppler or cairo (ldd), and bin/kiosk links none of librime,
#     zinnia, poppler or cairo (opened when the keyboard or the PDF
#     view first needs them) nor libcurl (opened by the sync thread);
#   - bin/countyd holds no kiosk code: it checks content with proto/, not
#     with the kiosk's store (no store_* or feed_import_* symbol).
# Prints one line per violation and exits 1 if there is any.
set -u
BIN="${BIN:-bin}"
bad=0
fail() { echo "boundary: $*" >&2; bad=1; }

sources=$(find common proto kiosk sync kioskctl countyd -name '*.[ch]' 2>/dev/null)

for f in $sources; do
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' "$f" | while IFS= read -r line; do
        echo "boundary: $f:${line%%:*}: include by path (use the module's include path): ${line#*:}" >&2
    done
    if grep -q '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' "$f"; then bad=1; fi
    case "$f" in
        sync/*|kioskctl/admin_client.*) ;;
        *) grep -qn '#[[:space:]]*include[[:space:]]*<curl/' "$f" && fail "$f: libcurl belongs to sync/ and kioskctl/admin_client" ;;
    esac
    case "$f" in
        kiosk/text/*|kiosk/ui/*|kiosk/screens/*|kiosk/ime/*|kiosk/headless/*|kiosk/main.c) ;;
        *) grep -qn '#[[:space:]]*include[[:space:]]*<SDL' "$f" && fail "$f: SDL belongs to the kiosk's screen side" ;;
    esac
    case "$f" in
        kiosk/ui/pdfrender.c) ;;
        *) grep -qn '#[[:space:]]*include[[:space:]]*<\(poppler\|cairo\)' "$f" && fail "$f: poppler and cairo belong to kiosk/ui/pdfrender.c" ;;
    esac
done

for prog in countyd kioskctl; do
    [ -x "$BIN/$prog" ] || { fail "$BIN/$prog: not built"; continue; }
    linked=$(ldd "$BIN/$prog" | grep -iE 'libSDL|librime|libzinnia|libpoppler|libcairo' | awk '{print $1}' | tr '\n' ' ')
    [ -n "$linked" ] && fail "$BIN/$prog links $linked"
done

# What only one screen needs is opened when that screen first needs it
# (common/dynlib.h, KIOSK_LAZY_PKGS in the Makefile), never linked.
if [ -x "$BIN/kiosk" ]; then
    linked=$(ldd "$BIN/kiosk" | grep -iE 'librime|libzinnia|libpoppler|libcairo|libcurl' | awk '{print $1}' | tr '\n' ' ')
    [ -n "$linked" ] && fail "$BIN/kiosk links $linked (they are opened when first needed)"
fi

if [ -x "$BIN/countyd" ]; then
    kiosk_code=$(nm "$BIN/countyd" | awk '$2 == "T" && ($3 ~ /^store_/ || $3 ~ /^feed_import_/) {print $3}' | head -3 | tr '\n' ' ')
    [ -n "$kiosk_code" ] && fail "$BIN/countyd holds kiosk code: $kiosk_code"
fi

[ $bad -eq 0 ] && echo "boundaries: ok"
exit $bad
