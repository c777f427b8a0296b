// Scheduled advice (issue 15): the security-group report run on a schedule in the stack, over the
// stack's own engine and a live inventory, its outputs written to the bucket and its summary
// notified. Pure: the Lambda in reporter/ wires the ports (src/adapters) to it.
export { runScheduledReport, ScheduledReportError, ScheduledReportStep } from './run-scheduled-report.js';
export type { ReportInventorySource, ReportNotifier, ReportObjectStore, ScheduledReportInventory, ScheduledReportPorts, ScheduledReportResult, ScheduledReportSettings } from './run-scheduled-report.js';
export { createEnrichedLineLedgerSource, type EnrichedLineLedgerSourceOptions, type LineTally, type WindowLine, type WindowLineSource } from './enriched-line-ledger-source.js';
export { countsOf, notificationOf, SNS_MESSAGE_MAX_BYTES, SNS_SUBJECT_MAX_CHARACTERS, type ReportCounts, type ReportNotification } from './report-summary.js';
export { dayPrefixesOf, reportKeyStemOf, reportWindowOf } from './report-window.js';
export type { LedgerSource, LedgerWindow } from '../report/index.js';
