#!/bin/sh
# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
# Installs it when missing and this runs as root; otherwise says what to do.
set -eu
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
    exit 0
fi
echo "No Chromium at $CHROMIUM: install Debian's chromium (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
