/**
 * Where a look-up is made: the AWS account and Region that own the interface, group or rule.
 * Ids are unique only within an account (and Region), so every look-up port takes a scope and
 * every cache keys on it (issue 18, item 5; issue 17 looks up each record in its own account).
 */
export interface LookupScope {
  /** Twelve digits. */
  readonly accountId: string;
  /** For example `eu-west-1`. */
  readonly region: string;
}

/**
 * A cache key that holds everything that changes a look-up's value: the scope and the id.
 *
 * @example scopedKey({ accountId: '123456789012', region: 'eu-west-1' }, 'eni-0a1b2c3d') // '123456789012/eu-west-1/eni-0a1b2c3d'
 */
export function scopedKey(scope: LookupScope, id: string): string {
  return `${scope.accountId}/${scope.region}/${id}`;
}

/**
 * Whether two scopes are the same account and Region.
 *
 * @example sameScope({ accountId: '1', region: 'a' }, { accountId: '1', region: 'a' }) // true
 */
export function sameScope(left: LookupScope, right: LookupScope): boolean {
  return left.accountId === right.accountId && left.region === right.region;
}
