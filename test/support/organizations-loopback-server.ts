/**
 * A loopback AWS Organizations speaking its JSON 1.1 protocol (`X-Amz-Target:
 * AWSOrganizationsV20161128.<Action>`) for ListAccounts: the organisation's accounts in pages of
 * `pageSize`, with an empty page that still carries a NextToken (which Organizations documents
 * it may send) before the last one, and AccessDeniedException when told to refuse, as outside the
 * management account.
 *
 * @example
 * const organizations = await startOrganizationsLoopbackServer({ accounts: [{ id: '111111111111', state: 'ACTIVE' }] });
 * // AWS_ENDPOINT_URL_ORGANIZATIONS = organizations.url
 */
import { createServer } from 'node:http';
import { listenOnLoopback, type ListeningLoopback } from './loopback-http.js';

const TARGET_PREFIX = 'AWSOrganizationsV20161128.';

export interface OrganizationAccount {
  readonly id: string;
  /** Organizations' `State`; absent: only the retired `Status` is sent (from `status`). */
  readonly state?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'PENDING_ACTIVATION' | 'CLOSED';
  readonly status?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
}

export interface OrganizationsLoopbackOptions {
  readonly accounts: readonly OrganizationAccount[];
  /** Accounts per page; default 2. */
  readonly pageSize?: number;
  /** Answer every call with AccessDeniedException, as in a member account. */
  readonly refuse?: boolean;
}

export interface OrganizationsCall {
  readonly action: string;
  readonly nextToken?: string;
  readonly status: number;
}

export interface OrganizationsLoopbackServer extends ListeningLoopback {
  readonly calls: readonly OrganizationsCall[];
}

/** Starts the Organizations fake on 127.0.0.1 and a free port. */
export async function startOrganizationsLoopbackServer(options: OrganizationsLoopbackOptions): Promise<OrganizationsLoopbackServer> {
  const calls: OrganizationsCall[] = [];
  const pageSize = options.pageSize ?? 2;
  // Pages of accounts, then one empty page before the last: clients must follow NextToken, not stop at an empty page.
  const pages: OrganizationAccount[][] = [];
  for (let start = 0; start < options.accounts.length; start += pageSize) pages.push(options.accounts.slice(start, start + pageSize));
  if (pages.length > 1) pages.splice(pages.length - 1, 0, []);
  if (pages.length === 0) pages.push([]);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { NextToken?: string };
      const target = String(request.headers['x-amz-target'] ?? '');
      const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      const reply = (status: number, payload: unknown): void => {
        calls.push({ action, status, ...(body.NextToken === undefined ? {} : { nextToken: body.NextToken }) });
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      if (options.refuse === true) {
        reply(400, { __type: 'AccessDeniedException', Message: 'You don\'t have permissions to access this resource.' });
        return;
      }
      if (action !== 'ListAccounts') {
        reply(400, { __type: 'InvalidInputException', Message: `unsupported action ${action}` });
        return;
      }
      const index = body.NextToken === undefined ? 0 : Number(body.NextToken.replace('page-', ''));
      const page = pages[index];
      if (page === undefined) {
        reply(400, { __type: 'InvalidInputException', Message: 'bad NextToken' });
        return;
      }
      reply(200, {
        Accounts: page.map((account) => ({
          Id: account.id,
          Arn: `arn:aws:organizations::999999999999:account/o-a1b2c3d4e5/${account.id}`,
          Name: `account-${account.id}`,
          Email: `aws+${account.id}@example.com`,
          JoinedMethod: 'CREATED',
          JoinedTimestamp: 1_780_000_000,
          ...(account.state === undefined ? {} : { State: account.state }),
          ...(account.status === undefined ? {} : { Status: account.status }),
        })),
        ...(index + 1 < pages.length ? { NextToken: `page-${index + 1}` } : {}),
      });
    });
  });
  return { ...(await listenOnLoopback(server)), calls };
}
