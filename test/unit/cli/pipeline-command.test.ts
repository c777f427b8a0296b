// `vpc-flow-log-appender pipeline` end to end on the bundled sample, checked against counts made
// here straight from the input files (gunzip and split, no project code), and its arguments.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePipelineArguments, pipelinePlan } from '../../../src/cli/pipeline-command.js';
import { parseReportArguments } from '../../../src/cli/report-command.js';
import { runCliWith, temporaryDirectory } from './cli-harness.js';

const EVENTS = 'events/sample/subscription-events';
const INVENTORY = 'events/sample/inventory/network-interfaces.json';

interface Payload {
  messageType: string;
  logGroup: string;
  logEvents: { message: string }[];
}

/** What the input says the run must produce, worked out without the project's parser. */
function expectationsFromInput() {
  const logGroups = (JSON.parse(readFileSync(join(EVENTS, 'log-groups.json'), 'utf8')) as { logGroups: Record<string, { format?: string }> }).logGroups;
  const files = readdirSync(EVENTS).filter((name) => name.endsWith('.json') && name !== 'log-groups.json');
  const payloads = files.map((name) => {
    const event = JSON.parse(readFileSync(join(EVENTS, name), 'utf8')) as { awslogs: { data: string } };
    return JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as Payload;
  });
  const valid: string[][] = [];
  const invalid: string[] = [];
  let headers = 0;
  for (const payload of payloads.filter((candidate) => candidate.messageType === 'DATA_MESSAGE')) {
    const fieldCount = (logGroups[payload.logGroup]?.format ?? '${a} '.repeat(14).trim()).split(' ').length;
    for (const { message } of payload.logEvents) {
      const fields = message.split(' ');
      const addressesOk = [fields[3], fields[4]].every((address) => address === '-' || address?.includes(':') || (address ?? '').split('.').every((octet) => Number(octet) <= 255));
      const portsOk = [fields[5], fields[6]].every((port) => port === '-' || /^\d+$/.test(port ?? ''));
      if (fields[0] === 'version') headers += 1;
      else if (fields.length === fieldCount && addressesOk && portsOk) valid.push(fields);
      else invalid.push(message);
    }
  }
  const groupOfInterface = new Map(
    (JSON.parse(readFileSync(INVENTORY, 'utf8')) as { NetworkInterfaces: { NetworkInterfaceId: string; Groups: { GroupId: string; GroupName: string }[] }[] }).NetworkInterfaces.map((eni) => [eni.NetworkInterfaceId, eni.Groups]),
  );
  const flowsPerGroup = new Map<string, number>();
  const rejectedPerSource = new Map<string, number>();
  for (const fields of valid) {
    for (const group of groupOfInterface.get(fields[2] ?? '') ?? []) flowsPerGroup.set(`${group.GroupId} ${group.GroupName}`, (flowsPerGroup.get(`${group.GroupId} ${group.GroupName}`) ?? 0) + 1);
    if (fields[12] === 'REJECT') rejectedPerSource.set(fields[3] ?? '', (rejectedPerSource.get(fields[3] ?? '') ?? 0) + 1);
  }
  return {
    events: payloads.length,
    controlMessages: payloads.filter((payload) => payload.messageType === 'CONTROL_MESSAGE').length,
    logEvents: valid.length + invalid.length + headers,
    valid,
    invalid,
    headers,
    flowsPerGroup,
    topRejected: [...rejectedPerSource.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0],
  };
}

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

const count = (value: number): string => value.toLocaleString('en-US');

describe('vpc-flow-log-appender pipeline --sample', () => {
  const directory = temporaryDirectory();
  const out = directory.path('out');
  const expected = expectationsFromInput();
  let run: Awaited<ReturnType<typeof runCliWith>>;

  beforeAll(async () => {
    // A previous run's output and a file of the user's own in the output folder.
    mkdirSync(join(out, 'delivered', 'old'), { recursive: true });
    writeFileSync(join(out, 'delivered', 'old', 'stale'), 'from a previous run\n');
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    run = await runCliWith(['pipeline', '--sample', '--out', out]);
  });
  afterAll(() => directory.remove());

  it('exits 0 and prints the totals the input implies', () => {
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Local pipeline: ${expected.events} CloudWatch Logs subscription events from ${EVENTS}`);
    expect(run.stdout).toContain(
      `Records: ${count(expected.logEvents)} log events in -> ${count(expected.logEvents)} put -> Ok ${count(expected.valid.length)}, ` +
        `Dropped ${expected.headers}, ProcessingFailed ${expected.invalid.length} -> ${count(expected.valid.length)} documents delivered`,
    );
    expect(run.stdout).toContain(`(${expected.controlMessages} control message, 0 failed)`);
  });

  it('says why the decorator failed records: the count per reason and the first examples with their record and line', () => {
    const reasons = run.stdout.slice(run.stdout.indexOf('Why the decorator failed records:'), run.stdout.indexOf('Output in'));
    const examples = reasons.split('\n').filter((line) => line.startsWith('  e.g. '));

    expect(reasons).toContain(`\n  ${expected.invalid.length} records with a line that does not parse\n`);
    expect(reasons).not.toContain('not decodable');
    expect(examples).toHaveLength(Math.min(expected.invalid.length, 5));
    for (const example of examples) expect(example).toMatch(/^ {2}e\.g\. vpc-flow-logs-[\w-]+: record \d+ \(\d+\) line 1: \S/);
    expect(examples.join('\n')).toContain('"port22" is not a non-negative integer');
  });

  it('has two log groups, malformed lines and a control message in the sample, so every path runs', () => {
    expect(expected.controlMessages).toBe(1);
    expect(expected.invalid.length).toBeGreaterThanOrEqual(3);
    expect(expected.headers).toBeGreaterThanOrEqual(1);
    expect(run.stdout).toContain('/vpc/flow-logs -> ingestor -> Firehose vpc-flow-logs-default -> decorator (default format)');
    expect(run.stdout).toContain('/vpc/flow-logs-v5 -> ingestor -> Firehose vpc-flow-logs-v5 -> decorator (custom format)');
  });

  it('writes one enriched JSON document a line for every valid record, in objects named as Firehose names them', () => {
    const files = filesUnder(join(out, 'delivered'));
    const documents = files.flatMap((file) =>
      readFileSync(join(out, 'delivered', file), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );

    expect(files.every((file) => /^\d{4}\/\d{2}\/\d{2}\/\d{2}\/vpc-flow-logs-(default|v5)-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}$/.test(file))).toBe(true);
    const key = (interfaceId: unknown, srcaddr: unknown, start: unknown): string => `${String(interfaceId)} ${String(srcaddr)} ${String(start)}`;
    expect(documents.map((document) => key(document.interface_id, document.srcaddr, document.start ?? '-')).sort()).toEqual(
      expected.valid.map((fields) => key(fields[2], fields[3] === '-' ? undefined : fields[3], fields[10] === '-' ? '-' : Number(fields[10]))).sort(),
    );
    expect(documents.filter((document) => document.version === 5 && document.flow_direction !== undefined && document.tcp_flags !== undefined).length).toBeGreaterThan(0);
    expect(documents.filter((document) => Array.isArray(document.security_group_ids)).length).toBe(documents.length);
  });

  it("writes every malformed line to processing-failed in Firehose's format, and nothing else", () => {
    const failed = filesUnder(join(out, 'processing-failed')).flatMap((file) =>
      readFileSync(join(out, 'processing-failed', file), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );

    expect(failed.map((record) => Buffer.from(String(record.rawData), 'base64').toString('utf8')).sort()).toEqual(expected.invalid.map((line) => `${line}\n`).sort());
    for (const record of failed) {
      expect(Object.keys(record)).toEqual(['attemptsMade', 'arrivalTimestamp', 'errorCode', 'errorMessage', 'attemptEndingTimestamp', 'rawData', 'lambdaArn']);
    }
  });

  it('counts flows per security group and the top rejected source as the input does', () => {
    for (const [group, flows] of expected.flowsPerGroup) {
      const [groupId, groupName] = group.split(' ');
      expect(run.stdout).toMatch(new RegExp(`${groupId} +${groupName} +${count(flows)}\\n`));
    }
    const [address, flows] = expected.topRejected ?? ['', 0];
    expect(run.stdout).toMatch(new RegExp(`Top rejected sources:\\n  ${address.replaceAll('.', '\\.')} +${flows} flows`));
  });

  it('says what to run next', () => {
    expect(run.stdout).toContain('opensearch setup');
    expect(run.stdout).toContain('report');
    expect(run.stdout).toContain('sam deploy --guided');
  });

  it("replaces the previous run's delivered/ and processing-failed/ and leaves the rest of the folder alone", () => {
    expect(existsSync(join(out, 'delivered', 'old', 'stale'))).toBe(false);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('writes the same files and summary on every run', async () => {
    const second = directory.path('second');

    const again = await runCliWith(['pipeline', '--out', second]);

    expect(again.stdout).toBe(run.stdout.replaceAll(out, second));
    const firstFiles = filesUnder(out).filter((file) => file !== 'notes.txt');
    expect(filesUnder(second)).toEqual(firstFiles);
    for (const file of firstFiles) expect(readFileSync(join(second, file), 'utf8')).toBe(readFileSync(join(out, file), 'utf8'));
  });
});

describe('pipelinePlan', () => {
  it('looks interfaces and rules up only with an inventory, geolocates only with a database', () => {
    expect(pipelinePlan({ events: 'captured', sample: false, out: 'out' })).toEqual({ interfaces: false, listRules: false, attributeRules: false, geolocation: { provider: 'none' } });
    expect(pipelinePlan({ events: 'captured', sample: false, out: 'out', inventory: 'inventory', geoDatabase: 'geo.mmdb' })).toEqual({
      interfaces: true,
      listRules: false,
      attributeRules: true,
      geolocation: { provider: 'mmdb', databasePath: 'geo.mmdb', cacheTtlSeconds: 86_400 },
    });
  });
});

describe('parsePipelineArguments', () => {
  it('runs the bundled sample with its inventory and geo database by default', () => {
    const options = parsePipelineArguments([]);

    expect(options).toMatchObject({ sample: true, out: 'out' });
    expect(options === 'help' ? '' : options.events).toMatch(/events[/\\]sample[/\\]subscription-events$/);
    expect(options === 'help' ? '' : options.inventory).toMatch(/events[/\\]sample[/\\]inventory$/);
    expect(options === 'help' ? '' : options.geoDatabase).toMatch(/geo-sample\.mmdb$/);
  });

  it('takes an events folder without the sample inventory or geolocation', () => {
    expect(parsePipelineArguments(['--events', 'captured', '--out', 'run'])).toEqual({ events: 'captured', sample: false, out: 'run' });
  });

  it('takes --inventory and --geo mmdb:PATH with --events', () => {
    expect(parsePipelineArguments(['--events', 'captured', '--inventory', 'inv', '--geo', 'mmdb:geo.mmdb'])).toMatchObject({ inventory: 'inv', geoDatabase: 'geo.mmdb' });
  });
});

describe('vpc-flow-log-appender pipeline arguments', () => {
  it.each([
    [['--sample', '--events', 'x'], '--sample and --events'],
    [['--geo', 'ipstack'], '--geo'],
    [['--bogus'], 'bogus'],
  ])('answers %j with exit status 2 and the synopsis', async (args, message) => {
    const run = await runCliWith(['pipeline', ...args]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: vpc-flow-log-appender pipeline');
  });

  it('answers an events folder that cannot be read with exit status 1 and one line, no usage: it is not a command-line mistake', async () => {
    const run = await runCliWith(['pipeline', '--events', 'no/such/folder']);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no/such/folder');
    expect(run.stderr).not.toContain('Usage:');
  });

  it('looks no interface up without --inventory: no document is flagged eni_not_found, and the report command it suggests parses as printed', async () => {
    const out = temporaryDirectory();
    try {
      const run = await runCliWith(['pipeline', '--events', 'events/sample/subscription-events', '--geo', 'none', '--out', out.path('run')]);
      const documents = filesUnder(join(out.path('run'), 'delivered')).flatMap((name) =>
        readFileSync(join(out.path('run'), 'delivered', name), 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      const suggested = /npm run --silent cli -- report (.*)$/m.exec(run.stdout)?.[1]?.split(' ') ?? [];

      expect(run.status).toBe(0);
      expect(documents.length).toBeGreaterThan(0);
      expect(documents.filter((document) => JSON.stringify(document.enrichment_issues ?? []).includes('eni_not_found'))).toEqual([]);
      expect(documents.some((document) => 'security_group_ids' in document)).toBe(false);
      expect(run.stdout).toContain('no --inventory: no interface was looked up');
      expect(run.stdout).toContain(`npm run --silent cli -- report ${out.path('run')}/delivered/*/*/*/*/* --live --format html`);
      expect(run.stdout).not.toMatch(/npm run cli --/);
      expect(parseReportArguments(suggested)).toMatchObject({ inventory: { live: true }, format: 'html' });
    } finally {
      out.remove();
    }
  });

  it('suggests the report with the inventory it was given', async () => {
    const out = temporaryDirectory();
    try {
      const run = await runCliWith(['pipeline', '--events', 'events/sample/subscription-events', '--inventory', 'events/sample/inventory', '--geo', 'none', '--out', out.path('run')]);
      const suggested = /npm run --silent cli -- report (.*)$/m.exec(run.stdout)?.[1]?.split(' ') ?? [];

      expect(run.status).toBe(0);
      expect(run.stdout).not.toContain('no --inventory');
      expect(parseReportArguments(suggested)).toMatchObject({ format: 'html' });
    } finally {
      out.remove();
    }
  });

  it('prints its usage for --help', async () => {
    const run = await runCliWith(['pipeline', '--help']);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--events DIR');
  });
});
