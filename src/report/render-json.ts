import type { SecurityGroupReport } from './report-model.js';

/**
 * The report as indented JSON (schema REPORT_SCHEMA), with a trailing newline.
 *
 * @example JSON.parse(renderJsonReport(report)).schema // 'vpc-flow-log-appender/security-group-report/v1'
 */
export function renderJsonReport(report: SecurityGroupReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
