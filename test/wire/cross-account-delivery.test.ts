// Flow logs of member accounts delivered straight to the stream (templates/member-flow-log-delivery.yaml,
// VPC Flow Logs' cross-account delivery to Firehose): the records reach the decorator as plain
// flow-log lines, one a record, exactly as the stack's own VpcToFirehose flow log writes them,
// each with its member's account-id. The decorator as deployed (configuration from the
// environment, LOOKUP_ROLE_ARN_PATTERN set) looks each one up in its own account through STS and
// EC2 on loopback.
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LOOKUP_ROLE_ARN_PATTERN, roleArnFor } from '../../src/config/lookup-accounts-config.js';
import { lambdaContext } from '../support/cloudwatch-builders.js';
import { ec2NetworkInterface } from '../support/ec2-builders.js';
import { documentsOf, transformationEvent, transformationRecord } from '../support/firehose-builders.js';
import { pointClientsAt } from '../support/loopback-http.js';
import {
  OWN_ACCESS_KEY_ID,
  OWN_SECRET_ACCESS_KEY,
  startOrganisationEc2Server,
  startStsLoopbackServer,
  type OrganisationEc2Server,
  type StsLoopbackServer,
} from '../support/sts-loopback-server.js';

type Handler = (event: FirehoseTransformationEvent, context?: ReturnType<typeof lambdaContext>) => Promise<FirehoseTransformationResult>;

/** lambdaContext's function ARN: the decorator's own account and Region. */
const OWN_ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const MEMBERS = ['111111111111', '222222222222'] as const;
const WITHOUT_ROLE = '444444444444';

function interfaceOf(accountId: string): string {
  return `eni-0${accountId.slice(0, 1).repeat(16)}`;
}

function groupOf(accountId: string): string {
  return `sg-0${accountId.slice(0, 1).repeat(16)}`;
}

/** A line as VPC Flow Logs delivers it to Firehose: the default format, plain text, one a record. */
function deliveredLine(accountId: string): string {
  return `2 ${accountId} ${interfaceOf(accountId)} 203.0.113.9 10.0.0.17 49152 443 6 10 840 1780000000 1780000060 ACCEPT OK\n`;
}

let sts: StsLoopbackServer;
let ec2: OrganisationEc2Server;
const restores: (() => void)[] = [];

beforeEach(async () => {
  sts = await startStsLoopbackServer({
    ownAccountId: OWN_ACCOUNT,
    roles: Object.fromEntries(MEMBERS.map((accountId) => [accountId, roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId, region: REGION })])),
    clock: { now: () => Date.now() },
  });
  ec2 = await startOrganisationEc2Server(
    sts,
    Object.fromEntries(
      [OWN_ACCOUNT, ...MEMBERS, WITHOUT_ROLE].map((accountId) => [
        accountId,
        { networkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: interfaceOf(accountId), OwnerId: accountId, Groups: [{ GroupId: groupOf(accountId), GroupName: 'web' }] })] },
      ]),
    ),
  );
  restores.push(pointClientsAt('STS', sts.url), pointClientsAt('EC2', ec2.url));
  vi.stubEnv('AWS_ACCESS_KEY_ID', OWN_ACCESS_KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', OWN_SECRET_ACCESS_KEY);
  vi.stubEnv('AWS_REGION', REGION);
  vi.stubEnv('LOOKUP_ROLE_ARN_PATTERN', DEFAULT_LOOKUP_ROLE_ARN_PATTERN);
  // The summary log and EMF go to stdout; not under test here.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  for (const restore of restores.splice(0)) restore();
  await ec2.close();
  await sts.close();
});

describe('the decorator on flow logs delivered straight to the stream from member accounts', () => {
  it('looks each line up in its own account, flags the account without the role, and answers every record Ok in order', async () => {
    vi.resetModules();
    const { handler } = (await import('../../decorator/index.js')) as { handler: Handler };
    const accounts = [MEMBERS[0], OWN_ACCOUNT, WITHOUT_ROLE, MEMBERS[1], MEMBERS[0]];
    const event = transformationEvent(accounts.map((accountId) => transformationRecord({ text: deliveredLine(accountId) })));

    const result = await handler(event, lambdaContext());

    expect(result.records.map((record) => record.recordId)).toEqual(event.records.map((record) => record.recordId));
    expect(result.records.map((record) => record.result)).toEqual(accounts.map(() => 'Ok'));
    const documents = result.records.map((record) => documentsOf({ recordId: record.recordId, result: record.result, data: record.data ?? '' })[0]);
    expect(documents.map((document) => document?.['account_id'])).toEqual(accounts);
    expect(documents.map((document) => document?.['security_group_ids'])).toEqual(accounts.map((accountId) => (accountId === WITHOUT_ROLE ? undefined : [groupOf(accountId)])));
    expect(documents.map((document) => document?.['enrichment_issues'])).toEqual(accounts.map((accountId) => (accountId === WITHOUT_ROLE ? ['account_role_failed'] : undefined)));
    // One role per member with the role, however many of its lines; none for the own account.
    expect(sts.calls.filter((call) => call.action === 'AssumeRole' && call.status === 200).map((call) => call.params.RoleArn).sort()).toEqual(
      MEMBERS.map((accountId) => roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId, region: REGION })),
    );
    expect(ec2.accounts[WITHOUT_ROLE]?.calls).toEqual([]);
    expect(ec2.refusals).toEqual([]);
  });
});
