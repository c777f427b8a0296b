/**
 * The EC2 client for a look-up scope (issue 17): one per account and Region, built on first use
 * and kept for the container's life, signing with that account's credentials (the assumed role's,
 * or the function's own in its own account). What the enrichment composition calls as its
 * "EC2 client for a scope".
 */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { scopedKey, type LookupScope } from '../domain/lookup-scope.js';
import type { AccountRoleCredentials } from './account-role-credentials.js';

export interface AccountEc2ClientsOptions {
  readonly credentials: AccountRoleCredentials;
  /** Settings every client shares (timeouts, retries); the Region and credentials are the scope's. */
  readonly clientConfig?: Omit<EC2ClientConfig, 'region' | 'credentials'>;
  /** Replaceable in tests; default `new EC2Client(config)`. */
  readonly createClient?: (config: EC2ClientConfig) => EC2Client;
}

/** The EC2 client for a scope: the same client for the same account and Region. */
export type Ec2ClientForScope = (scope: LookupScope) => EC2Client;

/**
 * Clients per scope whose credentials come from `credentials.credentialsFor(scope)` at signing
 * time, so building a client never fails: a call in an account whose role cannot be assumed
 * rejects with that AccountRoleError (the SDK hands a credential provider's error through
 * unchanged and does not retry it), which the look-up turns into `account_role_failed`.
 *
 * @example
 * const ec2For = createAccountEc2Clients({ credentials, clientConfig: { requestHandler: { requestTimeout: 10_000 } } });
 * await ec2For({ accountId: '111111111111', region: 'eu-west-1' }).send(new DescribeNetworkInterfacesCommand({}));
 */
export function createAccountEc2Clients(options: AccountEc2ClientsOptions): Ec2ClientForScope {
  const clients = new Map<string, EC2Client>();
  const create = options.createClient ?? ((config: EC2ClientConfig) => new EC2Client(config));
  return (scope) => {
    const key = scopedKey(scope, 'ec2');
    let client = clients.get(key);
    if (client === undefined) {
      const provider = Object.assign(() => options.credentials.credentialsFor(scope), {
        // The SDK would otherwise wrap the provider in a cache of its own that judges expiry by
        // the wall clock and keeps what it got; credentialsFor already caches (by the injected clock).
        memoized: true,
      });
      client = create({ ...options.clientConfig, region: scope.region, credentials: provider });
      // As in the decorator's own client: the SDK's logger would print every request at INFO.
      client.middlewareStack.remove('loggerMiddleware');
      clients.set(key, client);
    }
    return client;
  };
}
