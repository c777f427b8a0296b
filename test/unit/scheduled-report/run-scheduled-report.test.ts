import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppenderError } from '../../../src/errors.js';
import { adviseSecurityGroups, renderCliScripts, renderHtmlReport, renderJsonReport, type LedgerQuery, type LedgerSource } from '../../../src/report/index.js';
import {
  countsOf,
  notificationOf,
  runScheduledReport,
  ScheduledReportError,
  SNS_MESSAGE_MAX_BYTES,
  SNS_SUBJECT_MAX_CHARACTERS,
  type ScheduledReportPorts,
} from '../../../src/scheduled-report/index.js';
import { recordingLogger, recordingMetrics } from '../../support/firehose-delivery-fakes.js';
import { handBuiltLedger, reportFlow, reportRule } from '../../support/report-builders.js';
import { fixedClock, fixedInventory, memoryReportStore, recordingNotifier } from '../../support/scheduled-report-fakes.js';

const RUN_AT = '2026-12-06T06:00:00Z';
const WINDOW = { from: Date.parse('2026-11-06T00:00:00Z') / 1_000, to: Date.parse('2026-12-06T00:00:00Z') / 1_000 };
const HTTPS = reportRule();
const SSH_ANYWHERE = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa2', from_port: 22, to_port: 22 });
const UNUSED = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa3', from_port: 8443, to_port: 8443 });
const RULES = [HTTPS, SSH_ANYWHERE, UNUSED];
/** A month of hourly HTTPS flows on the group's one interface: coverage enough to judge every rule. */
const FLOWS = Array.from({ length: 30 * 24 }, (_, hour) => reportFlow({ start: WINDOW.from + hour * 3_600, end: WINDOW.from + hour * 3_600 + 60, srcaddr: `203.0.113.${hour % 200}` }));
const SETTINGS = { windowDays: 30, keyPrefix: 'reports/', name: 'security-group-report' };

function fixedLedgerSource(): LedgerSource & { readonly queries: LedgerQuery[] } {
  const queries: LedgerQuery[] = [];
  return {
    queries,
    readLedger: (query) => {
      queries.push(query);
      return Promise.resolve(handBuiltLedger(FLOWS, query.rules));
    },
  };
}

function portsOf(overrides: Partial<ScheduledReportPorts> = {}) {
  const { logger, lines } = recordingLogger();
  const { metrics, values } = recordingMetrics();
  const fakes = { ledgerSource: fixedLedgerSource(), inventory: fixedInventory(RULES), store: memoryReportStore(), notifier: recordingNotifier() };
  const ports: ScheduledReportPorts = { ...fakes, clock: fixedClock(RUN_AT), logger, metrics, ...overrides };
  return { ...fakes, ports, lines, values };
}

describe('runScheduledReport', () => {
  it('asks the engine for the ledger of the last whole days and every rule of the live inventory', async () => {
    // Prepare
    const run = portsOf();
    // Act
    await runScheduledReport(run.ports, SETTINGS);
    // Assess
    expect(run.ledgerSource.queries).toEqual([{ window: WINDOW, rules: RULES }]);
  });

  it('writes the HTML, JSON, CLI script and rollback of the advisor under reports/YYYY/MM/DD/', async () => {
    // Prepare
    const run = portsOf();
    const report = adviseSecurityGroups(handBuiltLedger(FLOWS, RULES), { rules: RULES });
    const scripts = renderCliScripts(report, RULES);
    // Act
    const result = await runScheduledReport(run.ports, SETTINGS);
    // Assess
    expect(Object.fromEntries(run.store.objects)).toEqual({
      'reports/2026/12/06/security-group-report.html': { body: renderHtmlReport(report), contentType: 'text/html; charset=utf-8' },
      'reports/2026/12/06/security-group-report.json': { body: renderJsonReport(report), contentType: 'application/json' },
      'reports/2026/12/06/security-group-report.sh': { body: scripts.apply, contentType: 'text/x-shellscript; charset=utf-8' },
      'reports/2026/12/06/security-group-report.rollback.sh': { body: scripts.rollback, contentType: 'text/x-shellscript; charset=utf-8' },
    });
    expect(result.locations).toEqual([...run.store.objects.keys()].map((key) => `s3://delivery-bucket/${key}`));
  });

  it('notifies the counts of the report and where its outputs are, once they are written', async () => {
    // Prepare
    const run = portsOf();
    // Act
    const result = await runScheduledReport(run.ports, SETTINGS);
    // Assess
    expect(result.counts).toMatchObject({ records: FLOWS.length, rules: 3, unused: 2, removals: 2, changes: result.counts.removals + result.counts.narrowings, exposures: 1 });
    expect(run.notifier.published).toEqual([notificationOf(result.counts, WINDOW, result.locations)]);
    const [notification] = run.notifier.published;
    expect(notification?.subject).toBe(`Security-group report, 30 days to 2026-12-06: ${result.counts.changes} changes proposed, 1 exposure`);
    for (const location of result.locations) expect(notification?.message).toContain(location);
    expect(notification?.message).toContain('Unused rules: 2.');
  });

  it('puts no address or rule of the report in the notification: those stay in the bucket', async () => {
    const run = portsOf();
    await runScheduledReport(run.ports, SETTINGS);
    const message = JSON.stringify(run.notifier.published);
    expect(message).not.toMatch(/203\.0\.113\.|sgr-|sg-|eni-/);
  });

  it('publishes counts and duration as metrics, and one summary line at INFO', async () => {
    const run = portsOf();
    const result = await runScheduledReport(run.ports, SETTINGS);
    expect(run.values.get('ScheduledReportUnusedRules')).toEqual([{ unit: 'Count', value: result.counts.unused }]);
    expect(run.values.get('ScheduledReportExposures')).toEqual([{ unit: 'Count', value: 1 }]);
    expect(run.values.get('ScheduledReportDuration')).toEqual([{ unit: 'Milliseconds', value: 0 }]);
    expect(run.lines.filter((line) => line.level === 'info').map((line) => line.message)).toEqual(['scheduled report written']);
  });

  it('warns of each prefix list whose rules it cannot judge', async () => {
    const run = portsOf({ inventory: fixedInventory(RULES, { unresolvedPrefixLists: [{ prefixListId: 'pl-0123456789abcdef0', reason: 'UnauthorizedOperation' }] }) });
    await runScheduledReport(run.ports, SETTINGS);
    expect(run.lines.filter((line) => line.level === 'warn').map((line) => line.attributes)).toEqual([{ prefixListId: 'pl-0123456789abcdef0', reason: 'UnauthorizedOperation' }]);
  });

  const refusal = Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' });
  it.each([
    ['inventory', { inventory: { readInventory: () => Promise.reject(refusal) } }],
    ['ledger', { ledgerSource: { readLedger: () => Promise.reject(refusal) } }],
    ['store', { store: { putObject: () => Promise.reject(refusal) } }],
    ['notify', { notifier: { publish: () => Promise.reject(refusal) } }],
  ] as const)('fails the run when the %s step fails: WARN with the cause, a failure metric, and an error for the scheduler to retry', async (step, failing) => {
    // Prepare
    const run = portsOf(failing);
    // Act
    const outcome = runScheduledReport(run.ports, SETTINGS);
    // Assess
    await expect(outcome).rejects.toThrow(ScheduledReportError);
    await expect(outcome).rejects.toMatchObject({ step, cause: refusal, message: `scheduled report failed at ${step}: UnauthorizedOperation: You are not authorized to perform this operation.` });
    expect(run.lines.filter((line) => line.level === 'warn')).toEqual([
      { level: 'warn', message: 'scheduled report failed', attributes: { step, cause: 'UnauthorizedOperation: You are not authorized to perform this operation.' } },
    ]);
    expect(run.values.get('ScheduledReportFailures')).toEqual([{ unit: 'Count', value: 1 }]);
  });

  it('notifies nothing when the outputs could not be written, and writes nothing without a ledger', async () => {
    // Prepare
    const notifier = recordingNotifier();
    const store = memoryReportStore();
    // Act
    await expect(runScheduledReport(portsOf({ notifier, store: { putObject: () => Promise.reject(new AppenderError('denied')) } }).ports, SETTINGS)).rejects.toThrow(ScheduledReportError);
    await expect(runScheduledReport(portsOf({ notifier, store, ledgerSource: { readLedger: () => Promise.reject(new AppenderError('gone')) } }).ports, SETTINGS)).rejects.toThrow(ScheduledReportError);
    // Assess
    expect(notifier.published).toEqual([]);
    expect(store.objects.size).toBe(0);
  });
});

describe('notificationOf', () => {
  it('fits SNS: a one-line ASCII subject of at most 100 characters and a message well under 256 KiB', () => {
    const count = fc.nat({ max: 10_000_000 });
    fc.assert(
      fc.property(
        fc.record({ records: count, rules: count, removals: count, narrowings: count, unused: count, overBroad: count, exposures: count, exposuresAttempted: count }),
        fc.integer({ min: 1, max: 90 }),
        fc.array(fc.string({ maxLength: 1_024, unit: 'binary' }), { minLength: 4, maxLength: 4 }),
        (counts, days, locations) => {
          const { subject, message } = notificationOf({ ...counts, changes: counts.removals + counts.narrowings }, { from: WINDOW.to - days * 86_400, to: WINDOW.to }, locations);
          expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_CHARACTERS);
          expect(subject).toMatch(/^[\x20-\x7e]+$/);
          expect(Buffer.byteLength(message)).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('counts what the report command prints on standard error', () => {
    const report = adviseSecurityGroups(handBuiltLedger(FLOWS, RULES), { rules: RULES });
    expect(countsOf(report)).toEqual({
      records: FLOWS.length,
      rules: 3,
      changes: report.recommendations.filter((recommendation) => recommendation.verdict === 'remove' || recommendation.verdict === 'narrow').length,
      removals: report.recommendations.filter((recommendation) => recommendation.verdict === 'remove').length,
      narrowings: report.recommendations.filter((recommendation) => recommendation.verdict === 'narrow').length,
      unused: 2,
      overBroad: report.overBroad.length,
      exposures: 1,
      exposuresAttempted: report.exposures.filter((exposure) => exposure.attempted).length,
    });
  });
});
