import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENRICH_USAGE, parseEnrichArguments } from '../../../src/cli/enrich-command.js';
import { UsageError } from '../../../src/cli/cli-io.js';
import { flowLogLine, headerLine, noDataLine } from '../../support/flow-log-builders.js';
import { ndjson, runCliWith, temporaryDirectory } from './cli-harness.js';

describe('enrich --schema', () => {
  let files: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    files = temporaryDirectory();
  });
  afterEach(() => {
    files.remove();
  });

  it('writes ECS documents with --schema ecs', async () => {
    const file = files.write('flow.log', `${headerLine()}\n${flowLogLine()}\n`);

    const run = await runCliWith(['enrich', '--schema', 'ecs', file]);

    expect(run.status).toBe(0);
    expect(ndjson(run.stdout)).toMatchObject([{ source: { ip: '203.0.113.12', port: 49152 }, network: { transport: 'tcp' } }]);
  });

  it('writes OCSF Network Activity events with --schema ocsf, a NODATA record included', async () => {
    const file = files.write('flow.log', `${flowLogLine()}\n${noDataLine()}\n`);

    const run = await runCliWith(['enrich', '--schema', 'ocsf', file]);

    expect(run.status).toBe(0);
    expect(ndjson(run.stdout)).toMatchObject([
      { class_uid: 4001, src_endpoint: { ip: '203.0.113.12' } },
      { class_uid: 4001, status_code: 'NODATA', dst_endpoint: { interface_uid: 'eni-0a1b2c3d4e5f60001' } },
    ]);
    expect(ndjson(run.stdout)).toHaveLength(2);
  });

  it('writes native documents with --schema native, as without the option', async () => {
    const file = files.write('flow.log', `${flowLogLine()}\n`);

    const native = await runCliWith(['enrich', '--schema', 'native', file]);
    const plain = await runCliWith(['enrich', file]);

    expect(native.stdout).toBe(plain.stdout);
  });

  it('refuses a schema it does not know, naming the ones it does', () => {
    expect(() => parseEnrichArguments(['--schema', 'parquet'])).toThrow(new UsageError('--schema: expected native, ecs, ocsf, got "parquet"'));
    expect(ENRICH_USAGE).toContain('--schema native|ecs|ocsf');
  });
});
