#!/usr/bin/env bash
# Validates a generated Terraform directory with the real tools built by scripts/iac-tools.sh:
# tofu init -backend=false + tofu validate -json, offline (filesystem mirror). The directory is
# copied first so it stays clean. Exit status: 0 valid, 1 invalid, 2 tools missing or usage.
#   scripts/iac-validate.sh DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-}
[[ -n "$DIR" && -d "$DIR" ]] || { echo "usage: $0 <generated terraform dir>" >&2; exit 2; }
TOOLS=$("$ROOT/scripts/iac-tools.sh" --print)
if [[ ! -x "$TOOLS/bin/tofu" || ! -f "$TOOLS/tofurc" ]]; then
  echo "iac tools not built: run make iac-tools (scripts/iac-tools.sh)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$DIR"/*.tf "$work"/
export TF_CLI_CONFIG_FILE="$TOOLS/tofurc" # always override: the machine's points at a missing file
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR
cd "$work"
if ! "$TOOLS/bin/tofu" init -backend=false -input=false -no-color >init.log 2>&1; then
  cat init.log >&2
  exit 1
fi
set +e
"$TOOLS/bin/tofu" validate -json -no-color >validate.json
rc=$?
set -e
if command -v python3 >/dev/null; then
  python3 - validate.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"valid={r.get('valid')} errors={r.get('error_count')} warnings={r.get('warning_count')}")
for d in r.get("diagnostics", [])[:50]:
    rng = d.get("range") or {}
    print(f"  {d.get('severity')}: {d.get('summary')} ({rng.get('filename','')}:{(rng.get('start') or {}).get('line','')}) {d.get('detail','')[:300]}")
PY
else
  cat validate.json
fi
exit $rc
