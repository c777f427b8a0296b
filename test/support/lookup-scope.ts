import type { LookupScope } from '../../src/domain/lookup-scope.js';

/** The account and Region the tests' look-ups are made in: the one the builders' records name. */
export const TEST_SCOPE: LookupScope = { accountId: '123456789012', region: 'us-east-1' };

/** Another account, for records that are not the caller's own. */
export const OTHER_ACCOUNT_SCOPE: LookupScope = { accountId: '210987654321', region: 'us-east-1' };
