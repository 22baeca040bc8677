#!/bin/sh
# scripts/setup.sh - installs the Debian packages enkat needs (when missing) and builds it.
#
# usage: scripts/setup.sh [--test]     --test also installs what the test suite uses
# Builds into build/ (release-like, -Werror). Safe to run again: it installs
# only what is missing and rebuilds only what changed.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential meson ninja-build pkg-config
      libyaml-dev libgsl-dev libxlsxwriter-dev libsqlite3-dev libcsv-dev libutf8proc-dev libsodium-dev nettle-dev libicu-dev
      libreadstat-dev libmicrohttpd-dev libcairo2-dev libpango1.0-dev libqrencode-dev
      libleptonica-dev libzbar-dev libpoppler-glib-dev libqpdf-dev libtiff-dev
      libzip-dev libexpat1-dev
      fonts-dejavu-core fonts-open-sans python3 gettext libc-l10n"
TEST_PKGS="clang libclang-rt-14-dev valgrind python3-openpyxl python3-pandas sqlite3 poppler-utils zbar-tools python3-yaml strace
      libreoffice-calc-nogui chromium python3-html5lib
      ghostscript python3-pil python3-numpy"

# Node.js and npm drive the browser tests (tests/web). A machine that already has
# them keeps its own: NodeSource's nodejs bundles npm and conflicts with Debian's.
if [ "${1:-}" = "--test" ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
        TEST_PKGS="$TEST_PKGS nodejs npm"
fi

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

# The browser tests' npm packages (playwright-core, axe-core), exactly as locked in
# tests/web/package-lock.json; installed again only when the lock changed.
if [ "${1:-}" = "--test" ] && ! cmp -s tests/web/package-lock.json tests/web/node_modules/.enkat-lock; then
        (cd tests/web && npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
                cp package-lock.json node_modules/.enkat-lock)
fi
