import type { SecurityGroupRule } from '../ports.js';
import type { LedgerLimits, ReportLedger } from './rule-ledger.js';

/** A window of flow records, as epoch seconds: records whose `start` is in `[from, to)`. */
export interface LedgerWindow {
  readonly from: number;
  readonly to: number;
}

export interface LedgerQuery {
  /** Absent: every record the source holds (the local stream reads its inputs whole). */
  readonly window?: LedgerWindow;
  /** Every rule in scope: the ledger has an entry for each, used or not; other ids go to `unknownRuleIds`. */
  readonly rules: readonly SecurityGroupRule[];
  readonly limits?: Partial<LedgerLimits>;
}

/**
 * Where a ledger comes from (issue 15): the local stream of records (`createLedgerBuilder`), an
 * OpenSearch aggregation or an Athena query. Each producer computes the same ledger from the same
 * documents (exact counts equal, estimates within their stated error), so the advisor
 * (`adviseSecurityGroups`) never knows which one ran.
 */
export interface LedgerSource {
  readLedger(query: LedgerQuery): Promise<ReportLedger>;
}
