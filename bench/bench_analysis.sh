#!/bin/sh
# bench/bench_analysis.sh - times `enkat stats --all-units` and `enkat report --all-units`
# on the national store (290 units x 10 years, ~300,000 responses, ~9 million answers).
#
# Builds the store with bench/bench_import.sh when /tmp/national.db is absent.
# Goals (issues 4 and 5): stats under 3 s and 200 MB; report under 5 s and 300 MB.
# Usage: sh bench/bench_analysis.sh [ENKAT]   (default build/cli/enkat)
set -eu
cd "$(dirname "$0")/.."
ENKAT=${1:-build/cli/enkat}
DB=/tmp/national.db
[ -f "$DB" ] || sh bench/bench_import.sh "$ENKAT"
/usr/bin/time -f "stats --all-units: %e s wall, %M KB peak" \
        "$ENKAT" stats --db "$DB" --all-units --format csv >/tmp/national-stats.csv
echo "  $(($(wc -l </tmp/national-stats.csv) - 1)) rows"
/usr/bin/time -f "report --all-units: %e s wall, %M KB peak" \
        "$ENKAT" report --db "$DB" --all-units --created 1700000000 -o /tmp/national.xlsx
ls -l /tmp/national.xlsx | awk '{print "  workbook " $5 " bytes"}'
