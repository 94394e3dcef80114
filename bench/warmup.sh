#!/usr/bin/env bash
# How fast a fresh gateway reaches its keep-alive throughput: bench/gateway-load.sh's servers (BENCH_HOLD), then
# wrk in 1-second slices from the first request on; prints each slice's req/s and the first second by which the
# rate reached 90 % of the steady rate (the mean of the last 10 slices).
#
#   bench/warmup.sh [SECONDS=40]     (needs what bench/gateway-load.sh needs)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-40}"
OUT="$(mktemp /tmp/rotagate-warmup.XXXXXX)"
BENCH_HOLD=$((SECS + 30)) BENCH_TIME_LIMIT=$((SECS + 120)) "$ROOT/bench/gateway-load.sh" >/dev/null 2>"$OUT" &
HOLD=$!
trap 'kill $HOLD 2>/dev/null; wait $HOLD 2>/dev/null; rm -f "$OUT"' EXIT
for _ in $(seq 600); do grep -q 'ready:' "$OUT" && break; kill -0 $HOLD 2>/dev/null || { cat "$OUT" >&2; exit 1; }; sleep 0.2; done
line="$(grep 'ready:' "$OUT")"
origin="$(sed -E 's/.*origin ([0-9.:]+) .*/\1/' <<<"$line")"
gateway="$(sed -E 's/.*gateway ([0-9.:]+) \(pid.*/\1/' <<<"$line")"
rates=()
for i in $(seq "$SECS"); do
    rps="$(BENCH_TARGET="http://$origin/small" wrk -t2 -c32 -d1s -s "$ROOT/bench/proxy-get.lua" "http://$gateway/" 2>&1 \
        | sed -nE 's/^RESULT rps=([0-9.]+).*/\1/p')"
    rates+=("${rps:-0}")
done
printf '%s\n' "${rates[@]}" | awk -v n="$SECS" '
    { r[NR] = $1 }
    END {
        for (i = n - 9; i <= n; i++) steady += r[i] / 10
        for (i = 1; i <= n; i++) { line = line sprintf(" %.0f", r[i]); if (!at && r[i] >= 0.9 * steady) at = i }
        printf "req/s per second of load:%s\nsteady %.0f req/s (mean of the last 10 s); 90 %% of it reached in second %d\n", line, steady, at
    }'
