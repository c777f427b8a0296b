import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { isActiveAccount, listActiveOrganizationAccounts } from '../../../src/adapters/organization-accounts.js';

const organizations = mockClient(OrganizationsClient);
const STATES = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'PENDING_ACTIVATION', 'CLOSED'] as const;

describe('listActiveOrganizationAccounts', () => {
  beforeEach(() => organizations.reset());

  it('follows NextToken past an empty page and keeps the ACTIVE accounts, sorted', async () => {
    organizations
      .on(ListAccountsCommand, {})
      .resolves({ Accounts: [{ Id: '222222222222', State: 'ACTIVE' }, { Id: '333333333333', State: 'SUSPENDED' }], NextToken: 'a' })
      .on(ListAccountsCommand, { NextToken: 'a' })
      .resolves({ Accounts: [], NextToken: 'b' })
      .on(ListAccountsCommand, { NextToken: 'b' })
      .resolves({ Accounts: [{ Id: '111111111111', State: 'ACTIVE' }, { Id: '444444444444', State: 'CLOSED' }] });

    const accounts = await listActiveOrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' }));

    expect(accounts).toEqual(['111111111111', '222222222222']);
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 3);
  });

  it('passes Organizations\' refusal through for the command to say', async () => {
    organizations.on(ListAccountsCommand).rejects(Object.assign(new Error('You don\'t have permissions'), { name: 'AccessDeniedException' }));

    await expect(listActiveOrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' }))).rejects.toThrow('permissions');
  });
});

describe('isActiveAccount', () => {
  it('reads State, and the retired Status only when State is absent', () => {
    fc.assert(
      fc.property(fc.option(fc.constantFrom(...STATES), { nil: undefined }), fc.option(fc.constantFrom('ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE') , { nil: undefined }), (state, status) => {
        expect(isActiveAccount({ State: state, Status: status })).toBe(state === undefined ? status === 'ACTIVE' : state === 'ACTIVE');
      }),
    );
  });
});
