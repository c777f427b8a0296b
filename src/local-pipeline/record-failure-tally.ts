import type { Logger } from '../ports.js';

/** Why the decorator answered ProcessingFailed, added up over a run's invocations. */
export interface RecordFailureTally {
  /** Records with a line that does not parse (the record fails whole, at its first bad line). */
  readonly badLine: number;
  /** Records that are not a flow-log payload: not base64, gzip, UTF-8 or a subscription message. */
  readonly undecodable: number;
  /** Records failed because the response was full (Lambda's response limit), not for their content. */
  readonly responseFull: number;
  /** The first few reasons as the decorator words them, with the record and line they name. */
  readonly examples: readonly string[];
}

/** How many of the decorator's examples the tally keeps, across invocations. */
export const MAX_RECORD_FAILURE_EXAMPLES = 5;

/**
 * A logger for the decorator that reads its once-per-invocation summary ("decorated batch"):
 * the decorator already says why records failed, and the local pipeline prints it. Everything
 * else the decorator logs is discarded, as with the silent logger it replaces.
 *
 * @example
 * const failures = createRecordFailureTally();
 * await transformFirehoseEvent(event, enrichment, config, { logger: failures.logger, metrics: discardMetrics });
 * failures.result().badLine // 2
 */
export function createRecordFailureTally(): { readonly logger: Logger; result(): RecordFailureTally } {
  let badLine = 0;
  let undecodable = 0;
  let responseFull = 0;
  const examples: string[] = [];
  const read = (message: string, attributes?: Readonly<Record<string, unknown>>): void => {
    if (!message.startsWith('decorated batch') || attributes === undefined) return;
    const failed = numberAt(attributes.results, 'ProcessingFailed');
    const invalidLines = numberAt(attributes, 'invalidLines');
    const overBudget = numberAt(attributes, 'overBudgetRecords');
    badLine += invalidLines;
    responseFull += overBudget;
    // The decorator counts bad lines and full responses; every other failed record did not decode.
    undecodable += Math.max(0, failed - invalidLines - overBudget);
    const given = Array.isArray(attributes.failureExamples) ? attributes.failureExamples : [];
    for (const example of given) {
      if (examples.length < MAX_RECORD_FAILURE_EXAMPLES && typeof example === 'string') examples.push(example);
    }
  };
  return {
    logger: { debug: () => {}, info: read, warn: read, error: () => {} },
    result: () => ({ badLine, undecodable, responseFull, examples: [...examples] }),
  };
}

function numberAt(value: unknown, key: string): number {
  const found = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof found === 'number' && Number.isFinite(found) ? found : 0;
}
