import { EXPOSED_SERVICE_PORTS, EXPOSURE_FLOWS, NON_PUBLIC_SOURCE_CIDRS, TOP_REJECTED_SOURCES } from '../domain/security-concepts.js';
import { OutputSchema } from '../output-schema/output-schema.js';
import { DASHBOARD_FIELDS, type DashboardFields } from './dashboard-fields.js';
import { indexPatternFields } from './index-pattern-fields.js';
import { schemaMappingProperties } from './index-template.js';

/** The saved-object types this project ships. */
export const SavedObjectType = {
  IndexPattern: 'index-pattern',
  Visualization: 'visualization',
  Search: 'search',
  Dashboard: 'dashboard',
} as const;
export type SavedObjectType = (typeof SavedObjectType)[keyof typeof SavedObjectType];

/**
 * The newest migration each type has in OpenSearch Dashboards 1.x and 2.x (its saved-object
 * migrations stop at the Kibana 7.10 fork). Declaring them means Dashboards stores our objects as
 * sent instead of migrating them, so a later run finds exactly what it installed; a version newer
 * than the server knows would make the import fail, hence `search` stays at 7.4.0, the newest
 * every release has.
 */
export const MIGRATION_VERSIONS: Readonly<Record<SavedObjectType, string>> = {
  'index-pattern': '7.6.0',
  visualization: '7.10.0',
  search: '7.4.0',
  dashboard: '7.9.3',
};

export interface SavedObjectReference {
  readonly name: string;
  readonly type: SavedObjectType;
  readonly id: string;
}

/** One line of a saved-objects NDJSON file, as `POST /api/saved_objects/_import` takes it. */
export interface SavedObject {
  readonly type: SavedObjectType;
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly references: readonly SavedObjectReference[];
  readonly migrationVersion: Readonly<Record<string, string>>;
}

/** Ids of the objects, fixed so a re-run overwrites rather than duplicates, and links stay valid. */
export const SAVED_OBJECT_IDS = {
  indexPattern: 'vpc-flow-logs-index-pattern',
  flowsSearch: 'vpc-flow-logs-flows',
  networkInterfaces: 'vpc-flow-logs-network-interfaces',
  destinationPorts: 'vpc-flow-logs-destination-ports',
  protocols: 'vpc-flow-logs-protocols',
  actions: 'vpc-flow-logs-actions',
  sources: 'vpc-flow-logs-sources',
  sgDashboard: 'vpc-flow-logs-sg-dashboard',
  trafficBySecurityGroup: 'vpc-flow-logs-traffic-by-security-group',
  flowsBySecurityGroupName: 'vpc-flow-logs-flows-by-security-group-name',
  rejectedBySourceAndPort: 'vpc-flow-logs-rejected-by-source-and-port',
  sensitivePortsFromInternet: 'vpc-flow-logs-sensitive-ports-from-internet',
  sensitivePortsFromInternetSearch: 'vpc-flow-logs-sensitive-ports-from-internet-flows',
  publicSourcesMap: 'vpc-flow-logs-public-sources-map',
  securityDashboard: 'vpc-flow-logs-security-dashboard',
  ruleHitsOverTime: 'vpc-flow-logs-rule-hits-over-time',
  ruleLastHit: 'vpc-flow-logs-rule-last-hit',
  rulesReachedOnExposedPorts: 'vpc-flow-logs-rules-reached-on-exposed-ports',
  ruleMatchOutcomes: 'vpc-flow-logs-rule-match-outcomes',
  ruleUsageDashboard: 'vpc-flow-logs-rule-usage-dashboard',
} as const;

/** The DQL queries of the views (see viewQueries). */
export interface ViewQueries {
  readonly rejected: string;
  readonly sensitivePortsFromInternet: string;
  /** Accepted initiating flows, each counted for every rule that allowed it: the report's rule hits. */
  readonly ruleHits: string;
  /**
   * Flows from public sources to an exposed port that a rule allowed (`matched`) or would have
   * allowed had the network ACL not stopped them (`would_allow`): the report's exposure attempts.
   */
  readonly rulesReachedOnExposedPorts: string;
}

/**
 * DQL (`kuery`) queries of the views in a schema's field names, written from the definitions in
 * src/domain/security-concepts.ts. A query cannot call isPublicAddress, so the non-public
 * networks are spelled out as CIDR terms, which OpenSearch matches against `ip` fields.
 *
 * @example viewQueries(DASHBOARD_FIELDS.ecs).rejected // 'event.action:reject'
 */
export function viewQueries(fields: DashboardFields): ViewQueries {
  const actionIs = (action: keyof DashboardFields['action']['values']): string => `${fields.action.field}:${fields.action.values[action]}`;
  const inbound = `${fields.direction.field}:${fields.direction.values[EXPOSURE_FLOWS.direction]}`;
  const toExposedPort = `${fields.destinationPort}:(${EXPOSED_SERVICE_PORTS.map(({ port }) => port).join(' or ')})`;
  const fromPublicSource = `not ${fields.sourceAddress}:(${NON_PUBLIC_SOURCE_CIDRS.map((network) => `"${network}"`).join(' or ')})`;
  return {
    rejected: actionIs(TOP_REJECTED_SOURCES.action),
    sensitivePortsFromInternet: [actionIs(EXPOSURE_FLOWS.action), inbound, toExposedPort, fromPublicSource].join(' and '),
    ruleHits: `${fields.ruleMatch}:matched`,
    rulesReachedOnExposedPorts: [`${fields.ruleMatch}:(matched or would_allow)`, inbound, toExposedPort, fromPublicSource].join(' and '),
  };
}

const TITLE_PREFIX = 'VPC Flow Logs - ';
const INDEX_REF_NAME = 'kibanaSavedObjectMeta.searchSourceJSON.index';
/** The Kibana API version OpenSearch Dashboards reports; panels of this version need no client-side migration. */
const PANEL_VERSION = '7.10.2';
/** Dashboards lay panels on a grid 48 units wide. */
const DASHBOARD_GRID_COLUMNS = 48;

interface Aggregation {
  readonly id: string;
  readonly enabled: true;
  readonly type: string;
  readonly schema: string;
  readonly params: Readonly<Record<string, unknown>>;
}

function count(id: string): Aggregation {
  return { id, enabled: true, type: 'count', schema: 'metric', params: {} };
}

function sum(id: string, field: string, customLabel: string): Aggregation {
  return { id, enabled: true, type: 'sum', schema: 'metric', params: { field, customLabel } };
}

/** The latest (`max`) or earliest (`min`) value of a date field. */
function dateMetric(id: string, type: 'max' | 'min', field: string, customLabel: string): Aggregation {
  return { id, enabled: true, type, schema: 'metric', params: { field, customLabel } };
}

/** Buckets of one UTC day on the time field: the report's hits by day. */
function dailyHistogram(id: string, field: string): Aggregation {
  return {
    id,
    enabled: true,
    type: 'date_histogram',
    schema: 'segment',
    params: { field, useNormalizedOpenSearchInterval: true, scaleMetricValues: false, interval: 'd', drop_partials: false, min_doc_count: 1, extended_bounds: {}, customLabel: 'Day' },
  };
}

function terms(id: string, schema: 'bucket' | 'segment' | 'group', field: string, size: number, customLabel: string): Aggregation {
  return {
    id,
    enabled: true,
    type: 'terms',
    schema,
    params: {
      field,
      size,
      order: 'desc',
      orderBy: '1',
      otherBucket: false,
      otherBucketLabel: 'Other',
      missingBucket: false,
      missingBucketLabel: 'Missing',
      customLabel,
    },
  };
}

function geohashGrid(id: string, field: string): Aggregation {
  return {
    id,
    enabled: true,
    type: 'geohash_grid',
    schema: 'segment',
    params: { field, autoPrecision: true, precision: 2, useGeocentroid: true, isFilteredByCollar: true },
  };
}

function searchSourceJson(query: string, withIndex: boolean): string {
  return JSON.stringify({
    query: { query, language: 'kuery' },
    filter: [],
    ...(withIndex && { indexRefName: INDEX_REF_NAME }),
  });
}

const INDEX_PATTERN_REFERENCE: SavedObjectReference = { name: INDEX_REF_NAME, type: SavedObjectType.IndexPattern, id: SAVED_OBJECT_IDS.indexPattern };

interface VisualizationSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly type: 'table' | 'pie' | 'tile_map' | 'histogram';
  readonly params: Readonly<Record<string, unknown>>;
  readonly aggs: readonly Aggregation[];
  readonly query?: string;
}

function visualization(spec: VisualizationSpec): SavedObject {
  const title = `${TITLE_PREFIX}${spec.title}`;
  return {
    type: SavedObjectType.Visualization,
    id: spec.id,
    attributes: {
      title,
      description: spec.description,
      visState: JSON.stringify({ title, type: spec.type, aggs: spec.aggs, params: spec.params }),
      uiStateJSON: '{}',
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: searchSourceJson(spec.query ?? '', true) },
    },
    references: [INDEX_PATTERN_REFERENCE],
    migrationVersion: { visualization: MIGRATION_VERSIONS.visualization },
  };
}

const TABLE_PARAMS = {
  perPage: 10,
  showPartialRows: false,
  showMetricsAtAllLevels: false,
  showTotal: false,
  totalFunc: 'sum',
  percentageCol: '',
  sort: { columnIndex: null, direction: null },
} as const;

const PIE_PARAMS = {
  type: 'pie',
  addTooltip: true,
  addLegend: true,
  legendPosition: 'right',
  isDonut: true,
  labels: { show: false, values: true, last_level: true, truncate: 100 },
} as const;

/** Vertical bars stacked by the split series, as Dashboards' "Vertical bar" editor saves them. */
const HISTOGRAM_PARAMS = {
  type: 'histogram',
  grid: { categoryLines: false },
  categoryAxes: [{ id: 'CategoryAxis-1', type: 'category', position: 'bottom', show: true, style: {}, scale: { type: 'linear' }, labels: { show: true, filter: true, truncate: 100 }, title: {} }],
  valueAxes: [
    {
      id: 'ValueAxis-1',
      name: 'LeftAxis-1',
      type: 'value',
      position: 'left',
      show: true,
      style: {},
      scale: { type: 'linear', mode: 'normal' },
      labels: { show: true, rotate: 0, filter: false, truncate: 100 },
      title: { text: 'Flows' },
    },
  ],
  seriesParams: [{ show: true, type: 'histogram', mode: 'stacked', data: { label: 'Flows', id: '1' }, valueAxis: 'ValueAxis-1', drawLinesBetweenPoints: true, lineWidth: 2, showCircles: true }],
  addTooltip: true,
  addLegend: true,
  legendPosition: 'right',
  times: [],
  addTimeMarker: false,
  labels: { show: false },
  thresholdLine: { show: false, value: 10, width: 1, style: 'full', color: '#E7664C' },
} as const;

function table(spec: Omit<VisualizationSpec, 'type' | 'params'>): SavedObject {
  return visualization({ ...spec, type: 'table', params: TABLE_PARAMS });
}

function pie(spec: Omit<VisualizationSpec, 'type' | 'params'>): SavedObject {
  return visualization({ ...spec, type: 'pie', params: PIE_PARAMS });
}

function savedSearch(spec: { id: string; title: string; description: string; columns: readonly string[]; timeField: string; query?: string }): SavedObject {
  return {
    type: SavedObjectType.Search,
    id: spec.id,
    attributes: {
      title: `${TITLE_PREFIX}${spec.title}`,
      description: spec.description,
      hits: 0,
      columns: spec.columns,
      sort: [[spec.timeField, 'desc']],
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: searchSourceJson(spec.query ?? '', true) },
    },
    references: [INDEX_PATTERN_REFERENCE],
    migrationVersion: { search: MIGRATION_VERSIONS.search },
  };
}

interface PanelSpec {
  readonly object: SavedObject;
  readonly width: number;
  readonly height: number;
}

function dashboard(spec: { id: string; title: string; description: string; panels: readonly PanelSpec[]; timeFrom?: string }): SavedObject {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = spec.panels.map((panel, index) => {
    if (x + panel.width > DASHBOARD_GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const panelIndex = String(index + 1);
    const entry = {
      version: PANEL_VERSION,
      gridData: { x, y, w: panel.width, h: panel.height, i: panelIndex },
      panelIndex,
      embeddableConfig: {},
      panelRefName: `panel_${index}`,
    };
    x += panel.width;
    rowHeight = Math.max(rowHeight, panel.height);
    return entry;
  });
  return {
    type: SavedObjectType.Dashboard,
    id: spec.id,
    attributes: {
      title: `${TITLE_PREFIX}${spec.title}`,
      description: spec.description,
      hits: 0,
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({ hidePanelTitles: false, useMargins: true }),
      version: 1,
      timeRestore: true,
      timeFrom: spec.timeFrom ?? 'now-24h',
      timeTo: 'now',
      refreshInterval: { pause: true, value: 0 },
      kibanaSavedObjectMeta: { searchSourceJSON: searchSourceJson('', false) },
    },
    references: spec.panels.map((panel, index) => ({ name: `panel_${index}`, type: panel.object.type, id: panel.object.id })),
    migrationVersion: { dashboard: MIGRATION_VERSIONS.dashboard },
  };
}

export interface SavedObjectsOptions {
  readonly indexPattern: string;
  /** The schema of the indices' documents (the stack's OutputSchema): native (default), ecs or ocsf. */
  readonly schema?: OutputSchema;
}

/**
 * The OpenSearch Dashboards objects: the index pattern (time field `@timestamp`, fields from the
 * mapping), the lab's SGDashboard rebuilt on the enriched fields, and a security dashboard with
 * traffic by security group, rejected flows by source and port, administration and database ports
 * reached from the internet, and a map of public sources, and the rule-usage dashboard. Every
 * view is built once, from the schema's field map (dashboard-fields.ts), so the same objects work
 * on each schema's documents; their ids are the same too, so setting up for another schema
 * replaces them. Referenced objects come before the objects that reference them.
 *
 * @example
 * const ndjson = toSavedObjectsNdjson(buildSavedObjects({ indexPattern: 'cwl-*' }));
 */
export function buildSavedObjects(options: SavedObjectsOptions): SavedObject[] {
  const schema = options.schema ?? OutputSchema.Native;
  const fields = DASHBOARD_FIELDS[schema];
  const queries = viewQueries(fields);
  const indexPattern: SavedObject = {
    type: SavedObjectType.IndexPattern,
    id: SAVED_OBJECT_IDS.indexPattern,
    attributes: {
      title: options.indexPattern,
      timeFieldName: fields.time,
      fields: JSON.stringify(indexPatternFields(schemaMappingProperties(schema))),
      fieldFormatMap: JSON.stringify({ [fields.bytes]: { id: 'bytes' } }),
    },
    references: [],
    migrationVersion: { 'index-pattern': MIGRATION_VERSIONS['index-pattern'] },
  };

  // The lab's SGDashboard: ENI list, destination ports, protocol and action pies, sources, flows.
  const flows = savedSearch({
    id: SAVED_OBJECT_IDS.flowsSearch,
    title: 'Flows',
    description: 'Every flow, newest first.',
    columns: [fields.interfaceId, fields.action.field, fields.sourceAddress, fields.destinationPort, fields.bytes, fields.packets],
    timeField: fields.time,
  });
  const networkInterfaces = table({
    id: SAVED_OBJECT_IDS.networkInterfaces,
    title: 'Network interfaces',
    description: 'Network interfaces by number of flows.',
    aggs: [count('1'), sum('2', fields.bytes, 'Bytes'), terms('3', 'bucket', fields.interfaceId, 50, 'Network interface')],
  });
  const destinationPorts = table({
    id: SAVED_OBJECT_IDS.destinationPorts,
    title: 'Destination ports',
    description: 'Destination ports by number of flows.',
    aggs: [count('1'), terms('2', 'bucket', fields.destinationPort, 20, 'Destination port')],
  });
  const protocols = pie({
    id: SAVED_OBJECT_IDS.protocols,
    title: 'Protocols',
    description: 'Flows by IP protocol.',
    aggs: [count('1'), terms('2', 'segment', fields.protocolName, 10, 'Protocol')],
  });
  const actions = pie({
    id: SAVED_OBJECT_IDS.actions,
    title: 'Actions',
    description: 'Accepted and rejected flows.',
    aggs: [count('1'), terms('2', 'segment', fields.action.field, 5, 'Action')],
  });
  const sources = table({
    id: SAVED_OBJECT_IDS.sources,
    title: 'Sources',
    description: 'Source addresses by number of flows.',
    aggs: [count('1'), sum('2', fields.bytes, 'Bytes'), terms('3', 'bucket', fields.sourceAddress, 20, 'Source address')],
  });
  const sgDashboard = dashboard({
    id: SAVED_OBJECT_IDS.sgDashboard,
    title: 'SGDashboard',
    description: 'The VPC Flow Logs lab dashboard on enriched documents.',
    panels: [
      { object: networkInterfaces, width: 16, height: 15 },
      { object: destinationPorts, width: 16, height: 15 },
      { object: sources, width: 16, height: 15 },
      { object: protocols, width: 24, height: 12 },
      { object: actions, width: 24, height: 12 },
      { object: flows, width: 48, height: 20 },
    ],
  });

  const trafficBySecurityGroup = table({
    id: SAVED_OBJECT_IDS.trafficBySecurityGroup,
    title: 'Traffic by security group',
    description: 'Flows and bytes per security group of the flow\'s network interface, split by action.',
    aggs: [
      count('1'),
      sum('2', fields.bytes, 'Bytes'),
      sum('3', fields.packets, 'Packets'),
      terms('4', 'bucket', fields.securityGroupIds, 20, 'Security group'),
      terms('5', 'bucket', fields.action.field, 2, 'Action'),
    ],
  });
  const flowsBySecurityGroupName = pie({
    id: SAVED_OBJECT_IDS.flowsBySecurityGroupName,
    title: 'Flows by security group name',
    description: 'Flows per security group name.',
    aggs: [count('1'), terms('2', 'segment', fields.securityGroupNames, 10, 'Security group name')],
  });
  const rejectedBySourceAndPort = table({
    id: SAVED_OBJECT_IDS.rejectedBySourceAndPort,
    title: 'Rejected flows by source and port',
    description: 'Sources of rejected flows and the destination ports they tried.',
    query: queries.rejected,
    aggs: [count('1'), terms('2', 'bucket', fields.sourceAddress, TOP_REJECTED_SOURCES.limit, 'Source address'), terms('3', 'bucket', fields.destinationPort, 5, 'Destination port')],
  });
  const sensitivePortsDescription = `Accepted inbound flows from outside private networks to ${EXPOSED_SERVICE_PORTS.map(({ port, service }) => `${port} (${service})`).join(', ')}.`;
  const sensitivePortsFromInternet = table({
    id: SAVED_OBJECT_IDS.sensitivePortsFromInternet,
    title: 'SSH, RDP and database ports reached from the internet',
    description: sensitivePortsDescription,
    query: queries.sensitivePortsFromInternet,
    aggs: [
      count('1'),
      sum('2', fields.bytes, 'Bytes'),
      terms('3', 'bucket', fields.destinationPort, EXPOSED_SERVICE_PORTS.length, 'Destination port'),
      terms('4', 'bucket', fields.interfaceId, 10, 'Network interface'),
      terms('5', 'bucket', fields.sourceAddress, 10, 'Source address'),
    ],
  });
  const sensitivePortsFlows = savedSearch({
    id: SAVED_OBJECT_IDS.sensitivePortsFromInternetSearch,
    title: 'SSH, RDP and database flows from the internet',
    description: sensitivePortsDescription,
    query: queries.sensitivePortsFromInternet,
    columns: [fields.interfaceId, fields.sourceAddress, fields.sourceCountry, fields.destinationPort, fields.securityGroupIds, fields.bytes, fields.packets],
    timeField: fields.time,
  });
  const publicSourcesMap = visualization({
    id: SAVED_OBJECT_IDS.publicSourcesMap,
    title: 'Public sources',
    description: `Where flows from public addresses come from (${fields.sourceLocation}; needs geolocation enrichment).`,
    type: 'tile_map',
    params: {
      colorSchema: 'Yellow to Red',
      mapType: 'Scaled Circle Markers',
      isDesaturated: true,
      addTooltip: true,
      heatClusterSize: 1.5,
      legendPosition: 'bottomright',
      mapZoom: 2,
      mapCenter: [0, 0],
    },
    aggs: [count('1'), geohashGrid('2', fields.sourceLocation)],
  });
  const securityDashboard = dashboard({
    id: SAVED_OBJECT_IDS.securityDashboard,
    title: 'Security groups and exposure',
    description: 'Traffic by security group, rejected flows, administration and database ports reached from the internet, public sources.',
    panels: [
      { object: trafficBySecurityGroup, width: 32, height: 15 },
      { object: flowsBySecurityGroupName, width: 16, height: 15 },
      { object: rejectedBySourceAndPort, width: 24, height: 15 },
      { object: sensitivePortsFromInternet, width: 24, height: 15 },
      { object: publicSourcesMap, width: 48, height: 20 },
      { object: sensitivePortsFlows, width: 48, height: 15 },
    ],
  });

  // Issue 15: what the advisor's ledger counts per rule, for browsing: hits over time, first and
  // last hit, and the verdict-relevant facts (exposure attempts, attribution outcomes).
  const ruleHitsOverTime = visualization({
    id: SAVED_OBJECT_IDS.ruleHitsOverTime,
    title: 'Hits per rule over time',
    description: `Accepted initiating flows per day for the 10 rules that allowed the most (${fields.ruleMatch}: matched). A record counts for every rule that allowed it.`,
    type: 'histogram',
    params: HISTOGRAM_PARAMS,
    query: queries.ruleHits,
    aggs: [count('1'), dailyHistogram('2', fields.time), terms('3', 'group', fields.ruleIds, 10, 'Rule')],
  });
  const ruleLastHit = table({
    id: SAVED_OBJECT_IDS.ruleLastHit,
    title: 'Last hit per rule',
    description:
      'Per rule: accepted initiating flows, first and last hit in the time range. A rule missing here had no hit in it; before calling it unused, check that every interface of its group was logging (the report does).',
    query: queries.ruleHits,
    aggs: [count('1'), dateMetric('2', 'min', fields.time, 'First hit'), dateMetric('3', 'max', fields.time, 'Last hit'), terms('4', 'bucket', fields.ruleIds, 500, 'Rule')],
  });
  const rulesReachedOnExposedPorts = table({
    id: SAVED_OBJECT_IDS.rulesReachedOnExposedPorts,
    title: 'Rules reached from the internet on administration and database ports',
    description: `Rules that allowed (matched) or would have allowed (would_allow: the network ACL stopped them) inbound flows from public sources to ${EXPOSED_SERVICE_PORTS.map(({ port }) => port).join(', ')}.`,
    query: queries.rulesReachedOnExposedPorts,
    aggs: [count('1'), terms('2', 'bucket', fields.ruleIds, 50, 'Rule'), terms('3', 'bucket', fields.ruleMatch, 2, 'Attribution'), terms('4', 'bucket', fields.destinationPort, EXPOSED_SERVICE_PORTS.length, 'Destination port')],
  });
  const ruleMatchOutcomes = pie({
    id: SAVED_OBJECT_IDS.ruleMatchOutcomes,
    title: 'Attribution outcomes',
    description: `Records by ${fields.ruleMatch}: matched (a rule allowed it), return_traffic, would_allow, unmatched, no_rule...`,
    aggs: [count('1'), terms('2', 'segment', fields.ruleMatch, 10, 'Attribution')],
  });
  const ruleUsageDashboard = dashboard({
    id: SAVED_OBJECT_IDS.ruleUsageDashboard,
    title: 'Security-group rule usage',
    description: 'Hits per rule over time, first and last hit per rule, rules reached from the internet on administration and database ports, attribution outcomes. The report command gives the verdicts.',
    timeFrom: 'now-30d',
    panels: [
      { object: ruleHitsOverTime, width: 48, height: 15 },
      { object: ruleLastHit, width: 24, height: 20 },
      { object: rulesReachedOnExposedPorts, width: 24, height: 20 },
      { object: ruleMatchOutcomes, width: 16, height: 12 },
    ],
  });

  return [
    indexPattern,
    flows,
    networkInterfaces,
    destinationPorts,
    protocols,
    actions,
    sources,
    sgDashboard,
    trafficBySecurityGroup,
    flowsBySecurityGroupName,
    rejectedBySourceAndPort,
    sensitivePortsFromInternet,
    sensitivePortsFlows,
    publicSourcesMap,
    securityDashboard,
    ruleHitsOverTime,
    ruleLastHit,
    rulesReachedOnExposedPorts,
    ruleMatchOutcomes,
    ruleUsageDashboard,
  ];
}

/**
 * Saved objects as NDJSON, one object per line with a trailing newline, the format the Dashboards
 * import API and its "Saved objects > Import" page take.
 *
 * @example toSavedObjectsNdjson(buildSavedObjects({ indexPattern: 'cwl-*' })).split('\n')[0] // '{"attributes":{"title":"cwl-*",...'
 */
export function toSavedObjectsNdjson(objects: readonly SavedObject[]): string {
  return objects
    .map((object) =>
      JSON.stringify({ attributes: object.attributes, id: object.id, migrationVersion: object.migrationVersion, references: object.references, type: object.type }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** Where a dashboard opens in OpenSearch Dashboards. */
export function dashboardUrl(dashboardsBaseUrl: string, dashboardId: string): string {
  return `${dashboardsBaseUrl.replace(/\/+$/, '')}/app/dashboards#/view/${encodeURIComponent(dashboardId)}`;
}
