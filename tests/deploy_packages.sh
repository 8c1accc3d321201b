#!/bin/sh
# The Debian packages, their units and their install, upgrade and purge in
# a clean Debian root: scripts/test-deploy.sh (`make test-deploy`), run here
# when its tools are installed (sh scripts/install-deps.sh deb, which
# `make deb` and `make test-deploy` run).  Without them it says so and
# passes: `make test` does not install the packaging tools by itself.
set -eu
# The packages are built from the sources with their own flags, so a
# sanitizer run (make asan: BIN=build-asan/bin) has nothing to add here.
if [ "${BIN:-bin}" != bin ]; then
    echo "deploy_packages: skipped under $BIN: the packages do not depend on the sanitizer build"
    exit 0
fi
for tool in dpkg-buildpackage dh lintian systemd-analyze debootstrap cage chvt; do
    if ! command -v "$tool" > /dev/null; then
        echo "deploy_packages: skipped: $tool is not installed (make test-deploy installs the tools and runs it)"
        exit 0
    fi
done
sh scripts/test-deploy.sh
