// Attacks and surprises on the CLI's input side: each once crashed, lost records or stayed silent.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { S3ObjectReader } from '../../../src/adapters/s3-object-reader.js';
import { splitConcatenatedJsonObjects } from '../../../src/cli/concatenated-json.js';
import { openInputSources } from '../../../src/cli/input-sources.js';
import { MAX_REPORTED_BAD_LINES_PER_INPUT } from '../../../src/cli/read-flow-log-inputs.js';
import { MAX_LINE_BYTES, OversizedLine, readLines } from '../../../src/adapters/read-lines.js';
import { flowLogLine } from '../../support/flow-log-builders.js';
import { ndjson, runCliWith, temporaryDirectory } from './cli-harness.js';

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

/** `total` bytes of one letter then `tail`, produced chunk by chunk (one reused chunk) and never held whole. */
function longLineThen(total: number, tail: string, chunkBytes = 1024 * 1024): Readable {
  const chunk = Buffer.alloc(chunkBytes, 0x41);
  let left = total;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(Buffer.from(tail));
        this.push(null);
        return;
      }
      const size = Math.min(chunkBytes, left);
      left -= size;
      this.push(size === chunkBytes ? chunk : chunk.subarray(0, size));
    },
  });
}

describe('readLines', () => {
  it('skips a line longer than the limit as an OversizedLine and goes on with the next line', async () => {
    const input = Readable.from([Buffer.from('first\n'), Buffer.alloc(40, 0x41), Buffer.alloc(40, 0x41), Buffer.from('\nlast\n')]);

    expect(await all(readLines(input, 64))).toStrictEqual(['first', new OversizedLine(80), 'last']);
  });

  it('reads a 64 MiB line in bounded memory, never building it as a string', async () => {
    // 64 MiB stands for the 600 MB line that crashed readline: the same code path, a test-sized input.
    const before = process.memoryUsage().arrayBuffers;
    const lines = await all(readLines(longLineThen(64 * 1024 * 1024, '\nafter\n')));
    const grown = process.memoryUsage().arrayBuffers - before;

    expect(lines).toStrictEqual([new OversizedLine(64 * 1024 * 1024), 'after']);
    expect(grown).toBeLessThan(16 * MAX_LINE_BYTES);
  });

  it('drops a UTF-8 byte-order mark at the start of a file, plain or gzip, and a CR before LF', async () => {
    const text = '\uFEFFversion srcaddr\r\n2 10.0.0.1\r\n';

    expect(await all(readLines(Readable.from([Buffer.from(text)])))).toStrictEqual(['version srcaddr', '2 10.0.0.1']);
    expect(await all(readLines(Readable.from([gzipSync(text)])))).toStrictEqual(['version srcaddr', '2 10.0.0.1']);
  });

  it('gives the same lines however the input is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[a-z0-9 {}"\r]{0,12}$/), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }), async (lines, cuts) => {
        const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(''));
        const chunks: Buffer[] = [];
        for (let start = 0, index = 0; start < bytes.length; index += 1) {
          const size = cuts[index % cuts.length] ?? 1;
          chunks.push(bytes.subarray(start, start + size));
          start += size;
        }
        const expected = lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
        // A last empty line is no line, as with readline.
        expect(await all(readLines(Readable.from(chunks)))).toStrictEqual(bytes.length === 0 ? [] : expected);
      }),
    );
  });
});

describe('splitConcatenatedJsonObjects', () => {
  it('splits {"message"} records Firehose wrote back to back, and leaves braces and quotes inside strings alone', () => {
    expect(splitConcatenatedJsonObjects('{"message":"a}{b"}{"message":"c\\"}{"}')).toStrictEqual(['{"message":"a}{b"}', '{"message":"c\\"}{"}']);
  });

  it('leaves a raw record, one object and text that is not objects back to back as they are', () => {
    for (const line of ['2 123 eni-1 10.0.0.1', '{"message":"a"}', '{"a":1} x {"b":2}', '{"a":1}}{']) expect(splitConcatenatedJsonObjects(line)).toStrictEqual([line]);
  });
});

describe('enrich and report on hostile or surprising input', () => {
  let files: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    files = temporaryDirectory();
  });
  afterEach(() => {
    files.remove();
  });

  it.each(['enrich', 'report'])('%s reports a line longer than any record as FILE:LINE and reads the records around it', async (command) => {
    const inventory = files.write('inventory.json', JSON.stringify({ SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: false, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }] }));
    const input = files.write('big.log', `${flowLogLine()}\n${'x'.repeat(MAX_LINE_BYTES + 10)}\n${flowLogLine({ srcport: '2' })}\n`);

    const run = await runCliWith(command === 'enrich' ? ['enrich', input] : ['report', input, '--inventory', inventory, '--format', 'json']);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${input}:2: line longer than ${MAX_LINE_BYTES} bytes (${MAX_LINE_BYTES + 10} bytes), skipped`);
    if (command === 'enrich') expect(ndjson(run.stdout)).toHaveLength(2);
  });

  it('reads every record of a custom-format file that starts with a byte-order mark', async () => {
    const input = files.write('bom.log', `\uFEFFversion srcaddr dstaddr action\n2 10.0.0.1 10.0.0.2 ACCEPT\n2 10.0.0.3 10.0.0.4 REJECT\n`);

    const run = await runCliWith(['enrich', input]);

    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(ndjson(run.stdout).map((document) => document.srcaddr)).toStrictEqual(['10.0.0.1', '10.0.0.3']);
  });

  it('reads {"message"} records that Firehose concatenated without a newline', async () => {
    const input = files.write('firehose', `{"message":"${flowLogLine()}"}{"message":"${flowLogLine({ srcport: '2' })}"}\n`);

    const run = await runCliWith(['enrich', input]);

    expect(run).toMatchObject({ status: 0, stderr: '' });
    const documents = ndjson(run.stdout);
    expect(documents).toHaveLength(2);
    expect(documents[1]).toMatchObject({ srcport: 2 });
  });

  it('reports at most a few bad lines of a binary file, then one line with the count of the rest', async () => {
    const lines = Array.from({ length: 500 }, (_, index) => `\u0000\u0001binary ${index}`).join('\n');
    const input = files.write('binary.bin', lines);

    const run = await runCliWith(['enrich', input]);

    const messages = run.stderr.trimEnd().split('\n');
    expect(run.status).toBe(1);
    expect(messages).toHaveLength(MAX_REPORTED_BAD_LINES_PER_INPUT + 1);
    expect(messages.at(-1)).toBe(`${input}: ${500 - MAX_REPORTED_BAD_LINES_PER_INPUT} more bad lines not shown (500 in all)`);
  });

  it('fails with one line, naming the directory, for an --inventory directory that holds no inventory', async () => {
    files.write('notes.txt', 'nothing here');

    const run = await runCliWith(['enrich', '--inventory', files.path('.')], `${flowLogLine()}\n`);

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^vpc-flow-log-appender enrich: .*: no AWS CLI EC2 output in it/);
    expect(run.stdout).toBe('');
  });

  it('reads --inventory FILE as that one file of AWS CLI output', async () => {
    const inventory = files.write('interfaces.json', JSON.stringify({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60001', VpcId: 'vpc-1', Groups: [{ GroupId: 'sg-1', GroupName: 'web' }] }] }));

    const run = await runCliWith(['enrich', '--inventory', inventory], `${flowLogLine({ 'interface-id': 'eni-0a1b2c3d4e5f60001' })}\n`);

    expect(run.status).toBe(0);
    expect(ndjson(run.stdout)[0]).toMatchObject({ security_group_ids: ['sg-1'] });
  });
});

describe('s3:// inputs', () => {
  it('says an empty or mistyped prefix holds no objects instead of reading nothing silently', async () => {
    const reader: S3ObjectReader = {
      // eslint-disable-next-line require-yield -- an empty listing
      async *listObjects() {
        await Promise.resolve();
      },
      openObject: () => Promise.reject(new Error('no object expected')),
    };
    const [source, ...rest] = await all(openInputSources(['s3://flow-log-bucket/AWSLog'], { stdin: Readable.from([]), s3: () => reader }));

    expect(rest).toStrictEqual([]);
    if (source === undefined) throw new Error('expected one source');
    expect(source.name).toBe('s3://flow-log-bucket/AWSLog');
    await expect(all(source.lines())).rejects.toThrow('no objects under this prefix (a prefix is matched from the start of the key');
  });
});

describe('enrich on what the stack itself writes', () => {
  it('passes enriched documents (NDJSON under flow-logs/) through unchanged, in order among raw records', async () => {
    const first = await runCliWith(['enrich'], `${flowLogLine({ srcport: '1' })}\n${flowLogLine({ srcport: '2' })}\n`);
    const [one, two] = first.stdout.trimEnd().split('\n');

    const again = await runCliWith(['enrich'], `${one ?? ''}\n${flowLogLine({ srcport: '3' })}\n${two ?? ''}\n`);

    expect(again.status).toBe(0);
    expect(again.stderr).toBe('');
    expect(ndjson(again.stdout).map((document) => document.srcport)).toStrictEqual([1, 3, 2]);
    expect(again.stdout.split('\n')[0]).toBe(one);
  });
});

describe('enrich waiting on a terminal', () => {
  it('says it reads standard input, so a command run without a file does not wait in silence', async () => {
    const { PassThrough } = await import('node:stream');
    const { runCli } = await import('../../../src/cli/main.js');
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    stdin.end(`${flowLogLine()}\n`);

    const status = await runCli(['enrich'], { stdin, stdout: new PassThrough(), stderr });

    expect(status).toBe(0);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('enrich: reading flow-log records from standard input (end with Ctrl-D); name a FILE or s3:// URL to read those instead\n');
  });
});

describe('enrich on CloudWatch Logs subscription payloads', () => {
  it('reads the Lambda event, the decoded payload and a gzipped payload, one per line, as the decorator does', async () => {
    const payload = { messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/vpc/flow-logs', logStream: 'eni-1-all', subscriptionFilters: ['all'], logEvents: [1, 2].map((port) => ({ id: String(port), timestamp: 0, message: flowLogLine({ srcport: String(port) }) })) };
    const control = { ...payload, messageType: 'CONTROL_MESSAGE', logEvents: [] };
    const event = JSON.stringify({ awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } });
    const files = temporaryDirectory();
    try {
      const gzipped = files.write('payload.json.gz', JSON.stringify(payload), { gzip: true });

      const fromEvent = await runCliWith(['enrich'], `${JSON.stringify(control)}\n${event}\n`);
      const fromDecoded = await runCliWith(['enrich'], `${JSON.stringify(payload)}\n`);
      const fromGzip = await runCliWith(['enrich', gzipped]);

      for (const run of [fromEvent, fromDecoded, fromGzip]) {
        expect(run).toMatchObject({ status: 0, stderr: '' });
        expect(ndjson(run.stdout).map((document) => document.srcport)).toStrictEqual([1, 2]);
      }
    } finally {
      files.remove();
    }
  });

  it('says what a subscription event is when it does not decode', async () => {
    const run = await runCliWith(['enrich'], `${JSON.stringify({ awslogs: { data: 'not base64!' } })}\n`);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe('<stdin>:1: a CloudWatch Logs subscription event that does not decode: the payload is not base64 text\n');
  });
});
