// Issue 17: the BUILT decorator's warm figure with records of 10 accounts, each looked up in its own
// account through an assumed role, beside the one-account figure, on the same 22,000 records over
// 200 interfaces (decorator.bench.ts's event, the account-id of each record its interface's
// account). STS and EC2 answer on loopback as in test/wire/account-role-lookups.test.ts: an STS
// that issues each member account its own keys, and an EC2 that answers each request from the
// inventory of the account whose key signed it. Reports warm ms, the ratio against the same-run
// baseline, EC2 calls on the first pass and per warm repeat, and AssumeRole calls in all.
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { DEFAULT_LOOKUP_ROLE_ARN_PATTERN, roleArnFor } from '../src/config/lookup-accounts-config.js';
import type { Ec2LoopbackServerOptions } from '../test/support/ec2-loopback-server.js';
import { startOrganisationEc2Server, startStsLoopbackServer, OWN_ACCESS_KEY_ID, OWN_SECRET_ACCESS_KEY } from '../test/support/sts-loopback-server.js';
import { baseline, decoratorLambdaContext, DEPLOYED_NODE_OPTIONS, inventory, loopbackEnvironment, ROUNDS, runConfiguration, transformationEvent } from './decorator.bench.js';
import { builtBundle, report, type Interleaved } from './measure.js';
import type { Benchmark } from './run.js';

const REGION = 'us-east-1';
const OWN_ACCOUNT = '999999999999';
const MEMBERS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666', '777777777777', '888888888888', '101010101010', '121212121212'];
/** decorator.bench.ts writes every record with this account. */
const BENCH_ACCOUNT = '123456789012';


/** The event with each record's account replaced: by `accountOf(interface id)`. */
function withAccounts(event: FirehoseTransformationEvent, accountOf: (interfaceId: string) => string): FirehoseTransformationEvent {
  const records = event.records.map((record) => {
    const line = Buffer.from(record.data, 'base64').toString('utf8');
    const interfaceId = line.split(' ')[2] ?? '';
    return { ...record, data: Buffer.from(line.replace(` ${BENCH_ACCOUNT} `, ` ${accountOf(interfaceId)} `)).toString('base64') };
  });
  return JSON.parse(JSON.stringify({ ...event, records })) as FirehoseTransformationEvent;
}

const benchmark: Benchmark = {
  name: 'decorator (built), records of 1 and of 10 accounts, STS and EC2 on loopback',
  nodeOptions: DEPLOYED_NODE_OPTIONS,
  async run() {
    const bundle = builtBundle('dist/decorator/index.js');
    const event = transformationEvent();
    const { networkInterfaces, securityGroupRules } = inventory();
    // Interface i belongs to member i mod 10 (20 each); every account knows every group's rules.
    const memberOf = new Map(networkInterfaces.map((eni, index) => [eni.NetworkInterfaceId ?? '', MEMBERS[index % MEMBERS.length] ?? OWN_ACCOUNT]));
    const inventories: Record<string, Ec2LoopbackServerOptions> = { [OWN_ACCOUNT]: { networkInterfaces, securityGroupRules } };
    for (const accountId of MEMBERS) {
      inventories[accountId] = { networkInterfaces: networkInterfaces.filter((eni) => memberOf.get(eni.NetworkInterfaceId ?? '') === accountId), securityGroupRules };
    }
    const sts = await startStsLoopbackServer({
      ownAccountId: OWN_ACCOUNT,
      roles: Object.fromEntries(MEMBERS.map((accountId) => [accountId, roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId, region: REGION })])),
      clock: { now: () => Date.now() },
    });
    const ec2 = await startOrganisationEc2Server(sts, inventories);
    const environment = { ...loopbackEnvironment(ec2.url), AWS_ENDPOINT_URL_STS: sts.url, AWS_ACCESS_KEY_ID: OWN_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: OWN_SECRET_ACCESS_KEY };
    const interfaceCalls = () => Object.values(ec2.accounts).reduce((sum, account) => sum + account.calls.filter((call) => call.action === 'DescribeNetworkInterfaces').length, 0);
    const assumeRoleCalls = () => sts.calls.filter((call) => call.action === 'AssumeRole').length;
    try {
      const groups = new Map(networkInterfaces.map((eni) => [eni.NetworkInterfaceId ?? '', eni.Groups?.[0]?.GroupId ?? '']));
      const oneAccountEvent = withAccounts(event, () => OWN_ACCOUNT);
      const tenAccountsEvent = withAccounts(event, (interfaceId) => memberOf.get(interfaceId) ?? OWN_ACCOUNT);
      // The own account first, without a role pattern (as deployed for one account); then the pattern, for the members.
      const one = await runConfiguration('one-account', bundle, environment, oneAccountEvent, interfaceCalls, () => baseline(oneAccountEvent, groups), decoratorLambdaContext(REGION, OWN_ACCOUNT));
      const assumedBefore = assumeRoleCalls();
      const ten = await runConfiguration(
        'ten-accounts',
        bundle,
        { ...environment, LOOKUP_ROLE_ARN_PATTERN: DEFAULT_LOOKUP_ROLE_ARN_PATTERN },
        tenAccountsEvent,
        interfaceCalls,
        () => baseline(tenAccountsEvent, groups),
        decoratorLambdaContext(REGION, OWN_ACCOUNT),
      );
      const assumed = assumeRoleCalls() - assumedBefore;
      // A figure of look-ups that never happened would flatter: each member's interfaces are asked for once, each role assumed once.
      if (one.firstCalls !== 1 || ten.firstCalls !== MEMBERS.length || assumed !== MEMBERS.length || ec2.refusals.length > 0) {
        throw new Error(`look-ups went wrong: ${JSON.stringify({ one: one.firstCalls, ten: ten.firstCalls, assumed, refusals: ec2.refusals.length })}`);
      }
      const spread = (run: Interleaved) => `${run.ratioMin.toFixed(2)} .. ${run.ratioMax.toFixed(2)} over ${ROUNDS} rounds`;
      report({
        'records': event.records.length,
        'distinct interfaces': networkInterfaces.length,
        '1 account: warm ms for all records': one.warm.subjectMs,
        '1 account: ratio warm/baseline (median of rounds)': one.warm.ratio,
        '1 account: ratio spread': spread(one.warm),
        '1 account: DescribeNetworkInterfaces calls, first pass': one.firstCalls,
        '1 account: DescribeNetworkInterfaces calls per warm repeat': one.repeatCalls,
        '10 accounts: warm ms for all records': ten.warm.subjectMs,
        '10 accounts: ratio warm/baseline (median of rounds)': ten.warm.ratio,
        '10 accounts: ratio spread': spread(ten.warm),
        '10 accounts / 1 account: warm ms': Math.round((ten.warm.subjectMs / one.warm.subjectMs) * 100) / 100,
        '10 accounts: DescribeNetworkInterfaces calls, first pass': ten.firstCalls,
        '10 accounts: DescribeNetworkInterfaces calls per warm repeat': ten.repeatCalls,
        [`10 accounts: AssumeRole calls in all (first pass, ${ROUNDS} + 2 warm repeats, one whole batch)`]: assumed,
        '10 accounts: results, small batches': ten.smallResults,
        'refused EC2 requests (wrong account\'s key)': ec2.refusals.length,
      });
    } finally {
      await ec2.close();
      await sts.close();
    }
  },
};

export default benchmark;
