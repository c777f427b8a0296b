/**
 * Lambda's synchronous response limit, which bounds a Firehose transformation's response: the one
 * definition of it. The quotas page says "6 MB each for request and response"
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); Lambda counts it in
 * binary megabytes, 6 MiB = 6,291,456 bytes. The local pipeline refuses responses past it as Lambda does.
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * Kept back from the limit by every budget we allow: 291,456 bytes (4.6 %), for whatever the
 * runtime adds around the handler's JSON and in case the limit is decimal after all (6,000,000).
 * AWS's own CloudWatch Logs processor blueprint keeps its responses under 6,000,000 bytes too.
 */
export const RESPONSE_LIMIT_MARGIN_BYTES = 291_456;

/** The largest RESPONSE_BUDGET_BYTES the decorator accepts: 6,000,000. */
export const MAX_TRANSFORMATION_RESPONSE_BYTES = LAMBDA_RESPONSE_LIMIT_BYTES - RESPONSE_LIMIT_MARGIN_BYTES;

/**
 * The default response budget, 5,000,000: a sixth under the largest, since a response near the
 * limit is all or nothing (over it, the whole batch fails and Firehose retries it), while a
 * smaller one only hands the last records back ProcessingFailed, with their data.
 */
export const DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES = (MAX_TRANSFORMATION_RESPONSE_BYTES * 5) / 6;
