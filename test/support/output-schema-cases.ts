// Records of every flow-log version our catalogue knows, enriched as the decorator enriches them,
// for the golden tests of the output schemas (native, ECS, OCSF) in both tiers.
import { emptyFlowEnrichment, addFlowEnrichmentIssue, EnrichmentIssue, EnrichmentSlot, type FlowEnrichment } from '../../src/enrich/enriched-flow-log.js';
import { networkInterfaceFields } from '../../src/enrich/network-interface-fields.js';
import { FLOW_LOG_FIELDS, parseFlowLogLine, type FlowLogDocument } from '../../src/flow-log/index.js';
import { networkInterfaceInfo, securityGroupRule } from './ec2-builders.js';
import { flowLogLine, formatOf } from './flow-log-builders.js';
import { geoLocation } from './geo-builders.js';

/** The flow-log versions of the catalogue, each a format of every field up to it (v2 is the default format). */
export const CATALOGUE_VERSIONS: readonly number[] = [...new Set(FLOW_LOG_FIELDS.map((field) => field.version))].sort((a, b) => a - b);

/** Every catalogue field of `version` and those before it, in the AWS documentation table's order. */
export function fieldNamesUpTo(version: number): string[] {
  return FLOW_LOG_FIELDS.filter((field) => field.version <= version).map((field) => field.name);
}

/** A parsed document and the enrichment the decorator would give it. */
export interface EnrichedCase {
  readonly name: string;
  readonly document: FlowLogDocument;
  readonly enrichment: FlowEnrichment;
}

const INTERFACE = networkInterfaceInfo({
  securityGroups: [
    { groupId: 'sg-0123456789abcdef0', groupName: 'web' },
    { groupId: 'sg-0fedcba9876543210', groupName: 'admin' },
  ],
});
const HTTPS_RULE = securityGroupRule();
const ADMIN_RULE = securityGroupRule({ rule_id: 'sgr-0fedcba9876543210', group_id: 'sg-0fedcba9876543210', from_port: 0, to_port: 65535, description: 'admin "any"' });

function parsed(values: Readonly<Record<string, string>>, fields: readonly string[]): FlowLogDocument {
  const result = parseFlowLogLine(flowLogLine(values, { fields }), formatOf(fields));
  if (!result.ok) throw new Error(`the case does not parse: ${result.error.message}`);
  return result.value;
}

/**
 * Three records in a format of every field up to `version`: an accepted HTTPS flow from the
 * internet that two rules of two groups allow, with the source's geolocation; a rejected IPv6 flow
 * leaving the interface whose geolocation failed; a NODATA record of an interface EC2 no longer knows.
 */
export function enrichedCases(version: number): EnrichedCase[] {
  const fields = fieldNamesUpTo(version);
  const version_ = String(version);

  const accepted = parsed({ version: version_, srcaddr: '198.51.100.7', dstaddr: '10.0.1.17', 'pkt-dstaddr': '10.0.1.17', 'pkt-srcaddr': '198.51.100.7' }, fields);
  const acceptedEnrichment = emptyFlowEnrichment();
  acceptedEnrichment.interfaceFields = networkInterfaceFields(accepted, INTERFACE);
  acceptedEnrichment.direction = 'ingress';
  acceptedEnrichment.securityGroupRules = [HTTPS_RULE, ADMIN_RULE];
  acceptedEnrichment.ruleIds = [HTTPS_RULE.rule_id, ADMIN_RULE.rule_id];
  acceptedEnrichment.ruleMatch = 'matched';
  acceptedEnrichment.srcGeo = geoLocation();

  const rejected = parsed(
    {
      version: version_,
      srcaddr: '2001:db8:1::17',
      dstaddr: '2001:db8:ffff::9',
      'pkt-srcaddr': '2001:db8:1::17',
      'pkt-dstaddr': '2001:db8:ffff::9',
      srcport: '40000',
      dstport: '22',
      protocol: '6',
      action: 'REJECT',
      'tcp-flags': '2',
      type: 'IPv6',
      'flow-direction': 'egress',
      'traffic-path': '1',
      'reject-reason': '-',
    },
    fields,
  );
  const rejectedEnrichment = emptyFlowEnrichment();
  rejectedEnrichment.interfaceFields = networkInterfaceFields(rejected, INTERFACE);
  rejectedEnrichment.direction = 'egress';
  rejectedEnrichment.ruleIds = [];
  rejectedEnrichment.ruleMatch = 'unmatched';
  addFlowEnrichmentIssue(rejectedEnrichment, EnrichmentIssue.GeoFailed, EnrichmentSlot.SrcGeo);

  const absent = Object.fromEntries(['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'action', 'tcp-flags', 'pkt-srcaddr', 'pkt-dstaddr', 'flow-direction', 'traffic-path'].map((name) => [name, '-']));
  const noData = parsed({ ...absent, version: version_, 'log-status': 'NODATA' }, fields);
  const noDataEnrichment = emptyFlowEnrichment();
  addFlowEnrichmentIssue(noDataEnrichment, EnrichmentIssue.EniNotFound, EnrichmentSlot.InterfaceFields);

  return [
    { name: 'accepted ingress', document: accepted, enrichment: acceptedEnrichment },
    { name: 'rejected egress IPv6', document: rejected, enrichment: rejectedEnrichment },
    { name: 'NODATA', document: noData, enrichment: noDataEnrichment },
  ];
}
