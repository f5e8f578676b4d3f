#!/usr/bin/env bash
# Rebuilds engine/visualize/assets/vendor.js (sigma + graphology + ForceAtlas2 + shortest path)
# from the versions pinned in tools/viz/package.json and package-lock.json, and gathers their
# licences. The output is committed, so building atg needs no npm; run this only to upgrade.
set -euo pipefail
cd "$(dirname "$0")/../tools/viz"
npm ci --no-audit --no-fund >/dev/null
out=../../engine/visualize/assets
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --legal-comments=none --outfile="$out/vendor.js"
{
  echo "Third-party code bundled in vendor.js (built by scripts/vendor-viz.sh with esbuild):"
  for p in sigma graphology graphology-layout-forceatlas2 graphology-shortest-path graphology-utils graphology-indices events mnemonist obliterator; do
    [ -d "node_modules/$p" ] || continue
    v=$(node -p "require('./node_modules/$p/package.json').version")
    echo; echo "=== $p@$v ==="
    cat node_modules/$p/LICENSE* 2>/dev/null || node -p "'License: ' + require('./node_modules/$p/package.json').license"
  done
} > "$out/LICENSES.txt"
echo "vendor.js: $(wc -c < "$out/vendor.js") bytes"
