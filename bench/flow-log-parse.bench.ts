// Issue: parse a generated input of >= 100,000 lines in mixed formats; report lines/s and the
// ratio against a same-run baseline that only splits on whitespace and JSON.stringifies the tokens.
import { createFlowLogLineParser, parseFormatString, type FlowLogFormat } from '../src/flow-log/index.js';
import { measureInterleaved, report } from './measure.js';
import type { Benchmark } from './run.js';

const LINE_COUNT = 120_000;

interface Source {
  readonly format?: FlowLogFormat;
  readonly lines: string[];
}

function mustParse(text: string): FlowLogFormat {
  const parsed = parseFormatString(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const V5_FORMAT = mustParse(
  '${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status} ${flow-direction} ${traffic-path}',
);

/** Deterministic pseudo-random numbers, so every run parses the same input. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** The field order of the AWS "traffic path" example, delivered as an S3 file with a header line. */
const S3_HEADER =
  'version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status';
/** Concatenated S3 files repeat the header; one every this many lines of that source. */
const HEADER_EVERY_LINES = 5_000;

/**
 * Mixed input: default-format IPv4 (50%), IPv6 (20%) and NODATA/SKIPDATA (10%) records; v5
 * records in a --format custom format (10%); and v5 records in another order under S3 header
 * lines (10%), so header detection and format switching are measured too.
 */
function generate(): Source[] {
  const next = random(42);
  const int = (max: number): number => Math.floor(next() * max);
  const ipv4 = (): string => `10.${int(256)}.${int(256)}.${int(256)}`;
  const publicIpv4 = (): string => (next() < 0.5 ? `198.51.100.${int(256)}` : `203.0.113.${int(256)}`);
  const ipv6 = (): string => `2001:db8:${int(65536).toString(16)}::${int(65536).toString(16)}`;
  const eni = (): string => `eni-0${(int(200) + 0x1000).toString(16)}a1b2c3d4e5f6`;
  const defaults: string[] = [];
  const custom: string[] = [];
  const headed: string[] = [];
  for (let index = 0; index < LINE_COUNT; index += 1) {
    const start = 1_700_000_000 + int(86_400);
    const kind = index % 10;
    if (kind < 5) {
      defaults.push(`2 123456789012 ${eni()} ${ipv4()} ${ipv4()} ${int(65536)} ${int(1024)} 6 ${int(100)} ${int(100_000)} ${start} ${start + 60} ${next() < 0.8 ? 'ACCEPT' : 'REJECT'} OK`);
    } else if (kind < 7) {
      defaults.push(`2 123456789012 ${eni()} ${ipv6()} ${ipv6()} ${int(65536)} 443 6 ${int(100)} ${int(100_000)} ${start} ${start + 60} ACCEPT OK`);
    } else if (kind === 7) {
      defaults.push(`2 123456789012 ${eni()} - - - - - - - ${start} ${start + 60} - ${next() < 0.9 ? 'NODATA' : 'SKIPDATA'}`);
    } else if (kind === 8) {
      custom.push(
        `5 vpc-0a1b2c3d subnet-0a1b2c3d i-0a1b2c3d4e5f ${eni()} 123456789012 IPv4 ${ipv4()} ${ipv4()} ${int(65536)} 443 ${ipv4()} ${ipv4()} 6 ${int(100_000)} ${int(100)} ${start} ${start + 60} ACCEPT 19 OK egress ${1 + int(8)}`,
      );
    } else {
      if (headed.length % HEADER_EVERY_LINES === 0) headed.push(S3_HEADER);
      const peer = publicIpv4();
      const local = ipv4();
      headed.push(
        `5 ${peer} ${local} 443 ${int(65536)} 6 ${start} ${start + 60} IPv4 ${int(100)} ${int(100_000)} 123456789012 vpc-0a1b2c3d subnet-0a1b2c3d i-0a1b2c3d4e5f ${eni()} us-east-1 use1-az1 - - ACCEPT ${int(64)} ${peer} ${local} ${next() < 0.5 ? 'S3' : '-'} - - ingress OK`,
      );
    }
  }
  return [{ lines: defaults }, { format: V5_FORMAT, lines: custom }, { lines: headed }];
}

function baseline(sources: readonly Source[]): number {
  let size = 0;
  for (const source of sources) {
    for (const line of source.lines) size += JSON.stringify(line.split(/\s+/)).length;
  }
  return size;
}

function parseAll(sources: readonly Source[]): number {
  let size = 0;
  for (const source of sources) {
    const parser = createFlowLogLineParser(source.format === undefined ? {} : { format: source.format });
    for (const line of source.lines) {
      const outcome = parser.parse(line);
      if (outcome.kind === 'flow') size += JSON.stringify(outcome.document).length;
      else if (outcome.kind !== 'header') throw new Error(`benchmark input did not parse: ${line}`);
    }
  }
  return size;
}

const benchmark: Benchmark = {
  name: 'flow-log parser',
  async run() {
    const sources = generate();
    const lines = sources.reduce((sum, source) => sum + source.lines.length, 0);
    const { baselineMs: baseMs, subjectMs: oursMs, ratio } = await measureInterleaved(() => baseline(sources), () => parseAll(sources), { warmUp: 3, rounds: 11 });
    report({
      'lines (mixed formats)': lines,
      'baseline ms (split + stringify)': baseMs,
      'parser ms (parse + stringify)': oursMs,
      'parser lines/s': Math.round(lines / (oursMs / 1000)),
      'ratio parser/baseline (median of rounds)': ratio,
      'target ratio': '<= 2.0',
    });
  },
};
export default benchmark;
