// A real Trino (scripts/integration/install-trino.sh) for the Athena ledger producer's SQL: one
// coordinator on a free loopback port, a Hive catalog over a file metastore and the local file
// system (the table's own layout: JSON lines under year=/month=/day=), a bounded heap, stopped with
// its process group. Athena engine version 3 is Trino, so this is the engine, not a stand-in.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freeLoopbackPort } from '../../support/loopback-http.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlRows } from '../../../src/athena/athena-ledger-source.js';
import { installedTool } from '../support/tools.js';

/** Trino 476 wants Java 24 or later; the project's machines have Temurin 25 here. */
export const TRINO_JAVA_HOME = process.env.TRINO_JAVA_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';
/** The catalog the tests' tables live in. */
export const TRINO_CATALOG = 'hive';
const STARTUP_TIMEOUT_MS = 240_000;

export interface TrinoServer {
  readonly url: string;
  /** The Hive catalog's root on disk: `local:///x` is `${warehouse}/x`. */
  readonly warehouse: string;
  query(sql: string): Promise<SqlRows>;
  stop(): Promise<void>;
}

interface StatementResponse {
  readonly nextUri?: string;
  readonly columns?: readonly { readonly name: string }[];
  readonly data?: readonly (readonly unknown[])[];
  readonly error?: { readonly message: string; readonly errorName?: string };
  readonly stats?: { readonly physicalInputBytes?: number };
}

/** Values as Athena's API gives them: text, or null. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

export async function startTrinoServer(): Promise<TrinoServer> {
  const home = installedTool('trino/bin/launcher', 'Trino (scripts/integration/install-trino.sh)').replace(/\/bin\/launcher$/, '');
  installedTool('trino/.installed', 'Trino (scripts/integration/install-trino.sh)');
  const root = mkdtempSync(join(tmpdir(), 'trino-'));
  const etc = join(root, 'etc');
  const data = join(root, 'data');
  const warehouse = join(root, 'warehouse');
  for (const directory of [join(etc, 'catalog'), data, join(warehouse, 'metastore')]) mkdirSync(directory, { recursive: true });
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(join(etc, 'node.properties'), `node.environment=test\nnode.id=integration\nnode.internal-address=127.0.0.1\nnode.bind-ip=127.0.0.1\nnode.data-dir=${data}\n`);
  // 1 GiB of heap is plenty for a few hundred thousand documents; CI shares 2 cores.
  writeFileSync(join(etc, 'jvm.config'), ['-server', '-Xmx1G', '-XX:+UseSerialGC', '-XX:+ExitOnOutOfMemoryError', '-Djdk.attach.allowAttachSelf=true', '-XX:TieredStopAtLevel=1', ''].join('\n'));
  writeFileSync(
    join(etc, 'config.properties'),
    [
      'coordinator=true',
      'node-scheduler.include-coordinator=true',
      `http-server.http.port=${port}`,
      `discovery.uri=${url}`,
      'query.max-memory=512MB',
      'query.max-memory-per-node=512MB',
      'task.concurrency=2',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(etc, 'catalog', `${TRINO_CATALOG}.properties`),
    ['connector.name=hive', 'hive.metastore=file', 'hive.metastore.catalog.dir=local:///metastore', 'fs.native-local.enabled=true', `local.location=${warehouse}`, ''].join('\n'),
  );
  const log: string[] = [];
  const child: ChildProcess = spawn(join(home, 'bin', 'launcher'), ['run', '--etc-dir', etc, '--data-dir', data], {
    cwd: home,
    detached: true,
    env: { ...process.env, JAVA_HOME: TRINO_JAVA_HOME, PATH: `${TRINO_JAVA_HOME}/bin:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer): void => {
    log.push(chunk.toString('utf8'));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));

  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid !== undefined && !exited && process.kill(-child.pid, 'SIGKILL'), 20_000);
    await gone;
    clearTimeout(timer);
    rmSync(root, { recursive: true, force: true });
  };

  const query = async (sql: string): Promise<SqlRows> => {
    let response = (await (await fetch(`${url}/v1/statement`, { method: 'POST', body: sql, headers: { 'X-Trino-User': 'integration' } })).json()) as StatementResponse;
    const rows: (string | null)[][] = [];
    let columns: readonly string[] = [];
    for (;;) {
      if (response.error !== undefined) throw new Error(`Trino: ${response.error.errorName ?? 'error'}: ${response.error.message}\n${sql}`);
      if (response.columns !== undefined) columns = response.columns.map((column) => column.name);
      for (const values of response.data ?? []) rows.push(values.map(asText));
      if (response.nextUri === undefined) break;
      response = (await (await fetch(response.nextUri)).json()) as StatementResponse;
    }
    return { columns, rows, ...(response.stats?.physicalInputBytes === undefined ? {} : { scannedBytes: response.stats.physicalInputBytes }) };
  };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`Trino exited while starting:\n${log.join('').slice(-4_000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Trino did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${log.join('').slice(-4_000)}`);
    }
    try {
      const info = (await (await fetch(`${url}/v1/info`)).json()) as { starting?: boolean };
      // Started is not yet schedulable: until the node has announced itself to discovery, queries
      // fail with NO_NODES_AVAILABLE (seen once on a loaded CI machine). Ready means an active node.
      if (info.starting === false && Number((await query("SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'")).rows[0]?.[0] ?? 0) > 0) break;
    } catch {
      // Not listening, or no node active yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }

  return { url, warehouse, query, stop };
}
