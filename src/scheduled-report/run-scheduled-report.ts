import { AppenderError } from '../errors.js';
import { MetricUnit, type Clock, type Logger, type Metrics, type SecurityGroupRule } from '../ports.js';
import {
  adviseSecurityGroups,
  renderCliScripts,
  renderHtmlReport,
  renderJsonReport,
  type AdvisorInventory,
  type LedgerLimits,
  type LedgerSource,
  type LedgerWindow,
  type ReportThresholds,
} from '../report/index.js';
import { countsOf, notificationOf, type ReportCounts } from './report-summary.js';
import { reportKeyStemOf, reportWindowOf } from './report-window.js';

/** The inventory a scheduled report judges: every rule of the Region (or VPCs), read live at the start of the run. */
export interface ScheduledReportInventory extends AdvisorInventory {
  readonly rules: readonly SecurityGroupRule[];
  /** Prefix lists rules name whose entries could not be read: their rules are not judged (peer unresolved). */
  readonly unresolvedPrefixLists: readonly { readonly prefixListId: string; readonly reason: string }[];
}

/** Reads the inventory (a live EC2 snapshot in the Lambda); rejects when EC2 refuses. */
export interface ReportInventorySource {
  readInventory(): Promise<ScheduledReportInventory>;
}

/** Where the outputs go (the stack's bucket); resolves with the object's address for the notification. */
export interface ReportObjectStore {
  putObject(key: string, body: string, contentType: string): Promise<string>;
}

/** Where the summary goes (an SNS topic). */
export interface ReportNotifier {
  publish(subject: string, message: string): Promise<void>;
}

export interface ScheduledReportPorts {
  readonly ledgerSource: LedgerSource;
  readonly inventory: ReportInventorySource;
  readonly store: ReportObjectStore;
  readonly notifier: ReportNotifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface ScheduledReportSettings {
  /** Whole UTC days before the run's day. */
  readonly windowDays: number;
  /** Key prefix of the outputs, e.g. `reports/`. */
  readonly keyPrefix: string;
  /** File name of the outputs, without extension, e.g. `security-group-report`. */
  readonly name: string;
  readonly thresholds?: Partial<ReportThresholds>;
  readonly limits?: Partial<LedgerLimits>;
}

/** The steps of a run, named in its failure. */
export const ScheduledReportStep = { Inventory: 'inventory', Ledger: 'ledger', Advice: 'advice', Store: 'store', Notify: 'notify' } as const;
export type ScheduledReportStep = (typeof ScheduledReportStep)[keyof typeof ScheduledReportStep];

/** A run that could not finish: the step it stopped at, and the cause. The function fails, so the scheduler retries it and then dead-letters the event. */
export class ScheduledReportError extends AppenderError {
  constructor(
    readonly step: ScheduledReportStep,
    options: { cause: unknown },
  ) {
    super(`scheduled report failed at ${step}: ${describeCause(options.cause)}`, options);
    this.name = 'ScheduledReportError';
  }
}

export interface ScheduledReportResult {
  readonly window: LedgerWindow;
  readonly counts: ReportCounts;
  /** Addresses of the HTML, JSON, CLI script and rollback script, in that order. */
  readonly locations: readonly string[];
}

/** The outputs of a run, by extension. */
const OUTPUTS = [
  { extension: '.html', contentType: 'text/html; charset=utf-8' },
  { extension: '.json', contentType: 'application/json' },
  { extension: '.sh', contentType: 'text/x-shellscript; charset=utf-8' },
  { extension: '.rollback.sh', contentType: 'text/x-shellscript; charset=utf-8' },
] as const;

/**
 * One scheduled security-group report: the live inventory, the ledger of the window from the
 * stack's engine, the advisor (the same pure core as `report`), the HTML, JSON and CLI outputs
 * written under `<keyPrefix>YYYY/MM/DD/<name>`, and a short summary notified.
 *
 * Never silent: a step that fails is logged at WARN with its cause, counted
 * (`ScheduledReportFailures`), and thrown as a ScheduledReportError, so the invocation fails and
 * the scheduler's retry policy and dead-letter queue apply. Outputs are written before the
 * notification, so a notification always names objects that exist; a retry rewrites them whole.
 *
 * @example
 * const result = await runScheduledReport(ports, { windowDays: 30, keyPrefix: 'reports/', name: 'security-group-report' });
 * result.locations[0] // 's3://bucket/reports/2026/12/06/security-group-report.html'
 */
export async function runScheduledReport(ports: ScheduledReportPorts, settings: ScheduledReportSettings): Promise<ScheduledReportResult> {
  const { logger, metrics } = ports;
  const startedAt = ports.clock.now();
  const step = async <T>(name: ScheduledReportStep, work: () => Promise<T> | T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const failure = new ScheduledReportError(name, { cause: error });
      logger.warn('scheduled report failed', { step: name, cause: describeCause(error) });
      metrics.add('ScheduledReportFailures', MetricUnit.Count, 1);
      throw failure;
    }
  };
  const window = reportWindowOf(startedAt, settings.windowDays);
  const inventory = await step(ScheduledReportStep.Inventory, () => ports.inventory.readInventory());
  for (const { prefixListId, reason } of inventory.unresolvedPrefixLists) {
    logger.warn('prefix list entries unavailable: its rules are not judged', { prefixListId, reason });
  }
  const ledger = await step(ScheduledReportStep.Ledger, () =>
    ports.ledgerSource.readLedger({ window, rules: inventory.rules, ...(settings.limits === undefined ? {} : { limits: settings.limits }) }),
  );
  const outputs = await step(ScheduledReportStep.Advice, () => {
    const report = adviseSecurityGroups(ledger, inventory, settings.thresholds);
    const { apply, rollback } = renderCliScripts(report, inventory.rules);
    return { report, bodies: [renderHtmlReport(report), renderJsonReport(report), apply, rollback] };
  });
  const stem = reportKeyStemOf(startedAt, settings.keyPrefix, settings.name);
  // One after the other: four small objects, and a failure names the first key not written.
  const locations = await step(ScheduledReportStep.Store, async () => {
    const written: string[] = [];
    for (const [index, { extension, contentType }] of OUTPUTS.entries()) written.push(await ports.store.putObject(`${stem}${extension}`, outputs.bodies[index] ?? '', contentType));
    return written;
  });
  const counts = countsOf(outputs.report);
  const notification = notificationOf(counts, window, locations);
  await step(ScheduledReportStep.Notify, () => ports.notifier.publish(notification.subject, notification.message));
  metrics.add('ScheduledReportChanges', MetricUnit.Count, counts.changes);
  metrics.add('ScheduledReportUnusedRules', MetricUnit.Count, counts.unused);
  metrics.add('ScheduledReportOverBroadRules', MetricUnit.Count, counts.overBroad);
  metrics.add('ScheduledReportExposures', MetricUnit.Count, counts.exposures);
  metrics.add('ScheduledReportDuration', MetricUnit.Milliseconds, ports.clock.now() - startedAt);
  logger.info('scheduled report written', { ...counts, from: window.from, to: window.to, locations });
  return { window, counts, locations };
}

/** The cause of a failure in a line: its name and message (SDK messages name the refusal, never a credential), and its own cause. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own = `${error.name}: ${error.message}`;
  return error.cause === undefined ? own : `${own} (${describeCause(error.cause)})`;
}
