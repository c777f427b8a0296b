/**
 * The one default of each enrichment option the core reads. The plan every edge builds
 * (src/config/enrichment-plan.ts: the decorator's environment, `enrich`, `pipeline`, `report`)
 * starts from these, and the core falls back on the same values, so no edge and the core can
 * disagree about what an option left out means.
 */
export const ENRICHMENT_DEFAULTS = {
  /** List the full `security_group_rules` that apply to each record: off, it makes documents far larger. */
  listRules: false,
  /** Attribute each record to the rules that allowed it (`security_group_rule_ids`, `rule_match`). */
  attributeRules: true,
} as const;
