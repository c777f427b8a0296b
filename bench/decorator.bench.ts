// Issue 3: the BUILT decorator on 22,000 records over 200 interfaces (about 2.4 MB of flow-log data:
// Firehose's largest Lambda buffer is 3 MB), EC2 answered by a loopback endpoint. Reports warm ms
// and records/s, EC2 calls on the first batch and on a repeat, response bytes, and the ratio
// against a same-run baseline on the same records: base64-decode, split, one Map look-up,
// JSON.stringify, base64-encode. Also the bundle size and the time to import it.
//
// Two deliveries of the same records: all in one invocation, as with a 3 MB buffer (enriched
// documents are about 2.5 times their line, so most of such a batch cannot fit Lambda's 6 MB
// response and goes back ProcessingFailed: nothing is lost, and the figure shows why the template
// keeps the buffer small), and in invocations of 4,000 records, as with the template's 0.5 MB
// buffer hint, where every record comes back Ok. The ratio is taken on the second, baseline and
// handler alternating round by round; the median of the per-round ratios is reported with its spread.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { MAX_EC2_FILTER_VALUES_PER_CALL } from '../src/adapters/ec2-client.js';
import { isObject, loadTemplate } from '../test/support/cloudformation.js';
import { ec2NetworkInterface, ec2SecurityGroupRule } from '../test/support/ec2-builders.js';
import { startEc2LoopbackServer } from '../test/support/ec2-loopback-server.js';
import { builtBundle, measureInterleaved, quietly, report, seededRandom, type Interleaved } from './measure.js';
import type { Benchmark } from './run.js';

const INTERFACES = 200;
export const RECORDS = 22_000;
/** Records per invocation with the template's 0.5 MB Lambda buffer hint (about 110 bytes a line). */
const RECORDS_PER_SMALL_BATCH = 4_000;

type Handler = (event: FirehoseTransformationEvent, context?: Context) => Promise<FirehoseTransformationResult>;

function interfaceId(index: number): string {
  return `eni-${index.toString(16).padStart(17, '0')}`;
}

export function transformationEvent(): FirehoseTransformationEvent {
  const next = seededRandom(7);
  const int = (max: number): number => Math.floor(next() * max);
  const records = Array.from({ length: RECORDS }, (_, index) => {
    const eni = int(INTERFACES);
    const local = `10.${eni >> 8}.${eni & 255}.10`;
    const remote = `${next() < 0.5 ? '198.51.100' : '203.0.113'}.${int(256)}`;
    const [src, dst] = next() < 0.5 ? [remote, local] : [local, remote];
    const start = 1_700_000_000 + int(600);
    const line = `2 123456789012 ${interfaceId(eni)} ${src} ${dst} ${int(65536)} ${[22, 80, 443, 3389][int(4)]} 6 ${1 + int(50)} ${40 + int(90_000)} ${start} ${start + 60} ${next() < 0.8 ? 'ACCEPT' : 'REJECT'} OK\n`;
    return {
      recordId: `4954698668313554428650745793632162567570019247115678515${String(index).padStart(7, '0')}`,
      approximateArrivalTimestamp: 1_700_000_700_000,
      data: Buffer.from(line).toString('base64'),
    };
  });
  const event = { invocationId: 'bench', deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/bench', region: 'us-east-1', records };
  // The Lambda runtime hands the handler JSON.parse of the request: flat strings, not the
  // concatenations built above (V8 reads a concatenation more slowly until it is flattened).
  return JSON.parse(JSON.stringify(event)) as FirehoseTransformationEvent;
}

export function inventory() {
  const networkInterfaces = Array.from({ length: INTERFACES }, (_, eni) =>
    ec2NetworkInterface({
      NetworkInterfaceId: interfaceId(eni),
      PrivateIpAddress: `10.${eni >> 8}.${eni & 255}.10`,
      PrivateIpAddresses: [{ PrivateIpAddress: `10.${eni >> 8}.${eni & 255}.10`, Primary: true }],
      Groups: [{ GroupId: `sg-${(eni % 20).toString(16).padStart(17, '0')}`, GroupName: `group-${eni % 20}` }],
    }),
  );
  const securityGroupRules = Array.from({ length: 20 }, (_, group) => [
    ec2SecurityGroupRule({ SecurityGroupRuleId: `sgr-${(group * 2).toString(16).padStart(17, '0')}`, GroupId: `sg-${group.toString(16).padStart(17, '0')}`, IsEgress: false }),
    ec2SecurityGroupRule({ SecurityGroupRuleId: `sgr-${(group * 2 + 1).toString(16).padStart(17, '0')}`, GroupId: `sg-${group.toString(16).padStart(17, '0')}`, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
  ]).flat();
  return { networkInterfaces, securityGroupRules };
}

/**
 * The NODE_OPTIONS template.yaml gives the decorator, so the handler is measured as it runs in
 * Lambda (the baseline runs in the same process, with the same options).
 */
function deployedNodeOptions(): string[] {
  const environment = loadTemplate().Resources['DecoratorFunction']?.Properties?.['Environment'];
  const variables = isObject(environment) ? environment['Variables'] : undefined;
  const nodeOptions = isObject(variables) ? variables['NODE_OPTIONS'] : undefined;
  return typeof nodeOptions === 'string' ? nodeOptions.split(/\s+/).filter((option) => option !== '') : [];
}

export const DEPLOYED_NODE_OPTIONS = deployedNodeOptions();

/** What a team would write with no validation or enrichment: the floor for this work. */
export function baseline(event: FirehoseTransformationEvent, interfaces: ReadonlyMap<string, string>): number {
  let bytes = 0;
  for (const record of event.records) {
    const fields = Buffer.from(record.data, 'base64').toString('utf8').trim().split(' ');
    const group = interfaces.get(fields[2] ?? '');
    bytes += Buffer.from(JSON.stringify({ fields, group })).toString('base64').length;
  }
  return bytes;
}

/** Cold import of the bundle in a fresh process, as a Lambda cold start does (median of 5). */
function importMilliseconds(bundle: string, environment: NodeJS.ProcessEnv): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(bundle).href)});console.log(performance.now()-t)`;
  const samples = Array.from({ length: 5 }, () =>
    Number(execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { env: environment, encoding: 'utf8' }).trim()),
  ).sort((a, b) => a - b);
  return samples[2] ?? Number.NaN;
}

function splitEvent(event: FirehoseTransformationEvent, size: number): FirehoseTransformationEvent[] {
  const events: FirehoseTransformationEvent[] = [];
  for (let start = 0; start < event.records.length; start += size) {
    events.push({ ...event, records: event.records.slice(start, start + size) });
  }
  return events;
}

/**
 * Bytes of enriched documents per byte of flow-log line, over the records that came back Ok (the
 * README's sizing of the Firehose buffer quotes it).
 */
function documentBytesPerLineByte(event: FirehoseTransformationEvent, results: FirehoseTransformationResult['records']): number {
  const inputBytes = new Map(event.records.map((record) => [record.recordId, Buffer.from(record.data, 'base64').length]));
  let lineBytes = 0;
  let documentBytes = 0;
  for (const record of results) {
    if (record.result !== 'Ok') continue;
    lineBytes += inputBytes.get(record.recordId) ?? 0;
    documentBytes += Buffer.from(record.data ?? '', 'base64').length;
  }
  return lineBytes === 0 ? Number.NaN : Math.round((documentBytes / lineBytes) * 100) / 100;
}

/** Seconds of one core the handler takes per million flows, from its warm ms for all records. */
function secondsPerMillion(warmMs: number): number {
  return Math.round(((warmMs / RECORDS) * 1_000_000) / 100) / 10;
}

/**
 * Lambda's GB-seconds per million flows at 1024 MB, the template's size: Lambda gives 1,769 MB one
 * vCPU and less memory a proportional share, so at 1024 MB a core's second takes 1769/1024 seconds.
 */
const LAMBDA_MB_PER_VCPU = 1769;
const DECORATOR_MEMORY_MB = 1024;
function gigabyteSecondsPerMillion(warmMs: number): number {
  return Math.round(secondsPerMillion(warmMs) * (LAMBDA_MB_PER_VCPU / DECORATOR_MEMORY_MB) * (DECORATOR_MEMORY_MB / 1024));
}

/**
 * The context Lambda gives the decorator: records that name no account or Region (the default
 * format names no Region) are looked up, and partitioned, in the function's own, as deployed.
 */
export function decoratorLambdaContext(region: string, accountId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'decorator',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:decorator`,
    memoryLimitInMB: '1024',
    awsRequestId: 'bench',
    logGroupName: '/aws/lambda/decorator',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 300_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Rounds after warm-up; each runs the baseline once and the handler over every small batch once. */
export const ROUNDS = 21;
const WARM_UP_ROUNDS = 2;

export async function runConfiguration(
  label: string,
  bundle: string,
  environment: Record<string, string>,
  event: FirehoseTransformationEvent,
  ec2Calls: () => number,
  baselineRound: () => unknown,
  /** The Lambda context each invocation gets; absent: none (the own account and Region then come from the client). */
  context?: Context,
) {
  Object.assign(process.env, environment);
  // A query string gives each configuration its own module instance: its own cold start and caches.
  const { handler } = (await import(`${pathToFileURL(bundle).href}?configuration=${label}`)) as { handler: Handler };
  const small = splitEvent(event, RECORDS_PER_SMALL_BATCH);
  const before = ec2Calls();
  const { result: firstSmall } = await quietly(async () => Promise.all(small.map((part) => handler(part, context))));
  const firstCalls = ec2Calls() - before;
  const beforeRepeat = ec2Calls();
  const { result: warm } = await quietly(() =>
    measureInterleaved(
      baselineRound,
      async () => {
        for (const part of small) await handler(part, context);
      },
      { warmUp: WARM_UP_ROUNDS, rounds: ROUNDS },
    ),
  );
  const repeatCalls = (ec2Calls() - beforeRepeat) / (WARM_UP_ROUNDS + ROUNDS);
  const { result: whole } = await quietly(() => handler(event, context));
  const tally = (records: FirehoseTransformationResult['records']) => {
    const results = { Ok: 0, Dropped: 0, ProcessingFailed: 0 };
    for (const record of records) results[record.result] += 1;
    return JSON.stringify(results);
  };
  return {
    warm,
    firstCalls,
    repeatCalls,
    smallResults: tally(firstSmall.flatMap((result) => result.records)),
    largestSmallResponseBytes: Math.max(...firstSmall.map((result) => JSON.stringify(result).length)),
    documentBytesPerLineByte: documentBytesPerLineByte(event, firstSmall.flatMap((result) => result.records)),
    wholeResults: tally(whole.records),
    wholeResponseBytes: JSON.stringify(whole).length,
  };
}

/** The built decorator's environment against a loopback EC2: fake credentials, no instance metadata. */
export function loopbackEnvironment(ec2Url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_EC2: ec2Url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

const benchmark: Benchmark = {
  name: 'decorator (built), EC2 on a loopback endpoint',
  nodeOptions: DEPLOYED_NODE_OPTIONS,
  async run() {
    const bundle = builtBundle('dist/decorator/index.js');
    const event = transformationEvent();
    const { networkInterfaces, securityGroupRules } = inventory();
    const server = await startEc2LoopbackServer({ networkInterfaces, securityGroupRules });
    const environment = loopbackEnvironment(server.url);
    const interfaceCalls = () => server.calls.filter((call) => call.action === 'DescribeNetworkInterfaces').length;
    const allCalls = () => server.calls.length;
    try {
      const groups = new Map(networkInterfaces.map((eni) => [eni.NetworkInterfaceId ?? '', eni.Groups?.[0]?.GroupId ?? '']));
      const baselineRound = () => baseline(event, groups);
      const plain = await runConfiguration('default', bundle, environment, event, interfaceCalls, baselineRound);
      const full = await runConfiguration(
        'rules-and-geo',
        bundle,
        { ...environment, SECURITY_GROUP_RULES: 'true', GEO_PROVIDER: 'mmdb', GEO_DATABASE_PATH: 'events/sample/geo-sample.mmdb' },
        event,
        allCalls,
        baselineRound,
      );
      const dataBytes = event.records.reduce((sum, record) => sum + Buffer.from(record.data, 'base64').length, 0);
      const spread = (run: Interleaved) => `${run.ratioMin.toFixed(2)} .. ${run.ratioMax.toFixed(2)} over ${ROUNDS} rounds`;
      report({
        'records': RECORDS,
        'distinct interfaces': INTERFACES,
        'flow-log data bytes': dataBytes,
        'baseline ms (decode, split, Map, stringify, encode)': plain.warm.baselineMs,
        [`default: warm ms for all records, ${RECORDS_PER_SMALL_BATCH} a batch`]: plain.warm.subjectMs,
        [`default: warm ms per ${RECORDS_PER_SMALL_BATCH}-record batch (mean)`]: (plain.warm.subjectMs * RECORDS_PER_SMALL_BATCH) / RECORDS,
        'default: records/s': Math.round(RECORDS / (plain.warm.subjectMs / 1000)),
        [`default: flow-log line bytes per ${RECORDS_PER_SMALL_BATCH}-record batch (mean)`]: Math.round((dataBytes * RECORDS_PER_SMALL_BATCH) / RECORDS),
        'default: seconds of one core per million flows': secondsPerMillion(plain.warm.subjectMs),
        'default: GB-seconds per million flows at 1024 MB': gigabyteSecondsPerMillion(plain.warm.subjectMs),
        'default: ratio warm/baseline (median of rounds)': plain.warm.ratio,
        'default: ratio spread': spread(plain.warm),
        'target ratio': '<= 2.0',
        'default: EC2 calls, first pass': plain.firstCalls,
        'target first pass ceil(interfaces/200)': Math.ceil(INTERFACES / MAX_EC2_FILTER_VALUES_PER_CALL),
        'default: EC2 calls per warm repeat': plain.repeatCalls,
        'default: results, small batches': plain.smallResults,
        'default: largest small-batch response bytes': plain.largestSmallResponseBytes,
        'default: enriched document bytes per flow-log line byte': plain.documentBytesPerLineByte,
        'default: results, one 22,000-record batch': plain.wholeResults,
        'default: response bytes, one 22,000-record batch': plain.wholeResponseBytes,
        'rules + mmdb geo: warm ms for all records': full.warm.subjectMs,
        'rules + mmdb geo: ratio warm/baseline (median of rounds)': full.warm.ratio,
        'rules + mmdb geo: seconds of one core per million flows': secondsPerMillion(full.warm.subjectMs),
        'rules + mmdb geo: GB-seconds per million flows at 1024 MB': gigabyteSecondsPerMillion(full.warm.subjectMs),
        'rules + mmdb geo: ratio spread': spread(full.warm),
        'rules + mmdb geo: EC2 calls, first pass': full.firstCalls,
        'rules + mmdb geo: EC2 calls per warm repeat': full.repeatCalls,
        'rules + mmdb geo: results, small batches': full.smallResults,
        'rules + mmdb geo: largest small-batch response bytes': full.largestSmallResponseBytes,
        'rules + mmdb geo: enriched document bytes per flow-log line byte': full.documentBytesPerLineByte,
        'node options (template.yaml NODE_OPTIONS)': DEPLOYED_NODE_OPTIONS.join(' ') || 'none',
        'bundle bytes (dist/decorator/index.js)': statSync(bundle).size,
        'cold import ms (fresh process, median of 5)': importMilliseconds(bundle, { ...process.env, ...environment }),
      });
    } finally {
      await server.close();
    }
  },
};
export default benchmark;
