import { adviseSecurityGroups, type AdvisorInventory } from './advisor.js';
import { createLedgerBuilder, type ReportFlow } from './ledger-builder.js';
import type { ReportThresholds, SecurityGroupReport } from './report-model.js';
import type { LedgerLimits } from './rule-ledger.js';

export type { ReportFlow } from './ledger-builder.js';
export { exposedPortsOf, summarizeRule } from './rule-summary.js';
export { DEFAULT_REPORT_THRESHOLDS } from './advisor.js';
export { MAX_TRACKED_GROUPS } from './ledger-builder.js';

export interface SecurityGroupReportInput extends AdvisorInventory {
  readonly thresholds?: Partial<ReportThresholds>;
  readonly limits?: Partial<LedgerLimits>;
}

/** Feeds records one at a time and gives the report at the end. */
export interface SecurityGroupReportBuilder {
  add(flow: ReportFlow): void;
  /** The report of everything added so far; the builder can go on being fed. */
  build(): SecurityGroupReport;
}

/**
 * The local stream's report: records go into a ledger (`createLedgerBuilder`, bounded memory),
 * and the advisor (`adviseSecurityGroups`, pure) turns ledger and inventory into the report.
 * Definitions are in those two; the README repeats them.
 *
 * @example
 * const builder = createSecurityGroupReportBuilder({ rules: inventoryRules });
 * for await (const record of attributedRecords) builder.add(record);
 * builder.build().recommendations[0] // { ruleId: 'sgr-0123456789abcdef0', verdict: 'narrow', ... }
 */
export function createSecurityGroupReportBuilder(input: SecurityGroupReportInput): SecurityGroupReportBuilder {
  const ledger = createLedgerBuilder({ rules: input.rules, ...(input.limits === undefined ? {} : { limits: input.limits }) });
  return {
    add: (flow) => ledger.add(flow),
    build: () => adviseSecurityGroups(ledger.ledger(), input, input.thresholds),
  };
}

/**
 * Builds the report of a whole collection at once; for streams, use the builder.
 *
 * @example buildSecurityGroupReport(records, { rules }).overBroad.map((rule) => rule.ruleId)
 */
export function buildSecurityGroupReport(flows: Iterable<ReportFlow>, input: SecurityGroupReportInput): SecurityGroupReport {
  const builder = createSecurityGroupReportBuilder(input);
  for (const flow of flows) builder.add(flow);
  return builder.build();
}
