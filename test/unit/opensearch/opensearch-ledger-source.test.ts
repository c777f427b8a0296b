import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compositePageBody, ledgerSearchParts, PEER_SLICES, planInterfacePartitions, totalsBody } from '../../../src/opensearch/ledger-queries.js';
import { createOpenSearchLedgerSource, OpenSearchLedgerError } from '../../../src/opensearch/opensearch-ledger-source.js';
import type { OpenSearchHttp, OpenSearchHttpResponse } from '../../../src/opensearch/opensearch-http.js';
import { createLedgerBuilder, type ReportFlow, type ReportLedger } from '../../../src/report/index.js';
import type { SecurityGroupRule } from '../../../src/ports.js';
import { reportFlow, reportRule } from '../../support/report-builders.js';
import { engineHttp, matchesFilter } from './ledger-aggregations-engine.js';

const RULES: readonly SecurityGroupRule[] = [
  reportRule({ rule_id: 'sgr-https', group_id: 'sg-web' }),
  reportRule({ rule_id: 'sgr-ssh', group_id: 'sg-web', from_port: 22, to_port: 22 }),
  reportRule({ rule_id: 'sgr-range', group_id: 'sg-app', from_port: 8000, to_port: 8100, peer: { kind: 'ipv4_cidr', cidr: '10.0.0.0/8' } }),
  reportRule({ rule_id: 'sgr-out', group_id: 'sg-app', direction: 'egress', protocol: '-1', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
  reportRule({ rule_id: 'sgr-unused', group_id: 'sg-app', from_port: 3306, to_port: 3306, peer: { kind: 'ipv4_cidr', cidr: '172.16.0.0/12' } }),
];

const flowArbitrary: fc.Arbitrary<ReportFlow> = fc
  .record({
    action: fc.constantFrom('ACCEPT', 'ACCEPT', 'REJECT'),
    interface: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined, freq: 8 }),
    peer: fc.constantFrom('203.0.113.10', '198.51.100.7', '52.1.2.3', '34.9.8.7', '10.1.2.3', '10.9.9.9', '2001:db8::1', '2600:1f18::5'),
    own: fc.constantFrom('10.0.1.5', '10.0.1.6'),
    dstport: fc.option(fc.constantFrom(22, 443, 8000, 8050, 0), { nil: undefined }),
    protocol: fc.option(fc.constantFrom(6, 17, 1), { nil: undefined }),
    bytes: fc.integer({ min: 0, max: 10_000 }),
    packets: fc.integer({ min: 1, max: 50 }),
    start: fc.option(fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 5 * 86_400 }), { nil: undefined }),
    length: fc.constantFrom(0, 60, 5_000, 20_000),
    direction: fc.option(fc.constantFrom('ingress' as const, 'egress' as const), { nil: undefined }),
    ruleMatch: fc.option(fc.constantFrom('matched', 'matched', 'would_allow', 'return_traffic', 'unmatched'), { nil: undefined }),
    ruleIds: fc.subarray(['sgr-https', 'sgr-ssh', 'sgr-range', 'sgr-out', 'sgr-gone'], { maxLength: 2 }),
    groups: fc.constantFrom(['sg-web'], ['sg-app'], ['sg-app', 'sg-web'], []),
  })
  .map((drawn) => {
    const inbound = drawn.direction !== 'egress';
    const flow: Record<string, unknown> = {
      ...reportFlow(),
      action: drawn.action,
      interface_id: drawn.interface === undefined ? undefined : `eni-0${drawn.interface}`,
      srcaddr: inbound ? drawn.peer : drawn.own,
      dstaddr: inbound ? drawn.own : drawn.peer,
      bytes: drawn.bytes,
      packets: drawn.packets,
      security_group_ids: drawn.groups,
      security_group_names: drawn.groups.map((group) => `name of ${group}`),
      security_group_rule_ids: drawn.ruleIds,
    };
    for (const [key, value] of Object.entries({ interface_id: flow.interface_id, dstport: drawn.dstport, protocol: drawn.protocol, direction: drawn.direction, rule_match: drawn.ruleMatch })) {
      if (value === undefined) delete flow[key];
      else flow[key] = value;
    }
    if (drawn.start === undefined) delete flow.start;
    else flow.start = drawn.start;
    flow.end = (drawn.start ?? 1_700_000_000) + drawn.length;
    return flow;
  });

/** Records, half of them seen twice: the same flow again, as a busy interface logs it. */
const recordsArbitrary = (minLength: number, maxLength: number): fc.Arbitrary<ReportFlow[]> =>
  fc.array(flowArbitrary, { minLength, maxLength }).map((flows) => [...flows, ...flows.slice(0, Math.ceil(flows.length / 2))]);

function streamLedger(flows: readonly ReportFlow[], limits = {}): ReportLedger {
  const builder = createLedgerBuilder({ rules: RULES, limits });
  for (const flow of flows) builder.add(flow);
  return builder.ledger();
}

/** The replay with each tuple naming its groups, sorted: the order producers meet tuples in is theirs. */
function comparable(ledger: ReportLedger): unknown {
  const tuples = ledger.replay.tuples.map((tuple) => ({ ...tuple, groups: ledger.replay.groupSets[tuple.groups] })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { ...ledger, replay: { tuples, flowsNotKept: ledger.replay.flowsNotKept } };
}

function answering(...responses: OpenSearchHttpResponse[]): OpenSearchHttp & { paths: string[] } {
  const paths: string[] = [];
  return {
    baseUrl: 'http://cluster.test',
    paths,
    send(request) {
      paths.push(request.path);
      const response = responses.shift();
      return response === undefined ? Promise.reject(new Error('no answer left')) : Promise.resolve(response);
    },
  };
}

describe('the OpenSearch ledger queries', () => {
  it('filter every query on the window by the records start, from inclusive, to exclusive', () => {
    // Act
    const body = compositePageBody('accepted', { from: 100, to: 200 }, undefined, undefined, 'ingress');
    // Assess
    expect(body.query.bool.filter[0]).toEqual({ range: { start: { gte: 100, lt: 200, format: 'epoch_second' } } });
    expect(totalsBody({ from: 100, to: 200 }).query.bool.filter).toEqual([{ range: { start: { gte: 100, lt: 200, format: 'epoch_second' } } }]);
  });

  it('read every document without a window, and count the totals exactly', () => {
    // Act
    const body = totalsBody(undefined);
    // Assess
    expect(body.query.bool.filter).toEqual([]);
    expect(body.track_total_hits).toBe(true);
  });

  it('ask a composite aggregation for the page after the given key, never for documents', () => {
    // Act
    const body = compositePageBody('talkers', undefined, { group: 'sg-1', peer: '10.0.0.1' }, 500, 'egress');
    // Assess
    expect(body.size).toBe(0);
    expect(body.aggs.page.composite).toMatchObject({ size: 500, after: { group: 'sg-1', peer: '10.0.0.1' } });
  });

  it('read the peer from a plain address field per slice of the records, with no script per record', () => {
    // Act
    const bodies = ledgerSearchParts().map((part) => ({ part, body: compositePageBody(part.name, undefined, undefined, undefined, part.slice) }));
    // Assess
    const peerFields = bodies.map(({ body }) => (body.aggs.page.composite.sources.find((source) => 'peer' in source) as { peer?: { terms?: { field?: string } } } | undefined)?.peer?.terms?.field);
    expect(new Set(peerFields)).toEqual(new Set(['pkt_srcaddr', 'srcaddr', 'pkt_dstaddr', 'dstaddr', undefined]));
    const scripted = bodies.filter(({ body }) => JSON.stringify(body).includes('painless')).map(({ part }) => part.name);
    expect(new Set(scripted)).toEqual(new Set(['accepted']));
    expect(JSON.stringify(bodies.map(({ body }) => body))).not.toMatch(/pkt_srcaddr'\]|doc\['direction'\]/);
  });

  it('put every record in exactly one peer slice of an aggregation with a peer', () => {
    fc.assert(
      fc.property(flowArbitrary, fc.boolean(), fc.boolean(), (flow, packetSource, packetDestination) => {
        // Prepare: packet addresses on some records, as behind a NAT gateway.
        const document = { ...flow, ...(packetSource ? { pkt_srcaddr: '192.0.2.1' } : {}), ...(packetDestination ? { pkt_dstaddr: '192.0.2.2' } : {}) };
        // Act
        const slices = Object.entries(PEER_SLICES).filter(([, slice]) => slice.filter.every((filter) => matchesFilter(document, filter)));
        // Assess
        expect(slices).toHaveLength(1);
      }),
    );
  });

  it('refuse a peer slice on an aggregation without a peer, and an aggregation with a peer without one', () => {
    // Act, Assess
    expect(() => compositePageBody('ruleDays', undefined, undefined, undefined, 'ingress')).toThrow(RangeError);
    expect(() => compositePageBody('accepted', undefined, undefined)).toThrow(RangeError);
    expect(() => compositePageBody('talkers', undefined, undefined, undefined, 'undirected')).toThrow(RangeError);
  });
});

describe('planInterfacePartitions', () => {
  it('groups consecutive interfaces up to the records a partition may hold, a larger interface alone, the records without one apart', () => {
    // Act
    const partitions = planInterfacePartitions([[null, 3], ['eni-a', 5], ['eni-b', 20], ['eni-c', 1], ['eni-d', 4]], 6);
    // Assess
    expect(partitions).toEqual([{ withoutInterface: true }, { first: 'eni-a', last: 'eni-a' }, { first: 'eni-b', last: 'eni-b' }, { first: 'eni-c', last: 'eni-d' }]);
  });

  it('covers every interface once, in order, whatever the counts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 30, maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (names, records, maxRecords) => {
        // Prepare
        const ids = [...names].sort();
        const counts = ids.map((id, index) => [id, records[index] ?? 1] as const);
        // Act
        const partitions = planInterfacePartitions(counts, maxRecords);
        // Assess
        const covered = partitions.flatMap((partition) => ('withoutInterface' in partition ? [] : ids.filter((id) => id >= partition.first && id <= partition.last)));
        expect(covered).toEqual(ids);
        for (const partition of partitions) {
          if ('withoutInterface' in partition) continue;
          const inside = counts.filter(([id]) => id >= partition.first && id <= partition.last);
          if (inside.length > 1) expect(inside.reduce((sum, [, count]) => sum + count, 0)).toBeLessThanOrEqual(maxRecords);
        }
      }),
    );
  });

  it('reads the aggregations whose keys grow with the estate a partition at a time, the others once', () => {
    // Prepare
    const partitions = planInterfacePartitions([['eni-a', 5], ['eni-b', 5]], 5);
    // Act
    const parts = ledgerSearchParts({ partitions, partitionRecords: 5 });
    // Assess
    expect(parts.filter((part) => part.name === 'accepted')).toHaveLength(5 * 2);
    expect(parts.filter((part) => part.name === 'interfaceHours')).toHaveLength(2);
    expect(parts.filter((part) => part.name === 'ruleTotals')).toEqual([{ name: 'ruleTotals' }]);
    const body = compositePageBody('interfaceHours', undefined, undefined, 10, undefined, partitions[1]);
    expect(body.query.bool.filter).toContainEqual({ range: { interface_id: { gte: 'eni-b', lte: 'eni-b' } } });
  });

  it('reads no part the totals counted no record in, and a part with no more records than a partition holds whole', () => {
    // Prepare
    const partitions = planInterfacePartitions([['eni-a', 5], ['eni-b', 5]], 5);
    const records = new Map([['accepted/ingress', 9], ['accepted/egress', 3], ['talkers/ingress', 0]]);
    // Act
    const parts = ledgerSearchParts({ partitions, partitionRecords: 5, records });
    // Assess
    expect(parts.filter((part) => part.name === 'accepted').map((part) => [part.slice, part.partition])).toEqual([
      ['ingressPacket', partitions[0]],
      ['ingressPacket', partitions[1]],
      ['ingress', partitions[0]],
      ['ingress', partitions[1]],
      ['egressPacket', partitions[0]],
      ['egressPacket', partitions[1]],
      ['egress', undefined],
      ['undirected', partitions[0]],
      ['undirected', partitions[1]],
    ]);
    expect(parts.filter((part) => part.name === 'talkers').map((part) => part.slice)).not.toContain('ingress');
  });

  it('count in the totals the records of every aggregation and peer slice, so that empty ones are not read', () => {
    // Act
    const filters = totalsBody(undefined).aggs.parts.filters.filters;
    // Assess
    expect(Object.keys(filters)).toEqual(ledgerSearchParts().map((part) => (part.slice === undefined ? part.name : `${part.name}/${part.slice}`)));
  });
});

describe('createOpenSearchLedgerSource', () => {
  it('gives the ledger the local stream builds from the same documents, whatever the documents', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArbitrary(0, 40), fc.integer({ min: 1, max: 7 }), async (flows, pageSize) => {
        // Act
        const ledger = await createOpenSearchLedgerSource({ http: engineHttp(flows), indexPattern: 'cwl-*', pageSize }).readLedger({ rules: RULES });
        // Assess
        expect(comparable(ledger)).toEqual(comparable(streamLedger(flows)));
      }),
      { numRuns: 60 },
    );
  });

  it('past the exact limits, gives the same distinct counts and the same flags as the stream', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArbitrary(15, 50), async (flows) => {
        // Prepare
        const limits = { exactDistinctLimit: 2, peerBlockLimit: 2, serviceLimit: 1 };
        // Act
        const ledger = await createOpenSearchLedgerSource({ http: engineHttp(flows), indexPattern: 'cwl-*', pageSize: 3 }).readLedger({ rules: RULES, limits });
        // Assess
        const stream = streamLedger(flows, limits);
        for (const [index, rule] of ledger.rules.entries()) {
          const expected = stream.rules[index];
          expect(rule.distinctPeers).toEqual(expected?.distinctPeers);
          expect(rule.publicPeers).toEqual(expected?.publicPeers);
          expect(rule.exposures).toEqual(expected?.exposures);
          expect(rule.peerBlocks.exact).toBe(expected?.peerBlocks.exact);
          expect(rule.services.exact).toBe(expected?.services.exact);
        }
        expect(ledger.totals).toEqual(stream.totals);
      }),
      { numRuns: 30 },
    );
  });

  it('pages each aggregation with the after_key of the page before, until a short page', async () => {
    // Prepare
    const flows = Array.from({ length: 7 }, (_, index) => reportFlow({ srcaddr: `203.0.113.${index + 1}`, direction: 'ingress', rule_match: 'matched', security_group_rule_ids: ['sgr-https'], security_group_ids: ['sg-web'] }));
    const http = engineHttp(flows);
    const source = createOpenSearchLedgerSource({ http, indexPattern: 'cwl-*', pageSize: 3 });
    // Act
    const ledger = await source.readLedger({ rules: RULES });
    // Assess
    expect(ledger.rules[0]?.distinctPeers).toEqual({ value: 7, exact: true });
    // Three pages of the slice of inbound peers without packet addresses; the other slices have no record and are not read.
    expect(source.statistics?.pages.accepted).toBe(3);
    const accepted = http.bodies.filter((body) => JSON.stringify(body).includes('"groups"') && JSON.stringify(body).includes('"field":"srcaddr"'));
    expect(accepted.map((body) => (body.aggs as { page: { composite: { after?: unknown } } }).page.composite.after)).toEqual([
      undefined,
      expect.objectContaining({ peer: '203.0.113.3' }),
      expect.objectContaining({ peer: '203.0.113.6' }),
    ]);
  });

  it('searches the index pattern given, commas and wildcards kept', async () => {
    // Prepare
    const http = answering({ status: 500, body: '{}' });
    // Act
    await expect(createOpenSearchLedgerSource({ http, indexPattern: 'cwl-*,old-flows' }).readLedger({ rules: RULES })).rejects.toThrow(OpenSearchLedgerError);
    // Assess
    expect(http.paths).toEqual(['/cwl-*,old-flows/_search']);
  });

  it('fails with the status and the reason when the cluster refuses a search', async () => {
    // Prepare
    const http = answering({ status: 403, body: '{"error":{"reason":"no permissions for [indices:data/read/search]"}}' });
    // Act
    const reading = createOpenSearchLedgerSource({ http, indexPattern: 'cwl-*' }).readLedger({ rules: RULES });
    // Assess
    await expect(reading).rejects.toThrow(/totals: POST http:\/\/cluster\.test\/cwl-\*\/_search: HTTP 403: .*no permissions/);
  });

  it('fails rather than give a partial ledger when a shard failed or the search timed out', async () => {
    // Prepare
    const totals = { hits: { total: { value: 1, relation: 'eq' } }, aggregations: { ruleMatch: { buckets: [] } } };
    const failedShard = answering({ status: 200, body: JSON.stringify({ ...totals, _shards: { total: 2, failed: 1, failures: [{ reason: 'circuit_breaking_exception' }] } }) });
    const timedOut = answering({ status: 200, body: JSON.stringify({ ...totals, timed_out: true }) });
    // Act
    const failed = createOpenSearchLedgerSource({ http: failedShard, indexPattern: 'cwl-*' }).readLedger({ rules: RULES });
    const late = createOpenSearchLedgerSource({ http: timedOut, indexPattern: 'cwl-*' }).readLedger({ rules: RULES });
    // Assess
    await expect(failed).rejects.toThrow(/1 shard\(s\) failed: .*circuit_breaking_exception/);
    await expect(late).rejects.toThrow(/timed out/);
  });

  it('fails on an answer it cannot read: no JSON, an estimated total, a page without buckets', async () => {
    // Prepare
    const totals = { hits: { total: { value: 1, relation: 'eq' } }, aggregations: { ruleMatch: { buckets: [] } } };
    const cases = [
      answering({ status: 200, body: '<html>' }),
      answering({ status: 200, body: JSON.stringify({ ...totals, hits: { total: { value: 10_000, relation: 'gte' } } }) }),
      answering({ status: 200, body: JSON.stringify(totals) }, { status: 200, body: JSON.stringify({ aggregations: { page: {} } }) }),
      answering(
        { status: 200, body: JSON.stringify({ ...totals, aggregations: { ...totals.aggregations, parts: { buckets: { 'accepted/ingress': { doc_count: 1 } } } } }) },
        { status: 200, body: JSON.stringify({ aggregations: { page: { buckets: [] } } }) },
        { status: 200, body: JSON.stringify({ aggregations: { page: {} } }) },
      ),
    ];
    // Act
    const readings = cases.map((http) => createOpenSearchLedgerSource({ http, indexPattern: 'cwl-*' }).readLedger({ rules: RULES }));
    // Assess
    await expect(readings[0]).rejects.toThrow(/no JSON object/);
    await expect(readings[1]).rejects.toThrow(/no exact hits.total/);
    await expect(readings[2]).rejects.toThrow(/interface counts: the answer has no composite buckets/);
    await expect(readings[3]).rejects.toThrow(/aggregation accepted \(ingressPacket peers\): the answer has no composite buckets/);
  });

  it('fails naming the request when no answer came', async () => {
    // Prepare
    const http = answering();
    // Act
    const reading = createOpenSearchLedgerSource({ http, indexPattern: 'cwl-*' }).readLedger({ rules: RULES });
    // Assess
    await expect(reading).rejects.toThrow(/totals: POST http:\/\/cluster\.test\/cwl-\*\/_search: no answer/);
  });
});
