// Conformance: every flow-log line of the public corpus (../shared/corpus/flowlogs, see its
// README) parses, and agrees with the expected outputs other parsers publish for it: their field
// values, mapped onto our names and types, not their schema.
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createFlowLogLineParser,
  DEFAULT_FORMAT,
  FLOW_LOG_FIELDS,
  formatFromFieldNames,
  parseFlowLogLine,
  splitRecordText,
  type FlowLogDocument,
  type FlowLogFormat,
  type LineOutcome,
} from '../../../src/flow-log/index.js';
import {
  corpusFiles,
  corpusIsPresent,
  CORPUS_DIR,
  HEADERLESS_FLOW_LOG_VERSIONS,
  IMPLAUSIBLE_TIME_FILES,
  missingCorpusMessage,
  NEGATIVE_FLOW_LOG_FILES,
  readCorpusJson,
  readCorpusText,
} from '../../support/corpus.js';

/** The fields of versions 2 up to `version` in the order of the AWS documentation table. */
function docTableFormat(version: number, extra: readonly string[] = []): FlowLogFormat {
  return formatFromFieldNames([...FLOW_LOG_FIELDS.filter((field) => field.version <= version).map((field) => field.name), ...extra]);
}

/** Formats of the corpus files that have no header line. */
const HEADERLESS_FORMATS: Readonly<Record<string, FlowLogFormat>> = Object.fromEntries(
  Object.entries(HEADERLESS_FLOW_LOG_VERSIONS).map(([path, version]) => [path, docTableFormat(version)]),
);

/** Files whose records must NOT parse: the OTel negative cases. */
const NEGATIVE_FILES = NEGATIVE_FLOW_LOG_FILES;

interface ParsedLine {
  readonly lineNumber: number;
  readonly text: string;
  readonly outcome: LineOutcome;
}

/** Parses a corpus file the way the CLI does: line by line, unwrapping, headers switching the format. */
function parseCorpusFile(path: string): ParsedLine[] {
  const format = HEADERLESS_FORMATS[path];
  const parser = createFlowLogLineParser(format === undefined ? {} : { format });
  return readCorpusText(path)
    .split('\n')
    .flatMap((rawLine, index) => splitRecordText(rawLine).map((text) => ({ lineNumber: index + 1, text, outcome: parser.parse(text) })));
}

function documentsOf(path: string): FlowLogDocument[] {
  return parseCorpusFile(path).flatMap(({ outcome }) => (outcome.kind === 'flow' ? [outcome.document] : []));
}

function mustParse(line: string, format: FlowLogFormat = DEFAULT_FORMAT): FlowLogDocument {
  const result = parseFlowLogLine(line, format);
  if (!result.ok) throw new Error(`${line}: ${result.error.message}`);
  return result.value;
}

/** A format from field names as AWS (hyphens) or VRL (underscores) writes them. */
function formatOfNames(names: string): FlowLogFormat {
  return formatFromFieldNames(
    names
      .trim()
      .split(/\s+/)
      .map((name) => FLOW_LOG_FIELDS.find((field) => field.key === name)?.name ?? name),
  );
}

function isoOf(unixSeconds: unknown): string {
  return new Date(Number(unixSeconds) * 1000).toISOString();
}

/**
 * Checks our document against another parser's expected values, already mapped to our keys:
 * `-`/null means "absent" (we omit the field), numbers compare as numbers, text as text. Returns
 * how many values were compared, so a test can tell it compared something.
 */
function expectAgreement(document: FlowLogDocument, expected: Readonly<Record<string, unknown>>, where: string): number {
  let compared = 0;
  for (const [key, value] of Object.entries(expected)) {
    if (value === null || value === '-') {
      expect(document, `${where}: ${key} is absent`).not.toHaveProperty(key);
    } else {
      expect(document[key], `${where}: ${key}`).toStrictEqual(value);
    }
    compared += 1;
  }
  return compared;
}

describe('the public flow-log corpus', () => {
  it(`is present (${CORPUS_DIR})`, () => {
    // Fails, never skips: without the corpus, the conformance suite would pass on nothing.
    expect(corpusIsPresent(), missingCorpusMessage()).toBe(true);
    expect(corpusFiles('flowlogs', '.log').length, missingCorpusMessage()).toBeGreaterThan(10);
  });
});

describe('every flow-log line of the corpus', () => {
  const logFiles = corpusFiles('flowlogs', '.log').filter((path) => !NEGATIVE_FILES.has(basename(path)) && !IMPLAUSIBLE_TIME_FILES.has(basename(path)));

  it.each(logFiles)('parses in %s', (path) => {
    const lines = parseCorpusFile(path);

    const invalid = lines.filter(({ outcome }) => outcome.kind === 'invalid').map(({ lineNumber, outcome }) => `${lineNumber}: ${outcome.kind === 'invalid' ? outcome.error.message : ''}`);
    expect(invalid).toStrictEqual([]);
    expect(lines.filter(({ outcome }) => outcome.kind === 'flow').length).toBeGreaterThan(0);
  });

  it.each(logFiles)('reads back every value of %s', (path) => {
    let format: FlowLogFormat = HEADERLESS_FORMATS[path] ?? DEFAULT_FORMAT;
    let compared = 0;

    for (const { text, outcome } of parseCorpusFile(path)) {
      if (outcome.kind === 'header') format = outcome.format;
      if (outcome.kind !== 'flow') continue;
      const values = text.trim().split(/\s+/);
      const expected = Object.fromEntries(format.fields.map((field, index) => [field.key, field.type === 'integer' && values[index] !== '-' ? Number(values[index]) : values[index]]));
      compared += expectAgreement(outcome.document, expected, `${path}: ${text}`);
    }

    expect(compared).toBeGreaterThan(0);
  });

  it.each([...NEGATIVE_FILES])('yields a field-count error for every record of %s', (name) => {
    const path = corpusFiles('flowlogs', name)[0] ?? `flowlogs/otel-collector-contrib/${name}`;

    const outcomes = parseCorpusFile(path).map(({ outcome }) => outcome);

    expect(outcomes.map((outcome) => outcome.kind)).toStrictEqual(['header', 'invalid']);
    expect(outcomes[1]).toMatchObject({ kind: 'invalid', error: { code: 'field_count', field: 'log-status' } });
  });

  it.each([...IMPLAUSIBLE_TIME_FILES])('fails every record of %s, whose start is decades before its end, naming both times', (name) => {
    const path = corpusFiles('flowlogs', name)[0] ?? `flowlogs/elastic-integrations/${name}`;

    const outcomes = parseCorpusFile(path).map(({ outcome }) => outcome);

    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ kind: 'invalid', error: { code: 'invalid_time', field: 'start', value: '164000066' } });
  });
});

interface AwsDocsExamples {
  readonly examples: readonly { readonly section: string; readonly format: string; readonly records: readonly string[] }[];
}

describe('the AWS documentation examples (aws-docs-flow-log-examples.json)', () => {
  const examples = corpusIsPresent() ? (readCorpusJson('flowlogs/aws-docs/aws-docs-flow-log-examples.json') as AwsDocsExamples).examples : [];

  it.each(examples.map((example) => [example.section, example] as const))('parses every record of "%s" in its format', (_, example) => {
    const format = formatOfNames(example.format);

    const documents = example.records.map((record) => mustParse(record, format));

    expect(documents).toHaveLength(example.records.length);
  });

  it('keeps the double space of the last TCP-flag record out of every value', () => {
    const example = examples.find((candidate) => candidate.section === 'TCP flag sequence');
    const record = example?.records.at(-1) ?? '';

    const document = mustParse(record, formatOfNames(example?.format ?? ''));

    expect(record).toContain('43638  10.0.0.62');
    expect(document).toMatchObject({ dstport: 43638, pkt_srcaddr: '10.0.0.62', tcp_flags: 19 });
  });
});

interface VrlDocsExamples {
  readonly examples: readonly { readonly title: string; readonly source: string; readonly return: Readonly<Record<string, unknown>> }[];
}

interface VrlTestVectors {
  readonly parse_ok_cases: readonly { readonly format_aws: string | null; readonly records: readonly string[] }[];
  readonly exact_expectations: readonly {
    readonly name: string;
    readonly value: string;
    readonly format_vrl_underscored: string | null;
    readonly expected: Readonly<Record<string, unknown>>;
  }[];
}

/** The record and format of a VRL example call: `parse_aws_vpc_flow_log!("<record>"[, [format:] "<format>"])`. */
function vrlCall(source: string): { record: string; format?: string } {
  const strings = [...source.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => JSON.parse(`"${match[1] ?? ''}"`) as string);
  const [record = '', format] = strings;
  return format === undefined ? { record } : { record, format };
}

describe('the Vector VRL expected outputs (vector-vrl/)', () => {
  const present = corpusIsPresent();
  const docs = present ? (readCorpusJson('flowlogs/vector-vrl/parse_aws_vpc_flow_log.docs-examples.json') as VrlDocsExamples).examples : [];
  const vectors = present ? (readCorpusJson('flowlogs/vector-vrl/parse_aws_vpc_flow_log.test-vectors.json') as VrlTestVectors) : { parse_ok_cases: [], exact_expectations: [] };

  it.each(docs.map((example) => [example.title, example] as const))('agrees with "%s" on every value', (_, example) => {
    const { record, format } = vrlCall(example.source);

    const document = mustParse(record, format === undefined ? DEFAULT_FORMAT : formatOfNames(format));

    expect(expectAgreement(document, example.return, example.title)).toBe(Object.keys(example.return).length);
    // VRL lists every field of the format; we add only protocol_name and @timestamp.
    const extra = Object.keys(document).filter((key) => !(key in example.return));
    expect(extra.every((key) => key === 'protocol_name' || key === '@timestamp')).toBe(true);
    if (typeof example.return.start === 'number') expect(document['@timestamp']).toBe(isoOf(example.return.start));
  });

  it.each(vectors.parse_ok_cases.map((group) => [group.format_aws ?? 'the default format', group] as const))('parses every test-vector record in %s', (_, group) => {
    const format = group.format_aws === null ? DEFAULT_FORMAT : formatOfNames(group.format_aws);

    const documents = group.records.map((record) => mustParse(record, format));

    expect(documents).toHaveLength(group.records.length);
  });

  it.each(vectors.exact_expectations.map((expectation) => [expectation.name, expectation] as const))('agrees with the exact expectation "%s"', (_, expectation) => {
    const format = expectation.format_vrl_underscored === null ? DEFAULT_FORMAT : formatOfNames(expectation.format_vrl_underscored);

    const document = mustParse(expectation.value, format);

    expect(expectAgreement(document, expectation.expected, expectation.name)).toBeGreaterThan(10);
  });
});

type Json = Readonly<Record<string, unknown>>;

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = typeof current === 'object' && current !== null ? (current as Json)[key] : undefined;
  return current;
}

/** Elastic ECS output mapped back to our keys and types; only the values Elastic took from the record. */
function fromElasticEcs(expected: Json): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  const put = (key: string, value: unknown, convert: (raw: unknown) => unknown = (raw) => raw): void => {
    if (value !== undefined) mapped[key] = value === '-' ? '-' : convert(value);
  };
  const vpcflow = (at(expected, 'aws', 'vpcflow') ?? {}) as Json;
  const renamed: Readonly<Record<string, string>> = { pkt_src_service: 'pkt_src_aws_service', pkt_dst_service: 'pkt_dst_aws_service' };
  const integers = new Set(['version', 'tcp_flags', 'traffic_path']);
  for (const [name, value] of Object.entries(vpcflow)) {
    if (name === 'sublocation' || name === 'tcp_flags_array') continue;
    put(renamed[name] ?? name, value, integers.has(name) ? Number : undefined);
  }
  put('srcaddr', at(expected, 'source', 'address'));
  put('srcport', at(expected, 'source', 'port'));
  put('dstaddr', at(expected, 'destination', 'address'));
  put('dstport', at(expected, 'destination', 'port'));
  put('bytes', at(expected, 'network', 'bytes'));
  put('packets', at(expected, 'network', 'packets'));
  put('protocol', at(expected, 'network', 'iana_number'), Number);
  put('flow_direction', at(expected, 'network', 'direction'));
  put('account_id', at(expected, 'cloud', 'account', 'id'));
  put('region', at(expected, 'cloud', 'region'));
  put('az_id', at(expected, 'cloud', 'availability_zone'));
  put('instance_id', at(expected, 'cloud', 'instance', 'id'));
  put('reject_reason', at(expected, 'event', 'reason'));
  put('ecs_cluster_arn', at(expected, 'orchestrator', 'cluster', 'id'));
  put('ecs_cluster_name', at(expected, 'orchestrator', 'cluster', 'name'));
  put('ecs_container_instance_id', at(expected, 'orchestrator', 'resource', 'id'));
  put('ecs_container_instance_arn', at(expected, 'orchestrator', 'resource', 'name'));
  put('ecs_service_name', at(expected, 'service', 'name'));
  return mapped;
}

describe('the Elastic expected outputs (elastic-integrations/*-expected.json)', () => {
  // Elastic keeps the record with the implausible start; we fail it (see IMPLAUSIBLE_TIME_FILES).
  const expectedFiles = corpusFiles('flowlogs/elastic-integrations', '-expected.json').filter((path) => !IMPLAUSIBLE_TIME_FILES.has(basename(path.replace(/-expected\.json$/, ''))));

  it.each(expectedFiles)('agrees with %s on every value Elastic took from the records', (path) => {
    const logPath = path.replace(/-expected\.json$/, '');
    const lines = parseCorpusFile(logPath).filter(({ outcome }) => outcome.kind === 'flow');
    const expected = at(readCorpusJson(path), 'expected') as readonly Json[];
    let compared = 0;

    expect(lines).toHaveLength(expected.length);
    expected.forEach((entry, index) => {
      const line = lines[index];
      const document = line?.outcome.kind === 'flow' ? line.outcome.document : {};
      expect(at(entry, 'event', 'original')).toBe(line?.text);
      compared += expectAgreement(document, fromElasticEcs(entry), `${path} #${index}`);
      // Elastic's @timestamp is the end time; ours is the start. Both times must agree.
      expect(isoOf(document.start)).toBe(at(entry, 'event', 'start'));
      expect(isoOf(document.end)).toBe(at(entry, 'event', 'end'));
      const transport = at(entry, 'network', 'transport');
      if (typeof transport === 'string') expect(document.protocol_name?.toLowerCase()).toBe(transport);
    });

    expect(compared).toBeGreaterThan(expected.length * 4);
  });
});

interface CloudWatchPayload {
  readonly logStream: string;
  readonly logEvents: readonly { readonly timestamp: number; readonly message: string }[];
}

describe('the OpenTelemetry CloudWatch Logs payloads (otel-collector-contrib/*.json)', () => {
  const present = corpusIsPresent();

  it('parses the default-format messages, each stamped with its event time and naming the stream ENI', () => {
    const payload = present ? (readCorpusJson('flowlogs/otel-collector-contrib/valid_vpc_flow_cw.json') as CloudWatchPayload) : { logStream: '', logEvents: [] };

    const documents = payload.logEvents.map((event) => mustParse(event.message));

    expect(documents).toHaveLength(2);
    payload.logEvents.forEach((event, index) => {
      // CloudWatch Logs stamps each event with the record's start.
      expect(documents[index]?.['@timestamp']).toBe(new Date(event.timestamp).toISOString());
      expect(documents[index]?.interface_id).toBe(payload.logStream);
    });
  });

  it('parses the four-field custom messages in their format', () => {
    const payload = present ? (readCorpusJson('flowlogs/otel-collector-contrib/valid_vpc_flow_cw_custom.json') as CloudWatchPayload) : { logStream: '', logEvents: [] };
    const format = formatOfNames('version interface-id srcaddr dstaddr');

    const documents = payload.logEvents.map((event) => mustParse(event.message, format));

    expect(documents).toStrictEqual([
      { version: 2, interface_id: 'eni-1235b8ca123456789', srcaddr: '172.31.16.139', dstaddr: '172.31.16.21' },
      { version: 2, interface_id: 'eni-1235b8ca123456789', srcaddr: '172.31.9.69', dstaddr: '172.31.9.12' },
    ]);
  });
});

describe('the czsergio enriched records (czsergio-enricher/)', () => {
  it('agree with the documents parsed from their derived log on every value', () => {
    const enriched = corpusIsPresent()
      ? readCorpusText('flowlogs/czsergio-enricher/VPC-FlowLog-sample-PUT-S3-2023-09-30-23-47-13-x.enriched.ndjson')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Readonly<Record<string, string>>)
      : [];

    const documents = documentsOf('flowlogs/czsergio-enricher/derived-v5-alphabetical-format.log');

    expect(documents).toHaveLength(190);
    expect(enriched).toHaveLength(documents.length);
    enriched.forEach((record, index) => {
      const document = documents[index] ?? {};
      const expected = Object.fromEntries(
        Object.entries(record)
          .filter(([name]) => name !== 'security-groups')
          .map(([name, text]) => {
            const field = FLOW_LOG_FIELDS.find((candidate) => candidate.name === name);
            return [field?.key ?? name, field?.type === 'integer' && text !== '-' ? Number(text) : text];
          }),
      );
      expectAgreement(document, expected, `record ${index + 1}`);
      expect(document.account_id).toBe('29nnnnnnnn55');
    });
  });
});
