// moto's server (moto_server from the integration tier's venv) on 127.0.0.1 and a free port, as
// one endpoint for every AWS service the tests use (EC2, S3, Firehose, SSM). Started by the tests,
// stopped by them; its state is wiped between tests with its reset API.
import { spawn, type ChildProcess } from 'node:child_process';
import { freeLoopbackPort } from '../../support/loopback-http.js';
import { pythonTool, pythonToolEnvironment } from './python-tools.js';

export interface MotoServer {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL` or an SDK client's `endpoint`. */
  readonly url: string;
  /** Forgets every resource (moto's `POST /moto-api/reset`). */
  readonly reset: () => Promise<void>;
  readonly stop: () => Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** Credentials moto accepts (it checks none): the environment of a process pointed at moto. */
export const MOTO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;

/** An SDK client's options for moto's endpoint, with those credentials. */
export function motoClientOptions(endpoint: string) {
  return { endpoint, region: MOTO_CREDENTIALS.AWS_REGION, credentials: { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY } };
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto_server did not answer at ${url} within ${START_TIMEOUT_MS / 1000} s:\n${output()}`);
}

/**
 * Starts moto's server on 127.0.0.1.
 *
 * @example
 * const moto = await startMotoServer(); // ... AWS_ENDPOINT_URL=moto.url ... await moto.stop();
 */
export async function startMotoServer(): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(pythonTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { env: pythonToolEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitUntilAnswering(url, child, () => log);
  return {
    url,
    reset: async () => {
      const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
