#!/usr/bin/env bash
# Installs everything `npm run test:integration` needs beyond Node.js: runs every
# scripts/integration/install-*.sh in name order. Each one pins its versions, installs into the tools
# directory (outside the repository, so a fresh clone on the same machine reuses it), and returns at
# once when its tools are already there. A failure stops the run with the step's name.
#
#   VPC_FLOW_LOG_TOOLS_DIR  where the tools go (default: ${XDG_CACHE_HOME:-~/.cache}/vpc-flow-log-appender/integration)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=integration/tools-dir.sh
source scripts/integration/tools-dir.sh
echo "integration prerequisites in $VPC_FLOW_LOG_TOOLS_DIR"
for step in scripts/integration/install-*.sh; do
  started=$SECONDS
  echo "== ${step##*/}"
  bash "$step" || { echo "install-integration-prerequisites: ${step##*/} failed" >&2; exit 1; }
  echo "== ${step##*/}: done in $((SECONDS - started)) s"
done
