# tests/lib/common.sh — the set-up the shell tests share.  Sourced by
# tests/*.sh (from the top of the tree); it is not a test itself, and
# scripts/run-tests.sh runs only tests/*.sh, not this folder.
#
#   T          the scratch folder ($KIOSK_TEST_TMP, or a fresh one by hand)
#   BIN        the programs (bin/, or build-asan/bin/ under make asan)
#   FAIL_LOGS  logs whose tail `fail` shows (countyd_start adds its own)

T=${KIOSK_TEST_TMP:-$(mktemp -d)}
BIN=${BIN:-bin}
FAIL_LOGS=""

# fail MESSAGE: says what went wrong, shows the logs, ends the test.
fail() {
    echo "FAIL: $*"
    for log in $FAIL_LOGS; do
        if [ -f "$log" ]; then tail -20 "$log"; fi
    done
    exit 1
}

# retry TRIES MESSAGE COMMAND...: waits for a state: runs COMMAND every
# 0.1 s until it succeeds; after TRIES tries (a bound for a broken build,
# not a speed requirement) the test fails with MESSAGE.
retry() {
    tries=$1 msg=$2
    shift 2
    n=0
    until "$@"; do
        n=$((n + 1))
        [ $n -lt "$tries" ] || fail "$msg"
        sleep 0.1
    done
}

# cache_file SHA256: where the kiosk's cache under $T/cache keeps an attachment.
cache_file() {
    echo "$T/cache/$(echo "$1" | cut -c1-2)/$1"
}

# tiny_png FILE TEXT: a real 1 x 1 PNG (countyd and kioskctl read the
# header of every image), with TEXT after its end so each TEXT gives
# another file.
tiny_png() {
    printf '\211\120\116\107\015\012\032\012\000\000\000\015\111\110\104\122\000\000\000\001\000\000\000\001\010\002\000\000\000\220\167\123\336\000\000\000\014\111\104\101\124\170\234\143\070\221\142\004\000\003\126\001\137\350\027\204\122\000\000\000\000\111\105\116\104\256\102\140\202%s' "$2" > "$1"
}

# feed_with_image DIR IMAGE REVISION CATEGORY TITLE PERIOD: DIR/feed.json, a
# snapshot feed (docs/FEED.md) with category "c" named CATEGORY and public
# item "i" titled TITLE, whose one attachment is DIR/IMAGE, written here.
# Sets SHA to the image's sha256.
feed_with_image() {
    mkdir -p "$(dirname "$1/$2")"
    printf 'the bytes of an image for %s' "$5" > "$1/$2"
    SHA=$(sha256sum "$1/$2" | cut -d' ' -f1)
    size=$(wc -c < "$1/$2")
    cat > "$1/feed.json" <<JSON
{"format":"dangwu-feed","version":1,"kind":"snapshot","revision":$3,
 "categories":{"upsert":[{"id":"c","name":"$4"}]},
 "items":{"upsert":[{"id":"i","category":"c","title":"$5","body":"正文",
   "published_at":"2026-01-01T08:00:00+08:00","period":"$6","scope":"public",
   "attachments":[{"sha256":"$SHA","size":$size,"type":"image/png","href":"$2"}]}]}}
JSON
}

# author_item FILE CATEGORY TITLE PUBLISHED PERIOD SCOPE BODY [IMAGE]: one
# item of an authoring folder (docs/AUTHORING.md); IMAGE is "file | caption".
author_item() {
    {
        printf 'category: %s\ntitle: %s\npublished: %s\nperiod: %s\nscope: %s\n' "$2" "$3" "$4" "$5" "$6"
        if [ -n "${8:-}" ]; then printf 'image: %s\n' "$8"; fi
        printf '\n%s\n' "$7"
    } > "$1"
}

countyd_port() {
    PORT=$(sed -n 's/.*listening on .*(port \([0-9]*\)).*/\1/p' "$T/countyd.log") && [ -n "$PORT" ]
}

countyd_answers() {
    "$BIN"/kioskctl items > /dev/null 2>&1
}

# countyd_start ADMIN: a fresh county database in $T with the admin ADMIN
# (token exported as KIOSKCTL_TOKEN), and the real countyd on a free port
# of 127.0.0.1 (port 0: the system picks one, countyd logs which), logging
# to $T/countyd.log.  Sets PID, PORT and URL, exports KIOSKCTL_SERVER, and
# waits until countyd answers kioskctl.  If the test ends early, countyd
# and the processes in $ALSO_KILL are killed.  $COUNTYD_ARGS: more options.
countyd_start() {
    "$BIN"/countyd --db "$T/county.db" --add-admin "$1" > "$T/admin.txt" || fail "countyd --add-admin"
    KIOSKCTL_TOKEN=$(sed -n 2p "$T/admin.txt")
    export KIOSKCTL_TOKEN
    FAIL_LOGS="$FAIL_LOGS $T/countyd.log"
    # shellcheck disable=SC2086 # COUNTYD_ARGS is a list of options
    "$BIN"/countyd --db "$T/county.db" --listen 127.0.0.1:0 --log-level debug ${COUNTYD_ARGS:-} 2> "$T/countyd.log" &
    PID=$!
    ALSO_KILL=""
    trap 'kill $PID $ALSO_KILL 2>/dev/null || true' EXIT
    retry 100 "countyd did not start" countyd_port
    URL="http://127.0.0.1:$PORT"
    KIOSKCTL_SERVER=$URL
    export KIOSKCTL_SERVER
    retry 100 "countyd does not answer" countyd_answers
}

# second_admin NAME: creates another admin on the running countyd's database
# and sets SECOND_TOKEN to its token.  The reviewer of a version may not
# approve it, so taking an item through the review cycle needs two admins.
second_admin() {
    "$BIN"/countyd --db "$T/county.db" --add-admin "$1" > "$T/admin2.txt" || fail "countyd --add-admin $1"
    SECOND_TOKEN=$(sed -n 2p "$T/admin2.txt")
}

# publish_approved DIR: the folder published and taken through the review
# cycle by two admins (the first reviews, the second approves and publishes).
publish_approved() {
    [ -n "${SECOND_TOKEN:-}" ] || second_admin approver
    "$BIN"/kioskctl publish "$1" --approve --note "按规定公开" > "$T/publish1.log" 2>&1 || fail "publish: $(cat "$T/publish1.log")"
    KIOSKCTL_TOKEN=$SECOND_TOKEN "$BIN"/kioskctl publish "$1" --approve --note "按规定公开" > "$T/publish2.log" 2>&1 ||
        fail "publish by the second admin: $(cat "$T/publish2.log")"
}

# countyd_stop: SIGTERM; countyd must stop with exit status 0.
countyd_stop() {
    kill -TERM $PID
    wait $PID || fail "countyd exit status $?"
    trap - EXIT
}

# kiosk_headless CONFIG SCRIPT SHOTS [OPTION...]: the real kiosk, headless,
# runs SCRIPT (docs/HEADLESS.md) with screenshots into SHOTS.
kiosk_headless() {
    conf=$1 script=$2 shots=$3
    shift 3
    "$BIN"/kiosk --config "$conf" --headless "$script" --shots "$shots" "$@"
}

# kiosk_until_dump CONFIG SCRIPT SHOTS NAME: the headless kiosk in the background
# (its pid in $KIOSK_PID, its log in $T/kiosk.log, killed if the test ends
# first), returning once its script has reached `dump NAME` (SHOTS/NAME.json
# written): a state the test can act in, such as a `hold` that follows.
kiosk_until_dump() {
    rm -f "$3/$4.json"
    # the program itself, not kiosk_headless: a function in the background
    # runs in a subshell, which the SIGTERM would reach instead
    "$BIN"/kiosk --config "$1" --headless "$2" --shots "$3" > "$T/kiosk.log" 2>&1 &
    KIOSK_PID=$!
    FAIL_LOGS="$FAIL_LOGS $T/kiosk.log"
    trap 'kill -9 $KIOSK_PID 2>/dev/null || true' EXIT
    retry 600 "the kiosk's script did not reach its dump $4 within 60 s" test -s "$3/$4.json"
}

# kiosk_term: SIGTERM to the kiosk kiosk_until_dump started; fails unless it
# is gone within 30 s (whatever its script was doing) with status 0.
kiosk_term() {
    kill -TERM $KIOSK_PID
    retry 300 "the kiosk still runs 30 s after SIGTERM" kiosk_gone
    rc=0
    wait $KIOSK_PID || rc=$?
    trap - EXIT
    [ $rc -eq 0 ] || fail "exit status $rc after SIGTERM, expected 0"
}
kiosk_gone() { ! kill -0 $KIOSK_PID 2>/dev/null; }
