import { createLedgerBuilder, isEnrichedDocument, toReportFlow, type LedgerQuery, type LedgerSource, type LedgerWindow, type ReportLedger } from '../report/index.js';
import { AppenderError } from '../errors.js';
import { MetricUnit, type Logger, type Metrics } from '../ports.js';

/** One line of an object that may hold records of the window, or the length of a line too long to read. */
export interface WindowLine {
  /** Where it was read, e.g. `s3://bucket/flow-logs/year=2026/month=12/day=05/stream-1-....gz`. */
  readonly source: string;
  /** 1-based, within its source. */
  readonly lineNumber: number;
  readonly text: string | { readonly oversizedBytes: number };
}

/** The lines of every object that may hold records of a window (the stack's S3 destination, read by an adapter). */
export interface WindowLineSource {
  linesOf(window: LedgerWindow): AsyncIterable<WindowLine>;
}

/** What one read found besides the documents it counted. */
export interface LineTally {
  readonly lines: number;
  /** Documents of the window that went into the ledger. */
  readonly documents: number;
  /** Documents whose `start` is outside the window (the neighbouring days share its prefixes). */
  readonly outsideWindow: number;
  /** Documents of an interface without `rule_match`: decorated with RuleAttribution off. Left out, coverage too. */
  readonly unattributed: number;
  /** Lines that are not an enriched JSON document. */
  readonly badLines: number;
}

export interface EnrichedLineLedgerSourceOptions {
  readonly lines: WindowLineSource;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Bad lines named in the WARN line; the others are counted. */
const MAX_NAMED_BAD_LINES = 5;

/**
 * The local stream's `LedgerSource` over documents the stack delivered already enriched: each line
 * of the window's objects is read as the `report` command reads an enriched NDJSON line
 * (`toReportFlow`: untrusted, a wrong type costs the field), and its record goes into the ledger
 * when its `start` is in the window.
 *
 * Documents of an interface without `rule_match` were decorated without rule attribution. They are
 * left out whole, coverage included, and counted: counted as coverage without their rule hits,
 * they would make the rules they used look unused. Fewer covered hours only make the advice more
 * cautious (insufficient evidence, never remove).
 *
 * Nothing is silent: bad lines, unattributed documents and the records read are logged at WARN or
 * INFO once per read, with EMF metrics (`ReportLines`, `ReportDocuments`, `ReportBadLines`,
 * `ReportUnattributedDocuments`). A read without a window is refused: the destination holds months.
 *
 * @example
 * const source = createEnrichedLineLedgerSource({ lines: s3WindowLines, logger, metrics });
 * const ledger = await source.readLedger({ window: reportWindowOf(Date.now(), 30), rules });
 */
export function createEnrichedLineLedgerSource(options: EnrichedLineLedgerSourceOptions): LedgerSource & { readonly lastTally: () => LineTally | undefined } {
  let lastTally: LineTally | undefined;
  return {
    lastTally: () => lastTally,
    async readLedger(query: LedgerQuery): Promise<ReportLedger> {
      const { window } = query;
      if (window === undefined) throw new AppenderError('the stack destination is read over a window only: LedgerQuery.window is required');
      const builder = createLedgerBuilder({ rules: query.rules, ...(query.limits === undefined ? {} : { limits: query.limits }) });
      let lines = 0;
      let documents = 0;
      let outsideWindow = 0;
      let unattributed = 0;
      let badLines = 0;
      const namedBadLines: string[] = [];
      const bad = (line: WindowLine, reason: string): void => {
        badLines += 1;
        if (namedBadLines.length < MAX_NAMED_BAD_LINES) namedBadLines.push(`${line.source}:${line.lineNumber}: ${reason}`);
      };
      for await (const line of options.lines.linesOf(window)) {
        lines += 1;
        if (typeof line.text !== 'string') {
          bad(line, `line of ${line.text.oversizedBytes} bytes skipped`);
          continue;
        }
        if (line.text.trim() === '') continue;
        const document = enrichedDocumentOf(line.text);
        if (document === undefined) {
          bad(line, 'not an enriched JSON document');
          continue;
        }
        const flow = toReportFlow(document);
        if (flow.start === undefined || flow.start < window.from || flow.start >= window.to) {
          outsideWindow += 1;
          continue;
        }
        if (flow.rule_match === undefined && flow.interface_id !== undefined) {
          unattributed += 1;
          continue;
        }
        builder.add(flow);
        documents += 1;
      }
      lastTally = { lines, documents, outsideWindow, unattributed, badLines };
      options.metrics.add('ReportLines', MetricUnit.Count, lines);
      options.metrics.add('ReportDocuments', MetricUnit.Count, documents);
      options.metrics.add('ReportBadLines', MetricUnit.Count, badLines);
      options.metrics.add('ReportUnattributedDocuments', MetricUnit.Count, unattributed);
      if (badLines > 0) options.logger.warn('report: lines skipped, not enriched documents', { badLines, firstBadLines: namedBadLines });
      if (unattributed > 0) {
        options.logger.warn('report: documents without rule_match left out (decorated with RuleAttribution off): their hours count as not covered', { unattributed });
      }
      options.logger.info('report: window read', { ...lastTally, from: window.from, to: window.to });
      return builder.ledger();
    },
  };
}

/** An enriched JSON document, or undefined for anything else (a raw record, its `{"message"}` wrapper, bad JSON). */
function enrichedDocumentOf(text: string): Readonly<Record<string, unknown>> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isEnrichedDocument(value) ? value : undefined;
}
