#!/usr/bin/env bash
# Debian's Chromium, for the HTML report test (test/integration/browser). Debian's package is the
# pin: the browser matches the machine's release, and a test tool's own browser download cannot work
# here. CHROMIUM_PATH names another binary instead.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$chromium" ]]; then
  echo "chromium: $("$chromium" --version 2>/dev/null || echo "$chromium")"
  exit 0
fi
if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  echo "install-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
  exit 1
fi
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
run_as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
# The package lists may be missing or stale on a new machine: update once, then try again.
run_as_root apt-get install -y --no-install-recommends chromium >"$log" 2>&1 \
  || { run_as_root apt-get update >>"$log" 2>&1 && run_as_root apt-get install -y --no-install-recommends chromium >>"$log" 2>&1; } \
  || { tail -20 "$log" >&2; echo "install-chromium: apt-get install chromium failed (log: $log)" >&2; exit 1; }
echo "chromium: $(/usr/bin/chromium --version)"
