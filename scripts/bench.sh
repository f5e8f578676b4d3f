#!/usr/bin/env bash
# make bench: benchmarks, one simple step after another. Each step prints its own report.
#
# 1. Scan: a 10,000-resource / 20-subscription simulated tenant with Azure's real limits
#    (atg sim serve --throttle real), scanned by `atg scan` in its own process (so peak RSS is the
#    scanner's alone); benchcmd compares with the rate-limit floor of an ideal scan, calls made
#    with the ideal calls, and by_type with the simulator's truth.
# 2. Rate-limited scan: the same 10,000 resources in 2 subscriptions, where the ARM read limit
#    (250 burst, 25/s per subscription) is the floor; this is the one that measures pacing.
#    BENCH_RATE_LIMITED=0 skips it (about a minute).
# BENCH_RESOURCES, BENCH_SUBSCRIPTIONS, BENCH_THROTTLE, BENCH_LATENCY override step 1's defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
mkdir -p bin
$GO build -o bin/atg .
work=$(mktemp -d)
simpid=""
stop_sim() {
	if [[ -n "$simpid" ]]; then kill "$simpid" 2>/dev/null || true; wait "$simpid" 2>/dev/null || true; fi
	simpid=""
}
trap 'stop_sim; rm -rf "$work"' EXIT

# scan_bench RESOURCES SUBSCRIPTIONS THROTTLE LATENCY
scan_bench() {
	local resources=$1 subscriptions=$2 throttle=$3 latency=$4 dir
	dir=$(mktemp -d -p "$work")
	echo "== scan: $resources resources, $subscriptions subscriptions, throttle $throttle, latency $latency"
	./bin/atg sim serve --addr 127.0.0.1:0 --resources "$resources" --subscriptions "$subscriptions" --seed 7 \
		--throttle "$throttle" --latency "$latency" --truth "$dir/truth.json" >"$dir/sim.json" 2>"$dir/sim.log" &
	simpid=$!
	for _ in $(seq 1 300); do
		[[ -s "$dir/sim.json" ]] && break
		sleep 0.1
	done
	[[ -s "$dir/sim.json" ]] || { echo "simulator did not start:"; cat "$dir/sim.log"; return 1; }
	local arm msgraph tenant start end status=0 rss wall
	arm=$(sed -n 's/.*"arm_endpoint": *"\([^"]*\)".*/\1/p' "$dir/sim.json")
	msgraph=$(sed -n 's/.*"msgraph_endpoint": *"\([^"]*\)".*/\1/p' "$dir/sim.json")
	tenant=$(sed -n 's/.*"tenant_ids": *\["\([^"]*\)".*/\1/p' "$dir/sim.json")
	start=$(date +%s.%N)
	/usr/bin/time -v ./bin/atg scan --tenant-id "$tenant" --arm-endpoint "$arm" --msgraph-endpoint "$msgraph" \
		--graph "$dir/graph.db" -o json >"$dir/scan.json" 2>"$dir/scan.err" || status=$?
	end=$(date +%s.%N)
	stop_sim
	if [[ $status -ne 0 ]]; then
		echo "atg scan exited $status"; grep -v "^\s" "$dir/scan.err" | tail -5
	fi
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$dir/scan.err")
	wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
	$GO run ./engine/scan/benchcmd -truth "$dir/truth.json" -result "$dir/scan.json" -rss-kb "${rss:-0}" -wall "$wall"
	echo
}

scan_bench "${BENCH_RESOURCES:-10000}" "${BENCH_SUBSCRIPTIONS:-20}" "${BENCH_THROTTLE:-real}" "${BENCH_LATENCY:-0s}"
if [[ "${BENCH_RATE_LIMITED:-1}" != 0 ]]; then
	scan_bench 10000 2 real 0s
fi
