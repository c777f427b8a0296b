import type { BatchLookup, FlowLogEnrichmentSources } from '../enrich/enrich-flow-logs.js';

/** Any look-up outcome: only `failed` ones, which carry a reason, are noted. */
type Outcome = { readonly status: 'failed'; readonly reason: string; readonly scopeRefused?: true } | { readonly status: Exclude<string, 'failed'> };

/** What each look-up of the enrichment asks, as a message names it. */
const LOOKUP_LABELS = {
  networkInterfaces: 'network interface',
  securityGroupRules: 'security-group rule',
  prefixLists: 'prefix list',
  securityGroupMembers: 'security-group member',
  geolocation: 'geolocation',
} as const;
type LookupName = keyof typeof LOOKUP_LABELS;

/** The first failed look-up of each kind, with the reason its source gave. */
export interface LookupFailure {
  readonly label: string;
  readonly reason: string;
}

/**
 * The same enrichment sources, watched: every failed outcome (EC2 unreachable, credentials
 * refused, ipstack down) is remembered once per kind of look-up, so a command can say what
 * failed and exit 1 instead of only flagging the documents. `takeNew` gives each kind once.
 *
 * @example
 * const watched = watchLookupFailures(sources);
 * await enrichFlowLogs(documents, watched.sources);
 * for (const failure of watched.takeNew()) console.error(`${failure.label} look-up failed: ${failure.reason}`);
 */
export function watchLookupFailures(sources: FlowLogEnrichmentSources): { readonly sources: FlowLogEnrichmentSources; takeNew(): LookupFailure[]; readonly failed: () => boolean } {
  const seen = new Map<LookupName, LookupFailure>();
  let reported = 0;
  const note = (name: LookupName, outcomes: Iterable<Outcome>): void => {
    if (seen.has(name)) return;
    for (const outcome of outcomes) {
      // A refused account is said per account by the command (AccountRoleRefusals), not as EC2's failure.
      if (outcome.status === 'failed' && !('scopeRefused' in outcome && outcome.scopeRefused === true)) {
        seen.set(name, { label: LOOKUP_LABELS[name], reason: 'reason' in outcome ? outcome.reason : 'no reason given' });
        return;
      }
    }
  };
  const watch = <O extends Outcome>(name: LookupName, lookup: BatchLookup<O> | undefined): BatchLookup<O> | undefined =>
    lookup === undefined
      ? undefined
      : {
          lookup: async (scope, keys) => {
            const outcomes = await lookup.lookup(scope, keys);
            note(name, outcomes.values());
            return outcomes;
          },
        };
  const geolocation = sources.geolocation;
  const watched: FlowLogEnrichmentSources = {
    ...sources,
    ...present('networkInterfaces', watch('networkInterfaces', sources.networkInterfaces)),
    ...present('securityGroupRules', watch('securityGroupRules', sources.securityGroupRules)),
    ...present('prefixLists', watch('prefixLists', sources.prefixLists)),
    ...present('securityGroupMembers', watch('securityGroupMembers', sources.securityGroupMembers)),
    ...present(
      'geolocation',
      geolocation === undefined
        ? undefined
        : {
            locate: async (addresses: readonly string[]) => {
              const outcomes = await geolocation.locate(addresses);
              note('geolocation', outcomes.values());
              return outcomes;
            },
          },
    ),
  };
  return {
    sources: watched,
    takeNew: () => {
      const all = [...seen.values()];
      const fresh = all.slice(reported);
      reported = all.length;
      return fresh;
    },
    failed: () => seen.size > 0,
  };
}

/** `{ [name]: value }` when the value is there, else nothing: optional properties stay absent, not undefined. */
function present<Name extends string, Value>(name: Name, value: Value | undefined): { [Key in Name]?: Value } {
  return (value === undefined ? {} : { [name]: value }) as { [Key in Name]?: Value };
}
