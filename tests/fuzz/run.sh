#!/bin/sh
# tests/fuzz/run.sh FUZZER SEED_DIR SECONDS - runs a libFuzzer target for a bounded time.
# New inputs go to a temporary corpus, never into the seed directory. Any
# finding fails the test with status 1: libFuzzer's own codes (77 among them,
# which meson would read as "skipped") never reach meson.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cd "$work" || exit 1
if "$1" -max_total_time="$3" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 corpus "$2"; then
        exit 0
fi
for f in crash-* leak-* timeout-* oom-*; do
        [ -f "$f" ] && echo "finding $f (base64): $(base64 -w0 "$f")"
done
exit 1
