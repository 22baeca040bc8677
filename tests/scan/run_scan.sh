#!/bin/sh
# tests/scan/run_scan.sh - simulated scans read by `enkat scan`, scored by confusion.py.
#
# Usage: run_scan.sh ENKAT [PROFILE [COPIES [SEED [CONFUSION OPTIONS...]]]]
#   e.g. run_scan.sh build/cli/enkat degraded 12 1
#        run_scan.sh build/cli/enkat bench 400 1 --max-flagged 1     (2,000 pages)
#
# Generates the scans (tests/scan/simulate.py) in a temporary directory, makes a
# store with the example questionnaire, runs
#   enkat scan --db DB --year 2020 --unit U --dry-run --json FILES
# timing it, and compares its JSON with the truth (tests/scan/confusion.py, whose
# exit status this script returns: 1 on any answer wrong without a flag or any
# page misidentified). WORK=DIR keeps the files in DIR.
set -eu
ENKAT=$(realpath "$1")
PROFILE=${2:-degraded}
COPIES=${3:-12}
SEED=${4:-1}
[ $# -ge 4 ] && shift 4 || shift $#
HERE=$(dirname "$(realpath "$0")")
ROOT=$(dirname "$(dirname "$HERE")")
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if [ -n "${WORK:-}" ]; then
        mkdir -p "$WORK"
else
        WORK=$(mktemp -d "${TMPDIR:-/tmp}/enkat-scan-XXXXXX")
        trap 'rm -rf "$WORK"' EXIT
fi
"$PY" "$HERE/simulate.py" --enkat "$ENKAT" --profile "$PROFILE" --copies "$COPIES" \
        --seed "$SEED" --out "$WORK/scans"
DB="$WORK/store.db"
rm -f "$DB"
# How the store learns the questionnaire is enkat scan's to decide (written while
# it is being built): SCAN_ARGS adds options, e.g.
#   SCAN_ARGS="--questionnaire $ROOT/examples/familjehem.yaml"
start=$(date +%s.%N)
status=0
# shellcheck disable=SC2086
"$ENKAT" scan --db "$DB" --year 2020 --unit "Simulerad enhet" --dry-run --json \
        --questionnaire "$ROOT/examples/familjehem.yaml" ${SCAN_ARGS:-} \
        "$WORK"/scans/scan-* >"$WORK/scan.json" 2>"$WORK/scan.err" || status=$?
end=$(date +%s.%N)
pages=$("$PY" -c 'import json,sys; print(sum(len(f["pages"]) for f in json.load(open(sys.argv[1]))["files"]))' "$WORK/scans/truth.json")
"$PY" -c 'import sys; s, e, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]); print(f"enkat scan: {n} pages in {e - s:.1f} s, {n / (e - s):.1f} pages/s")' "$start" "$end" "$pages"
# 1 is enkat scan's answer to the bad pages a degraded set holds on purpose
# (a page of another edition, unreadable pages, copies with a page missing):
# confusion.py judges those; anything else is a failure.
if [ "$status" -gt 1 ] || ! grep -q '"summary"' "$WORK/scan.json"; then
        echo "run_scan.sh: enkat scan exited $status:" >&2
        cat "$WORK/scan.err" >&2
        exit 1
fi
exec "$PY" "$HERE/confusion.py" "$WORK/scans/truth.json" "$WORK/scan.json" "$@"
