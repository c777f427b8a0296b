// The corpus's EC2 example outputs served as EC2's XML by the loopback EC2 and read back through a
// real EC2Client (the SDK's XML parsing must give what the JSON shape gives), and a corpus event
// through the ingestor handler to a loopback Firehose. The wire tier does the same with
// builder-made interfaces, rules and events.
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { EC2Client, type NetworkInterface, type SecurityGroupRule as Ec2SecurityGroupRule } from '@aws-sdk/client-ec2';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEc2NetworkInterfaceSource, toNetworkInterfaceInfo } from '../../../src/adapters/ec2-network-interface-source.js';
import { createEc2SecurityGroupRuleSource, toSecurityGroupRule } from '../../../src/adapters/ec2-security-group-rule-source.js';
import { lambdaContext, readCorpusJson } from '../../support/cloudwatch-builders.js';
import { corpusIsPresent, missingCorpusMessage } from '../../support/corpus.js';
import { ec2NetworkInterface, readEc2Corpus } from '../../support/ec2-builders.js';
import { startFirehoseLoopbackServer, type FirehoseLoopbackServer } from '../../support/firehose-loopback-server.js';
import { pointEc2ClientsAt, startEc2LoopbackServer, type Ec2LoopbackServer, type Ec2LoopbackServerOptions } from '../../support/ec2-loopback-server.js';
import { TEST_SCOPE } from '../../support/lookup-scope.js';

interface CliExamples {
  readonly examples: readonly { readonly output: { readonly NetworkInterfaces: NetworkInterface[] } }[];
}
interface CliRuleExamples {
  readonly examples: readonly { readonly output: { readonly SecurityGroupRules: Ec2SecurityGroupRule[] } }[];
}

type Handler = (event: CloudWatchLogsEvent, context: Context) => Promise<void>;

let server: Ec2LoopbackServer | FirehoseLoopbackServer | undefined;
let restoreEndpoint: (() => void) | undefined;

/** A loopback EC2 answering from `options`, and EC2 clients pointed at it through AWS_ENDPOINT_URL_EC2. */
async function ec2Against(options: Ec2LoopbackServerOptions) {
  server = await startEc2LoopbackServer(options);
  restoreEndpoint = pointEc2ClientsAt(server.url);
  return new EC2Client({});
}

beforeAll(() => {
  // Fail, never skip: a missing corpus must not pass for conforming adapters.
  if (!corpusIsPresent()) throw new Error(missingCorpusMessage());
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  restoreEndpoint?.();
  await server?.close();
  server = undefined;
  restoreEndpoint = undefined;
});

describe('createEc2NetworkInterfaceSource over the wire, on the corpus', () => {
  it('reads the corpus interfaces from EC2 XML exactly as from the SDK JSON shape', async () => {
    const interfaces = [
      ...readEc2Corpus<CliExamples>('aws-cli-examples/describe-network-interfaces.json').examples.flatMap((example) => example.output.NetworkInterfaces),
      ...readEc2Corpus<{ NetworkInterfaces: NetworkInterface[] }>('aws-parallelcluster/nat-gateway-eni.describe-network-interfaces.json').NetworkInterfaces,
      ec2NetworkInterface({
        NetworkInterfaceId: 'eni-0000000000000dual',
        Ipv6Addresses: [{ Ipv6Address: '2001:db8:1234:1a00::17' }],
        Ipv4Prefixes: [{ Ipv4Prefix: '10.0.3.48/28' }],
        Ipv6Prefixes: [{ Ipv6Prefix: '2001:db8:1234:1a00:9::/80' }],
      }),
    ];
    const source = createEc2NetworkInterfaceSource({ client: await ec2Against({ networkInterfaces: interfaces }) });
    const ids = interfaces.map((item) => item.NetworkInterfaceId ?? '');

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ids);

    expect(ids.map((id) => outcomes.get(id))).toEqual(interfaces.map((item) => ({ status: 'found', value: toNetworkInterfaceInfo(item) })));
  });
});

describe('createEc2SecurityGroupRuleSource over the wire, on the corpus', () => {
  it('reads the corpus rules of every peer kind from EC2 XML exactly as from the SDK JSON shape', async () => {
    // The authorize examples all belong to sg-1234567890abcdef0 and cover CIDRs, IPv6, ICMP,
    // a prefix list, group references and a description.
    const rules = [
      ...readEc2Corpus<CliRuleExamples>('aws-cli-examples/authorize-security-group-ingress.json').examples,
      ...readEc2Corpus<CliRuleExamples>('aws-cli-examples/authorize-security-group-egress.json').examples,
    ].flatMap((example) => example.output.SecurityGroupRules);
    const source = createEc2SecurityGroupRuleSource({ client: await ec2Against({ securityGroupRules: rules }) });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, ['sg-1234567890abcdef0']);

    expect(outcomes.get('sg-1234567890abcdef0')).toEqual({ status: 'found', value: rules.map(toSecurityGroupRule) });
  });
});

describe('ingestor handler over the wire, on the corpus events', () => {
  /** Starts a loopback Firehose, then cold-starts the handler against it with the SDK's own retries off. */
  async function deployAgainstLoopbackFirehose() {
    const firehose = await startFirehoseLoopbackServer({});
    server = firehose;
    vi.stubEnv('AWS_ENDPOINT_URL_FIREHOSE', firehose.url);
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    vi.stubEnv('DELIVERY_STREAM_NAME', 'vpc-flow-logs');
    vi.resetModules();
    const { handler } = (await import('../../../ingestor/index.js')) as { handler: Handler };
    // The function's logs and EMF documents are not what this test is about.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return { server: firehose, handler };
  }

  it('delivers the zlib-compressed Powertools sample event', async () => {
    const { server, handler } = await deployAgainstLoopbackFirehose();
    const event = readCorpusJson('events/powertools-python/cloudWatchLogEventWithPolicyLevel.json') as CloudWatchLogsEvent;

    await handler(event, lambdaContext());

    expect(server.calls.flatMap((call) => call.accepted)).toEqual(['[ERROR] First test message\n', '[ERROR] Second test message\n']);
  });
});
