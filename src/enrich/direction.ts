import { FlowDirection, isFlowDirection } from '../domain/flow-direction.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { NetworkInterfaceInfo } from '../ports.js';
import { createAddressSet, type AddressSet } from '../net/address-set.js';

// Interface infos come from a cache and are reused across records and invocations, so the
// address set of each is built once; a WeakMap lets it go when the cache drops the info.
const addressSets = new WeakMap<NetworkInterfaceInfo, AddressSet>();

/**
 * Every address that is the interface's own in a flow-log record: all private IPv4 addresses
 * (not only the primary), all IPv6 addresses and the delegated prefixes. Public IPv4 addresses are
 * left out because a record always shows the private side of a NAT'd address. Memoised per info.
 *
 * @example
 * interfaceAddressSet(info).has('10.0.1.17'); // true when 10.0.1.17 is one of its private IPs
 */
export function interfaceAddressSet(info: NetworkInterfaceInfo): AddressSet {
  let addresses = addressSets.get(info);
  if (addresses === undefined) {
    addresses = createAddressSet([...info.privateIpv4Addresses, ...info.ipv6Addresses, ...info.delegatedPrefixes]);
    addressSets.set(info, addresses);
  }
  return addresses;
}

/**
 * The direction of a flow relative to its interface. A record's own `flow_direction` (v5) wins;
 * otherwise a flow whose `dstaddr` is one of the interface's addresses is ingress and one whose
 * `srcaddr` is, egress. When both or neither are, the direction cannot be known: undefined, and
 * the field is omitted rather than guessed.
 *
 * @example
 * inferDirection({ srcaddr: '198.51.100.7', dstaddr: '10.0.1.17' }, info); // 'ingress'
 */
export function inferDirection(document: FlowLogDocument, info: NetworkInterfaceInfo): FlowDirection | undefined {
  const recorded = document.flow_direction;
  if (isFlowDirection(recorded)) return recorded;
  const addresses = interfaceAddressSet(info);
  const toInterface = document.dstaddr !== undefined && addresses.has(document.dstaddr);
  const fromInterface = document.srcaddr !== undefined && addresses.has(document.srcaddr);
  if (toInterface === fromInterface) return undefined;
  return toInterface ? FlowDirection.Ingress : FlowDirection.Egress;
}
