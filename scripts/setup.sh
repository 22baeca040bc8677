#!/bin/sh
# scripts/setup.sh - installs the Debian packages enkat needs (when missing) and builds it.
#
# usage: scripts/setup.sh [--test]     --test also installs what the test suite uses
# Builds into build/ (release-like, -Werror). Safe to run again: it installs
# only what is missing and rebuilds only what changed.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential meson ninja-build pkg-config
      libyaml-dev libgsl-dev libxlsxwriter-dev libsqlite3-dev libcsv-dev libsodium-dev
      libreadstat-dev libmicrohttpd-dev libcairo2-dev libpango1.0-dev libqrencode-dev
      fonts-dejavu-core python3"
TEST_PKGS="clang libclang-rt-14-dev valgrind python3-openpyxl python3-pandas sqlite3 poppler-utils zbar-tools
      libreoffice-calc-nogui"

want="$PKGS"
[ "${1:-}" = "--test" ] && want="$PKGS $TEST_PKGS"

missing=""
for p in $want; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
                missing="$missing $p"
        fi
done
if [ -n "$missing" ]; then
        echo "setup: installing$missing" >&2
        SUDO=""
        [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update -qq
        # shellcheck disable=SC2086
        $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
