#!/bin/sh
# bench/bench_scan.sh - `enkat scan` of 2,000 simulated pages at 300 dpi into a store.
#
# Generates the scans once with tests/scan/simulate.py --profile bench (400
# copies of 5 pages: degraded, shuffled across multi-page TIFF (CCITT G4) and
# PDF files, both renderers; about 4 minutes on this machine, 430 MB) into
# bench/data/scan when absent, then reads them with `enkat scan` into a fresh
# store (every write included) and prints the elapsed time, pages per second
# and peak memory (GNU time); then scores the reading against the simulator's
# truth with tests/scan/confusion.py (a dry run with --json, so that the store
# run is timed alone).
# Goals (issue 14): over 20 pages/s at 300 dpi on this 2-core machine,
# memory bounded whatever the number of pages, no answer wrong without a
# flag and under 1 % of checkbox answers flagged.
# Usage: sh bench/bench_scan.sh [ENKAT]   (default build/cli/enkat)
set -eu
cd "$(dirname "$0")/.."
ENKAT=$(realpath "${1:-build/cli/enkat}")
DATA=bench/data/scan
if [ ! -f "$DATA/truth.json" ]; then
        /usr/bin/python3 tests/scan/simulate.py --enkat "$ENKAT" --profile bench --copies 400 \
                --seed 1 --out "$DATA"
fi
DB=/tmp/bench-scan.db
rm -f "$DB" "$DB-wal" "$DB-shm"
LOG=$(mktemp)
pages=$(/usr/bin/python3 -c 'import json,sys; print(sum(len(f["pages"]) for f in json.load(open(sys.argv[1]))["files"]))' "$DATA/truth.json")
start=$(date +%s.%N)
/usr/bin/time -v "$ENKAT" scan --db "$DB" --year 2020 --unit "Simulerad enhet" \
        --questionnaire examples/familjehem.yaml "$DATA"/scan-* >/dev/null 2>"$LOG" || true
end=$(date +%s.%N)
grep -E 'Elapsed \(wall clock\)|Maximum resident set size|Percent of CPU' "$LOG"
grep -E ': (fel|error):' "$LOG" | head -5
/usr/bin/python3 -c 'import sys; s, e, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]); print(f"enkat scan: {n} pages in {e - s:.1f} s, {n / (e - s):.1f} pages/s")' "$start" "$end" "$pages"
"$ENKAT" status --db "$DB"
"$ENKAT" scan --db "$DB.dry" --year 2020 --unit "Simulerad enhet" --dry-run --json \
        --questionnaire examples/familjehem.yaml "$DATA"/scan-* >"$LOG.json" 2>/dev/null || true
/usr/bin/python3 tests/scan/confusion.py "$DATA/truth.json" "$LOG.json" --max-flagged 1 | tail -12
rm -f "$LOG" "$LOG.json" "$DB" "$DB-wal" "$DB-shm"
