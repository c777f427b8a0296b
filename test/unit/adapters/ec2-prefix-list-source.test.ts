import { EC2Client, EC2ServiceException, GetManagedPrefixListEntriesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEc2PrefixListSource } from '../../../src/adapters/ec2-prefix-list-source.js';
import { ConfigurationError } from '../../../src/errors.js';
import { TEST_SCOPE } from '../../support/lookup-scope.js';

const ec2 = mockClient(EC2Client);

function ec2Error(name: string): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: 'client', $metadata: {}, message: name });
}

describe('createEc2PrefixListSource', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('asks for one prefix list per call with the largest page EC2 allows', async () => {
    ec2.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [] });
    const source = createEc2PrefixListSource({ client: new EC2Client({}) });

    await source.getPrefixListEntries(TEST_SCOPE, ['pl-0123456abcabcabc1', 'pl-0123456abcabcabc2']);

    expect(ec2).toHaveReceivedCommandTimes(GetManagedPrefixListEntriesCommand, 2);
    expect(ec2).toHaveReceivedCommandWith(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-0123456abcabcabc1', MaxResults: 100 });
    expect(ec2).toHaveReceivedCommandWith(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-0123456abcabcabc2', MaxResults: 100 });
  });

  it('follows NextToken and keeps the entries of every page', async () => {
    ec2
      .on(GetManagedPrefixListEntriesCommand)
      .resolvesOnce({ Entries: [{ Cidr: '192.0.2.0/24' }], NextToken: 'page-2' })
      .resolvesOnce({ Entries: [{ Cidr: '2001:db8::/32' }] });
    const source = createEc2PrefixListSource({ client: new EC2Client({}), pageSize: 1 });

    const outcomes = await source.getPrefixListEntries(TEST_SCOPE, ['pl-0123456abcabcabc1']);

    expect(outcomes.get('pl-0123456abcabcabc1')).toEqual({ status: 'found', value: ['192.0.2.0/24', '2001:db8::/32'] });
    expect(ec2).toHaveReceivedNthCommandWith(GetManagedPrefixListEntriesCommand, 2, { PrefixListId: 'pl-0123456abcabcabc1', NextToken: 'page-2', MaxResults: 1 });
  });

  it('asks for a list once however often it is requested', async () => {
    ec2.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [] });
    const source = createEc2PrefixListSource({ client: new EC2Client({}) });

    await source.getPrefixListEntries(TEST_SCOPE, ['pl-0123456abcabcabc1', 'pl-0123456abcabcabc1']);

    expect(ec2).toHaveReceivedCommandTimes(GetManagedPrefixListEntriesCommand, 1);
  });

  it('says not_found for a list EC2 does not know and failed for another error, without spoiling the other lists', async () => {
    ec2
      .on(GetManagedPrefixListEntriesCommand)
      .resolves({ Entries: [{ Cidr: '198.51.100.0/24' }] })
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-gone' })
      .rejects(ec2Error('InvalidPrefixListID.NotFound'))
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-throttled' })
      .rejects(ec2Error('RequestLimitExceeded'));
    const source = createEc2PrefixListSource({ client: new EC2Client({ maxAttempts: 1 }) });

    const outcomes = await source.getPrefixListEntries(TEST_SCOPE, ['pl-gone', 'pl-throttled', 'pl-fine']);

    expect(outcomes.get('pl-gone')).toEqual({ status: 'not_found' });
    expect(outcomes.get('pl-throttled')).toEqual({ status: 'failed', reason: 'RequestLimitExceeded' });
    expect(outcomes.get('pl-fine')).toEqual({ status: 'found', value: ['198.51.100.0/24'] });
  });

  it('makes no call for no list', async () => {
    const source = createEc2PrefixListSource({ client: new EC2Client({}) });

    const outcomes = await source.getPrefixListEntries(TEST_SCOPE, []);

    expect(outcomes.size).toBe(0);
    expect(ec2).not.toHaveReceivedCommand(GetManagedPrefixListEntriesCommand);
  });

  it('refuses a page size outside 1 to 100 at start-up', () => {
    expect(() => createEc2PrefixListSource({ client: new EC2Client({}), pageSize: 101 })).toThrow(ConfigurationError);
    expect(() => createEc2PrefixListSource({ client: new EC2Client({}), pageSize: 0 })).toThrow(ConfigurationError);
  });
});
