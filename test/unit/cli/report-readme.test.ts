import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { REPORT_USAGE } from '../../../src/cli/report-command.js';
import { REPORT_SECTIONS } from '../../../src/report/report-text.js';

async function reportSection(): Promise<string> {
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('### Security-group report\n');
  if (start === -1) throw new Error('README has no "### Security-group report" section');
  // The section ends at the next level-2 heading outside a code block (the sample has its own).
  const lines = readme.slice(start).split('\n');
  let fenced = false;
  const end = lines.findIndex((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && line.startsWith('## ');
  });
  return lines.slice(0, end === -1 ? undefined : end).join('\n');
}

/** The options in the first column of the section's option table. */
function tableOptions(section: string): string[] {
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `--'))
    .map((line) => /^\| `(--[a-z-]+)/.exec(line)?.[1] ?? '')
    .sort();
}

describe('README Security-group report section', () => {
  it('has a table row for every option of the command, and none the command lacks', async () => {
    // Prepare
    const usage = new Set([...REPORT_USAGE.matchAll(/^ {2}(?:-h, )?(--[a-z][a-z-]+)/gm)].map((match) => match[1] ?? ''));
    usage.delete('--help');
    // Act
    const documented = tableOptions(await reportSection());
    // Assess
    expect(documented).toEqual([...usage].sort());
  });

  it('shows a sample of the output with its section titles', async () => {
    // Act
    const section = await reportSection();
    // Assess
    for (const title of [REPORT_SECTIONS.summary, REPORT_SECTIONS.unused, REPORT_SECTIONS.overBroad, REPORT_SECTIONS.exposures]) expect(section).toContain(`## ${title}\n`);
  });
});
