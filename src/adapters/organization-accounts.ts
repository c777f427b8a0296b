/**
 * The accounts of an AWS organisation (issue 17: "every account with a role"), for the CLI's
 * `--accounts organization`: AWS Organizations ListAccounts, every page, the ACTIVE accounts.
 *
 * Why ListAccounts: it is the one API that lists every account of the organisation (ListAccountsForParent
 * lists one OU; StackSets' ListStackInstances would list only the accounts a given stack set reached,
 * and needs its name). It answers only in the management account or a delegated administrator's;
 * elsewhere it refuses with AccessDeniedException or AWSOrganizationsNotInUseException, which the
 * caller says as such. Never bundled into a Lambda function: only src/cli imports this module.
 */
import { paginateListAccounts, type Account, type OrganizationsClient } from '@aws-sdk/client-organizations';

/**
 * Whether an account can be read: `State` ACTIVE. Organizations retired the older `Status` field on
 * 2026-09-09 in favour of `State` (which adds PENDING_ACTIVATION and CLOSED); an answer that still
 * carries only `Status` is read by it.
 *
 * @example isActiveAccount({ Id: '111111111111', State: 'ACTIVE' }) // true
 */
export function isActiveAccount(account: Pick<Account, 'State' | 'Status'>): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

/**
 * Every ACTIVE account of the organisation, sorted and each once. Follows NextToken until
 * Organizations gives none, since a page may come back empty with more to follow.
 *
 * @example await listActiveOrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' })) // ['111111111111', '222222222222']
 */
export async function listActiveOrganizationAccounts(client: OrganizationsClient): Promise<string[]> {
  const accounts = new Set<string>();
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const account of page.Accounts ?? []) if (account.Id !== undefined && isActiveAccount(account)) accounts.add(account.Id);
  }
  return [...accounts].sort();
}
