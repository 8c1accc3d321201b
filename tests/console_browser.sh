#!/bin/sh
# The web console (管理后台) in a real headless Chromium against a real
# countyd and a syncing kiosk: tests/console/browser.py says what it checks.
# Its screenshots go to $KIOSK_TEST_TMP/shots (make console-screenshots puts
# them into docs/screenshots/console/).
set -u
. tests/lib/common.sh
exec timeout 300 /usr/bin/python3 tests/console/browser.py "$@"
