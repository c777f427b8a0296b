import { ENRICHMENT_DEFAULTS } from '../enrich/enrichment-defaults.js';
import type { GeolocationConfig } from './decorator-config.js';

/**
 * Which enrichment stages run, resolved once: the decorator from its environment, `enrich` and
 * `pipeline` from their options, the local pipeline from what its caller gives. One name and
 * one default per option (ENRICHMENT_DEFAULTS); the composition (src/composition/enrichment.ts)
 * builds the look-ups from it and nothing else decides again.
 */
export interface EnrichmentPlan {
  /**
   * Look each record's network interface up (interface fields, security groups, direction).
   * False when there is nowhere to look (no inventory and no live look-up): then no interface
   * is asked for, no rule either, and no record is flagged `eni_not_found`.
   */
  readonly interfaces: boolean;
  /** List the full `security_group_rules` of each record (SECURITY_GROUP_RULES, `--rules`). */
  readonly listRules: boolean;
  /** Attribute each record to the rules that allowed it (RULE_ATTRIBUTION, `--no-rules` turns it off). */
  readonly attributeRules: boolean;
  readonly geolocation: GeolocationConfig;
}

/** What an edge chose; anything left out takes its one default. */
export type EnrichmentChoices = Partial<EnrichmentPlan>;

/**
 * The plan of the choices given, every option left out at its default. Rules come from the
 * interfaces' groups, so without interfaces neither rule stage runs.
 *
 * @example resolveEnrichmentPlan({ listRules: true }) // { interfaces: true, listRules: true, attributeRules: true, geolocation: { provider: 'none' } }
 */
export function resolveEnrichmentPlan(choices: EnrichmentChoices = {}): EnrichmentPlan {
  const interfaces = choices.interfaces ?? true;
  return {
    interfaces,
    listRules: interfaces && (choices.listRules ?? ENRICHMENT_DEFAULTS.listRules),
    attributeRules: interfaces && (choices.attributeRules ?? ENRICHMENT_DEFAULTS.attributeRules),
    geolocation: choices.geolocation ?? { provider: 'none' },
  };
}

/**
 * Whether the plan reads security-group rules: to list them, to attribute records, or both.
 *
 * @example planReadsRules(resolveEnrichmentPlan({ attributeRules: false })) // false
 */
export function planReadsRules(plan: EnrichmentPlan): boolean {
  return plan.interfaces && (plan.listRules || plan.attributeRules);
}

/**
 * Whether the plan enriches at all: an interface look-up or geolocation.
 *
 * @example planEnriches(resolveEnrichmentPlan({ interfaces: false })) // false
 */
export function planEnriches(plan: EnrichmentPlan): boolean {
  return plan.interfaces || plan.geolocation.provider !== 'none';
}
