// The built reporter bundle run once in a process of its own, as Lambda would run it: the
// function's variables and every AWS endpoint at moto. Shared by the integration tests that check
// the scheduled report end to end (the s3 engine against moto, the opensearch engine on the node).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MOTO_CREDENTIALS } from './moto-server.js';

const run = promisify(execFile);
/** The function's logs and EMF metrics go to stdout too, one JSON line each: the result is the last line. */
const INVOKE_HANDLER = 'const { handler } = await import(process.argv[1]); const result = await handler(); process.stdout.write(`\\n${JSON.stringify(result)}\\n`);';

/**
 * Runs `<bundles>/reporter/index.js`'s handler once on `node` with `variables` (and moto's
 * credentials and endpoint), returning what the process wrote.
 *
 * @example const { stdout } = await runReporterBundle(NODE24, bundles, moto.url, { REPORT_ENGINE: 's3', ... });
 */
export async function runReporterBundle(node: string, bundles: string, motoUrl: string, variables: Readonly<Record<string, string>>) {
  return run(node, ['--input-type=module', '-e', INVOKE_HANDLER, join(bundles, 'reporter', 'index.js')], {
    env: { PATH: process.env['PATH'] ?? '', ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL: motoUrl, ...variables },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The text of an object the reporter wrote. */
export async function objectText(s3: S3Client, bucket: string, key: string): Promise<string> {
  return (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
}
