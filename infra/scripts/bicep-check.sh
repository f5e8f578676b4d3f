#!/usr/bin/env bash
# bicep-check.sh: compile and lint every Bicep template and build every environment's parameter
# file, as the ci workflow does on every pull request. Needs the Azure CLI with Bicep
# (`az bicep install`), no Azure login. Warnings of the linter fail the check too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../bicep"
: "${NEO4J_PASSWORD:=ci-placeholder-not-a-secret}" # readEnvironmentVariable() needs it
export NEO4J_PASSWORD

status=0
while IFS= read -r f; do
	echo "== az bicep build $f"
	az bicep build --file "$f" --stdout >/dev/null || status=1
	echo "== az bicep lint $f"
	# lint prints diagnostics; any line naming a Warning or Error fails the check
	if ! out=$(az bicep lint --file "$f" 2>&1) || grep -Eq '(Warning|Error) ' <<<"$out"; then
		echo "$out"
		status=1
	fi
done < <(find . -name '*.bicep' | sort)
for p in env/*.bicepparam; do
	echo "== az bicep build-params $p"
	az bicep build-params --file "$p" --stdout >/dev/null || status=1
done
exit $status
