// A real OpenSearch 2.19 node on one JVM (scripts/integration/install-opensearch.sh installs it),
// bound to 127.0.0.1 on a free port, with a bounded heap and its data in a fresh temporary
// directory. The integration tier starts one for the whole run (opensearch-global-setup.ts) and
// hands its URL to the tests: `inject('opensearchUrl')`.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freeLoopbackPort } from '../../support/loopback-http.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedTool } from './tools.js';

export interface OpenSearchNode {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Closes the node (its stdin) and removes its data; kills it if it has not gone in 30 s. */
  stop(): Promise<void>;
}

export interface OpenSearchNodeOptions {
  /** The JVM's -Xms/-Xmx. Default 1g: the machine's 2 cores and memory are shared. */
  readonly heap?: string;
  /** How long the node may take to be ready. Default 240 s: a JVM starting on 2 busy cores. */
  readonly startTimeoutMs?: number;
}

const READY = /OPENSEARCH_READY (http:\/\/127\.0\.0\.1:\d+)/;
const STOP_TIMEOUT_MS = 30_000;

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a node and resolves once its cluster is at least yellow.
 *
 * @example
 * const node = await startOpenSearchNode();
 * await fetch(`${node.url}/_cluster/health`);
 * await node.stop();
 */
export async function startOpenSearchNode(options: OpenSearchNodeOptions = {}): Promise<OpenSearchNode> {
  const installation = installedTool('opensearch', 'OpenSearch (scripts/integration/install-opensearch.sh)');
  const classpath = readFileSync(join(installation, 'classpath.txt'), 'utf8').trim();
  const heap = options.heap ?? '1g';
  const home = mkdtempSync(join(tmpdir(), 'opensearch-node-'));
  const log = join(home, 'node.log');
  const port = await freeLoopbackPort();
  const child = spawn('java', [`-Xms${heap}`, `-Xmx${heap}`, '-cp', `${join(installation, 'classes')}:${classpath}`, 'OpenSearchNode', join(home, 'cluster'), String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stop = async (): Promise<void> => {
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited(child);
    clearTimeout(timer);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`OpenSearch was not ready within ${options.startTimeoutMs ?? 240_000} ms`)), options.startTimeoutMs ?? 240_000);
      const take = (chunk: Buffer): void => {
        appendFileSync(log, chunk);
        output = (output + chunk.toString('utf8')).slice(-4096);
        const ready = READY.exec(output);
        if (ready?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(ready[1]);
        }
      };
      child.stdout?.on('data', take);
      child.stderr?.on('data', take);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`java could not be started (OpenJDK 17 is needed): ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`OpenSearch exited before it was ready (${signal ?? `exit ${String(code)}`}); its last output:\n${output.slice(-2000)}`));
      });
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
