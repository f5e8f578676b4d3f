#!/usr/bin/env bash
# prepare-deploy.sh ENV RG: what a what-if or a deployment of infra/bicep/main.bicep needs,
# written as NAME=value lines to $GITHUB_ENV (or stdout when it is unset). Used by both jobs of
# .github/workflows/deploy.yml, so the what-if the reviewers approve is computed like the deployment.
#
#   NEO4J_PASSWORD          from Key Vault (secret neo4j-password); generated only when there is
#                           no vault yet (first deployment), never over an existing database
#   ATG_DEPLOYER_OBJECT_ID  object id of the signed-in identity (Key Vault Secrets Officer)
#   NEO4J_IMAGE             the pinned image (main.bicep's neo4jImage default)
#   NEO4J_DEPLOY            true when the Neo4j container group is missing (create it), false when
#                           it runs with the wanted spec (leave it alone: any update restarts it and
#                           empties its local disk). A different spec (image, CPU, memory) stops
#                           here: ACI cannot change it in place; run infra/scripts/neo4j-resize.sh.
set -euo pipefail

env=${1:?usage: prepare-deploy.sh ENV RG}
rg=${2:?usage: prepare-deploy.sh ENV RG}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bicep=$here/../bicep
out=${GITHUB_ENV:-/dev/stdout}

emit() { printf '%s=%s\n' "$1" "$2" >>"$out"; }

vault=""
if [ "$(az group exists --name "$rg")" = true ]; then
	vault=$(az keyvault list --resource-group "$rg" \
		--query "[?tags.\"atg-component\"=='keyvault'].name | [0]" --output tsv)
fi
if [ -n "$vault" ]; then
	if ! password=$(az keyvault secret show --vault-name "$vault" --name neo4j-password --query value --output tsv); then
		echo "::error::cannot read neo4j-password from $vault; not generating a new one over an existing database (docs/operations.md)" >&2
		exit 1
	fi
else
	echo "First deployment of $env: generating the Neo4j password" >&2
	password=$(openssl rand -base64 48 | tr -d '\n/+=' | cut -c1-40)
fi
[ -n "${GITHUB_ENV:-}" ] && echo "::add-mask::$password"
emit NEO4J_PASSWORD "$password"
export NEO4J_PASSWORD=$password

oid=$(az account get-access-token --query accessToken --output tsv | python3 -c '
import base64, json, sys
payload = sys.stdin.read().strip().split(".")[1]
payload += "=" * (-len(payload) % 4)
print(json.loads(base64.urlsafe_b64decode(payload))["oid"])')
emit ATG_DEPLOYER_OBJECT_ID "$oid"
export ATG_DEPLOYER_OBJECT_ID=$oid

image=$(az bicep build --file "$bicep/main.bicep" --stdout | jq -r '.parameters.neo4jImage.defaultValue')
emit NEO4J_IMAGE "$image"

group="ci-atg-$env-neo4j"
running=""
if [ "$(az group exists --name "$rg")" = true ]; then
	running=$(az container list --resource-group "$rg" \
		--query "[?name=='$group'].tags.\"atg-neo4j-spec\" | [0]" --output tsv)
fi
if [ -z "$running" ]; then
	echo "Neo4j container group $group is missing: this deployment creates it (an empty store: restore with atg admin backups restore)" >&2
	emit NEO4J_DEPLOY true
	exit 0
fi
params=$(mktemp)
trap 'rm -f "$params"' EXIT
az bicep build-params --file "$bicep/env/$env.bicepparam" --outfile "$params" # an ARM parameters file
cpu=$(jq -r '.parameters.neo4jCpu.value' "$params")
mem=$(jq -r '.parameters.neo4jMemoryGB.value' "$params")
server=$(az acr list --resource-group "$rg" --query "[0].loginServer" --output tsv)
want="$server/$image|$cpu|$mem"
if [ "$running" != "$want" ]; then
	echo "::error::Neo4j runs as '$running' but $env.bicepparam wants '$want'. ACI cannot change image, CPU or memory in place: run infra/scripts/neo4j-resize.sh $env (backup, delete, redeploy, restore; docs/operations.md#resizing-neo4j)." >&2
	exit 1
fi
emit NEO4J_DEPLOY false
