#!/bin/sh
# `make test-deploy` (and tests/deploy_packages.sh when the tools are there):
#   1. make deb: the packages build and lintian reports no error;
#   2. systemd-analyze verify accepts every unit, as installed from the
#      packages into a scratch root (with the real cage and chvt beside them),
#      and the packaged kiosk reads the packaged kiosk.conf;
#   3. in a clean Debian root made with debootstrap (bookworm, minbase; the
#      base is made once per machine and kept as a tarball in
#      /var/cache/dangwu-test/): dangwu-countyd and dangwu-kioskctl install
#      with apt (their Depends pulled from the archive), create their user and
#      folders, back up; an upgrade keeps the database and a local change to
#      the conffile; remove keeps the data; purge removes it (the backups
#      stay).  dangwu-kiosk's maintainer scripts run there too (user, state
#      folder, time zone Asia/Shanghai, purge), installed with dpkg
#      --force-depends because its run-time libraries (SDL, cage, fonts) are
#      too big to fetch on every run; its program is checked by the other tests.
set -eu
top=$(pwd)
out=$top/build-deb
CACHE=${DANGWU_TEST_CACHE:-/var/cache/dangwu-test}
MIRROR=${DANGWU_TEST_MIRROR:-http://deb.debian.org/debian}
start=$(date +%s)
step() { echo "test-deploy: $* ($(($(date +%s) - start)) s)"; }
fail() {
    echo "test-deploy: FAIL: $*" >&2
    exit 1
}

sh scripts/make-deb.sh
step "packages built, lintian clean"

# ---- 2. the units, as installed ---------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/dangwu-deploy.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/units
mkdir -p "$root/usr/bin" "$root/usr/lib/systemd"
for deb in "$out"/dangwu-kiosk_*.deb "$out"/dangwu-countyd_*.deb "$out"/dangwu-kioskctl_*.deb; do
    dpkg-deb -x "$deb" "$root"
done
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
for prog in /usr/bin/cage /usr/bin/chvt; do
    [ -x "$prog" ] || fail "$prog is not installed (sh scripts/install-deps.sh deb)"
    cp "$prog" "$root/usr/bin/"
done
units="dangwu-kiosk.service countyd.service countyd-backup.service countyd-backup.timer"
# shellcheck disable=SC2086
systemd-analyze verify --root="$root" $units > "$work/verify.txt" 2>&1 || { cat "$work/verify.txt"; fail "systemd-analyze verify"; }
# Warnings about our own units (an unknown key, say) count as failures too.
if grep -E 'dangwu-kiosk|countyd' "$work/verify.txt"; then fail "systemd-analyze verify warns about the units"; fi
step "systemd-analyze verify: $units"
# The installed kiosk.conf as the packaged kiosk reads it (it stops after
# reading every setting, at --help), and its font links lead to fonts.
"$root/usr/bin/dangwu-kiosk" --config "$root/etc/dangwu/kiosk.conf" --help > /dev/null 2> "$work/conf.txt" ||
    { cat "$work/conf.txt"; fail "the packaged kiosk refuses the packaged /etc/dangwu/kiosk.conf"; }
# (debhelper makes the links relative; they are followed here as they
# would be on a kiosk, where the font packages are installed like here.)
for link in "$root"/usr/share/dangwu-kiosk/fonts/*; do
    target=$(readlink "$link")
    case "$target" in /*) ;; *) target=/usr/share/dangwu-kiosk/fonts/$target ;; esac
    [ -f "$(realpath -m "$target")" ] || fail "$link leads to $target, which is no font"
done
step "the packaged kiosk reads the packaged kiosk.conf; its font links lead to the Debian fonts"

# ---- 3. install, upgrade, remove, purge in a clean Debian root --------
base=$CACHE/bookworm-minbase.tar
if [ ! -f "$base" ]; then
    command -v debootstrap > /dev/null || fail "debootstrap is not installed (sh scripts/install-deps.sh deb)"
    step "making the Debian base root once for this machine (debootstrap, a few minutes)"
    mkdir -p "$CACHE"
    debootstrap --variant=minbase bookworm "$work/base" "$MIRROR" > "$work/debootstrap.log" 2>&1 ||
        { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
    rm -f "$work/base/var/cache/apt/archives/"*.deb
    tar -C "$work/base" -cf "$base.new" . && mv "$base.new" "$base"
    rm -rf "$work/base"
fi
R=$work/root
mkdir -p "$R"
tar -C "$R" -xf "$base"
cp /etc/resolv.conf "$R/etc/resolv.conf"
mkdir -p "$R/tmp/debs"
cp "$out"/dangwu-kiosk_*.deb "$out"/dangwu-countyd_*.deb "$out"/dangwu-kioskctl_*.deb "$R/tmp/debs/"
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
as_countyd() { chroot --userspec=countyd:countyd "$R" env -i PATH=/usr/bin:/bin HOME=/var/lib/countyd "$@"; }
log=$work/apt.log

in_root apt-get update -qq > "$log" 2>&1 || { tail "$log"; fail "apt-get update in the Debian root"; }
in_root sh -c 'apt-get install -y -qq /tmp/debs/dangwu-kioskctl_*.deb /tmp/debs/dangwu-countyd_*.deb' >> "$log" 2>&1 ||
    { tail -30 "$log"; fail "apt-get install dangwu-countyd dangwu-kioskctl"; }
step "dangwu-countyd and dangwu-kioskctl installed with their Depends"
in_root getent passwd countyd > /dev/null || fail "no countyd user"
[ "$(in_root stat -c %U:%a /var/lib/countyd)" = countyd:750 ] || fail "/var/lib/countyd: $(in_root stat -c %U:%a /var/lib/countyd)"
[ -f "$R/etc/dangwu/countyd.conf" ] && [ -f "$R/etc/default/countyd-backup" ] || fail "the conffiles are missing"
in_root kioskctl help > /dev/null || fail "kioskctl does not run in the root"

# Data: an admin (the database is made on the way), then a backup as the
# timer would make it.
as_countyd countyd --config /etc/dangwu/countyd.conf --add-admin zhang > "$work/admin.txt" || fail "countyd --add-admin"
[ -f "$R/var/lib/countyd/county.db" ] || fail "no database in /var/lib/countyd"
as_countyd sh -c 'set -a; . /etc/default/countyd-backup; exec /usr/lib/dangwu/countyd-backup' > "$work/backup.txt" 2>&1 ||
    { cat "$work/backup.txt"; fail "countyd-backup in the root"; }
db_sum=$(sha256sum "$R/var/lib/countyd/county.db" | cut -d' ' -f1)
echo "# a technician's note" >> "$R/etc/dangwu/countyd.conf"

# The upgrade: the same packages as version VERSION+test1.
for deb in "$R"/tmp/debs/dangwu-countyd_*.deb "$R"/tmp/debs/dangwu-kioskctl_*.deb; do
    x=$work/repack
    rm -rf "$x"
    dpkg-deb -R "$deb" "$x"
    sed -i 's/^Version: \(.*\)$/Version: \1+test1/' "$x/DEBIAN/control"
    sed -i 's/^Depends: \(.*\)dangwu-kioskctl$/Depends: \1dangwu-kioskctl (>= 0.1.0+test1)/' "$x/DEBIAN/control"
    dpkg-deb -b "$x" "$R/tmp/debs/$(basename "$deb" .deb)+test1.deb" > /dev/null
done
in_root sh -c 'apt-get install -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold /tmp/debs/*+test1.deb' >> "$log" 2>&1 ||
    { tail -30 "$log"; fail "the upgrade"; }
in_root dpkg-query -W -f '${Version}' dangwu-countyd | grep -q '+test1$' || fail "the upgrade did not happen"
[ "$(sha256sum "$R/var/lib/countyd/county.db" | cut -d' ' -f1)" = "$db_sum" ] || fail "the upgrade changed the database"
grep -q "a technician's note" "$R/etc/dangwu/countyd.conf" || fail "the upgrade lost the local change to countyd.conf"
step "upgrade kept the database and the changed conffile"

in_root apt-get remove -y -qq dangwu-countyd >> "$log" 2>&1 || { tail "$log"; fail "apt-get remove"; }
[ -f "$R/var/lib/countyd/county.db" ] || fail "remove deleted the database"
[ -f "$R/etc/dangwu/countyd.conf" ] || fail "remove deleted the conffile"
in_root apt-get purge -y -qq dangwu-countyd >> "$log" 2>&1 || { tail "$log"; fail "apt-get purge"; }
[ ! -e "$R/var/lib/countyd" ] || fail "purge left /var/lib/countyd"
[ ! -e "$R/etc/dangwu/countyd.conf" ] || fail "purge left /etc/dangwu/countyd.conf"
ls "$R"/var/backups/countyd/countyd-*/county.db > /dev/null 2>&1 || fail "purge deleted the backups"
step "remove kept the data; purge removed it and kept the backups"

# The kiosk's maintainer scripts.
[ "$(cat "$R/etc/timezone" 2> /dev/null || echo none)" != Asia/Shanghai ] || fail "the root has Asia/Shanghai already"
in_root sh -c 'dpkg -i --force-depends /tmp/debs/dangwu-kiosk_*.deb' >> "$log" 2>&1 || { tail -30 "$log"; fail "dpkg -i dangwu-kiosk"; }
in_root getent passwd dangwu-kiosk > /dev/null || fail "no dangwu-kiosk user"
[ "$(in_root stat -c %U:%a /var/lib/dangwu-kiosk)" = dangwu-kiosk:750 ] || fail "/var/lib/dangwu-kiosk"
[ "$(cat "$R/etc/timezone")" = Asia/Shanghai ] || fail "the time zone was not set"
[ "$(readlink "$R/etc/localtime")" = /usr/share/zoneinfo/Asia/Shanghai ] || fail "/etc/localtime was not set"
grep -q '^enrolment = /etc/dangwu/enrolment.conf$' "$R/etc/dangwu/kiosk.conf" || fail "kiosk.conf is not the installed one"
echo data > "$R/var/lib/dangwu-kiosk/kiosk.db"
in_root dpkg -r --force-depends dangwu-kiosk >> "$log" 2>&1 || fail "dpkg -r dangwu-kiosk"
[ -f "$R/var/lib/dangwu-kiosk/kiosk.db" ] || fail "removing the kiosk deleted its database"
in_root dpkg -P --force-depends dangwu-kiosk >> "$log" 2>&1 || fail "dpkg -P dangwu-kiosk"
[ ! -e "$R/var/lib/dangwu-kiosk" ] || fail "purge left /var/lib/dangwu-kiosk"
[ ! -e "$R/etc/dangwu/kiosk.conf" ] || fail "purge left /etc/dangwu/kiosk.conf"
step "dangwu-kiosk: user, folder, time zone, remove keeps, purge removes"
echo "test-deploy: all checks held in $(($(date +%s) - start)) s"
