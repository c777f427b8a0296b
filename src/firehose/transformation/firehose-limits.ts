/**
 * Lambda's synchronous response limit, which bounds a Firehose transformation's response.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html ("6 MB each for request
 * and response"). AWS's own CloudWatch Logs processor blueprint keeps its responses under
 * 6,000,000 bytes; we never allow a budget above that.
 */
export const MAX_TRANSFORMATION_RESPONSE_BYTES = 6_000_000;

/** The default response budget: a margin under the limit for the runtime's own framing. */
export const DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES = 5_000_000;
