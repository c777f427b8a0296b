import { AppenderError, LookupScopeRefusedError } from '../errors.js';

// The adapters' errors: what failed outside, said without secrets. Each sets `name`, since minified
// bundles rename classes.

/** A list or get failed. The message names the bucket and key (or prefix), and the S3 error. */
export class S3ReadError extends AppenderError {
  /** `s3://bucket/key` (or `s3://bucket/prefix` for a listing). */
  readonly location: string;

  constructor(location: string, detail: string, options?: { cause?: unknown }) {
    super(`${location}: ${detail}`, options);
    this.name = 'S3ReadError';
    this.location = location;
  }
}

/** An inventory directory or one of its files cannot be read or is not JSON. */
export class InventoryError extends AppenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InventoryError';
  }
}

/** The secret could not be read. The message names the parameter; it never holds a value. */
export class SecretUnavailableError extends AppenderError {
  readonly parameterName: string;

  constructor(parameterName: string, detail: string, options?: { cause?: unknown }) {
    super(`cannot read SSM parameter "${parameterName}": ${detail}`, options);
    this.name = 'SecretUnavailableError';
    this.parameterName = parameterName;
  }
}

/** A geolocation database file is missing or is not a MaxMind DB. */
export class GeoDatabaseError extends AppenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeoDatabaseError';
  }
}

/**
 * An Athena query did not give its rows: it FAILED or was CANCELLED (the message carries Athena's
 * StateChangeReason), outlived its deadline, or a call was refused. Never holds the SQL's data.
 */
export class AthenaQueryError extends AppenderError {
  /** The query's id, once Athena gave one. */
  readonly queryExecutionId: string | undefined;
  /** FAILED, CANCELLED, TIMED_OUT (our deadline), or the failed call's name. */
  readonly state: string;

  constructor(state: string, detail: string, options?: { cause?: unknown; queryExecutionId?: string }) {
    super(`Athena query${options?.queryExecutionId === undefined ? '' : ` ${options.queryExecutionId}`} ${state}: ${detail}`, options);
    this.name = 'AthenaQueryError';
    this.state = state;
    this.queryExecutionId = options?.queryExecutionId;
  }
}

/** Why a look-up in another account could not start: the allow-list, STS's answer, or the function's own identity. */
export const AccountRoleFailure = {
  /** The account is not in LOOKUP_ACCOUNTS / --accounts: no role is asked for. */
  NotAllowed: 'not_allowed',
  /** STS refused: no such role, a trust policy that does not name us, a wrong ExternalId. */
  Denied: 'denied',
  /** STS could not be reached or answered with an error after the SDK's retries. */
  Failed: 'failed',
} as const;
export type AccountRoleFailure = (typeof AccountRoleFailure)[keyof typeof AccountRoleFailure];

/**
 * No credentials for a record's account, so nothing of it can be looked up: the records go out
 * Ok flagged `account_role_failed`. The message names the account, the role and STS's answer
 * (access keys redacted); it never holds the ExternalId or a credential.
 */
export class AccountRoleError extends LookupScopeRefusedError {
  readonly accountId: string;
  /** Absent when no role was asked for (an account not allowed). */
  readonly roleArn?: string;
  readonly failure: AccountRoleFailure;

  constructor(accountId: string, failure: AccountRoleFailure, detail: string, options?: { roleArn?: string; cause?: unknown }) {
    super(`account ${accountId}: ${options?.roleArn === undefined ? '' : `cannot assume ${options.roleArn}: `}${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AccountRoleError';
    this.accountId = accountId;
    this.failure = failure;
    if (options?.roleArn !== undefined) this.roleArn = options.roleArn;
  }
}
