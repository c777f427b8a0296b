// Where the integration tier's tools are: the directory scripts/install-integration-prerequisites.sh
// installs into (scripts/integration/tools-dir.sh computes the same default).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** VPC_FLOW_LOG_TOOLS_DIR, else ${XDG_CACHE_HOME:-~/.cache}/vpc-flow-log-appender/integration. */
export const TOOLS_DIR = process.env.VPC_FLOW_LOG_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vpc-flow-log-appender', 'integration');

/** The command that installs every prerequisite, for messages. */
export const INSTALL_COMMAND = 'bash scripts/install-integration-prerequisites.sh (or npm run test:integration:install)';

/**
 * The path of an installed tool under TOOLS_DIR; throws, naming the install step, when it is
 * missing: the integration tier fails on a missing prerequisite, it never skips.
 */
export function installedTool(relativePath: string, what: string): string {
  const path = join(TOOLS_DIR, relativePath);
  if (!existsSync(path)) throw new Error(`${what} is not installed: no ${path}. Run ${INSTALL_COMMAND}.`);
  return path;
}
