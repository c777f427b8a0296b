import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { OpenSearchHttpClientOptions } from '../../../src/adapters/opensearch-http-client.js';
import { startOpenSearchSigningProxy } from '../../../src/adapters/opensearch-signing-proxy.js';
import { runCli } from '../../../src/cli/main.js';
import { OPENSEARCH_USAGE, parseOpenSearchProxyArguments, parseOpenSearchSetupArguments, runOpenSearchCommand } from '../../../src/cli/opensearch-command.js';
import { buildOpenSearchAssets, renderOpenSearchAssetFiles } from '../../../src/opensearch/opensearch-assets.js';
import type { OpenSearchHttp } from '../../../src/opensearch/opensearch-http.js';
import { createOpenSearchSimulator, DASHBOARDS_BASE_PATH } from '../../support/opensearch-loopback-server.js';
import { capturedIo } from '../cli/cli-harness.js';

const ENDPOINT = 'https://search-flows-abc123.eu-west-1.es.amazonaws.com';

/** Runs the command against one simulator, recording the client options it asked for. */
async function run(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}) {
  const simulator = createOpenSearchSimulator();
  const clients: OpenSearchHttpClientOptions[] = [];
  const createHttp = (options: OpenSearchHttpClientOptions): OpenSearchHttp => {
    clients.push(options);
    const prefix = options.baseUrl.endsWith(DASHBOARDS_BASE_PATH) ? DASHBOARDS_BASE_PATH : '';
    return { baseUrl: options.baseUrl, send: (request) => simulator.send({ ...request, path: `${prefix}${request.path}` }) };
  };
  const { io, stdout, stderr } = capturedIo();
  const code = await runOpenSearchCommand(args, io, { env, createHttp });
  return { code, clients, simulator, stdout: stdout(), stderr: stderr() };
}

describe('parseOpenSearchSetupArguments', () => {
  it('takes the signing region from an Amazon OpenSearch Service endpoint and defaults the rest', () => {
    expect(parseOpenSearchSetupArguments(['--endpoint', ENDPOINT], { AWS_REGION: 'us-east-1' })).toEqual({
      endpoint: ENDPOINT,
      dashboardsUrl: `${ENDPOINT}/_dashboards`,
      indexPattern: 'cwl-*',
      retentionDays: 30,
      schema: 'native',
      auth: { kind: 'sigv4', region: 'eu-west-1' },
    });
  });

  it('takes the schema of the documents from --schema, and refuses one the decorator does not write', () => {
    const schemaOf = (value: string) => {
      const options = parseOpenSearchSetupArguments(['--endpoint', ENDPOINT, '--schema', value], {});
      return options === 'help' ? undefined : options.schema;
    };

    expect(['native', 'ecs', 'ocsf'].map(schemaOf)).toEqual(['native', 'ecs', 'ocsf']);
    expect(() => schemaOf('OCSF')).toThrow(/--schema must be native, ecs, ocsf \(got "OCSF"\)/);
  });

  it('prefers --region, then the endpoint, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const region = (args: string[], env: Record<string, string>) => {
      const options = parseOpenSearchSetupArguments(args, env);
      return options !== 'help' && options.auth.kind === 'sigv4' ? options.auth.region : undefined;
    };

    expect(region(['--endpoint', ENDPOINT, '--region', 'ap-southeast-2'], {})).toBe('ap-southeast-2');
    expect(region(['--endpoint', 'https://opensearch.internal.example'], { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-2' })).toBe('us-west-2');
    expect(region(['--endpoint', 'https://opensearch.internal.example'], { AWS_DEFAULT_REGION: 'us-east-2' })).toBe('us-east-2');
    expect(region(['--endpoint', 'https://vpc-flows-abc123.cn-north-1.es.amazonaws.com.cn'], {})).toBe('cn-north-1');
  });

  it('accepts the endpoint without a scheme, as CloudFormation prints DomainEndpoint, and drops a trailing slash', () => {
    const options = parseOpenSearchSetupArguments(['--endpoint', 'search-flows-abc123.eu-west-1.es.amazonaws.com/', '--dashboards-url', 'dashboards.example.com:5601/'], {});

    expect(options).toMatchObject({ endpoint: ENDPOINT, dashboardsUrl: 'https://dashboards.example.com:5601' });
  });

  it('reads basic credentials from OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD', () => {
    const options = parseOpenSearchSetupArguments(['--endpoint', ENDPOINT, '--auth', 'basic'], { OPENSEARCH_USERNAME: 'admin', OPENSEARCH_PASSWORD: 'p4ss word' });

    expect(options).toMatchObject({ auth: { kind: 'basic', username: 'admin', password: 'p4ss word' } });
  });

  it('lists every problem at once', () => {
    expect(() => parseOpenSearchSetupArguments(['--auth', 'basic', '--retention-days', '0'], {})).toThrow(
      'invalid configuration:\n- --endpoint is required\n- --retention-days must be a whole number of days, at least 1 (got "0")\n- --auth basic reads the user from OPENSEARCH_USERNAME, which is not set\n- --auth basic reads the password from OPENSEARCH_PASSWORD, which is not set',
    );
  });

  it.each(['ten', '1.5', '-3', ''])('refuses --retention-days %j', (days) => {
    expect(() => parseOpenSearchSetupArguments(['--endpoint', ENDPOINT, `--retention-days=${days}`], {})).toThrow('--retention-days must be a whole number of days');
  });

  it('asks for a region when sigv4 has none to use', () => {
    expect(() => parseOpenSearchSetupArguments(['--endpoint', 'https://opensearch.internal.example'], {})).toThrow('--auth sigv4 needs a region');
  });

  it('refuses an unknown --auth', () => {
    expect(() => parseOpenSearchSetupArguments(['--endpoint', ENDPOINT, '--auth', 'token'], {})).toThrow('--auth must be sigv4, basic or none (got "token")');
  });
});

describe('parseOpenSearchProxyArguments', () => {
  it('listens on 5601 and signs for the region of the endpoint unless told otherwise', () => {
    expect(parseOpenSearchProxyArguments(['--endpoint', ENDPOINT], { AWS_REGION: 'us-east-1' })).toEqual({ endpoint: ENDPOINT, port: 5601, region: 'eu-west-1' });
    expect(parseOpenSearchProxyArguments(['--endpoint', 'opensearch.internal.example', '--port', '0'], { AWS_REGION: 'us-east-1' })).toEqual({
      endpoint: 'https://opensearch.internal.example',
      port: 0,
      region: 'us-east-1',
    });
  });

  it('lists every problem at once', () => {
    expect(() => parseOpenSearchProxyArguments(['--port', '70000'], {})).toThrow(
      'invalid configuration:\n- --endpoint is required\n- --port must be a port number, or 0 for any free one (got "70000")\n- the proxy signs with SigV4 and needs a region: pass --region, or set AWS_REGION',
    );
  });

  it.each(['http', '-1', '5601.5'])('refuses --port %j', (port) => {
    expect(() => parseOpenSearchProxyArguments(['--endpoint', ENDPOINT, `--port=${port}`], {})).toThrow('--port must be a port number');
  });
});

describe('runOpenSearchCommand', () => {
  it('sets up the cluster and Dashboards with one client each, authenticated alike', async () => {
    const { code, clients, simulator } = await run(['setup', '--endpoint', ENDPOINT]);

    expect(code).toBe(0);
    expect(clients).toEqual([
      { baseUrl: ENDPOINT, auth: { kind: 'sigv4', region: 'eu-west-1' } },
      { baseUrl: `${ENDPOINT}/_dashboards`, auth: { kind: 'sigv4', region: 'eu-west-1' } },
    ]);
    expect(simulator.templates.has('vpc-flow-logs')).toBe(true);
  });

  it.each(['ecs', 'ocsf'] as const)('with --schema %s installs that schema\'s index template and views, and says which schema it set up for', async (schema) => {
    const { code, simulator, stdout } = await run(['setup', '--endpoint', ENDPOINT, '--schema', schema]);

    const expected = buildOpenSearchAssets({ indexPattern: 'cwl-*', retentionDays: 30, schema });
    expect(code).toBe(0);
    expect(simulator.templates.get('vpc-flow-logs')).toEqual(JSON.parse(JSON.stringify(expected.indexTemplate)));
    expect(simulator.savedObjects.get('index-pattern/vpc-flow-logs-index-pattern')?.attributes).toEqual(expected.savedObjects[0]?.attributes);
    expect(stdout).toContain(`index template vpc-flow-logs for cwl-* (${schema} documents): created\n`);
    expect(stdout).toContain(`note: the dashboards read the ${schema} fields; the report's ledger from OpenSearch (report --opensearch) reads native documents only\n`);
  });

  it('refuses a password on the command line: there is no such option', async () => {
    const { code, stderr, clients } = await run(['setup', '--endpoint', ENDPOINT, '--auth', 'basic', '--password', 'hunter2']);

    expect(code).toBe(2);
    expect(stderr).toContain('unknown option "--password"');
    expect(clients).toEqual([]);
  });

  it('refuses an index pattern that could match system indices before any request', async () => {
    const { code, stderr, clients } = await run(['setup', '--endpoint', ENDPOINT, '--index-pattern', '*']);

    expect(code).toBe(2);
    expect(stderr).toContain('the index pattern "*" must start with a lowercase letter or digit');
    expect(clients).toEqual([]);
  });

  it('warns that a pattern without a wildcard names one index that retention deletes whole', async () => {
    const { code, stderr } = await run(['setup', '--endpoint', ENDPOINT, '--index-pattern', 'cwl', '--retention-days', '90']);

    expect(code).toBe(0);
    expect(stderr).toBe('warning: the index pattern "cwl" names a single index (no rotation); the retention policy deletes it whole 90 days after its creation\n');
  });

  it('prints the usage for --help, for "help" and, with status 2, for no subcommand', async () => {
    const setupUsage = (await run(['setup', '--help'])).stdout;
    expect(setupUsage.startsWith('Usage: vpc-flow-log-appender opensearch setup --endpoint URL [options]\n')).toBe(true);
    expect(OPENSEARCH_USAGE).toContain(setupUsage.trimEnd());
    expect(await run(['--help'])).toMatchObject({ code: 0, stdout: `${OPENSEARCH_USAGE}\n` });
    const none = await run([]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toContain('opensearch proxy');
  });

  it('rejects an unknown subcommand with status 2', async () => {
    const { code, stderr } = await run(['install']);

    expect(code).toBe(2);
    expect(stderr).toContain('vpc-flow-log-appender opensearch: unknown command "install"');
  });

  it('documents every option and the environment variables it reads', () => {
    const documented = ['--endpoint', '--dashboards-url', '--index-pattern', '--retention-days', '--auth sigv4|basic|none', '--region', '--help', '--out', '--port', 'opensearch proxy', 'OPENSEARCH_USERNAME', 'OPENSEARCH_PASSWORD', 'AWS_REGION'];

    expect(documented.filter((text) => !OPENSEARCH_USAGE.includes(text))).toEqual([]);
  });

  it('exports the three files for a manual install, as the generator renders them', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'opensearch-export-'));
    try {
      const { code, stdout } = await run(['export', '--out', directory, '--index-pattern', 'flows-*', '--retention-days', '14']);

      const expected = renderOpenSearchAssetFiles(buildOpenSearchAssets({ indexPattern: 'flows-*', retentionDays: 14 }));
      expect(code).toBe(0);
      expect(stdout.trim().split('\n')).toEqual(Object.keys(expected).map((name) => join(directory, name)));
      for (const [name, content] of Object.entries(expected)) expect(await readFile(join(directory, name), 'utf8')).toBe(content);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses to proxy to a plain-http address other than localhost, before listening', async () => {
    let started = 0;
    const stderr = new PassThrough();
    const errors: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => errors.push(chunk));

    const code = await runOpenSearchCommand(['proxy', '--endpoint', 'http://opensearch.internal.example', '--region', 'us-east-1'], { stdin: new PassThrough(), stdout: new PassThrough(), stderr }, {
      env: {},
      createHttp: () => {
        throw new Error('no client expected');
      },
      startProxy: (options) => {
        started += 1;
        return startOpenSearchSigningProxy(options);
      },
      untilStopped: () => Promise.resolve(),
    });

    expect(code).toBe(2);
    expect(started).toBe(1);
    expect(Buffer.concat(errors).toString('utf8')).toContain('http://opensearch.internal.example must use https (plain http is accepted only for localhost)');
  });

  it('exports the files of the schema --schema names', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'opensearch-export-'));
    try {
      const { code } = await run(['export', '--out', directory, '--schema', 'ocsf']);

      const expected = renderOpenSearchAssetFiles(buildOpenSearchAssets({ indexPattern: 'cwl-*', retentionDays: 30, schema: 'ocsf' }));
      expect(code).toBe(0);
      for (const [name, content] of Object.entries(expected)) expect(await readFile(join(directory, name), 'utf8')).toBe(content);
      expect(await readFile(join(directory, 'index-template.json'), 'utf8')).toContain('"epoch_millis"');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('asks for --out when exporting', async () => {
    const { code, stderr } = await run(['export']);

    expect(code).toBe(2);
    expect(stderr).toContain('--out is required');
  });
});

describe('README OpenSearch Dashboards section', () => {
  it('documents every option of setup, export and proxy, and no option the command lacks', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('### OpenSearch Dashboards\n');
    // npm's own option in the examples is not the command's.
    const section = readme.slice(start, readme.indexOf('\n### ', start + 1)).replaceAll('npm run --silent', 'npm run');
    const optionsOf = (text: string) => new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((match) => match[0]));
    const usage = optionsOf(OPENSEARCH_USAGE);
    usage.delete('--help');

    expect(start).toBeGreaterThanOrEqual(0);
    expect([...optionsOf(section)].sort()).toEqual([...usage].sort());
    expect(['opensearch setup', 'opensearch export', 'opensearch proxy'].filter((command) => !section.includes(command))).toEqual([]);
  });
});

describe('runCli', () => {
  it('dispatches "opensearch" to the opensearch command', async () => {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));

    const code = await runCli(['opensearch', 'setup', '--help'], { stdin: new PassThrough(), stdout, stderr: new PassThrough() });

    expect(code).toBe(0);
    expect(Buffer.concat(chunks).toString('utf8')).toMatch(/^Usage: vpc-flow-log-appender opensearch setup /);
  });
});
