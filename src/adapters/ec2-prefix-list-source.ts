import { paginateGetManagedPrefixListEntries, type EC2Client } from '@aws-sdk/client-ec2';
import { ec2ClientForScope, type Ec2ClientOption } from './ec2-client.js';
import { runWithConcurrency } from '../enrich/cached-batch-lookup.js';
import { ConfigurationError } from '../errors.js';
import type { LookupOutcome, PrefixListSource } from '../ports.js';

/**
 * `MaxResults` bounds of GetManagedPrefixListEntries: 1 to 100, far below the 1000 of the
 * Describe* calls (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetManagedPrefixListEntries.html).
 */
export const MIN_PREFIX_LIST_ENTRIES_PAGE_SIZE = 1;
export const MAX_PREFIX_LIST_ENTRIES_PAGE_SIZE = 100;

/** Prefix lists fetched at once: the call takes one list, and EC2's read bucket refills 20 a second. */
const DEFAULT_CONCURRENCY = 2;

export interface Ec2PrefixListSourceOptions {
  /**
   * Built once per container (its retry settings decide how hard a throttled call is retried),
   * or the choice of client per look-up scope.
   */
  readonly client: Ec2ClientOption;
  /** `MaxResults` per page, 1 to 100; default 100. */
  readonly pageSize?: number;
  /** Lists fetched at once; default 2. */
  readonly concurrency?: number;
}

/**
 * A `PrefixListSource` backed by GetManagedPrefixListEntries, which takes one prefix list per call
 * (customer-managed or AWS-managed, such as `com.amazonaws.us-east-1.s3`), every call paginated.
 *
 * Each list gets its own outcome: a list EC2 says does not exist (`InvalidPrefixListID.*`) is
 * `not_found`, any other error left after the SDK's retries is `failed` with the error's name, and
 * neither spoils the other lists of the request.
 *
 * @example
 * const prefixLists = createEc2PrefixListSource({ client: new EC2Client({}) });
 * const outcomes = await prefixLists.getPrefixListEntries(scope, ['pl-0123456abcabcabc1']);
 * // Map { 'pl-0123456abcabcabc1' => { status: 'found', value: ['10.0.0.0/16', '10.2.0.0/16'] } }
 */
export function createEc2PrefixListSource(options: Ec2PrefixListSourceOptions): PrefixListSource {
  const clientFor = ec2ClientForScope(options.client);
  const pageSize = options.pageSize ?? MAX_PREFIX_LIST_ENTRIES_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < MIN_PREFIX_LIST_ENTRIES_PAGE_SIZE || pageSize > MAX_PREFIX_LIST_ENTRIES_PAGE_SIZE) {
    throw new ConfigurationError([
      `GetManagedPrefixListEntries page size must be an integer from ${MIN_PREFIX_LIST_ENTRIES_PAGE_SIZE} to ${MAX_PREFIX_LIST_ENTRIES_PAGE_SIZE}, got ${pageSize}`,
    ]);
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;

  const entriesOf = async (client: EC2Client, prefixListId: string): Promise<LookupOutcome<readonly string[]>> => {
    const cidrs: string[] = [];
    try {
      const pages = paginateGetManagedPrefixListEntries({ client, pageSize, stopOnSameToken: true }, { PrefixListId: prefixListId });
      for await (const page of pages) {
        for (const entry of page.Entries ?? []) {
          if (entry.Cidr !== undefined && entry.Cidr !== '') cidrs.push(entry.Cidr);
        }
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      return /^InvalidPrefixListId\./i.test(name) ? { status: 'not_found' } : { status: 'failed', reason: name };
    }
    return { status: 'found', value: cidrs };
  };

  return {
    async getPrefixListEntries(scope, prefixListIds) {
      const client = clientFor(scope);
      const distinct = [...new Set(prefixListIds)].filter((id) => id !== '');
      const answers = await Promise.all(runWithConcurrency(distinct, concurrency, (id) => entriesOf(client, id)));
      const outcomes = new Map<string, LookupOutcome<readonly string[]>>();
      distinct.forEach((id, index) => outcomes.set(id, answers[index] ?? { status: 'failed', reason: 'no answer' }));
      return outcomes;
    },
  };
}
