import { describe, expect, it } from 'vitest';
import { parseReportOpenSearchOptions } from '../../../src/cli/report-opensearch-source.js';
import { parseReportArguments } from '../../../src/cli/report-command.js';
import { ConfigurationError } from '../../../src/errors.js';

const NOW = 2_000_000_000;

function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
  throw new Error('no problem reported');
}

describe('report --opensearch options', () => {
  it('are absent without --opensearch, and report reads its inputs as before', () => {
    // Act
    const options = parseReportArguments(['--inventory', 'inv', 'a.log']);
    // Assess
    expect(options).not.toHaveProperty('opensearch');
  });

  it('take the endpoint, the default index pattern and SigV4 in the endpoint\'s Region, as opensearch setup does', () => {
    // Act
    const options = parseReportArguments(['--inventory', 'inv', '--opensearch', 'search-flows-abc123.eu-west-1.es.amazonaws.com']);
    // Assess
    expect(options).toMatchObject({ opensearch: { endpoint: 'https://search-flows-abc123.eu-west-1.es.amazonaws.com', indexPattern: 'cwl-*', auth: { kind: 'sigv4', region: 'eu-west-1' } } });
    expect(options === 'help' ? undefined : options.opensearch).not.toHaveProperty('window');
  });

  it('read basic-auth credentials from the environment only', () => {
    // Act
    const options = parseReportOpenSearchOptions({ opensearch: 'https://cluster.example', auth: 'basic' }, [], { OPENSEARCH_USERNAME: 'reader', OPENSEARCH_PASSWORD: 's3cret' }, NOW);
    // Assess
    expect(options?.auth).toEqual({ kind: 'basic', username: 'reader', password: 's3cret' });
  });

  it('turn --since into the window that ends now, in days or hours', () => {
    // Act
    const days = parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', since: '30d' }, [], {}, NOW);
    const hours = parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', since: '12h' }, [], {}, NOW);
    // Assess
    expect(days?.window).toEqual({ from: NOW - 30 * 86_400, to: NOW });
    expect(hours?.window).toEqual({ from: NOW - 12 * 3_600, to: NOW });
  });

  it('take --from and --to as epoch seconds, dates or times with their zone; --to defaults to now', () => {
    // Act
    const both = parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', from: '2026-01-01', to: '2026-01-31T12:00:00+02:00' }, [], {}, NOW);
    const open = parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', from: '1767225600' }, [], {}, NOW);
    // Assess
    expect(both?.window).toEqual({ from: 1_767_225_600, to: 1_769_853_600 });
    expect(open?.window).toEqual({ from: 1_767_225_600, to: NOW });
  });

  it('list every mistake at once: inputs with --opensearch, --since with --from, a time without its zone, a bad auth', () => {
    // Act
    const problems = problemsOf(() =>
      parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'kerberos', since: '30d', from: '2026-01-01T00:00:00' }, ['flows.log'], {}, NOW),
    );
    // Assess
    expect(problems).toEqual([
      '--opensearch reads the indices, not INPUT files: give one or the other',
      '--auth must be sigv4, basic or none (got "kerberos")',
      '--since excludes --from and --to',
    ]);
    expect(problemsOf(() => parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', from: '2026-01-01T00:00:00' }, [], {}, NOW))).toEqual([
      '--from: expected epoch seconds, a date (2026-01-31) or a date and time with its zone (2026-01-31T00:00:00Z), got "2026-01-01T00:00:00"',
    ]);
  });

  it('refuse an empty or backwards window and a --since that is no duration', () => {
    // Act
    const backwards = problemsOf(() => parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', from: '2026-02-01', to: '2026-01-01' }, [], {}, NOW));
    const noDuration = problemsOf(() => parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', since: '30' }, [], {}, NOW));
    const zero = problemsOf(() => parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', since: '0d' }, [], {}, NOW));
    // Assess
    expect(backwards).toEqual(['--from must be before --to (2026-02-01 is not before 2026-01-01)']);
    expect(noDuration[0]).toMatch(/^--since: expected a number of days or hours/);
    expect(zero[0]).toMatch(/^--since: expected a number of days or hours/);
  });

  it('refuse the connection options without --opensearch', () => {
    // Act
    const problems = problemsOf(() => parseReportOpenSearchOptions({ 'index-pattern': 'cwl-*', auth: 'none' }, [], {}, NOW));
    // Assess
    expect(problems).toEqual(['--index-pattern, --auth need --opensearch']);
  });

  it('refuse a window on report\'s own command line without --opensearch or --athena: the inputs are read whole', () => {
    expect(() => parseReportArguments(['--inventory', 'inv', '--since', '30d', 'flows.log'])).toThrow('--since needs --opensearch or --athena');
    expect(() => parseReportArguments(['--opensearch', 'http://127.0.0.1:9200', '--athena', '--inventory', 'inv'])).toThrow('--athena and --opensearch exclude each other');
  });
});
