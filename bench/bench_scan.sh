#!/bin/sh
# bench/bench_scan.sh - `enkat scan` of 2,000 simulated pages at 300 dpi into a store.
#
# Generates the scans once with tests/scan/simulate.py --profile bench (400
# copies of 5 pages: degraded, shuffled across multi-page TIFF (CCITT G4) and
# PDF files, both renderers; about 4 minutes on this machine, 430 MB) into
# bench/data/scan when absent, then reads them with `enkat scan` into a fresh
# dry run each of TIFF and PDF files and of the whole set, printing the
# elapsed time and peak memory (GNU time), and scores the whole set's reading
# against the simulator's truth with tests/scan/confusion.py. (The set holds
# copies with a page missing on purpose, so nothing would be stored; the store
# writes, one row per copy and review in one transaction, are measured by
# tests/scan/check_store.py's run and are a few milliseconds.)
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
Q=examples/familjehem.yaml
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
# the whole set, scored; the set holds copies with a page missing on purpose,
# so enkat scan exits 1 and would store nothing: the timing is of reading
LOG=$(mktemp)
/usr/bin/time -f '%e s, peak %M kB, %P CPU' "$ENKAT" scan --db /tmp/bench-scan.db --year 2020 \
        --unit "Simulerad enhet" --questionnaire "$Q" --dry-run --json "$DATA"/scan-* \
        >"$LOG.json" 2>"$LOG" || true
echo "all: $(count '') pages: $(tail -1 "$LOG")"
/usr/bin/python3 tests/scan/confusion.py "$DATA/truth.json" "$LOG.json" --max-flagged 1 | tail -14 || true
rm -f "$LOG" "$LOG.json"
