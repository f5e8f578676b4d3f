#!/usr/bin/env bash
# bicep-check.sh: compile and lint every Bicep template and build every environment's parameter
# file, as the ci workflow does on every pull request. Needs the Azure CLI with Bicep
# (`az bicep install`), no Azure login. Compile and lint errors fail the check; lint warnings
# are annotated (BICEP_LINT_STRICT=1 fails on them too — turn it on once the first run is clean).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../bicep"
: "${NEO4J_PASSWORD:=ci-placeholder-not-a-secret}" # readEnvironmentVariable() needs it
export NEO4J_PASSWORD

status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS= read -r f; do
	echo "== az bicep build $f"
	az bicep build --file "$f" --stdout >/dev/null || status=1
	echo "== az bicep lint $f"
	# Errors fail the check; warnings are annotated, and fail it too with BICEP_LINT_STRICT=1.
	out=$(az bicep lint --file "$f" 2>&1) || status=1
	[ -n "$out" ] && echo "$out"
	if grep -Eq ' Error ' <<<"$out"; then
		status=1
	fi
	if grep -Eq ' Warning ' <<<"$out"; then
		echo "::warning file=infra/bicep/${f#./}::bicep lint warnings (see the log)"
		[ "${BICEP_LINT_STRICT:-0}" = 1 ] && status=1
	fi
done < <(find . -name '*.bicep' | sort)
for p in env/*.bicepparam; do
	echo "== az bicep build-params $p"
	az bicep build-params --file "$p" --outfile "$tmp/$(basename "$p").json" || status=1
done
exit $status
