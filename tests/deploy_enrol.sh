#!/bin/sh
# Enrolment in one step (docs/DEPLOY.md): `kioskctl kiosk-add` on the real
# countyd prints one dangwu-kiosk-enrol command (or writes an enrolment
# file); run on a kiosk laid out as installed (/etc/dangwu in $T/etc, the
# kiosk.conf the package installs), it gives the kiosk its server, id,
# token and CA, and the kiosk then syncs with its token.  Bad input is
# refused and leaves the previous enrolment in place.
set -eu
. tests/lib/common.sh

ETC=$T/etc
mkdir -p "$ETC"
sh deploy/installed-kiosk-conf.sh kiosk.conf |
    sed -e "s#^enrolment = .*#enrolment = $ETC/enrolment.conf#" \
        -e "s#^database = .*#database = $T/kiosk.db#" -e "s#^cache_dir = .*#cache_dir = $T/cache#" \
        -e "s#^rime_user_dir = .*#rime_user_dir = $T/rime#" > "$ETC/kiosk.conf"
export DANGWU_ETC=$ETC DANGWU_KIOSK=$BIN/kiosk

countyd_start zhang

# A county CA, as kioskctl would hand it to the kiosks.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" -days 30 \
    -subj "/CN=青禾县党务公开 CA" > /dev/null 2>&1 || fail "openssl could not make a test CA"

# 1. The printed command, with the CA.
"$BIN"/kioskctl kiosk-add lobby-1 --kiosk-ca "$T/ca.pem" > "$T/add.txt" || fail "kiosk-add: $(cat "$T/add.txt")"
grep -c "dangwu-kiosk-enrol --server" "$T/add.txt" | grep -qx 1 || fail "not one enrol command in: $(cat "$T/add.txt")"
cmd=$(sed -n 's/^    dangwu-kiosk-enrol /deploy\/dangwu-kiosk-enrol /p' "$T/add.txt")
eval "sh $cmd --no-restart" > "$T/enrol.txt" 2>&1 || fail "the printed command failed: $(cat "$T/enrol.txt")"
cat "$T/enrol.txt"
grep -qx "kiosk_id = lobby-1" "$ETC/enrolment.conf" || fail "no kiosk id in enrolment.conf"
grep -qx "server_url = $URL" "$ETC/enrolment.conf" || fail "no server in enrolment.conf"
grep -qx "ca_file = $ETC/ca.pem" "$ETC/enrolment.conf" || fail "no CA in enrolment.conf"
cmp -s "$ETC/ca.pem" "$T/ca.pem" || fail "the CA on the kiosk is not the county's"
[ "$(stat -c %a "$ETC/enrolment.conf")" = 640 ] || fail "enrolment.conf is readable by everyone"
if grep -q '^token' "$ETC/kiosk.conf"; then
    grep -qx "token =" "$ETC/kiosk.conf" || fail "the token went into kiosk.conf"
fi

# The kiosk's settings reader takes the enrolment after kiosk.conf: the CA
# is not this server's (plain http here), so sync without it.
sed -i "s#^ca_file = .*#ca_file =#" "$ETC/enrolment.conf"
"$BIN"/kioskctl sync --config "$ETC/kiosk.conf" --once > "$T/once.txt" 2>&1 || fail "sync --once: $(cat "$T/once.txt")"
"$BIN"/kioskctl kiosks | grep -q "^正常 lobby-1" || fail "the enrolled kiosk's heartbeat is not listed"

# 2. The enrolment file for a USB stick, for a second kiosk.
"$BIN"/kioskctl kiosk-add lobby-2 --enrol-file "$T/lobby-2.enrol" > "$T/add2.txt" || fail "kiosk-add --enrol-file"
[ "$(stat -c %a "$T/lobby-2.enrol")" = 600 ] || fail "the enrolment file is readable by others"
grep -q "dangwu-kiosk-enrol /media/usb/lobby-2.enrol" "$T/add2.txt" || fail "no command for the file: $(cat "$T/add2.txt")"
if "$BIN"/kioskctl kiosk-add lobby-3 --enrol-file "$T/lobby-2.enrol" > /dev/null 2>&1; then
    fail "kiosk-add overwrote an existing enrolment file"
fi
sh deploy/dangwu-kiosk-enrol "$T/lobby-2.enrol" --no-restart > /dev/null || fail "enrol from the file"
grep -qx "kiosk_id = lobby-2" "$ETC/enrolment.conf" || fail "the file's kiosk id is not in enrolment.conf"
grep -qx "ca_file =" "$ETC/enrolment.conf" || fail "a CA appeared from nowhere"
"$BIN"/kioskctl sync --config "$ETC/kiosk.conf" --once > "$T/once2.txt" 2>&1 || fail "sync --once as lobby-2"
"$BIN"/kioskctl kiosks | grep -q "^正常 lobby-2" || fail "lobby-2's heartbeat is not listed"

# 3. Bad input changes nothing.
cp "$ETC/enrolment.conf" "$T/good.conf"
for bad in "--server ftp://x --id k --token abc" "--server $URL --id 'a b' --token abc" \
    "--server $URL --id k --token 'x;y'" "--server $URL --id k --token abc --ca notbase64!"; do
    if eval "sh deploy/dangwu-kiosk-enrol $bad --no-restart" > "$T/bad.txt" 2>&1; then fail "accepted: $bad"; fi
    cmp -s "$ETC/enrolment.conf" "$T/good.conf" || fail "a refused enrolment ($bad) changed enrolment.conf"
    echo "refused: $bad: $(cat "$T/bad.txt")"
done
# A kiosk.conf the kiosk cannot read: the old enrolment comes back.
sed -i 's#^interval = .*#interval = often#' "$ETC/kiosk.conf"
if sh deploy/dangwu-kiosk-enrol --server "$URL" --id lobby-9 --token abc --no-restart > "$T/bad.txt" 2>&1; then
    fail "enrolled although the kiosk refuses its settings"
fi
grep -q "the previous ones are back" "$T/bad.txt" || fail "message: $(cat "$T/bad.txt")"
cmp -s "$ETC/enrolment.conf" "$T/good.conf" || fail "the previous enrolment was not put back"
[ -z "$(ls "$ETC" | grep -v -x -e kiosk.conf -e enrolment.conf -e ca.pem)" ] || fail "left-overs in $ETC: $(ls "$ETC")"
countyd_stop
echo "deploy_enrol: the printed command and the file enrol a kiosk that then syncs; bad input changes nothing"
