/**
 * An in-memory OpenSearch cluster with OpenSearch Dashboards, speaking the few APIs the setup
 * uses the way they answer, for unit tests (`simulator.send`, an OpenSearchHttp) and, wrapped in a
 * loopback HTTP server, for wire tests of the real client (SigV4 checked by re-signing, basic
 * auth checked against the configured user).
 *
 * Cluster: GET/PUT `/_index_template/<name>` (GET answers `{index_templates:[{name,index_template}]}`
 * or 404 resource_not_found_exception); GET/PUT `/_plugins/_ism/policies/<id>` (GET answers
 * `{_id,_version,_seq_no,_primary_term,policy}` with the normalisation ISM applies: `retry` added to
 * every action, `policy_id`, `last_updated_time`, `schema_version`; PUT creates with 201, refuses to
 * overwrite without `if_seq_no`/`if_primary_term` and refuses stale ones with 409);
 * POST `/_plugins/_ism/add/<pattern>` (`{updated_indices,failures,failed_indices}`).
 * Dashboards under `/_dashboards`: POST `/api/saved_objects/_bulk_get` and
 * `/api/saved_objects/_import?overwrite=true` (multipart, missing references refused), both
 * requiring the `osd-xsrf` header.
 *
 * @example
 * const server = await startOpenSearchLoopbackServer({ auth: { kind: 'sigv4' } });
 * // ... point the client at server.url; server.simulator.requests lists what arrived
 * await server.close();
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { OpenSearchHttp, OpenSearchHttpRequest, OpenSearchHttpResponse } from '../../src/opensearch/opensearch-http.js';
import { listenOnLoopback } from './loopback-http.js';

export const DASHBOARDS_BASE_PATH = '/_dashboards';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query, as sent (percent-encoding kept). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SimulatedIndex {
  readonly name: string;
  /** The ISM policy managing it, if any. */
  policyId?: string;
}

export interface StoredSavedObject {
  readonly type: string;
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  readonly references: readonly { readonly name: string; readonly type: string; readonly id: string }[];
  readonly migrationVersion?: Readonly<Record<string, string>>;
}

export interface SimulatorOptions {
  readonly indices?: readonly SimulatedIndex[];
  /** Answers this instead when it returns something: fault injection. */
  readonly override?: (request: RecordedRequest) => { readonly status: number; readonly body: unknown } | undefined;
}

export interface OpenSearchSimulator extends OpenSearchHttp {
  readonly requests: RecordedRequest[];
  readonly templates: Map<string, unknown>;
  readonly policies: Map<string, { policy: Record<string, unknown>; seqNo: number; primaryTerm: number; version: number }>;
  readonly savedObjects: Map<string, StoredSavedObject>;
  readonly indices: SimulatedIndex[];
  /** Requests that changed state (template PUT, policy PUT, policy attached, objects imported). */
  writes(): RecordedRequest[];
  handle(request: RecordedRequest): { status: number; body: string };
}

/** ISM's defaults, added to every action it stores. */
const ISM_RETRY_DEFAULT = { count: 3, backoff: 'exponential', delay: '1m' };

export function createOpenSearchSimulator(options: SimulatorOptions = {}): OpenSearchSimulator {
  const requests: RecordedRequest[] = [];
  const templates = new Map<string, unknown>();
  const policies = new Map<string, { policy: Record<string, unknown>; seqNo: number; primaryTerm: number; version: number }>();
  const savedObjects = new Map<string, StoredSavedObject>();
  const indices: SimulatedIndex[] = (options.indices ?? []).map((index) => ({ ...index }));
  const writeRequests: RecordedRequest[] = [];
  let nextSeqNo = 0;

  const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });
  const osError = (status: number, type: string, reason: string) => json(status, { error: { root_cause: [{ type, reason }], type, reason }, status });
  const osdError = (status: number, message: string) => json(status, { statusCode: status, error: status === 404 ? 'Not Found' : 'Bad Request', message });

  function handle(request: RecordedRequest): { status: number; body: string } {
    requests.push(request);
    const injected = options.override?.(request);
    if (injected !== undefined) return { status: injected.status, body: typeof injected.body === 'string' ? injected.body : JSON.stringify(injected.body) };
    const path = decodeURIComponent(request.path);
    if (path.startsWith(`${DASHBOARDS_BASE_PATH}/`)) return handleDashboards(request, path.slice(DASHBOARDS_BASE_PATH.length));

    let match = /^\/_index_template\/([^/]+)$/.exec(path);
    if (match !== null) {
      const name = match[1] as string;
      if (request.method === 'GET') {
        return templates.has(name)
          ? json(200, { index_templates: [{ name, index_template: templates.get(name) }] })
          : osError(404, 'resource_not_found_exception', `index template matching [${name}] not found`);
      }
      if (request.method === 'PUT') {
        templates.set(name, JSON.parse(request.body));
        writeRequests.push(request);
        return json(200, { acknowledged: true });
      }
    }

    match = /^\/_plugins\/_ism\/policies\/([^/]+)$/.exec(path);
    if (match !== null) {
      const id = match[1] as string;
      const stored = policies.get(id);
      if (request.method === 'GET') {
        if (stored === undefined) return osError(404, 'status_exception', 'Policy not found');
        return json(200, { _id: id, _version: stored.version, _seq_no: stored.seqNo, _primary_term: stored.primaryTerm, policy: stored.policy });
      }
      if (request.method === 'PUT') {
        const ifSeqNo = request.query.if_seq_no;
        const ifPrimaryTerm = request.query.if_primary_term;
        if (stored !== undefined && (ifSeqNo === undefined || ifPrimaryTerm === undefined)) {
          return osError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists (current version [${stored.version}])`);
        }
        if (stored === undefined && ifSeqNo !== undefined) {
          return osError(404, 'document_missing_exception', `[${id}]: document missing`);
        }
        if (stored !== undefined && (Number(ifSeqNo) !== stored.seqNo || Number(ifPrimaryTerm) !== stored.primaryTerm)) {
          return osError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, required seqNo [${ifSeqNo}], primary term [${ifPrimaryTerm}]. current document has seqNo [${stored.seqNo}] and primary term [${stored.primaryTerm}]`);
        }
        const body = JSON.parse(request.body) as { policy: Record<string, unknown> };
        const entry = { policy: normalisePolicy(id, body.policy), seqNo: nextSeqNo++, primaryTerm: 1, version: (stored?.version ?? 0) + 1 };
        policies.set(id, entry);
        writeRequests.push(request);
        return json(stored === undefined ? 201 : 200, { _id: id, _version: entry.version, _primary_term: entry.primaryTerm, _seq_no: entry.seqNo, policy: { policy: entry.policy } });
      }
    }

    match = /^\/_plugins\/_ism\/add\/([^/]+)$/.exec(path);
    if (match !== null && request.method === 'POST') {
      const pattern = new RegExp(`^${(match[1] as string).split('*').map(escapeRegExp).join('.*')}$`);
      const policyId = (JSON.parse(request.body) as { policy_id: string }).policy_id;
      if (!policies.has(policyId)) return osError(404, 'status_exception', `Could not find policy=${policyId}`);
      let updated = 0;
      const failed: unknown[] = [];
      for (const index of indices.filter((candidate) => pattern.test(candidate.name))) {
        if (index.policyId !== undefined) {
          failed.push({ index_name: index.name, index_uuid: `uuid-${index.name}`, reason: 'This index already has a policy, use the update policy API to update index policies' });
        } else {
          index.policyId = policyId;
          updated += 1;
        }
      }
      if (updated > 0) writeRequests.push(request);
      return json(200, { updated_indices: updated, failures: failed.length > 0, failed_indices: failed });
    }

    return json(400, { error: `no handler found for uri [${request.path}] and method [${request.method}]` });
  }

  function handleDashboards(request: RecordedRequest, path: string): { status: number; body: string } {
    if (request.method !== 'GET' && request.headers['osd-xsrf'] === undefined) return osdError(400, 'Request must contain a osd-xsrf header.');
    if (path === '/api/saved_objects/_bulk_get' && request.method === 'POST') {
      const wanted = JSON.parse(request.body) as { type: string; id: string }[];
      return json(200, {
        saved_objects: wanted.map(({ type, id }) => {
          const stored = savedObjects.get(`${type}/${id}`);
          return stored === undefined
            ? { id, type, error: { statusCode: 404, error: 'Not Found', message: `Saved object [${type}/${id}] not found` } }
            : { ...stored, updated_at: '2026-01-01T00:00:00.000Z', version: 'WzEsMV0=' };
        }),
      });
    }
    if (path === '/api/saved_objects/_import' && request.method === 'POST') {
      const file = multipartFileContent(request);
      if (file === undefined) return osdError(400, '[request body.file]: expected value of type [Stream] but got [undefined]');
      const objects = file
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as StoredSavedObject);
      const overwrite = request.query.overwrite === 'true';
      const inFile = new Set(objects.map((object) => `${object.type}/${object.id}`));
      const errors: unknown[] = [];
      for (const object of objects) {
        const missing = object.references.filter((reference) => !inFile.has(`${reference.type}/${reference.id}`) && !savedObjects.has(`${reference.type}/${reference.id}`));
        if (missing.length > 0) {
          errors.push({ id: object.id, type: object.type, title: object.attributes.title, error: { type: 'missing_references', references: missing.map(({ type, id }) => ({ type, id })) } });
        } else if (!overwrite && savedObjects.has(`${object.type}/${object.id}`)) {
          errors.push({ id: object.id, type: object.type, title: object.attributes.title, error: { type: 'conflict' } });
        }
      }
      if (errors.length > 0) return json(200, { success: false, successCount: 0, errors });
      for (const object of objects) savedObjects.set(`${object.type}/${object.id}`, object);
      writeRequests.push(request);
      return json(200, { success: true, successCount: objects.length, successResults: objects.map(({ type, id, attributes }) => ({ type, id, meta: { title: attributes.title } })) });
    }
    return osdError(404, 'Not Found');
  }

  return {
    baseUrl: 'http://simulated-opensearch',
    requests,
    templates,
    policies,
    savedObjects,
    indices,
    writes: () => [...writeRequests],
    handle,
    send(request: OpenSearchHttpRequest): Promise<OpenSearchHttpResponse> {
      const body = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
      return Promise.resolve(handle({ method: request.method, path: request.path, query: { ...request.query }, headers, body }));
    },
  };
}

/** Two OpenSearchHttp views of one simulator: the cluster at `/` and Dashboards under `/_dashboards`, as on Amazon OpenSearch Service. */
export function simulatedTargets(simulator: OpenSearchSimulator): { opensearch: OpenSearchHttp; dashboards: OpenSearchHttp } {
  return {
    opensearch: simulator,
    dashboards: { baseUrl: `${simulator.baseUrl}${DASHBOARDS_BASE_PATH}`, send: (request) => simulator.send({ ...request, path: `${DASHBOARDS_BASE_PATH}${request.path}` }) },
  };
}

function normalisePolicy(id: string, policy: Record<string, unknown>): Record<string, unknown> {
  const states = (policy.states as { actions?: Record<string, unknown>[] }[] | undefined) ?? [];
  const templates = policy.ism_template === undefined ? [] : Array.isArray(policy.ism_template) ? policy.ism_template : [policy.ism_template];
  return {
    policy_id: id,
    description: policy.description,
    last_updated_time: 1_767_225_600_000,
    schema_version: 21,
    error_notification: null,
    default_state: policy.default_state,
    states: states.map((state) => ({ ...state, actions: (state.actions ?? []).map((action) => ({ retry: ISM_RETRY_DEFAULT, ...action })) })),
    ism_template: (templates as Record<string, unknown>[]).map((template) => ({ ...template, last_updated_time: 1_767_225_600_000 })),
  };
}

function multipartFileContent(request: RecordedRequest): string | undefined {
  const boundary = /boundary=([^;]+)/.exec(request.headers['content-type'] ?? '')?.[1];
  if (boundary === undefined) return undefined;
  for (const part of request.body.split(`--${boundary}`)) {
    const separator = part.indexOf('\r\n\r\n');
    if (separator < 0 || !/name="file"/.test(part.slice(0, separator))) continue;
    return part.slice(separator + 4).replace(/\r\n$/, '');
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type LoopbackAuth = { readonly kind: 'none' } | { readonly kind: 'sigv4'; readonly region?: string } | { readonly kind: 'basic'; readonly username: string; readonly password: string };

export interface OpenSearchLoopbackServer {
  /** `http://127.0.0.1:<port>`: the cluster; Dashboards is at `${url}/_dashboards`. */
  readonly url: string;
  readonly simulator: OpenSearchSimulator;
  close(): Promise<void>;
}

/**
 * The simulator behind a real HTTP server on 127.0.0.1 and a free port. With `auth: sigv4` it
 * re-signs every request with the test environment's credentials and answers 403 as Amazon
 * OpenSearch Service does when the signature or the payload hash differ; with `basic` it answers
 * 401 unless the Authorization header carries the configured user and password.
 */
export async function startOpenSearchLoopbackServer(options: SimulatorOptions & { readonly auth?: LoopbackAuth } = {}): Promise<OpenSearchLoopbackServer> {
  const simulator = createOpenSearchSimulator(options);
  const auth = options.auth ?? { kind: 'none' };
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const rawUrl = incoming.url ?? '/';
      const queryStart = rawUrl.indexOf('?');
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers[key] = value;
      const request: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart),
        query: queryStart < 0 ? {} : Object.fromEntries(new URLSearchParams(rawUrl.slice(queryStart + 1))),
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      void authenticate(auth, request).then(
        (refusal) => {
          const answer = refusal ?? simulator.handle(request);
          if (refusal !== undefined) simulator.requests.push(request);
          outgoing.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
        },
        (error: unknown) => {
          outgoing.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
        },
      );
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    simulator,
    close,
  };
}

async function authenticate(auth: LoopbackAuth, request: RecordedRequest): Promise<{ status: number; body: string } | undefined> {
  if (auth.kind === 'none') return undefined;
  const authorization = request.headers.authorization ?? '';
  if (auth.kind === 'basic') {
    const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    return authorization === expected ? undefined : { status: 401, body: JSON.stringify({ error: 'Unauthorized' }) };
  }
  const refuse = (message: string) => ({ status: 403, body: JSON.stringify({ message }) });
  const signedHeaderNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';');
  const amzDate = request.headers['x-amz-date'];
  if (signedHeaderNames === undefined || amzDate === undefined) return refuse('Missing Authentication Token');
  const payloadHash = createHash('sha256').update(request.body).digest('hex');
  if (request.headers['x-amz-content-sha256'] !== payloadHash) return refuse('The provided x-amz-content-sha256 header does not match what was computed.');
  const signer = new SignatureV4({
    service: 'es',
    region: auth.region ?? process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '' },
    sha256: Sha256,
  });
  const headers = Object.fromEntries(signedHeaderNames.map((name) => [name, request.headers[name] ?? '']));
  const [hostname = '', port] = (request.headers.host ?? '').split(':');
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const resigned = await signer.sign(
    { method: request.method, protocol: 'http:', hostname, ...(port !== undefined && { port: Number(port) }), path: request.path, query: { ...request.query }, headers, body: request.body },
    { signingDate },
  );
  return resigned.headers.authorization === authorization ? undefined : refuse('The request signature we calculated does not match the signature you provided.');
}
