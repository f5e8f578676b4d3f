#!/usr/bin/env bash
# make bench: benchmarks, one simple step after another. Each step prints its own report.
#
# 1. Scan: a 10,000-resource / 20-subscription simulated tenant with Azure's real limits
#    (atg sim serve --throttle real), scanned by `atg scan` in its own process (so peak RSS is the
#    scanner's alone); benchcmd compares with the rate-limit floor of an ideal scan.
#    BENCH_RESOURCES, BENCH_SUBSCRIPTIONS, BENCH_THROTTLE, BENCH_LATENCY override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
RESOURCES=${BENCH_RESOURCES:-10000}
SUBSCRIPTIONS=${BENCH_SUBSCRIPTIONS:-20}
THROTTLE=${BENCH_THROTTLE:-real}
LATENCY=${BENCH_LATENCY:-0s}

mkdir -p bin
$GO build -o bin/atg .
work=$(mktemp -d)
simpid=""
cleanup() {
	if [[ -n "$simpid" ]]; then kill "$simpid" 2>/dev/null || true; wait "$simpid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "== scan: $RESOURCES resources, $SUBSCRIPTIONS subscriptions, throttle $THROTTLE, latency $LATENCY"
./bin/atg sim serve --addr 127.0.0.1:0 --resources "$RESOURCES" --subscriptions "$SUBSCRIPTIONS" --seed 7 \
	--throttle "$THROTTLE" --latency "$LATENCY" --truth "$work/truth.json" >"$work/sim.json" 2>"$work/sim.log" &
simpid=$!
for _ in $(seq 1 300); do
	[[ -s "$work/sim.json" ]] && break
	sleep 0.1
done
[[ -s "$work/sim.json" ]] || { echo "simulator did not start:"; cat "$work/sim.log"; exit 1; }
field() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$work/sim.json" | head -1; }
arm=$(field arm_endpoint)
msgraph=$(field msgraph_endpoint)
tenant=$(sed -n 's/.*"tenant_ids": *\["\([^"]*\)".*/\1/p' "$work/sim.json" | head -1)

start=$(date +%s.%N)
status=0
/usr/bin/time -v ./bin/atg scan --tenant-id "$tenant" --arm-endpoint "$arm" --msgraph-endpoint "$msgraph" \
	--graph "$work/graph.db" -o json >"$work/scan.json" 2>"$work/scan.err" || status=$?
end=$(date +%s.%N)
if [[ $status -ne 0 ]]; then
	echo "atg scan exited $status"; tail -20 "$work/scan.err"
fi
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$work/scan.err")
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
$GO run ./engine/scan/benchcmd -truth "$work/truth.json" -result "$work/scan.json" -rss-kb "${rss:-0}" -wall "$wall"
