#!/bin/sh
# bench/bench_serve.sh - durable submissions per second of `enkat serve` under load.
#
# Issues CODES access codes for examples/familjehem.yaml into a fresh store,
# starts `enkat serve` on a free loopback port and runs bench/loadgen with
# CLIENTS concurrent keep-alive clients, each code once: POST /start, then
# POST /svar with a complete answer set, 303 expected. Prints loadgen's figures
# (submissions/s over the whole run, p50/p99/max of POST /svar and of the
# pair), then stops the server with SIGTERM and counts the stored responses
# and spent codes (sqlite3), which must equal the successful submissions.
# Goal (issue 7): over 2,000 submissions/s, p99 under 50 ms, nothing lost,
# on this 2-core machine with the load generator on the same cores.
# Usage: sh bench/bench_serve.sh [BUILD] [CODES] [CLIENTS]   (build 20000 50)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CODES=${2:-20000}
CLIENTS=${3:-50}
ENKAT=$BUILD/cli/enkat
LOADGEN=$BUILD/bench/loadgen
[ -x "$ENKAT" ] && [ -x "$LOADGEN" ] || { echo "bench_serve: build $BUILD first (ninja -C $BUILD)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/enkat-bench-serve.XXXXXX)
PID=
cleanup() {
        [ -n "$PID" ] && kill "$PID" 2>/dev/null
        rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

DB=$TMP/bench.db
"$ENKAT" codes --db "$DB" --year 2020 --unit Benchkommun --count "$CODES" -o "$TMP/codes.csv" \
        -q examples/familjehem.yaml
"$ENKAT" serve --db "$DB" --year 2020 --unit Benchkommun --listen 127.0.0.1:0 2>"$TMP/serve.log" &
PID=$!
URL=
for _ in $(seq 1 100); do
        URL=$(sed -n 's/^enkat serve: listening on \(http:[^ ]*\/\).*/\1/p' "$TMP/serve.log")
        [ -n "$URL" ] && break
        sleep 0.1
done
[ -n "$URL" ] || { echo "bench_serve: the server did not start:" >&2; cat "$TMP/serve.log" >&2; exit 1; }

echo "enkat serve at $URL; $CODES codes, $CLIENTS clients; $(nproc) cores"
status=0
"$LOADGEN" --clients "$CLIENTS" "$URL" "$TMP/codes.csv" >"$TMP/loadgen.out" || status=$?
cat "$TMP/loadgen.out"
OK=$(sed -n 's/^loadgen: .* \([0-9][0-9]*\) ok, [0-9]* errors$/\1/p' "$TMP/loadgen.out")

kill -TERM "$PID"
wait "$PID" || { echo "bench_serve: enkat serve did not exit 0 on SIGTERM" >&2; status=1; }
PID=
RESPONSES=$(sqlite3 "$DB" "SELECT count(*) FROM responses")
SPENT=$(sqlite3 "$DB" "SELECT count(*) FROM spent")
echo "store: $RESPONSES responses, $SPENT spent codes"
if [ "$RESPONSES" != "$OK" ] || [ "$SPENT" != "$OK" ]; then
        echo "bench_serve: the store holds $RESPONSES responses and $SPENT spent codes" \
                "for ${OK:-?} successful submissions" >&2
        status=1
fi
exit $status
