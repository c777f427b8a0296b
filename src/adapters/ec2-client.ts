/**
 * What the EC2 adapters share: the service limits of the Describe* calls they make and the
 * splitting of ids into calls that respect them. The `EC2Client` itself is built once per
 * container by the composition root and handed to each adapter, directly or chosen per scope.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { LookupScope } from '../domain/lookup-scope.js';
import { ConfigurationError } from '../errors.js';

/**
 * The one place where the EC2 client of a look-up's account and Region is chosen. Today the
 * composition hands every adapter the function's own client for every scope
 * (src/composition/enrichment.ts, `ownAccountClientForEveryScope`); per-account credentials
 * plug in here later without touching the adapters.
 */
export type Ec2ClientForScope = (scope: LookupScope) => EC2Client;

/** An adapter's client option: one client for every scope, or the choice per scope. */
export type Ec2ClientOption = EC2Client | Ec2ClientForScope;

/**
 * The client-for-scope of an adapter's option.
 *
 * @example ec2ClientForScope(new EC2Client({}))(scope) // that same client, whatever the scope
 */
export function ec2ClientForScope(option: Ec2ClientOption): Ec2ClientForScope {
  return typeof option === 'function' ? option : () => option;
}

/**
 * EC2 refuses a call that carries more than 200 filter values in all (`FilterLimitExceeded: The
 * maximum number of filter values specified on a single call is 200`). Not in the API model; the
 * limit is the service's error text, see ../shared/reference/aws-contracts.md §5.1.
 */
export const MAX_EC2_FILTER_VALUES_PER_CALL = 200;

/** EC2 refuses a filter value longer than 255 characters, failing the whole call. */
export const MAX_EC2_FILTER_VALUE_LENGTH = 255;

/**
 * `MaxResults` bounds of DescribeNetworkInterfaces and DescribeSecurityGroupRules
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkInterfaces.html).
 * Always sending one keeps the calls paginated, which also keeps DescribeNetworkInterfaces out
 * of the small "unfiltered and unpaginated" throttling bucket.
 */
export const MIN_EC2_PAGE_SIZE = 5;
export const MAX_EC2_PAGE_SIZE = 1000;

/**
 * Distinct values, in first-seen order, split into groups of at most
 * `MAX_EC2_FILTER_VALUES_PER_CALL`. Empty and over-long values are left out: EC2 could never
 * match them, and an over-long one would fail the call for all the others. An empty input gives
 * no group at all, never an empty one: a filter without values matches everything.
 *
 * @example
 * toFilterValueBatches(ids).map((batch) => ({ Filters: [{ Name: 'network-interface-id', Values: batch }] }));
 */
export function toFilterValueBatches(values: Iterable<string>): string[][] {
  const distinct = [...new Set(values)].filter((value) => value.length > 0 && value.length <= MAX_EC2_FILTER_VALUE_LENGTH);
  const batches: string[][] = [];
  for (let start = 0; start < distinct.length; start += MAX_EC2_FILTER_VALUES_PER_CALL) {
    batches.push(distinct.slice(start, start + MAX_EC2_FILTER_VALUES_PER_CALL));
  }
  return batches;
}

/**
 * The page size an adapter was given, checked against EC2's bounds so that a bad value fails at
 * start-up instead of on every call.
 */
export function checkPageSize(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < MIN_EC2_PAGE_SIZE || pageSize > MAX_EC2_PAGE_SIZE) {
    throw new ConfigurationError([`EC2 page size must be an integer from ${MIN_EC2_PAGE_SIZE} to ${MAX_EC2_PAGE_SIZE}, got ${pageSize}`]);
  }
  return pageSize;
}
