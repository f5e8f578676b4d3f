#!/usr/bin/env bash
# Builds the real Terraform-compatible toolchain used to check generated IaC, from Go modules
# (no binary downloads): OpenTofu CLI, the azurerm provider (5.2.0) and the azapi provider
# (1.15.0), laid out as a filesystem mirror with a CLI config. Skips what is already built.
#   scripts/iac-tools.sh            # build into .tools/iac-<versions>/
#   scripts/iac-tools.sh --print    # print the tools directory
# Cold: ~21 min and ~11 GiB of Go caches on 2 cores. Run it in the background with nice.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOFU_VERSION=v1.12.6
AZURERM_MODULE_VERSION=v1.44.1-0.20260824201233-fae580791926 # = provider 5.2.0
AZURERM_VERSION=5.2.0
AZAPI_VERSION=1.15.0
TOOLS=${IAC_TOOLS_DIR:-$ROOT/.tools/iac-tofu${TOFU_VERSION#v}-azurerm${AZURERM_VERSION}-azapi${AZAPI_VERSION}}

if [[ "${1:-}" == "--print" ]]; then
  echo "$TOOLS"
  exit 0
fi

GO=${GO:-go}
mkdir -p "$TOOLS/bin" "$TOOLS/src"
export GOFLAGS=-buildvcs=false
log() { echo "[iac-tools $(date -u +%H:%M:%S)] $*" >&2; }

# module_dir MODULE@VERSION: download a module (outside any go.mod) and print its directory.
module_dir() {
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && GO111MODULE=on "$GO" mod download -json "$1") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
  rm -rf "$tmp"
}

# copy_src MODULE@VERSION NAME: a writable copy of the module source under $TOOLS/src/NAME.
copy_src() {
  local dir
  dir=$(module_dir "$1")
  [[ -n "$dir" && -d "$dir" ]] || { echo "cannot download $1" >&2; exit 1; }
  rm -rf "$TOOLS/src/$2"
  cp -r "$dir" "$TOOLS/src/$2"
  chmod -R u+w "$TOOLS/src/$2"
}

if [[ ! -x "$TOOLS/bin/tofu" ]]; then
  log "building OpenTofu $TOFU_VERSION (~6 min)"
  copy_src "github.com/opentofu/opentofu@$TOFU_VERSION" opentofu
  (cd "$TOOLS/src/opentofu" && "$GO" build -o "$TOOLS/bin/tofu.tmp" ./cmd/tofu)
  mv "$TOOLS/bin/tofu.tmp" "$TOOLS/bin/tofu"
  rm -rf "$TOOLS/src/opentofu"
else
  log "tofu present"
fi

if [[ ! -x "$TOOLS/bin/terraform-provider-azapi" ]]; then
  log "building azapi $AZAPI_VERSION (~2 min)"
  copy_src "github.com/Azure/terraform-provider-azapi@v$AZAPI_VERSION" azapi
  (cd "$TOOLS/src/azapi" && "$GO" build -mod=mod -o "$TOOLS/bin/terraform-provider-azapi.tmp" .)
  mv "$TOOLS/bin/terraform-provider-azapi.tmp" "$TOOLS/bin/terraform-provider-azapi"
  rm -rf "$TOOLS/src/azapi"
else
  log "azapi present"
fi

if [[ ! -x "$TOOLS/bin/terraform-provider-azurerm" ]]; then
  log "building azurerm $AZURERM_VERSION (~12 min, 3 GiB)"
  GOBIN="$TOOLS/bin/gobin" "$GO" install "github.com/hashicorp/terraform-provider-azurerm@$AZURERM_MODULE_VERSION"
  mv "$TOOLS/bin/gobin/terraform-provider-azurerm" "$TOOLS/bin/terraform-provider-azurerm"
  rmdir "$TOOLS/bin/gobin" 2>/dev/null || true
else
  log "azurerm present"
fi

# filesystem mirror for both registry host names (tofu and terraform)
for host in registry.opentofu.org registry.terraform.io; do
  d="$TOOLS/mirror/$host/hashicorp/azurerm/$AZURERM_VERSION/linux_amd64"
  mkdir -p "$d"
  ln -f "$TOOLS/bin/terraform-provider-azurerm" "$d/terraform-provider-azurerm_v$AZURERM_VERSION" 2>/dev/null ||
    cp "$TOOLS/bin/terraform-provider-azurerm" "$d/terraform-provider-azurerm_v$AZURERM_VERSION"
  d="$TOOLS/mirror/$host/azure/azapi/$AZAPI_VERSION/linux_amd64"
  mkdir -p "$d"
  ln -f "$TOOLS/bin/terraform-provider-azapi" "$d/terraform-provider-azapi_v$AZAPI_VERSION" 2>/dev/null ||
    cp "$TOOLS/bin/terraform-provider-azapi" "$d/terraform-provider-azapi_v$AZAPI_VERSION"
done

cat > "$TOOLS/tofurc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$TOOLS/mirror"
    include = ["*/*/*"]
  }
}
disable_checkpoint = true
RC
log "ready: $TOOLS (bin/tofu, mirror/, tofurc)"
