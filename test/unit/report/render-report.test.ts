import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA } from '../../../src/report/report-model.js';
import { renderHtmlReport } from '../../../src/report/render-html.js';
import { renderJsonReport } from '../../../src/report/render-json.js';
import { escapeMarkdown, renderMarkdownReport } from '../../../src/report/render-markdown.js';
import { REPORT_SECTIONS } from '../../../src/report/report-text.js';
import { buildSecurityGroupReport } from '../../../src/report/security-group-report.js';
import { reportFlow, reportRule } from '../../support/report-builders.js';

const HOSTILE = '<script>alert(1)</script> | [x](http://198.51.100.1/)';

/** A report with something in every section: an unused rule with a hostile description, an over-broad rule, an exposure, rejections. */
function sampleReport() {
  const rules = [
    reportRule(),
    reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa2', from_port: 22, to_port: 22 }),
    reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa3', from_port: 8443, to_port: 8443, description: HOSTILE }),
  ];
  const flows = [
    ...Array.from({ length: 20 }, (_, index) => reportFlow({ srcaddr: `203.0.113.${index}`, security_group_names: [HOSTILE] })),
    reportFlow({ srcaddr: '198.51.100.7', dstport: 22, security_group_rule_ids: ['sgr-0aaaaaaaaaaaaaaa2'] }),
    reportFlow({ action: 'REJECT', rule_match: 'no_rule', srcaddr: HOSTILE }),
  ];
  return buildSecurityGroupReport(flows, { rules, thresholds: { minWindowDays: 0 } });
}

describe('renderMarkdownReport', () => {
  it('writes every section, in the same order as the other formats', () => {
    // Act
    const markdown = renderMarkdownReport(sampleReport());
    // Assess
    const titles = [...markdown.matchAll(/^#{1,2} (.+)$/gm)].map((match) => match[1]);
    expect(titles).toEqual(Object.values(REPORT_SECTIONS));
  });

  it('keeps a hostile description inside its table cell, as text', () => {
    // Act
    const markdown = renderMarkdownReport(sampleReport());
    // Assess
    const row = markdown.split('\n').find((line) => line.startsWith('| sgr-0aaaaaaaaaaaaaaa3 | ingress'));
    expect(row).toBe(`| sgr-0aaaaaaaaaaaaaaa3 | ingress | tcp | 8443 | 0.0.0.0/0 | ${escapeMarkdown(HOSTILE)} |`);
    expect(markdown).not.toContain('<script>');
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['<b>', '\\<b\\>'],
    ['[x](y)', '\\[x\\](y)'],
    ['"matched" (IPv4)', '"matched" (IPv4)'],
    ['exposed_admin_port', 'exposed_admin_port'],
    ['_x_ and *y*', '\\_x\\_ and \\*y\\*'],
    ['one\ntwo', 'one two'],
  ])('escapes %j', (text, expected) => {
    // Act / Assess
    expect(escapeMarkdown(text)).toBe(expected);
  });
});

describe('renderHtmlReport', () => {
  it('is one page that loads and runs nothing: no script, no external reference, a CSP forbidding both', () => {
    // Act
    const html = renderHtmlReport(sampleReport());
    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(?:src|href)=/i);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;');
  });

  it('escapes values from records and inventories', () => {
    // Act
    const html = renderHtmlReport(sampleReport());
    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; | [x](http://198.51.100.1/)');
  });

  it('has a heading and a table for each finding', () => {
    // Act
    const html = renderHtmlReport(sampleReport());
    // Assess
    for (const id of ['unused-rules', 'over-broad-rules', 'exposures', 'top-rejected-sources', 'top-talkers', 'rule-usage', 'not-judged', 'definitions']) expect(html).toContain(`<h2 id="${id}">`);
    for (const id of ['unused-rules-table', 'over-broad-rules-table', 'exposures-table', 'top-rejected-sources-table', 'rule-usage-table']) expect(html).toContain(`<table id="${id}">`);
  });
});

describe('renderJsonReport', () => {
  it('round-trips the report, schema first', () => {
    // Prepare
    const report = sampleReport();
    // Act
    const json = renderJsonReport(report);
    // Assess
    expect(JSON.parse(json)).toEqual(report);
    expect(Object.keys(JSON.parse(json) as object)[0]).toBe('schema');
    expect((JSON.parse(json) as { schema: string }).schema).toBe(REPORT_SCHEMA);
  });
});
