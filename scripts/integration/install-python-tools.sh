#!/usr/bin/env bash
# Installs the integration tier's Python tools (SAM CLI, cfn-lint, the SAM translator, moto's server, the AWS CLI,
# pydantic-ocsf, pyarrow)
# into a virtual environment under the tools directory ($VPC_FLOW_LOG_TOOLS_DIR/python, outside the
# clone, like the other prerequisites), from the exact versions in
# scripts/integration/requirements.txt. Idempotent: a venv whose recorded requirements match the
# file is left as it is, so a second run takes a second; a changed file rebuilds the venv.
# Needs python3 (3.9 or later, with the venv module) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools-dir.sh
source scripts/integration/tools-dir.sh

requirements=scripts/integration/requirements.txt
venv="$VPC_FLOW_LOG_TOOLS_DIR/python"
stamp="$venv/.requirements.txt"
python="${PYTHON:-python3}"

if [[ -x "$venv/bin/sam" && -x "$venv/bin/cfn-lint" && -x "$venv/bin/moto_server" && -x "$venv/bin/aws" ]] && cmp -s "$requirements" "$stamp"; then
  echo "python tools: up to date in $venv"
  exit 0
fi

command -v "$python" >/dev/null || { echo "install-python-tools: $python not found; install Python 3.9+ with venv" >&2; exit 1; }
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
"$venv/bin/python" -m pip check
cp "$requirements" "$stamp"
echo "python tools: installed in $venv"
"$venv/bin/sam" --version
"$venv/bin/cfn-lint" --version
"$venv/bin/python" -c 'import moto; print("moto", moto.__version__)'
"$venv/bin/aws" --version
"$venv/bin/python" -c 'import pyarrow; print("pyarrow", pyarrow.__version__)'
