#!/bin/sh
# tests/fuzz/run.sh FUZZER SEED_DIR SECONDS - runs a libFuzzer target for a bounded time.
# New inputs go to a temporary corpus, never into the seed directory.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cd "$work"
"$1" -max_total_time="$3" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 corpus "$2"
