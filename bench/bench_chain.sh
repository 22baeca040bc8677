#!/bin/sh
# bench/bench_chain.sh - the whole chain at national scale: import, stats, report.
#
# Generates the national set with bench/gen.py when it is not there yet
# (cached: bench/data/national for 290 units, bench/data/national-uN for
# --units N), then runs, as a user would, into a fresh store each time:
#   enkat import --manifest   enkat stats --all-units --format csv   enkat report --all-units
# and prints each step's wall time, processor time (user and system) and peak
# resident memory (GNU time), and the chain's total; with --runs N the medians
# of N runs. Goals (issue 17): import <= 0.8 s, stats <= 0.3 s,
# report <= 1.9 s, the chain <= 3 s, no step above 100 MB.
#
# Usage: sh bench/bench_chain.sh [--units N] [--runs N] [--steps LIST] [--enkat PATH]
#   --units N    units of 10 years each (default 290, the national size;
#                870 and 2900 are the 3x and 10x runs)
#   --runs N     repeat the chain N times and print medians (default 3)
#   --steps LIST the steps to time, comma-separated (default import,stats,report)
#   --enkat PATH the program (default build/cli/enkat)
set -eu
cd "$(dirname "$0")/.."
UNITS=290
RUNS=3
STEPS=import,stats,report
ENKAT=build/cli/enkat
while [ $# -gt 0 ]; do
        case $1 in
        --units) UNITS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --steps) STEPS=$2; shift 2 ;;
        --enkat) ENKAT=$2; shift 2 ;;
        -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_chain.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
        esac
done
[ -x "$ENKAT" ] || { echo "bench_chain.sh: no program at $ENKAT (ninja -C build?)" >&2; exit 1; }
if [ "$UNITS" = 290 ]; then DATA=bench/data/national; else DATA=bench/data/national-u$UNITS; fi
if [ ! -f "$DATA/manifest.csv" ]; then
        /usr/bin/python3 bench/gen.py national --units "$UNITS" --out "$DATA"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DB=$TMP/national.db

# step NAME CMD...: runs CMD under GNU time, appends "NAME wall user sys kb" to $TMP/times.
step() {
        name=$1
        shift
        if ! /usr/bin/time -f "$name %e %U %S %M" -o "$TMP/t" "$@" >"$TMP/out" 2>"$TMP/err"; then
                echo "bench_chain.sh: $name failed:" >&2
                cat "$TMP/err" >&2
                exit 1
        fi
        cat "$TMP/t" >>"$TMP/times"
}

has() { case ",$STEPS," in *",$1,"*) return 0 ;; esac; return 1; }

echo "enkat chain: $UNITS units x 10 years ($(($(wc -l <"$DATA/manifest.csv") - 1)) files), $RUNS runs, load $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$TMP/times"
run=1
while [ "$run" -le "$RUNS" ]; do
        rm -f "$DB" "$DB-wal" "$DB-shm"
        # stats and report need the store: import it untimed when not timed.
        if has import; then
                step import "$ENKAT" import --db "$DB" --questionnaire examples/familjehem.yaml \
                        --manifest "$DATA/manifest.csv"
        else
                "$ENKAT" import --db "$DB" --questionnaire examples/familjehem.yaml \
                        --manifest "$DATA/manifest.csv" >/dev/null
        fi
        if has stats; then
                step stats "$ENKAT" stats --db "$DB" --all-units --format csv
        fi
        if has report; then
                step report "$ENKAT" report --db "$DB" --all-units --created 1700000000 \
                        -o "$TMP/national.xlsx"
        fi
        run=$((run + 1))
done

# The median of each column per step; the chain's total is the median of
# the runs' sums (wall and processor time) and the largest peak of any step.
awk -v runs="$RUNS" '
function median(a, n,    i, j, t) {
        for (i = 2; i <= n; i++)
                for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
        k = ++n[$1]; if (k == 1) order[++nsteps] = $1
        wall[$1, k] = $2; user[$1, k] = $3; sys[$1, k] = $4; rss[$1, k] = $5
        tw[k] += $2; tc[k] += $3 + $4; if ($5 > peak[k]) peak[k] = $5
}
END {
        printf "%-8s %9s %9s %9s %10s\n", "step", "wall s", "user s", "sys s", "peak MB"
        for (s = 1; s <= nsteps; s++) {
                st = order[s]
                for (k = 1; k <= n[st]; k++) { a[k] = wall[st, k]; b[k] = user[st, k]; c[k] = sys[st, k]; d[k] = rss[st, k] }
                m = n[st]
                printf "%-8s %9.2f %9.2f %9.2f %10.1f\n", st, median(a, m), median(b, m), median(c, m), median(d, m) / 1024
        }
        for (k = 1; k <= runs; k++) { a[k] = tw[k]; b[k] = tc[k]; d[k] = peak[k] }
        printf "%-8s %9.2f %19.2f %10.1f   (wall; user+sys; largest peak)\n", "total", median(a, runs), median(b, runs), median(d, runs) / 1024
}' "$TMP/times"
