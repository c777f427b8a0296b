import { escapeHtml } from './escape-html.js';
import type { RuleSummary, SecurityGroupReport } from './report-model.js';
import { formatBytes, formatCount, formatInteger, REPORT_SECTIONS, reportDefinitions } from './report-text.js';
import { renderSvgBarChart } from './svg-bar-chart.js';

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
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f2f5f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.yes { color: var(--warn); font-weight: 600; }
.no { color: var(--ok); }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0 12px; }
svg.chart text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg.chart rect { fill: var(--accent); }
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
  const reached = report.exposures.filter((exposure) => exposure.reached).length;
  const body: string[] = [];
  body.push(`<h1>${REPORT_SECTIONS.title}</h1>`);
  body.push(`<p class="note">Window ${text(report.window.first ?? 'n/a')} to ${text(report.window.last ?? 'n/a')}; ${formatInteger(totals.records)} records.</p>`);

  body.push(section('summary', REPORT_SECTIONS.summary));
  body.push(
    `<div class="cards">${[
      card('Records', formatInteger(totals.records)),
      card('Accepted', formatInteger(totals.accepted)),
      card('Rejected', formatInteger(totals.rejected)),
      card('Bytes', formatBytes(totals.bytes)),
      card('Interfaces', formatCount(totals.interfaces)),
      card('Rules', formatInteger(report.rules.length)),
      card('Unused rules', formatInteger(unusedCount), unusedCount > 0),
      card('Over-broad rules', formatInteger(report.overBroad.length), report.overBroad.length > 0),
      card('Exposures reached', `${formatInteger(reached)} / ${formatInteger(report.exposures.length)}`, reached > 0),
    ].join('')}</div>`,
  );
  body.push(renderSvgBarChart('Records by rule match', Object.entries(totals.byRuleMatch).map(([label, value]) => ({ label, value, valueText: formatInteger(value) }))));

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
      ['Rule', 'Security group', 'Direction', 'Protocol', 'Ports', 'Peer', 'Flows', 'Distinct peers', 'Suggested CIDRs'],
      report.overBroad.map((rule) => [
        ...ruleCells(rule),
        number(formatInteger(rule.flows)),
        number(formatCount(rule.distinctPeers)),
        rule.suggestedCidrs.map(code).join('<br>') + (rule.suggestionsExact ? '' : ' (coarsened)'),
      ]),
    ),
  );

  body.push(section('exposures', REPORT_SECTIONS.exposures));
  body.push(
    table(
      'exposures-table',
      ['Rule', 'Security group', 'Port', 'Service', 'Peer', 'Reached', 'Public flows', 'Public sources', 'Last reached'],
      report.exposures.map((exposure) => [
        code(exposure.ruleId),
        code(exposure.groupId),
        number(String(exposure.port)),
        text(exposure.service),
        code(exposure.peer),
        exposure.reached ? '<span class="yes">yes</span>' : '<span class="no">no</span>',
        number(formatInteger(exposure.publicFlows)),
        number(formatCount(exposure.publicSources)),
        text(exposure.lastReached ?? ''),
      ]),
    ),
  );

  const rejected = report.topRejectedSources;
  body.push(section('top-rejected-sources', REPORT_SECTIONS.rejected));
  body.push(`<p class="note">${formatInteger(rejected.total)} rejected records. Counts are upper bounds, over by at most the overcount (error bound ${formatInteger(rejected.errorBound)}).</p>`);
  body.push(renderSvgBarChart(REPORT_SECTIONS.rejected, rejected.items.map((item) => ({ label: item.key, value: item.value, valueText: formatInteger(item.value) }))));
  body.push(table('top-rejected-sources-table', ['Source', 'Rejected records', 'Overcount'], rejected.items.map((item) => [code(item.key), number(formatInteger(item.value)), number(formatInteger(item.overcount))])));

  body.push(section('top-talkers', REPORT_SECTIONS.talkers));
  if (report.topTalkers.length === 0) body.push('<p>None.</p>');
  for (const group of report.topTalkers) {
    body.push(`<h3>${code(group.groupId)}</h3><p class="note">${formatBytes(group.total)} accepted; error bound ${formatBytes(group.errorBound)}.</p>`);
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
        text(rule.firstSeen ?? ''),
        text(rule.lastSeen ?? ''),
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
  body.push(`<ul class="definitions">${reportDefinitions(report.thresholds).map((definition) => `<li>${text(definition)}</li>`).join('')}</ul>`);

  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${REPORT_SECTIONS.title}</title><style>${STYLE}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`
  );
}

/** The cells every rule table starts with: Rule, Security group, Direction, Protocol, Ports, Peer. */
function ruleCells(rule: RuleSummary): string[] {
  return [code(rule.ruleId), code(rule.groupId), text(rule.direction), text(rule.protocol), text(rule.ports), code(rule.peer)];
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
  return `<table${id === undefined ? '' : ` id="${id}"`}>${head}<tbody>${bodyRows}</tbody></table>`;
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
