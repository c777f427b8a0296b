import { describe, expect, it } from 'vitest';
import { EXPOSED_SERVICE_PORTS, NON_PUBLIC_SOURCE_CIDRS } from '../../../src/domain/security-concepts.js';
import { flowLogMappingProperties, mappedLeafFields } from '../../../src/opensearch/field-mappings.js';
import {
  buildSavedObjects,
  dashboardUrl,
  MIGRATION_VERSIONS,
  SAVED_OBJECT_IDS,
  toSavedObjectsNdjson,
  type SavedObject,
} from '../../../src/opensearch/saved-objects.js';

const LEAVES = mappedLeafFields(flowLogMappingProperties());
/** Read back from the NDJSON, as Dashboards would, so the tests check what ships. */
const OBJECTS = toSavedObjectsNdjson(buildSavedObjects({ indexPattern: 'cwl-*' }))
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as SavedObject);

interface Aggregation {
  readonly type: string;
  readonly schema: string;
  readonly params: { readonly field?: string };
}
interface VisState {
  readonly title: string;
  readonly type: string;
  readonly aggs: readonly Aggregation[];
}

function byId(id: string): SavedObject {
  const object = OBJECTS.find((candidate) => candidate.id === id);
  if (object === undefined) throw new Error(`no saved object ${id}`);
  return object;
}

function visState(object: SavedObject): VisState {
  return JSON.parse(object.attributes.visState as string) as VisState;
}

function searchSource(object: SavedObject): { query: { query: string; language: string }; indexRefName?: string } {
  return JSON.parse((object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string; language: string }; indexRefName?: string };
}

/** Field names a DQL query uses: the identifiers before `:`, with quoted values (IPv6 CIDRs hold colons) removed first. */
function queryFields(query: string): string[] {
  return [...query.replace(/"[^"]*"/g, '""').matchAll(/([@\w.]+)\s*:/g)].map((match) => match[1] as string);
}

/** Every field an object refers to: aggregation fields, columns, sort fields, query fields, time field, field formats. */
function referencedFields(object: SavedObject): string[] {
  const fields: string[] = [];
  if (object.type === 'visualization') {
    fields.push(...visState(object).aggs.flatMap((agg) => (agg.params.field === undefined ? [] : [agg.params.field])));
  }
  if (object.type === 'search') {
    fields.push(...(object.attributes.columns as string[]), ...(object.attributes.sort as [string, string][]).map(([field]) => field));
  }
  if (object.type === 'visualization' || object.type === 'search') fields.push(...queryFields(searchSource(object).query.query));
  if (object.type === 'index-pattern') {
    fields.push(object.attributes.timeFieldName as string, ...Object.keys(JSON.parse(object.attributes.fieldFormatMap as string) as object));
  }
  return fields;
}

function panelsOf(dashboard: SavedObject): { gridData: { x: number; y: number; w: number; h: number }; panelRefName: string }[] {
  return JSON.parse(dashboard.attributes.panelsJSON as string) as { gridData: { x: number; y: number; w: number; h: number }; panelRefName: string }[];
}

function panelObjects(dashboard: SavedObject): SavedObject[] {
  return panelsOf(dashboard).map((panel) => {
    const reference = dashboard.references.find((candidate) => candidate.name === panel.panelRefName);
    return byId(reference?.id ?? 'missing');
  });
}

describe('buildSavedObjects', () => {
  it('gives every object a distinct id and the migration version of its type', () => {
    expect(new Set(OBJECTS.map((object) => object.id)).size).toBe(OBJECTS.length);
    expect(OBJECTS.filter((object) => object.migrationVersion[object.type] !== MIGRATION_VERSIONS[object.type])).toEqual([]);
  });

  it('resolves every reference to an object of the set, of the right type, listed before the object that uses it', () => {
    const unresolved = OBJECTS.flatMap((object, position) =>
      object.references
        .filter((reference) => OBJECTS.findIndex((candidate) => candidate.id === reference.id && candidate.type === reference.type) >= position || !OBJECTS.some((candidate) => candidate.id === reference.id && candidate.type === reference.type))
        .map((reference) => `${object.id} -> ${reference.type}/${reference.id}`),
    );

    expect(unresolved).toEqual([]);
  });

  it('names in every search source and every dashboard panel a reference that exists, and leaves no reference unused', () => {
    const problems = OBJECTS.flatMap((object) => {
      const names = object.references.map((reference) => reference.name);
      const used =
        object.type === 'dashboard'
          ? panelsOf(object).map((panel) => panel.panelRefName)
          : object.type === 'index-pattern'
            ? []
            : [searchSource(object).indexRefName ?? 'no indexRefName'];
      return [...used.filter((name) => !names.includes(name)).map((name) => `${object.id} uses missing ${name}`), ...names.filter((name) => !used.includes(name)).map((name) => `${object.id} does not use ${name}`)];
    });

    expect(problems).toEqual([]);
  });

  it('refers only to fields the mapping has, in every aggregation, column, sort, query and format', () => {
    const missing = OBJECTS.flatMap((object) => referencedFields(object).filter((field) => !LEAVES.has(field)).map((field) => `${object.id}: ${field}`));

    expect(OBJECTS.flatMap(referencedFields).length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });

  it('sums only numeric fields and grids only geo points', () => {
    const aggregations = OBJECTS.filter((object) => object.type === 'visualization').flatMap((object) => visState(object).aggs);

    const mismatched = aggregations.filter(
      (agg) => (agg.type === 'sum' && !['integer', 'long'].includes(LEAVES.get(agg.params.field ?? '')?.type ?? '')) || (agg.type === 'geohash_grid' && LEAVES.get(agg.params.field ?? '')?.type !== 'geo_point'),
    );

    expect(mismatched).toEqual([]);
  });

  it('makes the index pattern the given pattern, timed on @timestamp, with every mapped field typed for Dashboards', () => {
    const indexPattern = byId(SAVED_OBJECT_IDS.indexPattern);
    const fields = JSON.parse(indexPattern.attributes.fields as string) as { name: string; type: string; aggregatable: boolean }[];
    const typeOf = new Map(fields.map((field) => [field.name, field.type]));

    expect(indexPattern.attributes).toMatchObject({ title: 'cwl-*', timeFieldName: '@timestamp' });
    expect([...LEAVES.keys()].filter((name) => !typeOf.has(name))).toEqual([]);
    expect(['srcaddr', 'dstport', 'bytes', '@timestamp', 'start', 'src_geo.location', 'action'].map((name) => typeOf.get(name))).toEqual(['ip', 'number', 'number', 'date', 'date', 'geo_point', 'string']);
  });

  it('rebuilds the lab SGDashboard: network interfaces, destination ports, protocol and action pies, sources and the flows search', () => {
    const panels = panelObjects(byId(SAVED_OBJECT_IDS.sgDashboard));
    const views = panels.map((object) =>
      object.type === 'search' ? { search: object.attributes.columns } : { [visState(object).type]: visState(object).aggs.filter((agg) => agg.schema !== 'metric').map((agg) => agg.params.field) },
    );

    expect(views).toEqual([
      { table: ['interface_id'] },
      { table: ['dstport'] },
      { table: ['srcaddr'] },
      { pie: ['protocol_name'] },
      { pie: ['action'] },
      { search: ['interface_id', 'action', 'srcaddr', 'dstport', 'bytes', 'packets'] },
    ]);
  });

  it('shows traffic by security group, rejected flows by source and port, exposed ports and a map of public sources', () => {
    const panels = panelObjects(byId(SAVED_OBJECT_IDS.securityDashboard));
    const buckets = (object: SavedObject) => visState(object).aggs.filter((agg) => agg.schema !== 'metric').map((agg) => agg.params.field);

    expect(buckets(byId(SAVED_OBJECT_IDS.trafficBySecurityGroup))).toEqual(['security_group_ids', 'action']);
    expect(buckets(byId(SAVED_OBJECT_IDS.rejectedBySourceAndPort))).toEqual(['srcaddr', 'dstport']);
    expect(searchSource(byId(SAVED_OBJECT_IDS.rejectedBySourceAndPort)).query).toEqual({ query: 'action:REJECT', language: 'kuery' });
    expect(visState(byId(SAVED_OBJECT_IDS.publicSourcesMap))).toMatchObject({ type: 'tile_map', aggs: [{ type: 'count' }, { type: 'geohash_grid', params: { field: 'src_geo.location' } }] });
    expect(panels.map((object) => object.id)).toEqual(
      expect.arrayContaining([SAVED_OBJECT_IDS.trafficBySecurityGroup, SAVED_OBJECT_IDS.rejectedBySourceAndPort, SAVED_OBJECT_IDS.sensitivePortsFromInternet, SAVED_OBJECT_IDS.publicSourcesMap]),
    );
  });

  it('queries accepted inbound flows to SSH, RDP and database ports from sources outside private networks', () => {
    const query = searchSource(byId(SAVED_OBJECT_IDS.sensitivePortsFromInternet)).query.query;

    expect(query).toMatch(/^action:ACCEPT and direction:ingress and dstport:\((\d+ or )*\d+\) and not srcaddr:\(.*\)$/);
    expect(EXPOSED_SERVICE_PORTS.filter(({ port }) => !new RegExp(`[(\\s]${port}[\\s)]`).test(query))).toEqual([]);
    expect(NON_PUBLIC_SOURCE_CIDRS.filter((network) => !query.includes(`"${network}"`))).toEqual([]);
    expect(searchSource(byId(SAVED_OBJECT_IDS.sensitivePortsFromInternetSearch)).query.query).toBe(query);
  });

  it('shows per rule its hits per day, its first and last hit, the exposure attempts it allowed or would have allowed, and attribution outcomes', () => {
    const panels = panelObjects(byId(SAVED_OBJECT_IDS.ruleUsageDashboard));
    const aggregations = (object: SavedObject) => visState(object).aggs.map((agg) => `${agg.type}:${agg.params.field ?? ''}`);

    expect(panels.map((object) => object.id)).toEqual([SAVED_OBJECT_IDS.ruleHitsOverTime, SAVED_OBJECT_IDS.ruleLastHit, SAVED_OBJECT_IDS.rulesReachedOnExposedPorts, SAVED_OBJECT_IDS.ruleMatchOutcomes]);
    expect(aggregations(byId(SAVED_OBJECT_IDS.ruleHitsOverTime))).toEqual(['count:', 'date_histogram:@timestamp', 'terms:security_group_rule_ids']);
    expect(aggregations(byId(SAVED_OBJECT_IDS.ruleLastHit))).toEqual(['count:', 'min:@timestamp', 'max:@timestamp', 'terms:security_group_rule_ids']);
    expect(aggregations(byId(SAVED_OBJECT_IDS.rulesReachedOnExposedPorts))).toEqual(['count:', 'terms:security_group_rule_ids', 'terms:rule_match', 'terms:dstport']);
    expect(searchSource(byId(SAVED_OBJECT_IDS.ruleLastHit)).query.query).toBe('rule_match:matched');
    expect(byId(SAVED_OBJECT_IDS.ruleUsageDashboard).attributes).toMatchObject({ timeRestore: true, timeFrom: 'now-30d' });
  });

  it('counts exposure attempts per rule as the report does: matched or would_allow, inbound, from public sources, to an exposed port', () => {
    const query = searchSource(byId(SAVED_OBJECT_IDS.rulesReachedOnExposedPorts)).query.query;

    expect(query).toMatch(/^rule_match:\(matched or would_allow\) and direction:ingress and dstport:\((\d+ or )*\d+\) and not srcaddr:\(.*\)$/);
    expect(EXPOSED_SERVICE_PORTS.filter(({ port }) => !new RegExp(`[(\\s]${port}[\\s)]`).test(query))).toEqual([]);
    expect(NON_PUBLIC_SOURCE_CIDRS.filter((network) => !query.includes(`"${network}"`))).toEqual([]);
  });

  it('lays every dashboard out within the 48-column grid with no overlapping panels', () => {
    const dashboards = OBJECTS.filter((object) => object.type === 'dashboard');

    const problems = dashboards.flatMap((dashboard) => {
      const grid = panelsOf(dashboard).map((panel) => panel.gridData);
      const outside = grid.filter((cell) => cell.x < 0 || cell.x + cell.w > 48);
      const overlapping = grid.flatMap((a, i) => grid.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h));
      return [...outside, ...overlapping].map(() => dashboard.id);
    });

    expect(dashboards).toHaveLength(3);
    expect(problems).toEqual([]);
  });

  it('writes the configured index pattern into the index pattern object only', () => {
    const objects = buildSavedObjects({ indexPattern: 'flows-*' });

    expect(objects.filter((object) => JSON.stringify(object).includes('flows-*')).map((object) => object.id)).toEqual([SAVED_OBJECT_IDS.indexPattern]);
  });
});

describe('toSavedObjectsNdjson', () => {
  it('writes one JSON object per line, each ending in a newline', () => {
    const objects = buildSavedObjects({ indexPattern: 'cwl-*' });

    const text = toSavedObjectsNdjson(objects);

    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').slice(0, -1).map((line) => (JSON.parse(line) as SavedObject).id)).toEqual(objects.map((object) => object.id));
  });
});

describe('dashboardUrl', () => {
  it('links to the dashboard under the Dashboards base URL', () => {
    expect(dashboardUrl('https://search-flows.us-east-1.es.amazonaws.com/_dashboards/', 'vpc-flow-logs-sg-dashboard')).toBe(
      'https://search-flows.us-east-1.es.amazonaws.com/_dashboards/app/dashboards#/view/vpc-flow-logs-sg-dashboard',
    );
  });
});
