#!/usr/bin/env bash
# make package: builds atg for linux/amd64 (CGO off, -trimpath, stripped, version stamped) and
# assembles the Azure Functions deployment zip dist/atg-functions.zip: host.json, the atg binary
# (mode 0755) and every functions/*/function.json, then verifies the zip's layout.
# VERSION overrides the stamped version (default: git describe). OUT overrides the zip path.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
OUT=${OUT:-dist/atg-functions.zip}
exec go run ./internal/funcpkg/cmd/funcpkg -root . -out "$OUT" -version "$VERSION"
