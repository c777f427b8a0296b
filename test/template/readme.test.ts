// The README's deployment documentation against what it documents: every template parameter with
// its default, every environment variable the functions read, every events/ file it names.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isObject, loadTemplate } from '../support/cloudformation.js';
import { FUNCTION_CONFIGS, variablesReadBy } from './function-variables.js';

const README = readFileSync('README.md', 'utf8');
const template = loadTemplate('template.yaml');

/** Powertools' own variables, documented once for both functions rather than in each table. */
const POWERTOOLS_PREFIX = 'POWERTOOLS_';

/** The README section under each function's environment table. */
const FUNCTION_SECTIONS = { IngestorFunction: '## The ingestor Lambda', DecoratorFunction: '## The decorator Lambda', ReporterFunction: '## The reporter Lambda' } as const;

/**
 * The text of a section: from its heading line to the next heading of the same or a higher level.
 *
 * @example sectionOf('# A\n## B\nb\n## C\n', '## B') // '## B\nb'
 */
function sectionOf(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = /^#+/.exec(heading)?.[0].length ?? 1;
  const end = lines.findIndex((line, index) => index > start && new RegExp(`^#{1,${String(level)}} `).test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/**
 * Body rows, as trimmed cells, of the tables in `markdown` whose header row has exactly these cells.
 *
 * @example tableRows('| a | b |\n| --- | --- |\n| 1 | 2 |', ['a', 'b']) // [['1', '2']]
 */
function tableRows(markdown: string, header: readonly string[]): string[][] {
  const cellsOf = (line: string): string[] =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
  const rows: string[][] = [];
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.trim().startsWith('|')) {
      inTable = false;
      continue;
    }
    const cells = cellsOf(line);
    if (!inTable) inTable = JSON.stringify(cells) === JSON.stringify(header);
    else if (!cells.every((cell) => /^:?-+:?$/.test(cell))) rows.push(cells);
  }
  return rows;
}

/** The name in a table's first cell: `Name` -> Name. */
function codeName(cell: string | undefined): string {
  return /^`([^`]+)`$/.exec(cell ?? '')?.[1] ?? `(not a single code span: ${cell ?? ''})`;
}

const parameterRows = tableRows(sectionOf(README, '### Template parameters'), ['parameter', 'default', 'meaning']);

describe('README helpers', () => {
  it('cuts a section at the next heading of its level or higher, not at a deeper one', () => {
    expect(sectionOf('# T\n## A\na\n### A.1\nx\n## B\nb', '## A')).toBe('## A\na\n### A.1\nx');
  });

  it('reads only the tables with the given header, escaped pipes kept inside cells', () => {
    const markdown = '| a | b |\n| --- | --- |\n| 1 | x \\| y |\n\n| c | d |\n| --- | --- |\n| 3 | 4 |';
    expect(tableRows(markdown, ['a', 'b'])).toEqual([['1', 'x \\| y']]);
  });
});

describe('README template parameters', () => {
  it('lists every parameter of template.yaml exactly once', () => {
    const names = parameterRows.map((row) => codeName(row[0]));
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    expect([...names].sort()).toEqual(Object.keys(template.Parameters).sort());
  });

  it('gives each parameter the default template.yaml gives it, or none when that is empty', () => {
    // Act
    const mismatches = parameterRows.flatMap(([name, defaultCell = '']) => {
      const declared = template.Parameters[codeName(name)]?.Default;
      const documented = /^`([^`]*)`$/.exec(defaultCell)?.[1];
      const expected = declared === undefined || declared === '' ? undefined : String(declared);
      return documented === expected ? [] : [`${codeName(name)}: README "${defaultCell}", template ${JSON.stringify(declared)}`];
    });

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('says what each parameter means', () => {
    expect(parameterRows.filter((row) => row.length !== 3 || (row[2] ?? '').length < 3)).toEqual([]);
  });
});

describe('README environment variables', () => {
  it.each(FUNCTION_CONFIGS)('documents in its table exactly the variables $logicalId reads, Powertools\' aside', ({ logicalId, configPath }) => {
    // Prepare
    const read = variablesReadBy(configPath).filter((name) => !name.startsWith(POWERTOOLS_PREFIX));

    // Act
    const documented = tableRows(sectionOf(README, FUNCTION_SECTIONS[logicalId]), ['environment variable', 'default', 'meaning']).map((row) => codeName(row[0]));

    // Assess
    expect([...documented].sort()).toEqual(read);
  });

  it('names every Powertools variable either function reads', () => {
    const powertools = [...new Set(FUNCTION_CONFIGS.flatMap(({ configPath }) => variablesReadBy(configPath)))].filter((name) => name.startsWith(POWERTOOLS_PREFIX));
    expect(powertools.length).toBeGreaterThan(0);
    expect(powertools.filter((name) => !README.includes(`\`${name}\``))).toEqual([]);
  });

  it('names every variable template.yaml sets for either function', () => {
    // Prepare
    const set = FUNCTION_CONFIGS.flatMap(({ logicalId }) => {
      const environment = template.Resources[logicalId]?.Properties?.['Environment'];
      const variables = isObject(environment) ? environment['Variables'] : undefined;
      return isObject(variables) ? Object.keys(variables) : [];
    });

    // Act
    const undocumented = [...new Set(set)].filter((name) => !README.includes(`\`${name}\``));

    // Assess
    expect(set.length).toBeGreaterThan(0);
    expect(undocumented).toEqual([]);
  });
});

describe('README commands', () => {
  it('names only events/ files that exist', () => {
    const named = [...new Set([...README.matchAll(/\bevents\/[\w./-]*[\w-]/g)].map((match) => match[0]))];
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((path) => !existsSync(path))).toEqual([]);
  });
});
