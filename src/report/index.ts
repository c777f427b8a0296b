// The security-group report and advisor (issues 7, 14): records -> a plain-data ledger
// (ledger-builder, bounded memory) -> the pure advisor (advisor, safety-check) -> the report and
// its Markdown, JSON, HTML and CLI-script renderings. The CLI (src/cli/report-command.ts) feeds it.
export * from './report-model.js';
export * from './rule-ledger.js';
export { createSecurityGroupReportBuilder, buildSecurityGroupReport, type SecurityGroupReportBuilder, type SecurityGroupReportInput } from './security-group-report.js';
export type { LedgerQuery, LedgerSource, LedgerWindow } from './ledger-source.js';
export { createLedgerBuilder, MAX_TRACKED_GROUPS, type LedgerBuilder, type LedgerBuilderInput, type ReportFlow } from './ledger-builder.js';
export { adviseSecurityGroups, covers, essentialBecause, DEFAULT_REPORT_THRESHOLDS, type AdvisorInventory } from './advisor.js';
export { replayProposals, proposedRules, replacementToRule, type Proposal, type ReplayResult } from './safety-check.js';
export { summarizeRule, exposedPortsOf } from './rule-summary.js';
export { EXPOSED_SERVICE_PORTS, WHOLE_INTERNET_CIDRS } from './exposure-ports.js';
export { renderMarkdownReport, escapeMarkdown } from './render-markdown.js';
export { renderHtmlReport } from './render-html.js';
export { escapeHtml } from './escape-html.js';
export { renderJsonReport } from './render-json.js';
export { renderCliScripts, shellQuote, type CliScripts } from './render-cli-script.js';
export { reportDefinitions, REPORT_SECTIONS } from './report-text.js';
export { toReportFlow, isEnrichedDocument, type ReportDocument } from './report-flow.js';
