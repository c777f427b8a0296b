import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filterValues, startEc2LoopbackServer, type Ec2LoopbackServer, type Ec2LoopbackServerOptions } from '../support/ec2-loopback-server.js';
import { ipstackAnswer, ipstackError, TEST_IPSTACK_KEY } from '../support/geo-builders.js';
import { listenOnLoopback, pointClientsAt, type ListeningLoopback } from '../support/loopback-http.js';
import { SAMPLE_INVENTORY, sampleEc2Account } from '../support/sample-ec2-account.js';
import { ndjson, runCliWith, temporaryDirectory } from '../unit/cli/cli-harness.js';

const SAMPLE = 'events/sample/flow-logs.log';

/** Sets an environment variable for one test; the returned function puts the old value back. */
function withEnvironment(name: string, value: string): () => void {
  const previous = process.env[name];
  process.env[name] = value;
  return () => {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  };
}
const KEY_PARAMETER = '/vpc-flow-log-appender/ipstack-api-key';

/** SSM's JSON 1.1 GetParameter, answering one SecureString parameter; records each request body. */
async function startSsmLoopback(parameters: Readonly<Record<string, string>>): Promise<ListeningLoopback & { readonly requests: Record<string, unknown>[] }> {
  const requests: Record<string, unknown>[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      requests.push(body);
      const name = typeof body.Name === 'string' ? body.Name : '';
      const value = parameters[name];
      const [status, payload] =
        request.headers['x-amz-target'] === 'AmazonSSM.GetParameter' && value !== undefined
          ? [200, { Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } }]
          : [400, { __type: 'ParameterNotFound', message: '' }];
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    });
  });
  return { ...(await listenOnLoopback(server)), requests };
}

/** ipstack's Standard Lookup, `GET /<ip>?access_key=...`: every address is in Chicago, for the test key only. */
async function startIpstackLoopback(): Promise<ListeningLoopback & { readonly paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    paths.push(url.pathname);
    const ip = decodeURIComponent(url.pathname.slice(1));
    const body = url.searchParams.get('access_key') === TEST_IPSTACK_KEY ? ipstackAnswer({ ip, city: 'Chicago' }) : ipstackError(101, 'invalid_access_key');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  return { ...(await listenOnLoopback(server)), paths };
}

describe('enrich --live', () => {
  let ec2: Ec2LoopbackServer;
  const cleanUps: (() => Promise<void> | void)[] = [];
  const startEc2 = async (options: Ec2LoopbackServerOptions = sampleEc2Account()): Promise<Ec2LoopbackServer> => {
    ec2 = await startEc2LoopbackServer(options);
    cleanUps.push(pointClientsAt('EC2', ec2.url), () => ec2.close());
    return ec2;
  };
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });

  it('gives the same documents from EC2 as --inventory gives from the same inventory saved by the AWS CLI', async () => {
    // Prepare
    await startEc2();
    const offline = await runCliWith(['enrich', SAMPLE, '--inventory', SAMPLE_INVENTORY, '--rules']);

    // Act
    const live = await runCliWith(['enrich', SAMPLE, '--live', '--rules']);

    // Assess
    expect(live.status).toBe(0);
    expect(live.stderr).toBe('');
    const documents = ndjson(live.stdout);
    expect(documents).toStrictEqual(ndjson(offline.stdout));
    expect(documents.some((document) => document.rule_match === 'matched' && Array.isArray(document.security_group_rules))).toBe(true);
  });

  it('asks EC2 for each interface once, by the network-interface-id filter', async () => {
    // Prepare
    const server = await startEc2();

    // Act
    const documents = ndjson((await runCliWith(['enrich', SAMPLE, '--live'])).stdout);

    // Assess
    const asked = server.calls.filter((call) => call.action === 'DescribeNetworkInterfaces').flatMap((call) => filterValues(call.params, 'network-interface-id'));
    expect(asked.sort()).toStrictEqual([...new Set(documents.map((document) => String(document.interface_id)))].sort());
  });

  it('reads no rule and attributes nothing with --no-rules', async () => {
    // Prepare
    const server = await startEc2();

    // Act
    const documents = ndjson((await runCliWith(['enrich', SAMPLE, '--live', '--no-rules'])).stdout);

    // Assess
    expect(server.calls.map((call) => call.action)).not.toContain('DescribeSecurityGroupRules');
    expect(documents.some((document) => 'rule_match' in document)).toBe(false);
    expect(documents[0]).toHaveProperty('security_group_ids');
  });

  it('marks documents whose interface EC2 could not be asked about, still writes every record, and says why once with exit 1', async () => {
    // Prepare: EC2 throttles more often than the SDK retries.
    await startEc2(sampleEc2Account({ failFirst: 1_000 }));
    const plain = ndjson((await runCliWith(['enrich', SAMPLE])).stdout);

    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--live', '--no-rules']);

    // Assess
    const documents = ndjson(run.stdout);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^vpc-flow-log-appender enrich: network interface look-up failed: RequestLimitExceeded: .*; the documents affected say so in enrichment_issues\n$/);
    expect(documents).toHaveLength(plain.length);
    expect(documents[0]).toHaveProperty('enrichment_issues');
    expect(documents[0]).not.toHaveProperty('security_group_ids');
  });

  it('says EC2 refused the credentials, by its error code, and exits 1', async () => {
    // Prepare: EC2 answers every call as it does for a wrong or expired key.
    const server = createServer((_request, response) => {
      response.writeHead(401, { 'content-type': 'text/xml' });
      response.end('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors><RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>');
    });
    const refusing = await listenOnLoopback(server);
    cleanUps.push(pointClientsAt('EC2', refusing.url), () => refusing.close());

    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--live', '--no-rules']);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('network interface look-up failed: AuthFailure: AWS was not able to validate the provided access credentials');
    expect(ndjson(run.stdout).length).toBeGreaterThan(0);
  });

  it('says EC2 is unreachable, with the connection error, and exits 1', async () => {
    // Prepare: a port nothing listens on any more; one attempt, so the test does not wait out the retries.
    const closed = await listenOnLoopback(createServer());
    await closed.close();
    cleanUps.push(pointClientsAt('EC2', closed.url), withEnvironment('AWS_MAX_ATTEMPTS', '1'));

    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--live', '--no-rules']);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('network interface look-up failed: ECONNREFUSED');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('round-trips: snapshot from EC2, then --inventory gives what --live gives', async () => {
    // Prepare: small pages, so the snapshot follows tokens.
    await startEc2(sampleEc2Account({ maxPageSize: 3 }));
    const directory = temporaryDirectory();
    cleanUps.push(() => directory.remove());
    expect((await runCliWith(['snapshot', '--out', directory.path('snapshot')])).status).toBe(0);

    // Act
    const offline = await runCliWith(['enrich', SAMPLE, '--inventory', directory.path('snapshot'), '--rules']);
    const live = await runCliWith(['enrich', SAMPLE, '--live', '--rules']);

    // Assess
    expect(offline.stderr).toBe('');
    expect(ndjson(offline.stdout)).toStrictEqual(ndjson(live.stdout));
  });
});

describe('enrich --geo ipstack', () => {
  const cleanUps: (() => Promise<void> | void)[] = [];
  let ssm: Awaited<ReturnType<typeof startSsmLoopback>>;
  let ipstack: Awaited<ReturnType<typeof startIpstackLoopback>>;
  beforeEach(async () => {
    ssm = await startSsmLoopback({ [KEY_PARAMETER]: TEST_IPSTACK_KEY });
    ipstack = await startIpstackLoopback();
    cleanUps.push(pointClientsAt('SSM', ssm.url), () => ssm.close(), () => ipstack.close());
  });
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });

  it('geolocates public addresses with the key from the SSM parameter, decrypted, and never prints the key', async () => {
    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--geo', 'ipstack', '--ipstack-parameter', KEY_PARAMETER, '--ipstack-url', ipstack.url, '--ipstack-allow-plain-http']);

    // Assess
    const documents = ndjson(run.stdout);
    const fromOutside = documents.find((document) => document.srcaddr === '198.51.100.7');
    expect(run.status).toBe(0);
    expect(fromOutside).toMatchObject({ src_geo: { city: 'Chicago' } });
    expect(ssm.requests).toStrictEqual([{ Name: KEY_PARAMETER, WithDecryption: true }]);
    expect(new Set(ipstack.paths).size).toBe(ipstack.paths.length);
    expect(run.stdout).not.toContain(TEST_IPSTACK_KEY);
    expect(run.stderr).not.toContain(TEST_IPSTACK_KEY);
  });

  it('names the parameter, not a key, when the parameter does not exist', async () => {
    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--geo', 'ipstack', '--ipstack-parameter', '/elsewhere/ipstack-key', '--ipstack-url', ipstack.url, '--ipstack-allow-plain-http']);

    // Assess: the parameter given was asked for; records are written without geolocation.
    expect(ssm.requests).toContainEqual({ Name: '/elsewhere/ipstack-key', WithDecryption: true });
    expect(run.stderr).toContain('/elsewhere/ipstack-key');
    expect(run.stderr).not.toContain(TEST_IPSTACK_KEY);
    expect(ipstack.paths).toStrictEqual([]);
    expect(ndjson(run.stdout).some((document) => 'src_geo' in document)).toBe(false);
  });

  it('reads the stack\'s own parameter by default, so a deployed stack\'s key is found without --ipstack-parameter', async () => {
    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--geo', 'ipstack', '--ipstack-url', ipstack.url, '--ipstack-allow-plain-http']);

    // Assess
    expect(ssm.requests).toStrictEqual([{ Name: KEY_PARAMETER, WithDecryption: true }]);
    expect(ipstack.paths.length).toBeGreaterThan(0);
    expect(run.stdout).not.toContain(TEST_IPSTACK_KEY);
  });

  it('refuses a plain-HTTP ipstack URL unless it is allowed, before reading anything', async () => {
    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--geo', 'ipstack', '--ipstack-url', ipstack.url]);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--ipstack-allow-plain-http');
    expect(ssm.requests).toStrictEqual([]);
  });
});
