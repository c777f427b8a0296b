// `enrich` on event files saved with indentation (events/*.json): a pretty-printed CloudWatch Logs
// subscription event or Firehose event reads as its one-line form does.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { joinMultiLineJsonObjects } from '../../../src/cli/concatenated-json.js';
import { flowLogLine } from '../../support/flow-log-builders.js';
import { ndjson, runCliWith, temporaryDirectory } from './cli-harness.js';

async function joined(lines: readonly (string | number)[]): Promise<(string | number)[]> {
  const out: (string | number)[] = [];
  async function* source(): AsyncGenerator<string | number> {
    for (const line of lines) yield await Promise.resolve(line);
  }
  for await (const line of joinMultiLineJsonObjects(source())) out.push(line);
  return out;
}

describe('joinMultiLineJsonObjects', () => {
  it('joins a pretty-printed object into one line at its first line, keeping the line count', async () => {
    const lines = ['{', '  "awslogs": {', '    "data": "a}b{c"', '  }', '}', 'after'];

    expect(await joined(lines)).toEqual(['{\n  "awslogs": {\n    "data": "a}b{c"\n  }\n}', '', '', '', '', 'after']);
  });

  it('passes records, blank lines, one-line JSON and whatever is not a line untouched', async () => {
    const lines = [flowLogLine(), '', '{"message":"x"}', 7, '  {"a":1}  '];

    expect(await joined(lines)).toEqual(lines);
  });

  it('gives back the lines of an object the input never closes, or of text that cannot be one object', async () => {
    expect(await joined(['{', '  "a": 1,', '  "b": 2'])).toEqual(['{', '  "a": 1,', '  "b": 2']);
    expect(await joined(['{ "a": {', '} } }', 'next'])).toEqual(['{ "a": {', '} } }', 'next']);
    expect(await joined(['{', '}', 'x'])).toEqual(['{\n}', '', 'x']);
  });
});

describe('vpc-flow-log-appender enrich on pretty-printed event files', () => {
  const directory = temporaryDirectory();
  afterAll(() => directory.remove());

  it.each([
    'events/ingestor/cloudwatch-logs-data-message.json',
    'events/decorator/firehose-direct-put.json',
    'events/decorator/firehose-cloudwatch-logs-envelopes.json',
    'events/decorator/firehose-from-ingestor.json',
  ])('reads %s as its one-line form, every record a document', async (file) => {
    const pretty = readFileSync(file, 'utf8');
    const compact = directory.write(file.replaceAll('/', '-'), `${JSON.stringify(JSON.parse(pretty))}\n`);

    const fromPretty = await runCliWith(['enrich', file]);
    const fromCompact = await runCliWith(['enrich', compact]);

    expect(pretty.split('\n').length).toBeGreaterThan(2);
    expect(fromPretty.stderr).toBe('');
    expect(fromPretty.status).toBe(0);
    expect(ndjson(fromPretty.stdout).length).toBeGreaterThan(0);
    expect(fromPretty.stdout).toBe(fromCompact.stdout);
  });

  it('reads a control message as no record, and keeps the line numbers of what follows a pretty object', async () => {
    const control = readFileSync('events/ingestor/cloudwatch-logs-control-message.json', 'utf8').trimEnd();
    const lineCount = control.split('\n').length;
    const file = directory.write('mixed.log', `${control}\n${flowLogLine()}\nnot a record\n`);

    const run = await runCliWith(['enrich', file]);

    expect(ndjson(run.stdout)).toHaveLength(1);
    expect(run.stderr).toContain(`${file}:${lineCount + 2}: `);
    expect(run.status).toBe(1);
  });
});
