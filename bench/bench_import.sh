#!/bin/sh
# bench/bench_import.sh - times `enkat import` of the national set (290 units x 10 years).
#
# Generates bench/data/national with bench/gen.py when absent, imports its
# manifest into a fresh /tmp/national.db and prints the elapsed time and the
# peak memory (GNU time). Goal: under 10 s and under 200 MB.
# Usage: sh bench/bench_import.sh [ENKAT]   (default build/cli/enkat)
set -eu
cd "$(dirname "$0")/.."
ENKAT=${1:-build/cli/enkat}
DB=/tmp/national.db
if [ ! -f bench/data/national/manifest.csv ]; then
        /usr/bin/python3 bench/gen.py national
fi
rm -f "$DB" "$DB-wal" "$DB-shm"
LOG=$(mktemp)
/usr/bin/time -v "$ENKAT" import --db "$DB" --questionnaire examples/familjehem.yaml \
        --manifest bench/data/national/manifest.csv 2>"$LOG" || {
        cat "$LOG" >&2
        rm -f "$LOG"
        exit 1
}
grep -E 'Elapsed \(wall clock\)|Maximum resident set size' "$LOG"
du -h "$DB" | sed 's/^/store size: /'
rm -f "$LOG"
