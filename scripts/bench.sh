#!/usr/bin/env bash
# make bench: every benchmark of the project, one step after another; each step prints its own
# report, and a summary table comes last.
#
# Steps (BENCH_STEPS, space-separated, default all, in this order; BENCH_SKIP removes some):
#   scan         10,000-resource / 20-subscription simulated tenant with Azure's real limits
#                (atg sim serve --throttle real), scanned by `atg scan` in its own process (peak RSS
#                is the scanner's alone); benchcmd compares with the rate-limit floor of an ideal
#                scan, calls made with the ideal calls, by_type with the simulator's truth.
#                BENCH_RESOURCES, BENCH_SUBSCRIPTIONS, BENCH_THROTTLE, BENCH_LATENCY override it.
#   scan-rl      the same 10,000 resources in 2 subscriptions, where the ARM read limit (250 burst,
#                25/s per subscription) is the floor: the step that measures pacing (about a
#                minute; BENCH_RATE_LIMITED=0 skips it too).
#   scan-rich    scan-rl's tenant with the richer children (sim --rich-children: web app slots,
#                private DNS record sets, federated credentials, Cosmos SQL databases): pacing
#                against a floor that counts the child lists an ideal scan needs (goal ≤ 1.2), and
#                the calls beside scan-rl's (goal ≤ +25%). BENCH_RATE_LIMITED=0 skips it too.
#   scan-100k    100,000 resources / 20 subscriptions with 50k users, 10k groups and 20k service
#                principals (sim --users/--groups/--service-principals), throttling off: the memory
#                step (peak RSS of `atg scan` into the embedded store; goal ≤ 1 GiB) and the time of
#                a big scan against its rate-limit floor.
#   scan-100k-neo4j  the same tenant scanned into Neo4j (bolt://127.0.0.1:7687; started with
#                scripts/neo4j.sh up when down): peak RSS of `atg scan` (goal ≤ 1 GiB) and time.
#   incremental  10,000 resources / 20 subscriptions with the real limits: a first scan, 1% of the
#                tenant changed (POST /_sim/mutate), then `atg scan --incremental` beside a full
#                re-scan into a fresh graph: API calls and time of each (goal ≤ 5% of the calls).
#                BENCH_INCR_RESOURCES overrides the size.
#   fanout       the service's fan-out: one scan of a 400-resource / 64-subscription tenant (65 shards)
#                run by N = 1, 2, 4 worker-only `atg serve` processes against one Azurite and one
#                Neo4j, the simulator at 50 ms per call with throttling off (latency-bound: no
#                rate-limit floor), each process running one message at a time with
#                ATG_WORKER_CONCURRENCY=1 (tools/fanoutbench); best of 3 runs per N after a warm-up.
#                Prints the curve (N, seconds, speedup, ideal T1/N, within 20%?, the shard and
#                finalize phases) and writes test-artifacts/bench/fanout.svg (+ fanout.json, process
#                logs). Needs Azurite and Neo4j (started when down, stopped after); about 5 minutes. BENCH_FANOUT_N (1,2,4) and BENCH_FANOUT_ARGS (extra flags,
#                e.g. "-resources 1000 -subscriptions 96 -runs 3") override it.
#   neo4j        Neo4j ingest: the store (UNWIND … MERGE) beside bare UNWIND … CREATE loaders of
#                the same graph (same properties and indexes; once more under the store's
#                uniqueness constraints) and of a plain one (no system properties), 20k nodes +
#                40k edges, 5 alternating rounds (BENCH_NEO4J_ROUNDS, odd):
#                medians, and the store/bare ratio of each round with its median and range
#                (./engine/graph/neo4jstore). Starts Neo4j with scripts/neo4j.sh up when it is
#                down, and stops it again afterwards.
#   embedded     embedded (bbolt) store ingest, 100k nodes + 200k edges (./engine/graph/boltstore).
#   rules        relationship rules ApplyAll over 100k resources (./engine/rules).
#   terraform    10,000 resources -> Terraform: time and peak RSS of the benchmark process
#                (./engine/iac BenchmarkTerraform10k; goal ≤3 s, ≤500 MB).
#   jobstatus    GET /api/v1/jobs/{id} p50/p99 at 200 requests/s over loopback against Table
#                storage (./handler BenchmarkJobStatusGET, 2000 requests). Needs Azurite: starts it
#                with scripts/azurite.sh up when it is down, and stops it again afterwards.
#   sim          simulator generation of a 100,000-resource tenant (./sim BenchmarkGenerate100k).
#   plan         plan-clean: a 2,000-resource simulated tenant scanned, generated as Terraform with
#                imports.tf and planned by the real OpenTofu + azurerm + azapi against the simulator
#                (./engine/iac TestTofuPlanCleanSimulatedTenant; needs make iac-tools). Rows: imports,
#                no-op, "plan diffs" (resources the plan would change) and by reason, plan time.
#                BENCH_PLAN_RESOURCES sizes it.
#   backup       graph backup of a 100k-node / 200k-edge embedded tenant (export -> gzip -> backup
#                store) and its restore into an empty tenant (./handler BenchmarkBackupRestore100k).
#
# Example: BENCH_STEPS="rules terraform" make bench
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
ALL_STEPS="scan scan-rl scan-rich scan-100k scan-100k-neo4j incremental fanout neo4j embedded rules terraform plan jobstatus sim backup"
STEPS=${BENCH_STEPS:-$ALL_STEPS}
if [[ "${BENCH_RATE_LIMITED:-1}" == 0 ]]; then BENCH_SKIP="${BENCH_SKIP:-} scan-rl scan-rich"; fi
for s in $STEPS ${BENCH_SKIP:-}; do
	[[ " $ALL_STEPS " == *" $s "* ]] || { echo "bench: unknown step $s (steps: $ALL_STEPS)" >&2; exit 2; }
done
want() { [[ " $STEPS " == *" $1 "* && " ${BENCH_SKIP:-} " != *" $1 "* ]]; }

work=$(mktemp -d)
simpid=""
started_neo4j=0
started_azurite=0
stop_sim() {
	if [[ -n "$simpid" ]]; then kill "$simpid" 2>/dev/null || true; wait "$simpid" 2>/dev/null || true; fi
	simpid=""
}
cleanup() {
	stop_sim
	if [[ $started_neo4j == 1 ]]; then ./scripts/neo4j.sh down || true; fi
	if [[ $started_azurite == 1 ]]; then ./scripts/azurite.sh down || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# Summary rows: step | figure | value | goal | ratio | verdict. row records a figure without a goal
# (or with a goal given as text); goal records a measured number beside its goal: goal STEP FIGURE
# VALUE UNIT OP LIMIT, where OP is <= or >=, ratio = value / limit and the verdict says whether
# the goal is met ("ok") or not ("MISS"). A value that is not a number is reported as it is.
summary=()
row() { summary+=("$1|$2|$3|${4:--}|-|-"); }
goal() {
	local step=$1 fig=$2 v=$3 unit=$4 op=$5 lim=$6 shown ratio verdict
	shown="$v${unit:+ $unit}"
	if [[ $v =~ ^[0-9]+([.][0-9]+)?$ ]]; then
		ratio=$(awk -v a="$v" -v b="$lim" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		verdict=$(awk -v a="$v" -v b="$lim" -v op="$op" 'BEGIN { ok = (op == "<=") ? a <= b : a >= b; print ok ? "ok" : "MISS" }')
	else
		ratio="-" verdict="n/a"
	fi
	summary+=("$step|$fig|$shown|$op $lim${unit:+ $unit}|$ratio|$verdict")
}

# metric FILE BENCH-NAME-REGEX UNIT: the value printed before UNIT on the benchmark's result line.
metric() {
	awk -v name="$2" -v unit="$3" '$1 ~ name { for (i = 3; i <= NF; i++) if ($i == unit) { print $(i - 1); exit } }' "$1"
}
fmt_num() { awk -v v="${1:-}" 'BEGIN { if (v == "") print "n/a"; else printf "%.0f", v }'; }

# gobench NAME PKG BENCH BENCHTIME [ENV...]: compile the package's test binary, run one benchmark
# under /usr/bin/time -v (peak RSS of the benchmark process), keep the output in $work/NAME.out.
gobench() {
	local name=$1 pkg=$2 bench=$3 benchtime=$4 status=0
	shift 4
	$GO test -c -o "$work/$name.test" "$pkg"
	(cd "$pkg" && env "$@" /usr/bin/time -v "$work/$name.test" -test.run '^$' -test.bench "$bench" \
		-test.benchtime "$benchtime" -test.benchmem) >"$work/$name.out" 2>"$work/$name.err" || status=$?
	grep -E '^(Benchmark|PASS|FAIL|ok|---|\s+\S+_test.go)' "$work/$name.out" || true
	if [[ $status -ne 0 ]]; then
		echo "$name: benchmark exited $status"; tail -5 "$work/$name.err"
		row "$name" "failed" "exit $status"
		return 1
	fi
	if grep -q -- '--- SKIP' "$work/$name.out"; then
		row "$name" "skipped" "$(grep -A1 -- '--- SKIP' "$work/$name.out" | tail -1 | sed 's/^ *//' | cut -c1-60)"
		return 1
	fi
	return 0
}
peak_mib() { sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$1" | awk '{ printf "%.0f", $1 / 1024 }'; }

# scan_bench NAME RESOURCES SUBSCRIPTIONS THROTTLE LATENCY [GRAPH [RSS-GOAL-MIB [SIM-FLAGS...]]]:
# GRAPH is --graph's value ("" = a file in the step's directory). The simulator's seed is
# BENCH_SEED (default 7); SIM-FLAGS may override it (--seed).
scan_bench() {
	local name=$1 resources=$2 subscriptions=$3 throttle=$4 latency=$5 graph=${6:-} rss_goal=${7:-} dir
	shift $(($# < 7 ? $# : 7))
	dir=$(mktemp -d -p "$work")
	graph=${graph:-$dir/graph.db}
	echo "== $name: $resources resources, $subscriptions subscriptions, throttle $throttle, latency $latency${*:+, $*}, graph ${graph%%\?*}"
	./bin/atg sim serve --addr 127.0.0.1:0 --resources "$resources" --subscriptions "$subscriptions" --seed "${BENCH_SEED:-7}" \
		--throttle "$throttle" --latency "$latency" "$@" --truth "$dir/truth.json" >"$dir/sim.json" 2>"$dir/sim.log" &
	simpid=$!
	for _ in $(seq 1 1800); do # a 100k-resource tenant with 80k directory objects takes a while
		[[ -s "$dir/sim.json" ]] && break
		sleep 0.1
	done
	[[ -s "$dir/sim.json" ]] || { echo "simulator did not start:"; cat "$dir/sim.log"; row "$name" "failed" "simulator did not start"; return 0; }
	local arm msgraph tenant start end status=0 rss wall
	arm=$(sed -n 's/.*"arm_endpoint": *"\([^"]*\)".*/\1/p' "$dir/sim.json")
	msgraph=$(sed -n 's/.*"msgraph_endpoint": *"\([^"]*\)".*/\1/p' "$dir/sim.json")
	tenant=$(sed -n 's/.*"tenant_ids": *\["\([^"]*\)".*/\1/p' "$dir/sim.json")
	local shared=0
	if [[ $graph == bolt://* || $graph == neo4j://* ]]; then
		shared=1 # a shared Neo4j: start from an empty tenant, and leave none behind
		$GO run ./engine/scan/benchcmd -drop-tenant "$tenant" -graph "$graph" || true
	fi
	start=$(date +%s.%N)
	/usr/bin/time -v ./bin/atg scan --tenant-id "$tenant" --arm-endpoint "$arm" --msgraph-endpoint "$msgraph" \
		--graph "$graph" -o json >"$dir/scan.json" 2>"$dir/scan.err" || status=$?
	end=$(date +%s.%N)
	stop_sim
	if [[ $shared == 1 ]]; then $GO run ./engine/scan/benchcmd -drop-tenant "$tenant" -graph "$graph" || true; fi
	if [[ $status -ne 0 ]]; then
		echo "atg scan exited $status"; grep -v "^\s" "$dir/scan.err" | tail -5
	fi
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$dir/scan.err")
	wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
	$GO run ./engine/scan/benchcmd -truth "$dir/truth.json" -result "$dir/scan.json" -rss-kb "${rss:-0}" -wall "$wall" | tee "$dir/report.txt"

	r() { sed -n "s/^$1  *//p" "$dir/report.txt" | head -1; }
	last_calls=$(r 'calls made \/ ideal' | cut -d' ' -f1)
	local secs floor
	secs=$(r 'scan time' | cut -d' ' -f1)
	floor=$(r 'rate-limit floor' | cut -d' ' -f1)
	row "$name" "rate-limit floor" "$floor s"
	if awk -v f="${floor:-0}" 'BEGIN { exit !(f >= 1) }'; then
		goal "$name" "scan time (1.2 x floor)" "$secs" s "<=" "$(awk -v f="$floor" 'BEGIN { printf "%.1f", 1.2 * f }')"
		row "$name" "scan time / floor" "$(r ratio | cut -d' ' -f1)"
	else
		row "$name" "scan time" "$secs s" "n/a (floor < 1 s)"
	fi
	row "$name" "calls made / ideal" "$(r 'calls made \/ ideal' | cut -d' ' -f1-3)"
	goal "$name" "429 rate" "$(r '429 rate' | cut -d' ' -f1 | tr -d '%')" % "<=" 1
	if [[ -n $rss_goal ]]; then
		goal "$name" "peak RSS" "$(r 'peak RSS' | cut -d' ' -f1)" MiB "<=" "$rss_goal"
	else
		row "$name" "peak RSS" "$(r 'peak RSS')"
	fi
	row "$name" "by_type equals truth" "$(r 'by_type equals truth')"
	echo
}

# calls FILE: the sum of a scan result's api_calls.
calls() { tr -d ' \n' <"$1" | sed -n 's/.*"api_calls":{\([^}]*\)}.*/\1/p' | tr ',' '\n' | awk -F: '{ s += $2 } END { print s + 0 }'; }

# incr_bench RESOURCES SUBSCRIPTIONS
incr_bench() {
	local resources=$1 subscriptions=$2 dir arm msgraph tenant t0 t1 t2 ci cf mode
	dir=$(mktemp -d -p "$work")
	echo "== incremental: $resources resources, $subscriptions subscriptions, throttle real, 1% changed between scans"
	./bin/atg sim serve --addr 127.0.0.1:0 --resources "$resources" --subscriptions "$subscriptions" --seed 7 \
		--throttle real >"$dir/sim.json" 2>"$dir/sim.log" &
	simpid=$!
	for _ in $(seq 1 300); do
		[[ -s "$dir/sim.json" ]] && break
		sleep 0.1
	done
	[[ -s "$dir/sim.json" ]] || { echo "simulator did not start:"; cat "$dir/sim.log"; row incremental "failed" "simulator did not start"; return 0; }
	arm=$(sed -n 's/.*"arm_endpoint": *"\([^"]*\)".*/\1/p' "$dir/sim.json")
	msgraph=$(sed -n 's/.*"msgraph_endpoint": *"\([^"]*\)".*/\1/p' "$dir/sim.json")
	tenant=$(sed -n 's/.*"tenant_ids": *\["\([^"]*\)".*/\1/p' "$dir/sim.json")
	scan() {
		local out=$1 db=$2
		shift 2
		./bin/atg scan --tenant-id "$tenant" --arm-endpoint "$arm" --msgraph-endpoint "$msgraph" \
			--graph "$dir/$db" -o json "$@" >"$dir/$out.json" 2>"$dir/$out.err" || { echo "atg scan ($out) failed:"; tail -3 "$dir/$out.err"; }
	}
	scan first graph.db --incremental
	curl -fsS -X POST "$arm/_sim/mutate?fraction=0.01&seed=1" >"$dir/mutate.json" || { row incremental "failed" "mutate"; stop_sim; return 0; }
	t0=$(date +%s.%N)
	scan incr graph.db --incremental
	t1=$(date +%s.%N)
	scan full ref.db
	t2=$(date +%s.%N)
	stop_sim
	ci=$(calls "$dir/incr.json")
	cf=$(calls "$dir/full.json")
	mode=$(tr -d ' \n' <"$dir/incr.json" | sed -n 's/.*"mode":"\([a-z]*\)".*/\1/p')
	echo "incremental ($mode): $ci calls in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s; full re-scan: $cf calls in $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }') s"
	row incremental "mode of the second scan" "$mode" "incremental"
	row incremental "calls incremental / full" "$ci / $cf = $(awk -v a="$ci" -v b="$cf" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "n/a" }')" "≤ 5%"
	row incremental "time incremental / full" "$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.2f s / %.2f s", b - a, c - b }')"
	echo
}

if want scan || want scan-rl || want scan-rich || want scan-100k || want scan-100k-neo4j || want incremental || want fanout; then
	mkdir -p bin
	$GO build -o bin/atg .
fi
if want scan; then
	scan_bench scan "${BENCH_RESOURCES:-10000}" "${BENCH_SUBSCRIPTIONS:-20}" "${BENCH_THROTTLE:-real}" "${BENCH_LATENCY:-0s}"
fi
rl_calls=""
if want scan-rl; then
	scan_bench scan-rl 10000 2 real 0s
	rl_calls=$last_calls
fi
if want scan-rich; then
	scan_bench scan-rich 10000 2 real 0s "" "" --rich-children
	if [[ -n $rl_calls && -n ${last_calls:-} ]]; then
		goal scan-rich "calls beyond scan-rl's" "$(awk -v a="$last_calls" -v b="$rl_calls" 'BEGIN { printf "%.1f", 100 * (a - b) / b }')" % "<=" 25
	fi
fi
# The 100k-resource tenant with a large directory: 50k users, 10k groups (1-500 members, some
# nested), 20k application service principals (80k Entra objects besides the managed identities
# and devices the resources bring).
# Its own seed: the tenant id derives from the seed, and the Neo4j step drops that tenant from
# the shared Neo4j before and after (the tests' simulated tenants use seed 7).
entra_100k=(--users 50000 --groups 10000 --service-principals 20000 --seed 71)
if want scan-100k; then
	scan_bench scan-100k 100000 20 off 0s "" 1024 "${entra_100k[@]}"
fi
if want scan-100k-neo4j; then
	if ! ./scripts/neo4j.sh status >/dev/null 2>&1; then
		if ./scripts/neo4j.sh up; then started_neo4j=1; else row scan-100k-neo4j "failed" "Neo4j did not start"; fi
	fi
	if ./scripts/neo4j.sh status >/dev/null 2>&1; then
		scan_bench scan-100k-neo4j 100000 20 off 0s "bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}" 1024 "${entra_100k[@]}"
	fi
	if [[ $started_neo4j == 1 ]]; then ./scripts/neo4j.sh down || true; started_neo4j=0; fi
fi

if want incremental; then
	incr_bench "${BENCH_INCR_RESOURCES:-10000}" 20
fi
if want fanout; then
	echo "== fanout: one scan over N worker processes (simulator latency 50 ms, throttling off)"
	if ! ./scripts/azurite.sh status >/dev/null 2>&1; then
		if ./scripts/azurite.sh up; then started_azurite=1; else row fanout "failed" "Azurite did not start"; fi
	fi
	if ! ./scripts/neo4j.sh status >/dev/null 2>&1; then
		if ./scripts/neo4j.sh up; then started_neo4j=1; else row fanout "failed" "Neo4j did not start"; fi
	fi
	if ./scripts/azurite.sh status >/dev/null 2>&1 && ./scripts/neo4j.sh status >/dev/null 2>&1; then
		conn=$(bash -c 'source scripts/lib.sh; echo "$AZURITE_CONNECTION_STRING"')
		status=0
		# shellcheck disable=SC2086 # BENCH_FANOUT_ARGS is a list of flags
		AzureWebJobsStorage="$conn" NEO4J_URI="bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}" \
			$GO run ./tools/fanoutbench -atg bin/atg -n "${BENCH_FANOUT_N:-1,2,4}" \
			-out test-artifacts/bench -rows "$work/fanout.rows" ${BENCH_FANOUT_ARGS:-} || status=$?
		if [[ $status -ne 0 ]]; then
			row fanout "failed" "exit $status"
		else
			while IFS="|" read -r a b c d; do row "$a" "$b" "$c" "$d"; done <"$work/fanout.rows"
		fi
	fi
	if [[ $started_neo4j == 1 ]]; then ./scripts/neo4j.sh down || true; started_neo4j=0; fi
	if [[ $started_azurite == 1 ]]; then ./scripts/azurite.sh down || true; started_azurite=0; fi
	echo
fi

if want neo4j; then
	echo "== neo4j: store ingest vs bare UNWIND loader (20k nodes + 40k edges, medians of ${BENCH_NEO4J_ROUNDS:-5} rounds)"
	if ! ./scripts/neo4j.sh status >/dev/null 2>&1; then
		if ./scripts/neo4j.sh up; then started_neo4j=1; else row neo4j "failed" "Neo4j did not start"; fi
	fi
	if ./scripts/neo4j.sh status >/dev/null 2>&1 && gobench neo4j ./engine/graph/neo4jstore Ingest 1x; then
		nm() { fmt_num "$(metric "$work/neo4j.out" 'Ingest' "$1")"; }
		for m in nodes edges; do
			row neo4j "store $m/s" "$(nm "store_$m/s")"
			row neo4j "bare loader $m/s (same graph)" "$(nm "bare_$m/s")"
			row neo4j "bare loader $m/s with the store's unique constraints" "$(nm "unique_$m/s")"
			row neo4j "plain loader $m/s (no sys props)" "$(nm "plain_$m/s")"
			goal neo4j "store / bare ($m, median of rounds)" "$(metric "$work/neo4j.out" 'Ingest' "ratio_$m")" "" ">=" 0.8
			row neo4j "store / bare ($m) range over rounds" "$(awk -v a="$(metric "$work/neo4j.out" 'Ingest' "ratio_${m}_min")" -v b="$(metric "$work/neo4j.out" 'Ingest' "ratio_${m}_max")" 'BEGIN { printf "%.2f .. %.2f", a, b }')"
			row neo4j "store / bare with unique constraints ($m)" "$(metric "$work/neo4j.out" 'Ingest' "ratio_unique_$m")"
			row neo4j "store / plain ($m)" "$(metric "$work/neo4j.out" 'Ingest' "ratio_plain_$m")"
		done
		row neo4j "deadlock retries (store, bare)" "$(nm store_deadlock_retries), $(nm bare_deadlock_retries)"
	fi
	if [[ $started_neo4j == 1 ]]; then ./scripts/neo4j.sh down || true; started_neo4j=0; fi
	echo
fi

if want embedded; then
	echo "== embedded: bbolt store ingest (100k nodes + 200k edges, fsync on)"
	if gobench embedded ./engine/graph/boltstore 'Ingest100k$' 1x; then
		row embedded "nodes+edges/s" "$(fmt_num "$(metric "$work/embedded.out" 'Ingest100k' 'nodes+edges/s')")"
		row embedded "nodes/s" "$(fmt_num "$(metric "$work/embedded.out" 'Ingest100k' 'nodes/s')")"
	fi
	echo
fi

if want rules; then
	echo "== rules: ApplyAll over 100k resources"
	if gobench rules ./engine/rules 'ApplyAll100k$' 3x; then
		ns=$(metric "$work/rules.out" 'ApplyAll100k' 'ns/op')
		row rules "time per 100k" "$(awk -v v="$ns" 'BEGIN { printf "%.2f s", v / 1e9 }')"
		row rules "nodes/s" "$(fmt_num "$(metric "$work/rules.out" 'ApplyAll100k' 'nodes/s')")"
		row rules "edges/s" "$(fmt_num "$(metric "$work/rules.out" 'ApplyAll100k' 'edges/s')")"
	fi
	echo
fi

if want terraform; then
	echo "== terraform: 10,000 resources -> Terraform"
	if grep -qs 'func BenchmarkTerraform10k' engine/iac/*_test.go; then
		if gobench terraform ./engine/iac 'Terraform10k$' 3x; then
			ns=$(metric "$work/terraform.out" 'Terraform10k' 'ns/op')
			goal terraform "time per run (model + files)" "$(awk -v v="$ns" 'BEGIN { printf "%.2f", v / 1e9 }')" s "<=" 3
			goal terraform "peak RSS (whole process)" "$(peak_mib "$work/terraform.err")" MiB "<=" 477 # 500 MB
			row terraform "allocated per run" "$(awk -v v="$(metric "$work/terraform.out" 'Terraform10k' 'B/op')" 'BEGIN { printf "%.0f MiB", v / 1048576 }')"
		fi
	else
		echo "engine/iac has no BenchmarkTerraform10k: not measured"
		row terraform "missing" "no BenchmarkTerraform10k in engine/iac"
	fi
	echo
fi

if want plan; then
	echo "== plan: plan-clean of a ${BENCH_PLAN_RESOURCES:-2000}-resource simulated tenant (tofu + azurerm + azapi)"
	status=0
	ATG_PLAN_RESOURCES=${BENCH_PLAN_RESOURCES:-2000} IAC_PLAN_REPORT="$work/plan.json" $GO test ./engine/iac -count=1 -timeout 40m \
		-run '^TestTofuPlanCleanSimulatedTenant$' -v >"$work/plan.out" 2>&1 || status=$?
	grep -E '^(---|\s+tofu_plan_sim_test.go)' "$work/plan.out" | cut -c1-300 | head -20 || true
	if [[ -s "$work/plan.json" ]]; then
		j() { sed -n "s/^ *\"$1\": *\([0-9.]*\),*$/\1/p" "$work/plan.json" | head -1; }
		row plan "imported / import blocks" "$(j imports) / $(j import_blocks)"
		row plan "no-op" "$(j no_op)"
		row plan "plan diffs (resources changed)" "$(j changed)" "0, or each with a reason"
		while read -r n reason; do row plan "  diffs: ${reason:0:48}" "$n"; done < <(sed -n 's/^ *"reason": "\(.*\)".*/\1/p' "$work/plan.json" | sort | uniq -c)
		row plan "plan time" "$(awk -v v="$(j seconds)" 'BEGIN { printf "%.0f s", v }')"
	elif grep -q -- '--- SKIP' "$work/plan.out"; then
		row plan "skipped" "$(grep -A1 -- '--- SKIP' "$work/plan.out" | tail -1 | sed 's/^ *//' | cut -c1-60)"
	else
		row plan "failed" "exit $status"
	fi
	echo
fi

if want jobstatus; then
	echo "== jobstatus: GET /api/v1/jobs/{id} at 200 req/s (Azurite)"
	if ! ./scripts/azurite.sh status >/dev/null 2>&1; then
		if ./scripts/azurite.sh up; then started_azurite=1; else row jobstatus "failed" "Azurite did not start"; fi
	fi
	if gobench jobstatus ./handler 'JobStatusGET$' 2000x; then
		row jobstatus "p50" "$(metric "$work/jobstatus.out" 'JobStatusGET' 'p50_ms') ms"
		goal jobstatus "p99" "$(metric "$work/jobstatus.out" 'JobStatusGET' 'p99_ms')" ms "<=" 1000
		row jobstatus "max" "$(metric "$work/jobstatus.out" 'JobStatusGET' 'max_ms') ms"
	fi
	if [[ $started_azurite == 1 ]]; then ./scripts/azurite.sh down || true; started_azurite=0; fi
	echo
fi

if want sim; then
	echo "== sim: generate a 100,000-resource tenant"
	if gobench sim ./sim 'Generate100k$' 3x; then
		ns=$(metric "$work/sim.out" 'Generate100k' 'ns/op')
		row sim "generation time" "$(awk -v v="$ns" 'BEGIN { printf "%.2f s", v / 1e9 }')"
		row sim "peak RSS (whole process)" "$(peak_mib "$work/sim.err") MiB"
	fi
	echo
fi

if want backup; then
	echo "== backup: 100k nodes + 200k edges, embedded store -> .json.gz -> restore"
	if gobench backup ./handler 'BackupRestore100k$' 1x; then
		row backup "backup nodes+edges/s" "$(fmt_num "$(metric "$work/backup.out" 'BackupRestore100k' 'backup-nodes+edges/s')")"
		row backup "restore nodes+edges/s" "$(fmt_num "$(metric "$work/backup.out" 'BackupRestore100k' 'restore-nodes+edges/s')")"
		row backup "backup size" "$(metric "$work/backup.out" 'BackupRestore100k' 'MiB-gz') MiB"
	fi
	echo
fi

# One table, every figure beside its goal and ratio (value / goal). Columns are separated by " | "
# (no value contains one), so `awk -F ' [|] '` reads it back; it is also a Markdown table.
echo "== summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), $($GO env GOVERSION))"
{
	echo "STEP|FIGURE|VALUE|GOAL|RATIO|VERDICT"
	printf '%s\n' "${summary[@]}"
} | awk -F'|' '
	{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; nf = NF }
	END { for (r = 1; r <= n; r++) { line = "|"; for (i = 1; i <= nf; i++) line = line sprintf(" %-" w[i] "s |", cell[r, i]); print line
		if (r == 1) { line = "|"; for (i = 1; i <= nf; i++) { d = ""; for (k = 0; k < w[i] + 2; k++) d = d "-"; line = line d "|" } print line } } }'
misses=$(printf '%s\n' "${summary[@]}" | awk -F'|' '$6 == "MISS"' | wc -l)
echo "goals missed: $misses"
