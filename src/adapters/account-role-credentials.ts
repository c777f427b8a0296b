/**
 * Credentials for look-ups in a record's own account (issue 17): STS AssumeRole of the role the
 * pattern names in that account, the function's own account through its own credentials.
 *
 * Why not `fromTemporaryCredentials` (@aws-sdk/credential-providers): it caches per provider,
 * not per account, has no allow-list, and forgets a refusal at once, so a denied account would
 * cost an AssumeRole per request of every batch. This adapter keeps, per role:
 * - the credentials until `refreshMarginMs` before they expire;
 * - one AssumeRole in flight, shared by every concurrent caller;
 * - a refusal or failure for `failureTtlMs`, thrown again as the same AccountRoleError.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { LookupAccountsConfig } from '../config/lookup-accounts-config.js';
import { roleArnFor } from '../config/lookup-accounts-config.js';
import type { LookupScope } from '../domain/lookup-scope.js';
import type { Clock } from '../ports.js';
import { AccountRoleError, AccountRoleFailure } from './errors.js';

/** What an SDK client's `credentials` provider returns. */
export interface AccountCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** Absent: they do not expire (long-term keys). */
  readonly expiration?: Date;
}

/** Refresh credentials this long before they expire: a request signed just before expiry may still arrive after it. */
export const DEFAULT_CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;
/** A denied or failed account is not asked again for this long (a member without the role would otherwise cost one AssumeRole per batch). */
export const DEFAULT_ACCOUNT_ROLE_FAILURE_TTL_MS = 10 * 60_000;
/**
 * One hour: the longest session AWS allows when the caller is itself a role (role chaining,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining),
 * which a Lambda function always is.
 */
export const ASSUMED_ROLE_SESSION_SECONDS = 3_600;
/** What CloudTrail shows in the member account for each look-up session. */
export const LOOKUP_ROLE_SESSION_NAME = 'vpc-flow-log-appender-lookup';

/** STS error names that mean "no": the role, its trust policy or the ExternalId does not admit us. */
const REFUSALS = new Set(['AccessDenied', 'AccessDeniedException', 'InvalidIdentityToken', 'MalformedPolicyDocument', 'RegionDisabledException', 'ValidationError']);
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
const MAX_DETAIL_LENGTH = 300;

export interface AccountRoleCredentialsOptions {
  readonly sts: STSClient;
  readonly config: LookupAccountsConfig;
  /** The credentials of the function (or the CLI user) itself, for its own account. */
  readonly ownCredentials: () => Promise<AccountCredentials>;
  /** The function's own account; absent: asked of STS GetCallerIdentity once, on first use. */
  readonly ownAccountId?: string;
  readonly clock: Clock;
  readonly refreshMarginMs?: number;
  readonly failureTtlMs?: number;
  readonly sessionSeconds?: number;
}

/** Counters since creation, for the invocation's metrics and the tests' call counts. */
export interface AccountRoleStats {
  readonly assumeRoleCalls: number;
  readonly callerIdentityCalls: number;
  /** Answers from a kept refusal instead of a new AssumeRole. */
  readonly rememberedFailures: number;
}

export interface AccountRoleCredentials {
  /**
   * The credentials to look up in a scope: the function's own in its own account, else the
   * assumed role's. Rejects with an AccountRoleError (the same one while a failure is kept).
   */
  credentialsFor(scope: LookupScope): Promise<AccountCredentials>;
  /** Whether the scope is the function's own account (no role needed). */
  isOwnAccount(scope: LookupScope): Promise<boolean>;
  stats(): AccountRoleStats;
}

type Entry =
  | { readonly state: 'pending'; readonly promise: Promise<AccountCredentials> }
  | { readonly state: 'ready'; readonly credentials: AccountCredentials; readonly refreshAt: number }
  | { readonly state: 'failed'; readonly error: AccountRoleError; readonly retryAt: number };

/**
 * Credentials per account through STS AssumeRole, cached, shared and remembered as the module
 * comment says.
 *
 * @example
 * const credentials = createAccountRoleCredentials({ sts: new STSClient({}), config, ownCredentials: defaultProvider(), clock: systemClock });
 * new EC2Client({ region: 'eu-west-1', credentials: () => credentials.credentialsFor({ accountId: '111111111111', region: 'eu-west-1' }) });
 */
export function createAccountRoleCredentials(options: AccountRoleCredentialsOptions): AccountRoleCredentials {
  const { sts, config, clock } = options;
  const refreshMarginMs = options.refreshMarginMs ?? DEFAULT_CREDENTIALS_REFRESH_MARGIN_MS;
  const failureTtlMs = options.failureTtlMs ?? DEFAULT_ACCOUNT_ROLE_FAILURE_TTL_MS;
  const sessionSeconds = options.sessionSeconds ?? ASSUMED_ROLE_SESSION_SECONDS;
  const allowed = config.accounts === undefined ? undefined : new Set(config.accounts);
  /** Keyed by role ARN: with `{region}` in the pattern one account has a role per Region. */
  const entries = new Map<string, Entry>();
  const own: { entry?: Entry } = {};
  let ownAccount: Promise<string> | undefined = options.ownAccountId === undefined ? undefined : Promise.resolve(options.ownAccountId);
  const stats = { assumeRoleCalls: 0, callerIdentityCalls: 0, rememberedFailures: 0 };

  const ownAccountId = (): Promise<string> => {
    if (ownAccount === undefined) {
      stats.callerIdentityCalls += 1;
      const asked = callerAccountId(sts);
      ownAccount = asked;
      // Not kept when it fails: the next batch asks again (nothing can be decided without it).
      asked.catch(() => {
        if (ownAccount === asked) ownAccount = undefined;
      });
    }
    return ownAccount;
  };

  /** Serves an entry: fresh credentials, a kept failure, the shared call in flight, or a new call. */
  const cached = (holder: { get(): Entry | undefined; set(entry: Entry): void }, fetch: () => Promise<AccountCredentials>, failureOf: (error: unknown) => AccountRoleError): Promise<AccountCredentials> => {
    const now = clock.now();
    const entry = holder.get();
    if (entry?.state === 'pending') return entry.promise;
    if (entry?.state === 'ready' && now < entry.refreshAt) return Promise.resolve(entry.credentials);
    if (entry?.state === 'failed' && now < entry.retryAt) {
      stats.rememberedFailures += 1;
      return Promise.reject(entry.error);
    }
    const promise = fetch().then(
      (credentials) => {
        const expiresAt = credentials.expiration?.getTime();
        holder.set({ state: 'ready', credentials, refreshAt: expiresAt === undefined ? Number.POSITIVE_INFINITY : expiresAt - refreshMarginMs });
        return credentials;
      },
      (error: unknown) => {
        const failure = failureOf(error);
        holder.set({ state: 'failed', error: failure, retryAt: clock.now() + failureTtlMs });
        throw failure;
      },
    );
    holder.set({ state: 'pending', promise });
    return promise;
  };

  const assumed = (scope: LookupScope): Promise<AccountCredentials> => {
    const roleArn = roleArnFor(config.roleArnPattern, scope);
    return cached(
      { get: () => entries.get(roleArn), set: (entry) => entries.set(roleArn, entry) },
      async () => {
        stats.assumeRoleCalls += 1;
        const answer = await sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: LOOKUP_ROLE_SESSION_NAME,
            DurationSeconds: sessionSeconds,
            ...(config.externalId === undefined ? {} : { ExternalId: config.externalId }),
          }),
        );
        const issued = answer.Credentials;
        if (issued?.AccessKeyId === undefined || issued.SecretAccessKey === undefined) throw new Error('AssumeRole answered without credentials');
        return {
          accessKeyId: issued.AccessKeyId,
          secretAccessKey: issued.SecretAccessKey,
          ...(issued.SessionToken === undefined ? {} : { sessionToken: issued.SessionToken }),
          ...(issued.Expiration === undefined ? {} : { expiration: issued.Expiration }),
        };
      },
      (error) => new AccountRoleError(scope.accountId, isRefusal(error) ? AccountRoleFailure.Denied : AccountRoleFailure.Failed, describeStsError(error), { roleArn, cause: error }),
    );
  };

  const isOwnAccount = async (scope: LookupScope): Promise<boolean> => scope.accountId === (await ownAccountId());

  return {
    async credentialsFor(scope) {
      let mine: boolean;
      try {
        mine = await isOwnAccount(scope);
      } catch (error) {
        throw new AccountRoleError(scope.accountId, AccountRoleFailure.Failed, `cannot tell the function's own account: ${describeStsError(error)}`, { cause: error });
      }
      if (mine) {
        return cached(
          { get: () => own.entry, set: (entry) => (own.entry = entry) },
          options.ownCredentials,
          (error) => new AccountRoleError(scope.accountId, AccountRoleFailure.Failed, `no credentials of its own: ${describeStsError(error)}`, { cause: error }),
        );
      }
      if (allowed !== undefined && !allowed.has(scope.accountId)) {
        stats.rememberedFailures += 1;
        throw new AccountRoleError(scope.accountId, AccountRoleFailure.NotAllowed, 'not among the accounts to look up (LOOKUP_ACCOUNTS, --accounts)');
      }
      return assumed(scope);
    },
    isOwnAccount,
    stats: () => ({ ...stats }),
  };
}

/**
 * The account the STS client's credentials belong to (GetCallerIdentity, which needs no
 * permission): the caller's own account, looked up with its own credentials.
 *
 * @example await callerAccountId(new STSClient({ region: 'eu-west-1' })) // '999999999999'
 */
export async function callerAccountId(sts: STSClient): Promise<string> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  if (identity.Account === undefined) throw new Error('GetCallerIdentity answered without an account');
  return identity.Account;
}

function isRefusal(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  return REFUSALS.has(name);
}

/**
 * An STS error in words, for the WARN log and the CLI: its name and message, access key ids
 * redacted and the length bounded. STS messages name ARNs, never secrets or the ExternalId.
 *
 * @example describeStsError(Object.assign(new Error('User: arn:aws:sts::999999999999:assumed-role/decorator/x is not authorized'), { name: 'AccessDenied' }))
 * // 'AccessDenied: User: arn:aws:sts::999999999999:assumed-role/decorator/x is not authorized'
 */
export function describeStsError(error: unknown): string {
  const details = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  const name = typeof details.name === 'string' && details.name !== '' ? details.name : 'UnknownError';
  const message = typeof details.message === 'string' ? details.message : String(error);
  return `${name}: ${message.replace(ACCESS_KEY_ID, '[redacted]')}`.slice(0, MAX_DETAIL_LENGTH);
}
