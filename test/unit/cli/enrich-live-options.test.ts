import { PassThrough } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { CommandFailure, UsageError } from '../../../src/cli/cli-io.js';
import { ENRICH_USAGE, parseEnrichArguments, runEnrich } from '../../../src/cli/enrich-command.js';
import { flowLogLine } from '../../support/flow-log-builders.js';
import { ndjson } from './cli-harness.js';

/** Streams for runEnrich, stderr optionally posing as a terminal; `text()` gives what each received. */
function streams(stdin: string, options: { terminal?: boolean } = {}) {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: Object.assign(new PassThrough(), options.terminal === true ? { isTTY: true, columns: 200 } : {}) };
  const collected = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  io.stdout.on('data', (chunk: Buffer) => collected.stdout.push(chunk));
  io.stderr.on('data', (chunk: Buffer) => collected.stderr.push(chunk));
  io.stdin.end(stdin);
  return { io, text: (name: 'stdout' | 'stderr') => Buffer.concat(collected[name]).toString('utf8') };
}

describe('parseEnrichArguments for --live and --geo ipstack', () => {
  it('reads --live with --rules', () => {
    expect(parseEnrichArguments(['--live', '--rules', 'a.log'])).toStrictEqual({ files: ['a.log'], live: true, listRules: true });
  });

  it('reads --geo ipstack with the stack\'s parameter name (template.yaml IpstackApiKeyParameterName) over HTTPS, no bulk', () => {
    expect(parseEnrichArguments(['--geo', 'ipstack'])).toStrictEqual({
      files: ['-'],
      ipstack: { parameterName: '/vpc-flow-log-appender/ipstack-api-key', baseUrl: 'https://api.ipstack.com', allowPlainHttp: false, bulk: false },
    });
  });

  it('reads every ipstack option', () => {
    const options = parseEnrichArguments(['--geo', 'ipstack', '--ipstack-parameter', '/team/ipstack', '--ipstack-url', 'http://ipstack.internal', '--ipstack-allow-plain-http', '--ipstack-bulk']);

    expect(options).toMatchObject({ ipstack: { parameterName: '/team/ipstack', baseUrl: 'http://ipstack.internal', allowPlainHttp: true, bulk: true } });
  });

  it('keeps s3:// inputs in order among local ones', () => {
    expect(parseEnrichArguments(['s3://flow-log-bucket/AWSLogs/', 'local.log', '-'])).toStrictEqual({ files: ['s3://flow-log-bucket/AWSLogs/', 'local.log', '-'] });
  });

  it.each([
    [['--live', '--inventory', 'inv'], '--inventory and --live'],
    [['--rules'], 'needs --inventory or --live'],
    [['--ipstack-bulk'], 'needs --geo ipstack'],
    [['--geo', 'mmdb:geo.mmdb', '--ipstack-parameter', 'key'], 'needs --geo ipstack'],
    [['--geo', 'ipstack', '--ipstack-url', 'http://api.ipstack.com'], '--ipstack-allow-plain-http'],
    [['--geo', 'ipstack', '--ipstack-url', 'api.ipstack.com'], 'https://'],
    [['--geo', 'ipstack', '--ipstack-parameter', ''], 'SSM parameter'],
    [['s3://x/logs/'], 'not an s3://bucket/prefix URL'],
  ])('rejects %j as a usage error saying %s', (args, message) => {
    expect(() => parseEnrichArguments(args)).toThrow(UsageError);
    expect(() => parseEnrichArguments(args)).toThrow(message);
  });

  it('documents every option in the help', () => {
    for (const option of ['--live', '--geo none|mmdb:PATH|ipstack', '--ipstack-parameter NAME', '--ipstack-url URL', '--ipstack-allow-plain-http', '--ipstack-bulk', 's3://BUCKET/PREFIX', 'AWS_ENDPOINT_URL_S3', 'progress bar']) {
      expect(ENRICH_USAGE).toContain(option);
    }
  });
});

describe('runEnrich', () => {
  it('stops with a failure (not a usage error) before reading when --live has no Region', async () => {
    // Prepare: a client whose Region cannot be resolved, as without AWS_REGION or a profile.
    const { io } = streams(`${flowLogLine()}\n`);
    const ec2 = () => new EC2Client({ region: () => Promise.reject<string>(new Error('Region is missing')) });

    // Act
    const running = runEnrich({ files: ['-'], live: true }, io, { ec2 });

    // Assess
    await expect(running).rejects.toThrow(CommandFailure);
    await expect(running).rejects.toThrow('--live needs an AWS Region');
  });

  it('draws a progress bar of the bytes read when stderr is a terminal, and erases it at the end', async () => {
    // Prepare
    const input = `${flowLogLine()}\n${flowLogLine({ srcport: '2' })}\n`;
    const { io, text } = streams(input, { terminal: true });

    // Act
    const status = await runEnrich({ files: ['-'] }, io);

    // Assess: the bar was drawn, then erased with an empty line; records still go to stdout only.
    expect(status).toBe(0);
    expect(text('stderr')).toContain(`enrich ${Buffer.byteLength(input)} B`);
    expect(text('stderr').endsWith('\r\u001b[2K')).toBe(true);
    expect(ndjson(text('stdout'))).toHaveLength(2);
  });

  it('erases the bar before a bad-line message on a terminal, so the message starts its own line', async () => {
    const { io, text } = streams('not a record\n', { terminal: true });

    const status = await runEnrich({ files: ['-'] }, io);

    expect(status).toBe(1);
    expect(text('stderr')).toContain('\r\u001b[2K<stdin>:1: ');
  });

  it('writes nothing but messages to a stderr that is not a terminal', async () => {
    const { io, text } = streams(`${flowLogLine()}\n`);

    await runEnrich({ files: ['-'] }, io);

    expect(text('stderr')).toBe('');
  });
});
