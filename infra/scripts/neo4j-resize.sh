#!/usr/bin/env bash
# neo4j-resize.sh ENV [--yes]: change Neo4j's CPU, memory or image — what ACI cannot do in place
# (a deployment that changes them fails, and any update restarts the group, emptying its local
# disk). Edit neo4jCpu / neo4jMemoryGB in infra/bicep/env/ENV.bicepparam (or neo4jImage in
# main.bicep) first, within ACI's 4 vCPU / 16 GB per container group; then, from a checkout of
# the environment's branch:
#
#   1. takes a fresh backup of every tenant   (atg admin backups create --wait)
#   2. deletes the container group           (az container delete)
#   3. deploys main.bicep, which recreates it (prepare-deploy.sh sees it missing: neo4jDeploy=true)
#   4. waits until /api/v1/health reports the graph ok
#   5. restores every tenant from step 1     (atg admin backups restore --all --wait), counts checked
#
# Needs: az (logged in, Contributor on rg-atg-ENV, Key Vault Secrets Officer), jq, curl, atg;
# ATG_SERVICE_URL and an admin key (ATG_API_KEY_FILE); and the deployment's per-environment
# values exactly as the GitHub environment has them: ATG_ALERT_EMAILS and ATG_OPERATOR_OBJECT_IDS
# (set them, empty if the environment has none — unset is refused, so alert receivers are not
# dropped by accident). Scans submitted while it runs may fail: drain first for a clean cut
# (docs/operations.md#draining-the-queues). Prints each step's duration (the outage).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
need az jq curl atg

env=${1:?usage: neo4j-resize.sh ENV [--yes]}
yes=${2:-}
case $env in dev | int | prod) ;; *) die "ENV must be dev, int or prod" ;; esac
[ -n "${ATG_SERVICE_URL:-}" ] || die "set ATG_SERVICE_URL (https://<function app host>)"
[ -n "${ATG_API_KEY_FILE:-}" ] || die "set ATG_API_KEY_FILE (a file holding an admin key)"
[ -n "${ATG_ALERT_EMAILS+x}" ] || die "set ATG_ALERT_EMAILS as in the GitHub environment $env (empty if none)"
[ -n "${ATG_OPERATOR_OBJECT_IDS+x}" ] || die "set ATG_OPERATOR_OBJECT_IDS as in the GitHub environment $env (empty if none)"
export ATG_ALERT_EMAILS ATG_OPERATOR_OBJECT_IDS

rg=rg-atg-$env
group=ci-atg-$env-neo4j
bicep=$ROOT/infra/bicep
svc=(--service-url "$ATG_SERVICE_URL" --api-key-file "$ATG_API_KEY_FILE")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) / 1000 }'; }

current=$(az container show -g "$rg" -n "$group" --query 'tags."atg-neo4j-spec"' -o tsv)
NEO4J_PASSWORD=unused az bicep build-params --file "$bicep/env/$env.bicepparam" --outfile "$work/params.json"
echo "Neo4j $group now: $current"
echo "wanted: cpu $(jq .parameters.neo4jCpu.value "$work/params.json"), memory $(jq .parameters.neo4jMemoryGB.value "$work/params.json") GB"
if [ "$yes" != --yes ]; then
	read -r -p "Back up, delete and recreate $group in $rg (graph unavailable meanwhile)? [y/N] " ok
	[ "$ok" = y ] || die "aborted"
fi

t0=$(now_ms)
log "1/5 backup of every tenant"
atg admin backups create --wait -o json "${svc[@]}" >"$work/backup.json"
jq -e '.job.status == "succeeded"' "$work/backup.json" >/dev/null || die "backup failed; nothing deleted: $(jq -c .job.error "$work/backup.json")"
t1=$(now_ms)

log "2/5 deleting $group"
az container delete -g "$rg" -n "$group" --yes --output none
t2=$(now_ms)

log "3/5 deploying main.bicep (recreates the group)"
GITHUB_ENV=$work/env bash "$ROOT/infra/scripts/prepare-deploy.sh" "$env" "$rg"
set -a
# shellcheck disable=SC1091
. "$work/env"
set +a
[ "$NEO4J_DEPLOY" = true ] || die "prepare-deploy.sh did not see the group missing"
az deployment group create --resource-group "$rg" --name "atg-$env" \
	--template-file "$bicep/main.bicep" --parameters "$bicep/env/$env.bicepparam" --parameters neo4jDeploy=true --output none
t3=$(now_ms)

log "4/5 waiting for the service to reach the new Neo4j"
for _ in $(seq 1 60); do
	if curl -fsS --max-time 20 "$ATG_SERVICE_URL/api/v1/health" | jq -e '.checks.graph == "ok"' >/dev/null 2>&1; then break; fi
	sleep 10
done
curl -fsS --max-time 20 "$ATG_SERVICE_URL/api/v1/health" | jq -e '.checks.graph == "ok"' >/dev/null || die "graph not healthy after 10 minutes; restore later with: atg admin backups restore --all --wait"
t4=$(now_ms)

log "5/5 restoring every tenant from its newest backup"
atg admin backups restore --all --wait -o json "${svc[@]}" >"$work/restore.json"
# A tenant already restored by the hourly timer (it restores an empty graph by itself) is skipped.
jq -e '.job.status == "succeeded" and all(.result.tenants[]; .skipped != null or (.nodes == .expected_nodes and .edges == .expected_edges))' "$work/restore.json" >/dev/null ||
	die "restore incomplete: $(jq -c '.result // .job.error' "$work/restore.json")"
t5=$(now_ms)
jq -r '.result.tenants[] | "\(.tenant_id): \(.skipped // "restored \(.nodes) nodes, \(.edges) edges from \(.backup)")"' "$work/restore.json"
echo "resized $group: backup $(secs "$t0" "$t1") s, delete $(secs "$t1" "$t2") s, deploy $(secs "$t2" "$t3") s, graph up $(secs "$t3" "$t4") s, restore $(secs "$t4" "$t5") s; total $(secs "$t0" "$t5") s"
