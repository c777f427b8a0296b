// Writes events/sample/flow-logs.log, the bundled sample `npm start` enriches: an S3-style file of
// default-format VPC Flow Logs that we generate ourselves (no third-party data), deterministic so
// the committed file can be checked against this script.
//
//   npx tsx scripts/generate-sample-flow-logs.ts            # rewrite the sample
//   npx tsx scripts/generate-sample-flow-logs.ts --check    # exit 1 when the sample is stale
//
// Six interfaces in one account: two web servers, a bastion, an application server, a database
// and a Windows host. Public peers come from the documentation ranges (198.51.100.0/24,
// 203.0.113.0/24, 2001:db8::/32); the VPC is 10.0.0.0/16. Traffic: HTTPS in and out (IPv4 and
// IPv6), SSH to the bastion from an admin address (ACCEPT) and from scanners (REJECT), RDP probes
// (REJECT), DNS to a resolver, ICMP and ICMPv6, app-to-database traffic, and NODATA/SKIPDATA records.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/seeded-random.js';
import { runSampleGenerator } from './cloudwatch-logs-sample-events.js';

export const SAMPLE_PATH = 'events/sample/flow-logs.log';

const ACCOUNT = '123456789012';
/** 2026-06-01T08:00:00Z: the first capture window. */
const FIRST_WINDOW_START = 1_780_300_800;
const WINDOW_SECONDS = 60;
const WINDOWS = 60;

interface Interface {
  readonly id: string;
  readonly ipv4: string;
  readonly ipv6?: string;
  readonly role: 'web' | 'bastion' | 'app' | 'database' | 'windows';
}

const INTERFACES: readonly Interface[] = [
  { id: 'eni-0a1b2c3d4e5f60001', ipv4: '10.0.1.10', ipv6: '2001:db8:1234:a100::10', role: 'web' },
  { id: 'eni-0a1b2c3d4e5f60002', ipv4: '10.0.1.11', ipv6: '2001:db8:1234:a100::11', role: 'web' },
  { id: 'eni-0a1b2c3d4e5f60003', ipv4: '10.0.0.5', role: 'bastion' },
  { id: 'eni-0a1b2c3d4e5f60004', ipv4: '10.0.2.20', role: 'app' },
  { id: 'eni-0a1b2c3d4e5f60005', ipv4: '10.0.3.30', role: 'database' },
  { id: 'eni-0a1b2c3d4e5f60006', ipv4: '10.0.2.40', role: 'windows' },
];

const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
const ADMIN = '203.0.113.10';
const RESOLVER = '198.51.100.53';

/**
 * The sample's text: the header, then every record, one per line.
 *
 * @example generateSampleFlowLogs().split('\n')[0] // 'version account-id interface-id srcaddr ...'
 */
export function generateSampleFlowLogs(): string {
  const random = seededRandom(20260601);
  const integer = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const ephemeral = (): number => integer(32768, 60999);
  const publicPeer = (): string => (random() < 0.5 ? `198.51.100.${integer(1, 254)}` : `203.0.113.${integer(11, 254)}`);
  const ipv6Peer = (): string => `2001:db8:${integer(1, 0xffff).toString(16)}:${integer(0, 0xffff).toString(16)}::${integer(1, 0xffff).toString(16)}`;

  const lines = [HEADER];
  for (let window = 0; window < WINDOWS; window += 1) {
    const windowStart = FIRST_WINDOW_START + window * WINDOW_SECONDS;
    const record = (eni: Interface, source: string, destination: string, sourcePort: number | '-', destinationPort: number | '-', protocol: number, packets: number, bytesPerPacket: number, action: 'ACCEPT' | 'REJECT'): void => {
      const start = windowStart + integer(0, 20);
      const end = Math.min(start + integer(1, 59), windowStart + WINDOW_SECONDS + 30);
      lines.push(['2', ACCOUNT, eni.id, source, destination, sourcePort, destinationPort, protocol, packets, packets * bytesPerPacket, start, end, action, 'OK'].join(' '));
    };
    const noTraffic = (eni: Interface, status: 'NODATA' | 'SKIPDATA'): void => {
      lines.push(['2', ACCOUNT, eni.id, '-', '-', '-', '-', '-', '-', '-', windowStart, windowStart + WINDOW_SECONDS, '-', status].join(' '));
    };

    for (const eni of INTERFACES) {
      switch (eni.role) {
        case 'web': {
          // HTTPS from the internet and the replies, over IPv4 and IPv6.
          for (let flow = integer(3, 6); flow > 0; flow -= 1) {
            const peer = publicPeer();
            const port = ephemeral();
            const packets = integer(4, 60);
            record(eni, peer, eni.ipv4, port, 443, TCP, packets, integer(60, 120), 'ACCEPT');
            record(eni, eni.ipv4, peer, 443, port, TCP, packets + integer(0, 10), integer(300, 1400), 'ACCEPT');
          }
          if (eni.ipv6 !== undefined) {
            for (let flow = integer(1, 3); flow > 0; flow -= 1) {
              const peer = ipv6Peer();
              const port = ephemeral();
              record(eni, peer, eni.ipv6, port, 443, TCP, integer(4, 40), integer(80, 140), 'ACCEPT');
              record(eni, eni.ipv6, peer, 443, port, TCP, integer(4, 40), integer(400, 1400), 'ACCEPT');
            }
            if (random() < 0.3) record(eni, ipv6Peer(), eni.ipv6, 0, 0, ICMPV6, integer(1, 4), 104, 'ACCEPT');
          }
          // Calls to the application server.
          record(eni, eni.ipv4, '10.0.2.20', ephemeral(), 8080, TCP, integer(10, 80), integer(200, 900), 'ACCEPT');
          if (random() < 0.2) record(eni, publicPeer(), eni.ipv4, ephemeral(), 22, TCP, integer(1, 3), 60, 'REJECT');
          break;
        }
        case 'bastion': {
          if (random() < 0.5) {
            const port = ephemeral();
            record(eni, ADMIN, eni.ipv4, port, 22, TCP, integer(20, 200), integer(60, 200), 'ACCEPT');
            record(eni, eni.ipv4, ADMIN, 22, port, TCP, integer(20, 200), integer(80, 600), 'ACCEPT');
          }
          // SSH scanners.
          for (let probe = integer(1, 5); probe > 0; probe -= 1) record(eni, publicPeer(), eni.ipv4, ephemeral(), 22, TCP, integer(1, 3), 60, 'REJECT');
          if (random() < 0.3) record(eni, publicPeer(), eni.ipv4, 0, 0, ICMP, integer(1, 4), 84, 'REJECT');
          break;
        }
        case 'app': {
          record(eni, eni.ipv4, '10.0.3.30', ephemeral(), 5432, TCP, integer(10, 120), integer(100, 700), 'ACCEPT');
          record(eni, '10.0.3.30', eni.ipv4, 5432, ephemeral(), TCP, integer(10, 120), integer(200, 1400), 'ACCEPT');
          const port = ephemeral();
          record(eni, eni.ipv4, RESOLVER, port, 53, UDP, integer(1, 4), integer(60, 80), 'ACCEPT');
          record(eni, RESOLVER, eni.ipv4, 53, port, UDP, integer(1, 4), integer(80, 300), 'ACCEPT');
          if (random() < 0.2) record(eni, eni.ipv4, '10.0.3.30', ephemeral(), 3306, TCP, 2, 60, 'REJECT');
          break;
        }
        case 'database': {
          if (random() < 0.6) noTraffic(eni, 'NODATA');
          else record(eni, '10.0.2.20', eni.ipv4, ephemeral(), 5432, TCP, integer(10, 120), integer(100, 700), 'ACCEPT');
          break;
        }
        case 'windows': {
          // RDP probes from the internet, and the host's own HTTPS downloads.
          for (let probe = integer(0, 4); probe > 0; probe -= 1) record(eni, publicPeer(), eni.ipv4, ephemeral(), 3389, TCP, integer(1, 3), 52, 'REJECT');
          if (random() < 0.5) {
            const peer = publicPeer();
            const port = ephemeral();
            record(eni, eni.ipv4, peer, port, 443, TCP, integer(10, 40), integer(80, 200), 'ACCEPT');
            record(eni, peer, eni.ipv4, 443, port, TCP, integer(20, 400), integer(900, 1400), 'ACCEPT');
          }
          if (window % 40 === 17) noTraffic(eni, 'SKIPDATA');
          break;
        }
      }
    }
    if (window % 30 === 29) noTraffic(pick(INTERFACES), 'SKIPDATA');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The sample's record lines, without the header line, in file order.
 *
 * @example sampleRecordLines()[0].split(' ')[2] // 'eni-0a1b2c3d4e5f60001'
 */
export function sampleRecordLines(): string[] {
  return generateSampleFlowLogs().trimEnd().split('\n').slice(1);
}

function writeSample(): void {
  const text = generateSampleFlowLogs();
  writeFileSync(SAMPLE_PATH, text);
  process.stdout.write(`${SAMPLE_PATH}: ${text.split('\n').length - 2} records\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSampleGenerator(process.argv, {
    script: 'scripts/generate-sample-flow-logs.ts',
    stale: () => (readFileSync(SAMPLE_PATH, 'utf8') === generateSampleFlowLogs() ? [] : [SAMPLE_PATH]),
    write: writeSample,
  });
}
