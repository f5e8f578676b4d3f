#!/usr/bin/env bash
# neo4j-restore-drill.sh: prove that the graph comes back from its Blob backups, and measure
# how long that takes (the recovery time of docs/operations.md, "Neo4j durability").
#
#   local  (default) — against Azurite, no Azure: a simulated tenant is scanned into a source
#          store (embedded file, or DRILL_GRAPH=bolt://… for the project's Neo4j), `atg serve`
#          backs it up (atg admin backups create), then a second `atg serve` on an EMPTY store —
#          what ACI gives after recreating Neo4j's container group — restores every tenant
#          (atg admin backups restore --all). Node, edge and per-type counts must be identical.
#   remote --service-url URL --api-key-file FILE
#          — against a deployed service, read-only: downloads the newest backup of every tenant
#          (atg admin backups download) and imports it into a scratch embedded store; the counts
#          must equal the backup's metadata. The live graph is never touched.
#
# Prints the figures (nodes, edges, seconds) and exits non-zero on any difference.
# Env: DRILL_RESOURCES (local: simulated resources, default 2000), DRILL_GRAPH (local source
# store), AzureWebJobsStorage (local: default the Azurite connection string), ATG (an atg binary;
# default: built from this checkout).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
need jq curl

mode=${1:-local}
[ $# -gt 0 ] && shift
work=$(mktemp -d "${TMPDIR:-/tmp}/atg-drill.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

atg=${ATG:-}
if [ -z "$atg" ]; then
	log "building atg"
	(cd "$ROOT" && go build -o "$work/atg" .)
	atg=$work/atg
fi
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
total() { jq '[.nodes[]] | add // 0' "$1"; }
edges() { jq '[.edges[]] | add // 0' "$1"; }

remote_drill() {
	local url="" keyfile=""
	while [ $# -gt 0 ]; do
		case $1 in
		--service-url) url=$2; shift 2 ;;
		--api-key-file) keyfile=$2; shift 2 ;;
		*) die "unknown argument $1" ;;
		esac
	done
	if [ -z "$url" ] || [ -z "$keyfile" ]; then
		die "remote needs --service-url URL --api-key-file FILE (an admin key)"
	fi
	local svc=(--service-url "$url" --api-key-file "$keyfile")
	"$atg" admin backups list -o json "${svc[@]}" >"$work/list.json"
	local newest
	newest=$(jq -c '[.backups | group_by(.tenant_id)[] | max_by(.created_at)]' "$work/list.json")
	[ "$(jq length <<<"$newest")" -gt 0 ] || die "the service has no backups"
	local fail=0 t0 t1 n=0 nodes=0 edges_n=0
	t0=$(now_ms)
	while IFS= read -r b; do
		local name tenant want_n want_e
		name=$(jq -r .name <<<"$b"); tenant=$(jq -r .tenant_id <<<"$b")
		want_n=$(jq .nodes <<<"$b"); want_e=$(jq .edges <<<"$b")
		"$atg" admin backups download "$name" --output-file "$work/b.json.gz" "${svc[@]}" >/dev/null
		"$atg" graph import --graph "$work/drill.db" --tenant-id "$tenant" --input "$work/b.json.gz" --replace --log-level warn >/dev/null
		"$atg" graph stats --graph "$work/drill.db" --tenant-id "$tenant" -o json >"$work/stats.json"
		local got_n got_e
		got_n=$(total "$work/stats.json"); got_e=$(edges "$work/stats.json")
		if [ "$got_n" != "$want_n" ] || [ "$got_e" != "$want_e" ]; then
			log "MISMATCH $name: restored $got_n nodes/$got_e edges, backup says $want_n/$want_e"
			fail=1
		else
			log "ok $name: $got_n nodes, $got_e edges"
		fi
		n=$((n + 1)); nodes=$((nodes + got_n)); edges_n=$((edges_n + got_e))
	done < <(jq -c '.[]' <<<"$newest")
	t1=$(now_ms)
	echo "drill remote: $n tenant(s), $nodes nodes, $edges_n edges restored in $(secs "$t0" "$t1") s (download + import)"
	return $fail
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve GRAPH: start `atg serve` on GRAPH with the drill's storage prefix and admin key.
serve() {
	local graph=$1 port
	port=$(free_port)
	ATG_GRAPH=$graph ATG_API_KEYS=$entry ATG_ENVIRONMENT=dev ATG_STORAGE_PREFIX=$prefix ATG_API_RATE_LIMIT=0 \
		ATG_LOG_LEVEL=warn "$atg" serve --addr "127.0.0.1:$port" --workers 2 >>"$work/serve.log" 2>&1 &
	pids+=($!)
	url=http://127.0.0.1:$port
	local _
	for _ in $(seq 1 120); do
		if curl -fsS "$url/api/v1/health" >/dev/null 2>&1; then return 0; fi
		sleep 0.5
	done
	cat "$work/serve.log" >&2
	die "atg serve did not become healthy"
}

stop_serve() {
	local p=${pids[-1]}
	kill "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	unset 'pids[-1]'
}

local_drill() {
	export AzureWebJobsStorage=${AzureWebJobsStorage:-$AZURITE_CONNECTION_STRING}
	port_open 127.0.0.1 10000 || die "Azurite is not running (make azurite-up)"
	export XDG_CONFIG_HOME=$work/xdg ATG_CONFIG=$work/client.yaml
	unset ATG_REMOTE ATG_SERVICE_URL ATG_API_KEY ATG_API_KEY_FILE ATG_PROFILE ATG_API_KEYS_SOURCE
	local src=${DRILL_GRAPH:-$work/source.db}
	prefix=drill$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	"$atg" keys new --env dev --name drill-admin --role admin -o json >"$work/key.json"
	jq -r .key "$work/key.json" >"$work/admin-key"; chmod 600 "$work/admin-key"
	entry=$(jq -r .entry "$work/key.json")

	log "scanning a simulated tenant (${DRILL_RESOURCES:-2000} resources) into $src"
	"$atg" demo --dir "$work/demo" --graph "$src" --resources "${DRILL_RESOURCES:-2000}" --log-level warn >/dev/null
	local tenant
	tenant=$("$atg" graph tenants --graph "$src" -o json | jq -r 'if type == "array" then .[0] else .tenants[0] end')
	"$atg" graph stats --graph "$src" --tenant-id "$tenant" -o json | jq -S . >"$work/before.json"

	local t0 t1 t2 t3
	serve "$src"
	t0=$(now_ms)
	"$atg" admin backups create --wait -o json --service-url "$url" --api-key-file "$work/admin-key" >"$work/backup.json"
	t1=$(now_ms)
	jq -e '.job.status == "succeeded"' "$work/backup.json" >/dev/null || die "backup failed: $(cat "$work/backup.json")"
	stop_serve

	log "the store is lost: serving an empty one and restoring from the backups"
	serve "$work/empty.db"
	t2=$(now_ms)
	"$atg" admin backups restore --all --wait -o json --service-url "$url" --api-key-file "$work/admin-key" >"$work/restore.json"
	t3=$(now_ms)
	stop_serve
	jq -e '.job.status == "succeeded" and (.result.tenants | length) >= 1 and all(.result.tenants[]; .skipped == null and .nodes == .expected_nodes and .edges == .expected_edges)' \
		"$work/restore.json" >/dev/null || die "restore incomplete: $(jq -c .result "$work/restore.json")"
	"$atg" graph stats --graph "$work/empty.db" --tenant-id "$tenant" -o json | jq -S . >"$work/after.json"
	if ! diff -u "$work/before.json" "$work/after.json"; then
		die "the restored graph differs from the original (above)"
	fi
	echo "drill local: tenant $tenant, $(total "$work/after.json") nodes, $(edges "$work/after.json") edges; backup $(secs "$t0" "$t1") s, restore into an empty store $(secs "$t2" "$t3") s; stats identical"
}

case $mode in
local) local_drill ;;
remote) remote_drill "$@" ;;
*) die "usage: neo4j-restore-drill.sh [local | remote --service-url URL --api-key-file FILE]" ;;
esac
