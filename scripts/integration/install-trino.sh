#!/usr/bin/env bash
# Trino for the integration tier (issue 15): Athena engine version 3 is Trino, so the SQL the
# Athena ledger producer generates runs here on the real engine. The server tarball comes from
# Maven Central, pinned by version and SHA-1 (Maven Central's own checksum file), and is unpacked
# into the tools directory with only the Hive connector's plugin kept (the others slow the start
# and are never loaded by test/integration/trino). Needs Java 25 (Trino 476 wants 24 or later):
# TRINO_JAVA_HOME, else /usr/lib/jvm/temurin-25-jdk-amd64.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/integration/tools-dir.sh
# 476 is the newest release Maven Central lists (maven-metadata.xml); 483 does not resolve there.
version=476
sha1=c9b38be4017ebd2f7095455aaac772fb40247ebe
url="https://repo1.maven.org/maven2/io/trino/trino-server/$version/trino-server-$version.tar.gz"
target="$VPC_FLOW_LOG_TOOLS_DIR/trino-server-$version"
java_home="${TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
"$java_home/bin/java" -version >/dev/null 2>&1 \
  || { echo "install-trino: no Java at $java_home (Trino $version needs Java 24 or later; set TRINO_JAVA_HOME)" >&2; exit 1; }
if [[ -f "$target/.installed" ]]; then
  echo "trino: $target"
  exit 0
fi
command -v curl >/dev/null || { echo "install-trino: curl is not on PATH" >&2; exit 1; }
archive="$VPC_FLOW_LOG_TOOLS_DIR/trino-server-$version.tar.gz"
if [[ ! -f "$archive" ]] || ! echo "$sha1  $archive" | sha1sum -c --quiet - 2>/dev/null; then
  curl -fSL --retry 3 -o "$archive.partial" "$url" || { echo "install-trino: downloading $url failed" >&2; exit 1; }
  echo "$sha1  $archive.partial" | sha1sum -c --quiet - || { echo "install-trino: $url does not match its pinned SHA-1 $sha1" >&2; exit 1; }
  mv "$archive.partial" "$archive"
fi
rm -rf "$target"
tar -xzf "$archive" -C "$VPC_FLOW_LOG_TOOLS_DIR" || { echo "install-trino: unpacking $archive failed" >&2; exit 1; }
[[ -x "$target/bin/launcher" && -d "$target/plugin/hive" ]] || { echo "install-trino: $target lacks bin/launcher or plugin/hive" >&2; exit 1; }
find "$target/plugin" -mindepth 1 -maxdepth 1 -type d ! -name hive -exec rm -rf {} +
rm -f "$archive"
# Written last, so an interrupted install is never taken for a finished one.
touch "$target/.installed"
ln -sfn "trino-server-$version" "$VPC_FLOW_LOG_TOOLS_DIR/trino"
echo "trino: $target"
