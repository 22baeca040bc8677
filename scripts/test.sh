#!/bin/sh
# scripts/test.sh - sets up and runs the whole test suite.
#
# Runs, each with meson test: the normal build (every suite), the unit tests
# under valgrind, a build with -fsanitize=address,undefined (every suite), and
# the libFuzzer targets for a bounded time (clang build). Ends by printing
# "N passed, N failed" summed over all runs, read from meson's test logs.
set -u
cd "$(dirname "$0")/.."
sh scripts/setup.sh --test || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

status=0
run() { "$@" || status=1; }

# 1. The normal build, all suites.
run meson test -C build --print-errorlogs --num-processes 2

# 2. Unit tests under valgrind (leaks are errors).
run meson test -C build --suite unit --print-errorlogs --logbase unit-valgrind --timeout-multiplier 10 \
        --wrap='valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect'

# 3. Sanitizers (address, undefined) on every test (three times the timeouts)
# but three whose time is not enkat's: the scan simulator's self-check
# (suite simulate: Python only), the degraded scans (suite degraded: mostly
# Python drawing 300 pages; enkat scan's code runs under the sanitizers in
# the scan, scan-store and e2e-scan tests) and the workbook rendered by
# LibreOffice (suite slow; the report's code runs in the report tests).
if [ ! -f build-asan/build.ninja ]; then
        meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || status=1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
run ninja -C build-asan >/dev/null
run meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3 --no-suite simulate \
        --no-suite degraded --no-suite slow

# 4. Fuzz targets (clang, libFuzzer), each for a bounded time (60 s), two at a
# time: one a core.
if [ ! -f build-fuzz/build.ninja ]; then
        CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false >/dev/null || status=1
fi
run ninja -C build-fuzz >/dev/null
run meson test -C build-fuzz --suite fuzz --print-errorlogs --num-processes 2

# meson names a wrapped run's log after the wrapper too (unit-valgrind-valgrind.json).
/usr/bin/python3 - <<'PY' || status=1
import glob, json, sys
passed = failed = 0
for pattern in ("build/meson-logs/testlog.json", "build/meson-logs/unit-valgrind*.json",
                "build-asan/meson-logs/testlog.json", "build-fuzz/meson-logs/testlog.json"):
    logs = glob.glob(pattern)
    if not logs:
        print(f"missing test log {pattern}")
        failed += 1
        continue
    log = logs[0]
    for line in open(log):
        r = json.loads(line)
        if r.get("result") in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r.get("result") != "SKIP":
            failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
exit $status
