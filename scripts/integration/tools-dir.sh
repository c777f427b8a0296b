# Sourced by the install scripts: the one tools directory the integration tier reads from
# (test/integration/support/tools.ts computes the same default).
export VPC_FLOW_LOG_TOOLS_DIR="${VPC_FLOW_LOG_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vpc-flow-log-appender/integration}"
mkdir -p "$VPC_FLOW_LOG_TOOLS_DIR"
