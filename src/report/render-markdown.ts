import type { RuleSummary, SecurityGroupReport } from './report-model.js';
import { formatBytes, formatCount, formatInteger, REPORT_SECTIONS, reportDefinitions } from './report-text.js';

/**
 * The report as GitHub-flavoured Markdown. Values from logs and inventories are escaped so that
 * none can break a table, start a link or inject HTML into a renderer that allows it.
 *
 * @example renderMarkdownReport(report).startsWith('# Security-group report') // true
 */
export function renderMarkdownReport(report: SecurityGroupReport): string {
  const lines: string[] = [`# ${REPORT_SECTIONS.title}`, ''];
  const { totals } = report;
  lines.push(`## ${REPORT_SECTIONS.summary}`, '');
  lines.push(
    `- Window: ${escapeMarkdown(report.window.first ?? 'n/a')} to ${escapeMarkdown(report.window.last ?? 'n/a')}`,
    `- Records: ${formatInteger(totals.records)} (${formatInteger(totals.accepted)} accepted, ${formatInteger(totals.rejected)} rejected), ${formatBytes(totals.bytes)}, ${formatCount(totals.interfaces)} interfaces`,
    `- Attribution: ${Object.entries(totals.byRuleMatch)
      .map(([match, count]) => `${match} ${formatInteger(count)}`)
      .join(', ')}`,
    `- Rules: ${report.rules.length}; unused ${report.unused.reduce((sum, group) => sum + group.rules.length, 0)}; over-broad ${report.overBroad.length}; exposures ${report.exposures.length} (${report.exposures.filter((exposure) => exposure.reached).length} reached)`,
    '',
  );

  lines.push(`## ${REPORT_SECTIONS.unused}`, '');
  if (report.unused.length === 0) lines.push('None.', '');
  for (const group of report.unused) {
    lines.push(`### ${escapeMarkdown(group.groupId)}${group.groupName === undefined ? '' : ` (${escapeMarkdown(group.groupName)})`}`, '');
    lines.push(...table(['Rule', 'Direction', 'Protocol', 'Ports', 'Peer', 'Description'], group.rules.map((rule) => [rule.ruleId, ...ruleCells(rule).slice(2), rule.description ?? ''])), '');
  }

  lines.push(`## ${REPORT_SECTIONS.overBroad}`, '');
  lines.push(
    ...orNone(
      table(
        ['Rule', 'Group', 'Direction', 'Protocol', 'Ports', 'Peer', 'Flows', 'Distinct peers', 'Suggested CIDRs'],
        report.overBroad.map((rule) => [...ruleCells(rule), formatInteger(rule.flows), formatCount(rule.distinctPeers), `${rule.suggestedCidrs.join(', ')}${rule.suggestionsExact ? '' : ' (coarsened)'}`]),
      ),
    ),
    '',
  );

  lines.push(`## ${REPORT_SECTIONS.exposures}`, '');
  lines.push(
    ...orNone(
      table(
        ['Rule', 'Group', 'Port', 'Service', 'Peer', 'Reached', 'Public flows', 'Public sources', 'Last reached'],
        report.exposures.map((exposure) => [
          exposure.ruleId,
          exposure.groupId,
          String(exposure.port),
          exposure.service,
          exposure.peer,
          exposure.reached ? 'yes' : 'no',
          formatInteger(exposure.publicFlows),
          formatCount(exposure.publicSources),
          exposure.lastReached ?? '',
        ]),
      ),
    ),
    '',
  );

  const rejected = report.topRejectedSources;
  lines.push(`## ${REPORT_SECTIONS.rejected}`, '', `${formatInteger(rejected.total)} rejected records; counts are upper bounds, over by at most the overcount (error bound ${formatInteger(rejected.errorBound)}).`, '');
  lines.push(...orNone(table(['Source', 'Rejected records', 'Overcount'], rejected.items.map((item) => [item.key, formatInteger(item.value), formatInteger(item.overcount)]))), '');

  lines.push(`## ${REPORT_SECTIONS.talkers}`, '');
  if (report.topTalkers.length === 0) lines.push('None.', '');
  for (const group of report.topTalkers) {
    lines.push(`### ${escapeMarkdown(group.groupId)}`, '', `${formatBytes(group.total)} accepted; error bound ${formatBytes(group.errorBound)}.`, '');
    lines.push(...table(['Peer', 'Bytes', 'Overcount'], group.items.map((item) => [item.key, formatBytes(item.value), formatBytes(item.overcount)])), '');
  }

  lines.push(`## ${REPORT_SECTIONS.usage}`, '');
  lines.push(
    ...table(
      ['Rule', 'Group', 'Direction', 'Protocol', 'Ports', 'Peer', 'Flows', 'Bytes', 'Distinct peers', 'First seen', 'Last seen', 'Rejected, would allow'],
      report.rules.map((rule) => [...ruleCells(rule), formatInteger(rule.flows), formatBytes(rule.bytes), formatCount(rule.distinctPeers), rule.firstSeen ?? '', rule.lastSeen ?? '', formatInteger(rule.rejectedWouldAllow)]),
    ),
    '',
  );

  lines.push(`## ${REPORT_SECTIONS.notJudged}`, '');
  lines.push(`- Security groups without any record in the window: ${report.notJudged.groupsWithoutRecords.map(escapeMarkdown).join(', ') || 'none'}`);
  lines.push(`- Rules without traffic whose peer could not be resolved: ${report.notJudged.unresolvedPeerRules.map((rule) => escapeMarkdown(rule.ruleId)).join(', ') || 'none'}`);
  if (report.unknownRuleIds.length > 0) lines.push(`- Rule ids in the records that the inventory does not hold: ${report.unknownRuleIds.map(escapeMarkdown).join(', ')}`);
  lines.push('');

  lines.push(`## ${REPORT_SECTIONS.definitions}`, '', ...reportDefinitions(report.thresholds).map((text) => `- ${escapeMarkdown(text)}`), '');
  return lines.join('\n');
}

/** The cells every rule table starts with: Rule, Group, Direction, Protocol, Ports, Peer. */
function ruleCells(rule: RuleSummary): string[] {
  return [rule.ruleId, rule.groupId, rule.direction, rule.protocol, rule.ports, rule.peer];
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return [];
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`)];
}

function orNone(lines: string[]): string[] {
  return lines.length === 0 ? ['None.'] : lines;
}

/**
 * Text safe inside Markdown (and a table cell): every punctuation character Markdown or HTML
 * gives a meaning to is backslash-escaped, and line breaks become spaces.
 *
 * @example escapeMarkdown('a|b <script>') // 'a\\|b \\<script\\>'
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~&"]/g, (character) => `\\${character}`);
}
