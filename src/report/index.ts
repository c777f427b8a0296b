// The security-group report (issue 7): a pure, bounded-memory aggregation of attributed flow
// records, and its Markdown, JSON and HTML renderings. The CLI (src/cli/report-command.ts) feeds it.
export * from './report-model.js';
export { createSecurityGroupReportBuilder, buildSecurityGroupReport, summarizeRule, exposedPortsOf, DEFAULT_REPORT_THRESHOLDS, MAX_TRACKED_GROUPS, type ReportFlow, type SecurityGroupReportBuilder, type SecurityGroupReportInput } from './security-group-report.js';
export { EXPOSED_SERVICE_PORTS, WHOLE_INTERNET_CIDRS } from './exposure-ports.js';
export { renderMarkdownReport, escapeMarkdown } from './render-markdown.js';
export { renderHtmlReport } from './render-html.js';
export { escapeHtml } from './escape-html.js';
export { renderJsonReport } from './render-json.js';
export { reportDefinitions, REPORT_SECTIONS } from './report-text.js';
export { toReportFlow, isEnrichedDocument, type ReportDocument } from './report-flow.js';
