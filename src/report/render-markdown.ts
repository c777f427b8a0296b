import type { Recommendation, RuleSummary, SecurityGroupReport } from './report-model.js';
import { describeReplacement, describeSafetyCheck, formatBytes, formatCount, formatInteger, REPORT_SECTIONS, reportDefinitions } from './report-text.js';

/**
 * The report as GitHub-flavoured Markdown, readable in a terminal too. Values from logs and
 * inventories are escaped so that none can break a table, start a link or inject HTML into a
 * renderer that allows it; the report's own sentences are written as they are.
 *
 * @example renderMarkdownReport(report).startsWith('# Security-group report') // true
 */
export function renderMarkdownReport(report: SecurityGroupReport): string {
  const lines: string[] = [`# ${REPORT_SECTIONS.title}`, ''];
  const { totals } = report;
  const byVerdict = (verdict: string): number => report.recommendations.filter((recommendation) => recommendation.verdict === verdict).length;
  const rulesById = new Map(report.rules.map((rule) => [rule.ruleId, rule]));
  lines.push(`## ${REPORT_SECTIONS.summary}`, '');
  lines.push(
    `- Window: ${escapeMarkdown(report.window.first ?? 'n/a')} to ${escapeMarkdown(report.window.last ?? 'n/a')}; least-covered interface ${formatDaysOf(report)} (${report.thresholds.minWindowDays} days needed to call a rule unused or narrow it)`,
    `- Records: ${formatInteger(totals.records)} (${formatInteger(totals.accepted)} accepted, ${formatInteger(totals.rejected)} rejected), ${formatBytes(totals.bytes)} of traffic, ${formatCount(totals.interfaces)} interfaces`,
    `- Attribution: ${Object.entries(totals.byRuleMatch)
      .map(([match, count]) => `${match} ${formatInteger(count)}`)
      .join(', ')}`,
    `- Recommendations: ${byVerdict('narrow')} narrow, ${byVerdict('remove')} remove, ${byVerdict('review')} review, ${byVerdict('keep')} keep, of ${report.recommendations.length} rules`,
    `- Exposures: ${report.exposures.length} (${report.exposures.filter((exposure) => exposure.reached).length} reached, ${report.exposures.filter((exposure) => !exposure.reached && exposure.attempted).length} more attempted and stopped only by the network ACL)`,
    '',
  );

  lines.push(`## ${REPORT_SECTIONS.recommendations}`, '');
  lines.push(
    ...orNone(
      table(
        ['Rule', 'Group', 'Direction', 'Protocol', 'Ports', 'Peer', 'Description', 'Verdict', 'Reasons', 'Replacement', 'Flows', 'Covered days', 'Why'],
        report.recommendations.map((recommendation) => {
          const rule = rulesById.get(recommendation.ruleId);
          return [
            ...(rule === undefined ? [recommendation.ruleId, recommendation.groupId, recommendation.direction, '', '', ''] : ruleCells(rule)),
            rule?.description ?? '',
            recommendation.verdict,
            recommendation.reasons.join(', '),
            replacementCell(recommendation),
            formatInteger(recommendation.evidence.flows),
            String(recommendation.evidence.coveredDays),
            recommendation.explanation,
          ];
        }),
      ),
    ),
    '',
  );

  lines.push(`## ${REPORT_SECTIONS.safetyCheck}`, '', describeSafetyCheck(report), '');

  lines.push(`## ${REPORT_SECTIONS.exposures}`, '');
  lines.push(
    ...orNone(
      table(
        ['Rule', 'Group', 'Port', 'Service', 'Peer', 'Reached', 'Public flows', 'Public sources', 'Last reached', 'Blocked attempts', 'Blocked sources', 'Last blocked'],
        report.exposures.map((exposure) => [
          exposure.ruleId,
          exposure.groupId,
          String(exposure.port),
          exposure.service,
          exposure.peer,
          exposure.reached ? 'yes' : exposure.attempted ? 'attempted, stopped by the network ACL' : 'no',
          formatInteger(exposure.publicFlows),
          formatCount(exposure.publicSources),
          exposure.lastReached ?? '',
          formatInteger(exposure.blockedAttempts),
          formatCount(exposure.blockedSources),
          exposure.lastBlocked ?? '',
        ]),
      ),
    ),
    '',
  );

  lines.push(`## ${REPORT_SECTIONS.unused}`, '', 'No accepted flow used these rules in the window; see the recommendations for whether the evidence suffices to remove them.', '');
  if (report.unused.length === 0) lines.push('None.', '');
  for (const group of report.unused) {
    lines.push(`### ${escapeMarkdown(group.groupId)}${group.groupName === undefined ? '' : ` (${escapeMarkdown(group.groupName)})`}`, '');
    lines.push(...table(['Rule', 'Direction', 'Protocol', 'Ports', 'Peer', 'Description'], group.rules.map((rule) => [rule.ruleId, ...ruleCells(rule).slice(2), rule.description ?? ''])), '');
  }

  lines.push(`## ${REPORT_SECTIONS.overBroad}`, '');
  lines.push(
    ...orNone(
      table(
        ['Rule', 'Group', 'Direction', 'Protocol', 'Ports', 'Peer', 'Description', 'Flows', 'Distinct peers', 'Suggested CIDRs'],
        report.overBroad.map((rule) => [...ruleCells(rule), rule.description ?? '', formatInteger(rule.flows), formatCount(rule.distinctPeers), `${rule.suggestedCidrs.join(', ')}${rule.suggestionsExact ? '' : ' (coarsened)'}`]),
      ),
    ),
    '',
  );

  lines.push(`## ${REPORT_SECTIONS.rejected}`, '');
  for (const [title, ranking] of [
    ['Ingress (sources outside knocking)', report.topRejectedSources],
    ['Egress (your own hosts refused on the way out)', report.topRejectedEgressSources],
  ] as const) {
    lines.push(`### ${title}`, '', `${formatInteger(ranking.total)} rejected records; ${ranking.exact ? 'exact counts' : `counts are upper bounds, over by at most the overcount (error bound ${formatInteger(ranking.errorBound)})`}.`, '');
    lines.push(...orNone(table(['Source', 'Rejected records', 'Overcount'], ranking.items.map((item) => [item.key, formatInteger(item.value), formatInteger(item.overcount)]))), '');
  }

  lines.push(`## ${REPORT_SECTIONS.talkers}`, '');
  if (report.topTalkers.length === 0) lines.push('None.', '');
  for (const group of report.topTalkers) {
    lines.push(`### ${escapeMarkdown(group.groupId)}${group.groupName === undefined ? '' : ` (${escapeMarkdown(group.groupName)})`}`, '', `${formatBytes(group.total)} accepted; ${group.exact ? 'exact' : `error bound ${formatBytes(group.errorBound)}`}.`, '');
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

  // The definitions are the report's own text (numbers and fixed words): written as they are.
  lines.push(`## ${REPORT_SECTIONS.definitions}`, '', ...reportDefinitions(report.thresholds, report.limits).map((text) => `- ${text}`), '');
  return lines.join('\n');
}

function replacementCell(recommendation: Recommendation): string {
  if (recommendation.replacement !== undefined) return recommendation.replacement.map(describeReplacement).join('; ');
  if (recommendation.shadowedBy !== undefined) return `covered by ${recommendation.shadowedBy.join(', ')}`;
  return '';
}

function formatDaysOf(report: SecurityGroupReport): string {
  if (report.coverage.length === 0) return 'none';
  return `${Math.min(...report.coverage.map((entry) => entry.coveredDays))} days`;
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
 * Text safe inside Markdown (and a table cell): the characters that could end a cell, start a
 * link, emphasis, code or HTML are backslash-escaped, and line breaks become spaces. Quotes,
 * parentheses and underscores inside words mean nothing on their own and stay as they are, so
 * that a terminal shows plain text.
 *
 * @example escapeMarkdown('a|b <script>') // 'a\\|b \\<script\\>'
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\r\n]+/g, ' ')
      .replace(/[\\`*[\]<>|~&]/g, (character) => `\\${character}`)
      // An underscore inside a word (exposed_admin_port) starts no emphasis in GFM: only the others are escaped.
      .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
  );
}
