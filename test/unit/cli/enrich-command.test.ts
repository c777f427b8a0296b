import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { ENRICH_USAGE, parseEnrichArguments } from '../../../src/cli/enrich-command.js';
import { UsageError } from '../../../src/cli/cli-io.js';
import { flowLogLine, formatText, headerLine, noDataLine } from '../../support/flow-log-builders.js';
import { ndjson, runCliWith, temporaryDirectory } from './cli-harness.js';

const NAT_FIELDS = ['instance-id', 'interface-id', 'srcaddr', 'dstaddr', 'pkt-srcaddr', 'pkt-dstaddr'];

describe('enrich', () => {
  let files: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    files = temporaryDirectory();
  });
  afterEach(() => {
    files.remove();
  });

  it('writes one JSON document per record of a plain file and exits 0', async () => {
    // Prepare
    const file = files.write('flow.log', `${headerLine()}\n${flowLogLine()}\n${noDataLine()}\n`);

    // Act
    const run = await runCliWith(['enrich', file]);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(ndjson(run.stdout)).toStrictEqual([
      expect.objectContaining({ srcaddr: '203.0.113.12', protocol_name: 'TCP', '@timestamp': '2014-12-14T04:06:50.000Z' }),
      expect.objectContaining({ log_status: 'NODATA' }),
    ]);
  });

  it('reads a gzipped file, detected from its content rather than its name', async () => {
    const file = files.write('flow.log', `${headerLine()}\n${flowLogLine({ action: 'REJECT' })}\n`, { gzip: true });

    const run = await runCliWith(['enrich', file]);

    expect(run.status).toBe(0);
    expect(ndjson(run.stdout)).toStrictEqual([expect.objectContaining({ action: 'REJECT' })]);
  });

  it('reads standard input when no file is given', async () => {
    const run = await runCliWith(['enrich'], `${flowLogLine()}\n`);

    expect(run.status).toBe(0);
    expect(ndjson(run.stdout)).toHaveLength(1);
  });

  it('reads gzipped standard input for the file -', async () => {
    const run = await runCliWith(['enrich', '-'], gzipSync(`${flowLogLine()}\n${flowLogLine()}\n`));

    expect(ndjson(run.stdout)).toHaveLength(2);
  });

  it('reads several files in turn, each with its own header', async () => {
    const first = files.write('a.log', `${headerLine(NAT_FIELDS)}\n${flowLogLine({}, { fields: NAT_FIELDS })}\n`);
    const second = files.write('b.log', `${flowLogLine()}\n`);

    const run = await runCliWith(['enrich', first, second]);

    expect(run.status).toBe(0);
    expect(ndjson(run.stdout).map((document) => Object.keys(document).length)).toStrictEqual([6, 16]);
  });

  it('reports each bad line as FILE:LINE: reason, keeps going and exits 1', async () => {
    const file = files.write('flow.log', [headerLine(), flowLogLine({ srcport: 'ssh' }), flowLogLine(), '2 too few', flowLogLine()].join('\n'));

    const run = await runCliWith(['enrich', file]);

    expect(run.status).toBe(1);
    expect(ndjson(run.stdout)).toHaveLength(2);
    expect(run.stderr.split('\n').filter((line) => line !== '')).toStrictEqual([
      `${file}:2: field srcport: "ssh" is not a non-negative integer`,
      `${file}:4: expected 14 fields for the format, found 3: srcaddr and any after it are missing`,
    ]);
  });

  it('names standard input <stdin> in its reports', async () => {
    const run = await runCliWith(['enrich'], `${flowLogLine({ dstaddr: 'nowhere' })}\n`);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe('<stdin>:1: field dstaddr: "nowhere" is not an IPv4 or IPv6 address\n');
  });

  it('unwraps {"message":"..."} lines as delivered to Firehose', async () => {
    const run = await runCliWith(['enrich'], `${JSON.stringify({ message: noDataLine('SKIPDATA') })}\n`);

    expect(ndjson(run.stdout)).toStrictEqual([expect.objectContaining({ log_status: 'SKIPDATA' })]);
  });

  it('parses records in the --format given', async () => {
    const run = await runCliWith(['enrich', '--log-format', formatText(NAT_FIELDS)], `${flowLogLine({ 'instance-id': '-' }, { fields: NAT_FIELDS })}\n`);

    expect(run.status).toBe(0);
    expect(ndjson(run.stdout)).toStrictEqual([
      { interface_id: 'eni-0a1b2c3d4e5f60001', srcaddr: '203.0.113.12', dstaddr: '10.0.1.5', pkt_srcaddr: '203.0.113.12', pkt_dstaddr: '10.0.1.5' },
    ]);
  });

  it('reports a missing file, carries on with the next and exits 1', async () => {
    const missing = files.path('missing.log');
    const present = files.write('present.log', `${flowLogLine()}\n`);

    const run = await runCliWith(['enrich', missing, present]);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${missing}: no such file\n`);
    expect(ndjson(run.stdout)).toHaveLength(1);
  });

  it('reports a file that claims to be gzip but is not', async () => {
    const file = files.write('broken.log.gz', gzipSync(`${flowLogLine()}\n`).subarray(0, 12));

    const run = await runCliWith(['enrich', file]);

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/broken\.log\.gz: /);
  });

  it('writes nothing and exits 0 for an empty input', async () => {
    const run = await runCliWith(['enrich']);

    expect(run).toStrictEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('prints help that documents every option and exits 0', async () => {
    const run = await runCliWith(['enrich', '--help']);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${ENRICH_USAGE}\n`);
    for (const option of ['--log-format', '-h, --help', 'INPUT', 'gzip', 'INPUT:LINE: reason', 's3://BUCKET/KEY:LINE', 'Exit status']) expect(ENRICH_USAGE).toContain(option);
  });

  it.each([
    [['enrich', '--colour'], 'vpc-flow-log-appender enrich: unknown option "--colour"'],
    [['enrich', '--log-format'], 'vpc-flow-log-appender enrich: option --log-format <value> needs a value'],
    [['enrich', '--log-format', '${version} ${version}'], 'vpc-flow-log-appender enrich: --log-format: the field "version" appears twice'],
  ])('exits 2 naming the mistake, with the synopsis and a pointer to --help but not the whole usage, for %j', async (argv, message) => {
    const run = await runCliWith(argv);

    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${message}\nUsage: vpc-flow-log-appender enrich [INPUT...] [options]\nRun "vpc-flow-log-appender enrich --help" for the options.\n`);
  });

  it('reads --log-format written as the header line of an S3 file, as well as in ${field} form', async () => {
    const line = '2 eni-0a1b2c3d4e5f60001 10.0.1.5 203.0.113.9 ACCEPT';
    const header = await runCliWith(['enrich', '--log-format', 'version interface-id srcaddr dstaddr action'], `${line}\n`);
    const dollar = await runCliWith(['enrich', '--log-format', '${version} ${interface-id} ${srcaddr} ${dstaddr} ${action}'], `${line}\n`);

    expect(header.status).toBe(0);
    expect(header.stdout).toBe(dollar.stdout);
    expect(ndjson(header.stdout)[0]).toMatchObject({ interface_id: 'eni-0a1b2c3d4e5f60001', srcaddr: '10.0.1.5', action: 'ACCEPT' });
  });

  it('still reads the old --format spelling of --log-format with a one-line deprecation notice, and refuses both at once', async () => {
    const line = '2 10.0.1.5 203.0.113.9';
    const old = await runCliWith(['enrich', '--format', '${version} ${srcaddr} ${dstaddr}'], `${line}\n`);
    const both = await runCliWith(['enrich', '--format', '${version}', '--log-format', '${version}'], `${line}\n`);

    expect(old.status).toBe(0);
    expect(old.stderr).toBe('vpc-flow-log-appender enrich: --format is deprecated, use --log-format (the same value)\n');
    expect(ndjson(old.stdout)[0]).toMatchObject({ srcaddr: '10.0.1.5', dstaddr: '203.0.113.9' });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--format is the old name of --log-format');
  });
});

describe('parseEnrichArguments', () => {
  it('reads standard input when no file is named', () => {
    expect(parseEnrichArguments([])).toStrictEqual({ files: ['-'] });
  });

  it('throws a UsageError for a bad format string', () => {
    expect(() => parseEnrichArguments(['--log-format', '${version} ${version}'])).toThrow(UsageError);
  });
});
