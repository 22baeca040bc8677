#!/bin/sh
# bench/bench_scan.sh - `enkat scan` of 2,000 simulated pages at 300 dpi into a store.
#
# Generates the scans once with tests/scan/simulate.py --profile bench (182
# copies of bench/skanning.yaml's 11 pages, the example questionnaire in a long
# version with twice the boxes a page: about 2,000 pages and 109,000 boxes;
# degraded, shuffled across multi-page TIFF (CCITT G4) and PDF (JPEG or G4 page
# images) files, both renderers; about 5 minutes on this machine, 450 MB) into
# bench/data/scan-long when absent (--complete: no copy misses a page, so the set
# can be stored; the missing page is the scan-simulate test's), then reads the
# TIFF files and the PDF files each in a dry run, and the whole set into a new
# store as a user would (every copy stored as a response or kept for review, in
# one transaction), printing the elapsed time and peak memory (GNU time), and
# scores the whole set's reading against the simulator's truth with
# tests/scan/confusion.py.
# Goals (issue 14): over 20 pages/s at 300 dpi on this 2-core machine,
# memory bounded whatever the number of pages, no answer wrong without a
# flag and under 1 % of checkbox answers flagged.
# Usage: sh bench/bench_scan.sh [ENKAT]   (default build/cli/enkat)
set -eu
cd "$(dirname "$0")/.."
ENKAT=$(realpath "${1:-build/cli/enkat}")
DATA=bench/data/scan-long
Q=bench/skanning.yaml
if [ ! -f "$DATA/truth.json" ]; then
        /usr/bin/python3 tests/scan/simulate.py --enkat "$ENKAT" --profile bench --copies 182 \
                --complete --seed 1 --questionnaire "$Q" --out "$DATA"
fi
scan() {
        /usr/bin/time -f '%e s, peak %M kB, %P CPU' "$ENKAT" scan --db /tmp/bench-scan.db \
                --year 2020 --unit "Simulerad enhet" --questionnaire "$Q" --dry-run "$@" \
                2>&1 >/dev/null | tail -1
}
count() {
        /usr/bin/python3 -c 'import json,sys; t = json.load(open(sys.argv[1])); print(sum(len(f["pages"]) for f in t["files"] if f["file"].endswith(sys.argv[2])))' "$DATA/truth.json" "$1"
}
echo "TIFF (CCITT G4 and LZW): $(count .tif) pages: $(scan "$DATA"/scan-*.tif)"
echo "PDF (JPEG and CCITT G4 page images): $(count .pdf) pages: $(scan "$DATA"/scan-*.pdf)"
# the whole set into a new store, scored
LOG=$(mktemp)
DB=$(mktemp -u /tmp/bench-scan-XXXXXX.db)
/usr/bin/time -f '%e s, peak %M kB, %P CPU' "$ENKAT" scan --db "$DB" --year 2020 \
        --unit "Simulerad enhet" --questionnaire "$Q" --json "$DATA"/scan-* \
        >"$LOG.json" 2>"$LOG" || true
echo "all, stored: $(count '') pages: $(tail -1 "$LOG")"
"$ENKAT" status --db "$DB" 2>&1 | tail -3
/usr/bin/python3 tests/scan/confusion.py "$DATA/truth.json" "$LOG.json" --max-flagged 1 | tail -14 || true
rm -f "$LOG" "$LOG.json" "$DB"
