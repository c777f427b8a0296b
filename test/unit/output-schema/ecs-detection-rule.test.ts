import { describe, expect, it } from 'vitest';
import { applyFlowEnrichment, emptyFlowEnrichment } from '../../../src/enrich/enriched-flow-log.js';
import { parseFlowLogLine } from '../../../src/flow-log/index.js';
import { createAddressSet } from '../../../src/net/address-set.js';
import { toEcsDocument } from '../../../src/output-schema/ecs-mapping.js';
import { getPath } from '../../../src/output-schema/field-placement.js';
import { flowLogLine, formatOf, DEFAULT_FIELD_NAMES } from '../../support/flow-log-builders.js';

/**
 * Elastic's prebuilt rule "RDP (Remote Desktop Protocol) from the Internet" (elastic/detection-rules,
 * rules/network/command_and_control_rdp_remote_desktop_protocol_from_the_internet.toml), its KQL
 * query term by term:
 *   event.category:(network or network_traffic) and network.transport:tcp and
 *   (destination.port:3389 or event.dataset:zeek.rdp) and
 *   not source.ip:(10.0.0.0/8 or 172.16.0.0/12 or 192.168.0.0/16) and
 *   destination.ip:(10.0.0.0/8 or 127.0.0.0/8 or 172.16.0.0/12 or 192.168.0.0/16 or "::1")
 * The integration tier runs the same query in OpenSearch over indexed documents.
 */
const PRIVATE_SOURCES = createAddressSet(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
const INTERNAL_DESTINATIONS = createAddressSet(['10.0.0.0/8', '127.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '::1']);

function rdpFromTheInternet(document: Record<string, unknown>): boolean {
  const values = (path: string): unknown[] => {
    const value = getPath(document, path.split('.'));
    return Array.isArray(value) ? value : value === undefined ? [] : [value];
  };
  const any = (path: string, test: (value: unknown) => boolean): boolean => values(path).some(test);
  return (
    any('event.category', (value) => value === 'network' || value === 'network_traffic') &&
    any('network.transport', (value) => value === 'tcp') &&
    (any('destination.port', (value) => value === 3389) || any('event.dataset', (value) => value === 'zeek.rdp')) &&
    !any('source.ip', (value) => typeof value === 'string' && PRIVATE_SOURCES.has(value)) &&
    any('destination.ip', (value) => typeof value === 'string' && INTERNAL_DESTINATIONS.has(value))
  );
}

function ecsOf(values: Readonly<Record<string, string>>): Record<string, unknown> {
  const parsed = parseFlowLogLine(flowLogLine(values), formatOf(DEFAULT_FIELD_NAMES));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return toEcsDocument(applyFlowEnrichment(parsed.value, emptyFlowEnrichment()));
}

describe('ECS documents and Elastic detection rules', () => {
  it('match "RDP from the Internet" for TCP to port 3389 of a private address from a public one, accepted or rejected', () => {
    expect(rdpFromTheInternet(ecsOf({ srcaddr: '198.51.100.7', dstaddr: '10.0.1.17', dstport: '3389', protocol: '6' }))).toBe(true);
    expect(rdpFromTheInternet(ecsOf({ srcaddr: '198.51.100.7', dstaddr: '172.31.5.9', dstport: '3389', protocol: '6', action: 'REJECT' }))).toBe(true);
  });

  it('do not match it for RDP between private addresses, over UDP, or to another port', () => {
    expect(rdpFromTheInternet(ecsOf({ srcaddr: '10.0.2.4', dstaddr: '10.0.1.17', dstport: '3389', protocol: '6' }))).toBe(false);
    expect(rdpFromTheInternet(ecsOf({ srcaddr: '198.51.100.7', dstaddr: '10.0.1.17', dstport: '3389', protocol: '17' }))).toBe(false);
    expect(rdpFromTheInternet(ecsOf({ srcaddr: '198.51.100.7', dstaddr: '10.0.1.17', dstport: '22', protocol: '6' }))).toBe(false);
  });

  it('classify a flow as Elastic does: network connection, allowed or denied, success or failure, transport by IANA name', () => {
    const accepted = ecsOf({ srcaddr: '198.51.100.7', dstaddr: '10.0.1.17', dstport: '22', protocol: '6' });
    const rejected = ecsOf({ action: 'REJECT', protocol: '58', srcaddr: '2001:db8::1', dstaddr: '2001:db8::2' });

    expect(accepted).toMatchObject({
      event: { kind: 'event', category: ['network'], type: ['connection', 'allowed'], outcome: 'success', action: 'accept' },
      network: { transport: 'tcp', iana_number: '6', type: 'ipv4' },
      source: { ip: '198.51.100.7', address: '198.51.100.7' },
      destination: { ip: '10.0.1.17', port: 22 },
      related: { ip: ['198.51.100.7', '10.0.1.17'] },
    });
    expect(rejected).toMatchObject({
      event: { type: ['connection', 'denied'], outcome: 'failure', action: 'reject' },
      network: { transport: 'ipv6-icmp', iana_number: '58', type: 'ipv6' },
    });
  });
});
