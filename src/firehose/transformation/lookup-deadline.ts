/**
 * How long before Lambda's deadline the decorator stops waiting for look-ups (EC2, SSM,
 * geolocation). What is left is for what comes after them: serializing a response of up to 6 MB
 * (twice when optional enrichment is shed), the summary log and the metrics, well under a second
 * on the template's 1,024 MB function, with room for a slow or throttled container. A batch that
 * misses Lambda's deadline fails whole and Firehose sends it again; one that stops waiting goes
 * out Ok, its unanswered look-ups flagged (`eni_lookup_failed`, `geo_failed`, ...).
 */
export const LOOKUP_DEADLINE_MARGIN_MS = 10_000;

/**
 * The time look-ups may take, from the function's remaining time (`context.getRemainingTimeInMillis()`).
 *
 * @example lookupTimeAllowanceMs(120_000) // 110_000
 */
export function lookupTimeAllowanceMs(remainingTimeMs: number): number {
  return Math.max(0, remainingTimeMs - LOOKUP_DEADLINE_MARGIN_MS);
}
