import { escapeHtml } from './escape-html.js';
import type { Ranking, Recommendation, RuleSummary, SecurityGroupReport } from './report-model.js';
import { describeReplacement, describeSafetyCheck, formatBytes, formatCount, formatInteger, REPORT_SECTIONS, reportDefinitions } from './report-text.js';
import { renderSvgBarChart } from './svg-bar-chart.js';
import { renderSvgDailyChart } from './svg-daily-chart.js';

/** Rules shown in the usage chart; the table below it lists every rule. */
const USAGE_CHART_RULES = 15;

/**
 * Forbids every fetch, script and frame: even a value that escaped escaping could not load or
 * run anything. Inline styles and the inline SVG are all the page needs.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6b7c; --line: #d5dde6; --accent: #2563a8; --warn: #b42318; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 28px; }
h2 { margin: 36px 0 8px; font-size: 21px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { margin: 20px 0 6px; font-size: 17px; }
p.note { color: var(--muted); margin: 4px 0 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 150px; }
.card .value { font-size: 22px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 13px; }
.card.warn .value { color: var(--warn); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
div.scroll { overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: normal; word-break: normal; }
th { white-space: nowrap; }
td code, td.token { white-space: nowrap; }
td.why { min-width: 18em; }
th { background: #f2f5f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.yes { color: var(--warn); font-weight: 600; }
.no { color: var(--ok); }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0 12px; }
svg.chart text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg.chart rect, svg.daily rect { fill: var(--accent); }
.verdict-narrow, .verdict-remove { color: var(--warn); font-weight: 600; }
.verdict-review { color: #9a6700; font-weight: 600; }
ul.definitions li { margin-bottom: 6px; }
`;

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts, no script and no
 * external resource (a Content-Security-Policy forbids any), every value escaped.
 *
 * @example renderHtmlReport(report).includes('<h2 id="unused-rules">Unused rules</h2>') // true
 */
export function renderHtmlReport(report: SecurityGroupReport): string {
  const { totals } = report;
  const unusedCount = report.unused.reduce((sum, group) => sum + group.rules.length, 0);
  const attempted = report.exposures.filter((exposure) => exposure.attempted).length;
  const proposed = report.recommendations.filter((recommendation) => recommendation.verdict === 'narrow' || recommendation.verdict === 'remove').length;
  const rulesById = new Map(report.rules.map((rule) => [rule.ruleId, rule]));
  const body: string[] = [];
  body.push(`<h1>${REPORT_SECTIONS.title}</h1>`);
  body.push(`<p class="note">Window ${text(report.window.first ?? 'n/a')} to ${text(report.window.last ?? 'n/a')}; ${formatInteger(totals.records)} records.</p>`);

  body.push(section('summary', REPORT_SECTIONS.summary));
  body.push(
    `<div class="cards">${[
      card('Records', formatInteger(totals.records)),
      card('Accepted', formatInteger(totals.accepted)),
      card('Rejected', formatInteger(totals.rejected)),
      card('Traffic', formatBytes(totals.bytes)),
      card('Interfaces', formatCount(totals.interfaces)),
      card('Rules', formatInteger(report.rules.length)),
      card('Unused rules', formatInteger(unusedCount), unusedCount > 0),
      card('Over-broad rules', formatInteger(report.overBroad.length), report.overBroad.length > 0),
      card('Exposures reached or attempted', `${formatInteger(attempted)} / ${formatInteger(report.exposures.length)}`, attempted > 0),
      card('Changes proposed', formatInteger(proposed), proposed > 0),
    ].join('')}</div>`,
  );
  body.push(`<p class="note">Least-covered interface: ${coverageText(report)}; ${report.thresholds.minWindowDays} days are needed before a rule is called unused or narrowed.</p>`);
  body.push(renderSvgBarChart('Records by rule match', Object.entries(totals.byRuleMatch).map(([label, value]) => ({ label, value, valueText: formatInteger(value) }))));

  body.push(section('recommendations', REPORT_SECTIONS.recommendations));
  body.push('<p class="note">Narrow: authorize the replacement, then revoke the old rule (report --format cli writes the script). Remove: revoke. Review: a person decides. Keep: nothing to do.</p>');
  body.push(
    table(
      'recommendations-table',
      ['Rule', 'Security group', 'Direction', 'Protocol', 'Ports', 'Peer', 'Description', 'Verdict', 'Replacement', 'Evidence', 'Flows per day', 'Why'],
      report.recommendations.map((recommendation) => {
        const rule = rulesById.get(recommendation.ruleId);
        return [
          ...(rule === undefined ? [code(recommendation.ruleId), code(recommendation.groupId), token(recommendation.direction), '', '', ''] : ruleCells(rule)),
          text(rule?.description ?? ''),
          `<span class="verdict-${recommendation.verdict}">${text(recommendation.verdict)}</span><br>${text(recommendation.reasons.join(', '))}`,
          replacementCell(recommendation),
          text(`${formatInteger(recommendation.evidence.flows)} flows, ${formatCount(recommendation.evidence.distinctPeers)} peers, ${recommendation.evidence.coveredDays} days covered`),
          rule === undefined || rule.hitsByDay.length < 2 ? '' : renderSvgDailyChart(rule.ruleId, rule.hitsByDay),
          `<td class="why">${text(recommendation.explanation)}</td>`,
        ];
      }),
    ),
  );

  body.push(section('safety-check', REPORT_SECTIONS.safetyCheck));
  body.push(`<p>${text(describeSafetyCheck(report))}</p>`);

  body.push(section('exposures', REPORT_SECTIONS.exposures));
  body.push(
    table(
      'exposures-table',
      ['Rule', 'Security group', 'Port', 'Service', 'Peer', 'Reached', 'Public flows', 'Public sources', 'Last reached', 'Blocked attempts', 'Blocked sources', 'Last blocked'],
      report.exposures.map((exposure) => [
        code(exposure.ruleId),
        code(exposure.groupId),
        number(String(exposure.port)),
        text(exposure.service),
        code(exposure.peer),
        exposure.reached ? '<span class="yes">yes</span>' : exposure.attempted ? '<span class="yes">attempted, stopped by the network ACL</span>' : '<span class="no">no</span>',
        number(formatInteger(exposure.publicFlows)),
        number(formatCount(exposure.publicSources)),
        token(exposure.lastReached ?? ''),
        number(formatInteger(exposure.blockedAttempts)),
        number(formatCount(exposure.blockedSources)),
        token(exposure.lastBlocked ?? ''),
      ]),
    ),
  );

  body.push(section('unused-rules', REPORT_SECTIONS.unused));
  body.push('<p class="note">No record in the window used these rules; records were seen on their groups\' interfaces.</p>');
  body.push(
    table(
      'unused-rules-table',
      ['Security group', 'Rule', 'Direction', 'Protocol', 'Ports', 'Peer', 'Description'],
      report.unused.flatMap((group) =>
        group.rules.map((rule) => [code(group.groupId) + (group.groupName === undefined ? '' : ` (${text(group.groupName)})`), code(rule.ruleId), text(rule.direction), text(rule.protocol), text(rule.ports), code(rule.peer), text(rule.description ?? '')]),
      ),
    ),
  );

  body.push(section('over-broad-rules', REPORT_SECTIONS.overBroad));
  body.push('<p class="note">The observed peers fit much smaller blocks than the rule allows. Suggested CIDRs cover every observed peer.</p>');
  body.push(
    table(
      'over-broad-rules-table',
      ['Rule', 'Security group', 'Direction', 'Protocol', 'Ports', 'Peer', 'Description', 'Flows', 'Distinct peers', 'Suggested CIDRs'],
      report.overBroad.map((rule) => [
        ...ruleCells(rule),
        text(rule.description ?? ''),
        number(formatInteger(rule.flows)),
        number(formatCount(rule.distinctPeers)),
        rule.suggestedCidrs.map(code).join('<br>') + (rule.suggestionsExact ? '' : ' (coarsened)'),
      ]),
    ),
  );

  body.push(section('top-rejected-sources', REPORT_SECTIONS.rejected));
  body.push(rankingHtml('top-rejected-sources', 'Ingress: sources outside knocking', report.topRejectedSources));
  body.push(rankingHtml('top-rejected-egress-sources', 'Egress: your own hosts refused on the way out', report.topRejectedEgressSources));

  body.push(section('top-talkers', REPORT_SECTIONS.talkers));
  if (report.topTalkers.length === 0) body.push('<p>None.</p>');
  for (const group of report.topTalkers) {
    body.push(`<h3>${code(group.groupId)}${group.groupName === undefined ? '' : ` (${text(group.groupName)})`}</h3><p class="note">${formatBytes(group.total)} accepted; ${group.exact ? 'exact' : `error bound ${formatBytes(group.errorBound)}`}.</p>`);
    body.push(table(undefined, ['Peer', 'Bytes', 'Overcount'], group.items.map((item) => [code(item.key), number(formatBytes(item.value)), number(formatBytes(item.overcount))])));
  }

  body.push(section('rule-usage', REPORT_SECTIONS.usage));
  body.push(renderSvgBarChart('Most used rules (flows)', report.rules.filter((rule) => rule.flows > 0).slice(0, USAGE_CHART_RULES).map((rule) => ({ label: rule.ruleId, value: rule.flows, valueText: formatInteger(rule.flows) }))));
  body.push(
    table(
      'rule-usage-table',
      ['Rule', 'Security group', 'Direction', 'Protocol', 'Ports', 'Peer', 'Flows', 'Bytes', 'Distinct peers', 'First seen', 'Last seen', 'Rejected, would allow'],
      report.rules.map((rule) => [
        ...ruleCells(rule),
        number(formatInteger(rule.flows)),
        number(formatBytes(rule.bytes)),
        number(formatCount(rule.distinctPeers)),
        token(rule.firstSeen ?? ''),
        token(rule.lastSeen ?? ''),
        number(formatInteger(rule.rejectedWouldAllow)),
      ]),
    ),
  );

  body.push(section('not-judged', REPORT_SECTIONS.notJudged));
  body.push(
    `<ul><li>Security groups without any record in the window (their rules are not called unused): ${list(report.notJudged.groupsWithoutRecords)}</li>` +
      `<li>Rules without traffic whose peer could not be resolved: ${list(report.notJudged.unresolvedPeerRules.map((rule) => rule.ruleId))}</li>` +
      (report.unknownRuleIds.length > 0 ? `<li>Rule ids in the records that the inventory does not hold: ${list(report.unknownRuleIds)}</li>` : '') +
      '</ul>',
  );

  body.push(section('definitions', REPORT_SECTIONS.definitions));
  body.push(`<ul class="definitions">${reportDefinitions(report.thresholds, report.limits).map((definition) => `<li>${text(definition)}</li>`).join('')}</ul>`);

  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${REPORT_SECTIONS.title}</title><style>${STYLE}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`
  );
}

/** The cells every rule table starts with: Rule, Security group, Direction, Protocol, Ports, Peer. */
function ruleCells(rule: RuleSummary): string[] {
  return [code(rule.ruleId), code(rule.groupId), token(rule.direction), token(rule.protocol), token(rule.ports), code(rule.peer)];
}

function replacementCell(recommendation: Recommendation): string {
  if (recommendation.replacement !== undefined) return recommendation.replacement.map((rule) => code(describeReplacement(rule))).join('<br>');
  if (recommendation.shadowedBy !== undefined) return `covered by ${recommendation.shadowedBy.map(code).join(', ')}`;
  return '';
}

function rankingHtml(id: string, title: string, ranking: Ranking): string {
  const note = `${formatInteger(ranking.total)} rejected records; ${ranking.exact ? 'exact counts' : `counts are upper bounds, over by at most the overcount (error bound ${formatInteger(ranking.errorBound)})`}.`;
  return (
    `<h3>${text(title)}</h3><p class="note">${text(note)}</p>` +
    renderSvgBarChart(title, ranking.items.map((item) => ({ label: item.key, value: item.value, valueText: formatInteger(item.value) }))) +
    table(`${id}-table`, ['Source', 'Rejected records', 'Overcount'], ranking.items.map((item) => [code(item.key), number(formatInteger(item.value)), number(formatInteger(item.overcount))]))
  );
}

function coverageText(report: SecurityGroupReport): string {
  return report.coverage.length === 0 ? 'no interface seen' : `${Math.min(...report.coverage.map((entry) => entry.coveredDays))} days`;
}

/** A cell that must never break inside: a port, a direction, a time. */
function token(value: string): string {
  return `<td class="token">${escapeHtml(value)}</td>`;
}

function section(id: string, title: string): string {
  return `<h2 id="${id}">${escapeHtml(title)}</h2>`;
}

function card(label: string, value: string, warn = false): string {
  return `<div class="card${warn ? ' warn' : ''}"><div class="value">${text(value)}</div><div class="label">${text(label)}</div></div>`;
}

/** Cells are HTML already escaped by text(), code() or number(). */
function table(id: string | undefined, headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '<p>None.</p>';
  const head = `<thead><tr>${headers.map((header) => `<th scope="col">${text(header)}</th>`).join('')}</tr></thead>`;
  const bodyRows = rows.map((row) => `<tr>${row.map((cell) => (cell.startsWith('<td') ? cell : `<td>${cell}</td>`)).join('')}</tr>`).join('');
  return `<div class="scroll"><table${id === undefined ? '' : ` id="${id}"`}>${head}<tbody>${bodyRows}</tbody></table></div>`;
}

function text(value: string): string {
  return escapeHtml(value);
}

function code(value: string): string {
  return `<code>${escapeHtml(value)}</code>`;
}

function number(value: string): string {
  return `<td class="num">${escapeHtml(value)}</td>`;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.map(code).join(', ');
}
