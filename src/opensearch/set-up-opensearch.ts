import { canonicalJson } from './canonical-json.js';
import { INDEX_TEMPLATE_NAME, ISM_POLICY_ID } from './constants.js';
import { OpenSearchSetupError } from './errors.js';
import type { IsmPolicy } from './ism-policy.js';
import type { OpenSearchAssets } from './opensearch-assets.js';
import type { OpenSearchHttp, OpenSearchHttpRequest, OpenSearchHttpResponse } from './opensearch-http.js';
import { toSavedObjectsNdjson, type SavedObject } from './saved-objects.js';

/** The steps of the setup, as error messages and the report name them. */
export const SetupStep = {
  IndexTemplate: 'index template',
  IsmPolicy: 'ISM policy',
  ExistingIndices: 'ISM policy on existing indices',
  SavedObjects: 'saved objects',
} as const;
export type SetupStep = (typeof SetupStep)[keyof typeof SetupStep];

export type ChangeOutcome = 'created' | 'updated' | 'unchanged';

export interface OpenSearchSetupReport {
  readonly indexTemplate: ChangeOutcome;
  readonly ismPolicy: ChangeOutcome;
  /** Indices that existed before the policy: those it was attached to, and those another (or this) policy already manages. */
  readonly existingIndices: { readonly attached: number; readonly alreadyManaged: number };
  readonly savedObjects: { readonly created: number; readonly updated: number; readonly unchanged: number };
}

export interface OpenSearchSetupTargets {
  /** The cluster (domain endpoint). */
  readonly opensearch: OpenSearchHttp;
  /** OpenSearch Dashboards (`<endpoint>/_dashboards` on Amazon OpenSearch Service). */
  readonly dashboards: OpenSearchHttp;
}

export interface OpenSearchSetupOptions {
  readonly indexPattern: string;
  readonly assets: OpenSearchAssets;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;
/** Dashboards refuses state-changing API calls without this header (its CSRF protection). */
const DASHBOARDS_HEADERS = { ...JSON_HEADERS, 'osd-xsrf': 'true' } as const;
/** Settings ISM fills into every action when a policy is stored. */
const SERVER_ACTION_DEFAULTS: ReadonlySet<string> = new Set(['retry', 'timeout']);
/** At most this much of an error body goes into a message. */
const MAX_REASON_CHARS = 300;

/**
 * Installs the index template, the retention policy (attaching it to indices that already match)
 * and the Dashboards saved objects. Idempotent: each step reads what is there and writes only what
 * differs, so a second run changes nothing. The policy is updated with its `_seq_no` and
 * `_primary_term`, so a concurrent edit fails the run instead of being overwritten silently.
 *
 * @example
 * const report = await setUpOpenSearch({ opensearch, dashboards }, { indexPattern: 'cwl-*', assets });
 * report.indexTemplate // 'created' on the first run, 'unchanged' on the next
 */
export async function setUpOpenSearch(targets: OpenSearchSetupTargets, options: OpenSearchSetupOptions): Promise<OpenSearchSetupReport> {
  const indexTemplate = await installIndexTemplate(targets.opensearch, options.assets);
  const ismPolicy = await installIsmPolicy(targets.opensearch, options.assets.ismPolicy);
  const existingIndices = await attachPolicyToExistingIndices(targets.opensearch, options.indexPattern);
  const savedObjects = await installSavedObjects(targets.dashboards, options.assets.savedObjects);
  return { indexTemplate, ismPolicy, existingIndices, savedObjects };
}

async function installIndexTemplate(http: OpenSearchHttp, assets: OpenSearchAssets): Promise<ChangeOutcome> {
  const step = SetupStep.IndexTemplate;
  const path = `/_index_template/${encodeURIComponent(INDEX_TEMPLATE_NAME)}`;
  const current = await call(http, step, { method: 'GET', path }, [200, 404]);
  let outcome: ChangeOutcome = 'created';
  if (current.status === 200) {
    const body = parseJson(step, 'GET', path, current);
    const installed = record(array(record(body).index_templates)[0]).index_template;
    const meta = record(record(installed)._meta);
    if (meta.fingerprint === assets.indexTemplate._meta.fingerprint) return 'unchanged';
    outcome = 'updated';
  }
  await call(http, step, { method: 'PUT', path, headers: JSON_HEADERS, body: JSON.stringify(assets.indexTemplate) }, [200]);
  return outcome;
}

async function installIsmPolicy(http: OpenSearchHttp, desired: IsmPolicy): Promise<ChangeOutcome> {
  const step = SetupStep.IsmPolicy;
  const path = `/_plugins/_ism/policies/${encodeURIComponent(ISM_POLICY_ID)}`;
  const current = await call(http, step, { method: 'GET', path }, [200, 404]);
  const body = JSON.stringify(desired);
  if (current.status === 404) {
    await call(http, step, { method: 'PUT', path, headers: JSON_HEADERS, body }, [200, 201]);
    return 'created';
  }
  const answer = record(parseJson(step, 'GET', path, current));
  // GET answers { _id, _seq_no, _primary_term, policy: {...} }; some versions nest policy once more.
  const outer = record(answer.policy);
  const installed = 'policy' in outer ? record(outer.policy) : outer;
  if (comparablePolicy(installed) === comparablePolicy(desired.policy)) return 'unchanged';
  const seqNo = answer._seq_no;
  const primaryTerm = answer._primary_term;
  if (typeof seqNo !== 'number' || typeof primaryTerm !== 'number') {
    throw new OpenSearchSetupError(step, `GET ${http.baseUrl}${path} answered without _seq_no and _primary_term, so the policy cannot be updated safely`, { status: current.status });
  }
  await call(http, step, { method: 'PUT', path, query: { if_seq_no: String(seqNo), if_primary_term: String(primaryTerm) }, headers: JSON_HEADERS, body }, [200]);
  return 'updated';
}

/**
 * The parts of a policy we define, in a form both our body and the server's normalised copy
 * reduce to: ISM adds `retry` to every action, ids, times and schema versions, which are not ours.
 */
function comparablePolicy(policy: Readonly<Record<string, unknown>>): string {
  return canonicalJson({
    description: policy.description,
    default_state: policy.default_state,
    states: array(policy.states).map((value) => {
      const state = record(value);
      return {
        name: state.name,
        actions: array(state.actions).map((action) => Object.fromEntries(Object.entries(record(action)).filter(([key]) => !SERVER_ACTION_DEFAULTS.has(key)))),
        transitions: array(state.transitions).map((value) => {
          const transition = record(value);
          return { state_name: transition.state_name, conditions: transition.conditions ?? {} };
        }),
      };
    }),
    ism_template: (Array.isArray(policy.ism_template) ? policy.ism_template : policy.ism_template === undefined || policy.ism_template === null ? [] : [policy.ism_template]).map((value: unknown) => {
      const template = record(value);
      return { index_patterns: template.index_patterns, priority: template.priority ?? 0 };
    }),
  });
}

async function attachPolicyToExistingIndices(http: OpenSearchHttp, indexPattern: string): Promise<OpenSearchSetupReport['existingIndices']> {
  const step = SetupStep.ExistingIndices;
  const path = `/_plugins/_ism/add/${encodeURIComponent(indexPattern)}`;
  const response = await call(http, step, { method: 'POST', path, headers: JSON_HEADERS, body: JSON.stringify({ policy_id: ISM_POLICY_ID }) }, [200, 404]);
  const answer = record(parseJson(step, 'POST', path, response));
  if (response.status === 404) {
    // No index matches yet (the usual case before the first delivery); any other 404 is a fault.
    if (record(answer.error).type === 'index_not_found_exception') return { attached: 0, alreadyManaged: 0 };
    throw new OpenSearchSetupError(step, `POST ${http.baseUrl}${path} answered HTTP 404: ${errorReason(response.body)}`, { status: 404 });
  }
  const failed = array(answer.failed_indices).map(record);
  const alreadyManaged = failed.filter((failure) => /already has a policy/i.test(text(failure.reason)));
  const otherFailures = failed.filter((failure) => !alreadyManaged.includes(failure));
  if (otherFailures.length > 0) {
    const examples = otherFailures.slice(0, 3).map((failure) => `${text(failure.index_name)}: ${text(failure.reason)}`);
    throw new OpenSearchSetupError(step, `POST ${http.baseUrl}${path} could not attach the policy to ${otherFailures.length} indices (${examples.join('; ')})`, {
      status: response.status,
    });
  }
  return { attached: typeof answer.updated_indices === 'number' ? answer.updated_indices : 0, alreadyManaged: alreadyManaged.length };
}

async function installSavedObjects(http: OpenSearchHttp, desired: readonly SavedObject[]): Promise<OpenSearchSetupReport['savedObjects']> {
  const step = SetupStep.SavedObjects;
  const bulkGetPath = '/api/saved_objects/_bulk_get';
  const response = await call(
    http,
    step,
    { method: 'POST', path: bulkGetPath, headers: DASHBOARDS_HEADERS, body: JSON.stringify(desired.map(({ type, id }) => ({ type, id }))) },
    [200],
  );
  const found = array(record(parseJson(step, 'POST', bulkGetPath, response)).saved_objects).map(record);
  const existing = new Map(found.filter((object) => object.error === undefined).map((object) => [`${String(object.type)}/${String(object.id)}`, object]));
  const missing = desired.filter((object) => !existing.has(`${object.type}/${object.id}`));
  const changed = desired.filter((object) => {
    const current = existing.get(`${object.type}/${object.id}`);
    return current !== undefined && !sameSavedObject(object, current);
  });
  const toImport = desired.filter((object) => missing.includes(object) || changed.includes(object));
  if (toImport.length > 0) await importSavedObjects(http, toImport);
  return { created: missing.length, updated: changed.length, unchanged: desired.length - toImport.length };
}

async function importSavedObjects(http: OpenSearchHttp, objects: readonly SavedObject[]): Promise<void> {
  const step = SetupStep.SavedObjects;
  const path = '/api/saved_objects/_import';
  const { contentType, body } = multipartFile('file', 'vpc-flow-logs.ndjson', 'application/ndjson', toSavedObjectsNdjson(objects));
  const response = await call(http, step, { method: 'POST', path, query: { overwrite: 'true' }, headers: { 'content-type': contentType, 'osd-xsrf': 'true' }, body }, [200]);
  const answer = record(parseJson(step, 'POST', path, response));
  if (answer.success !== true) {
    const errors = array(answer.errors)
      .map(record)
      .slice(0, 5)
      .map((error) => `${text(error.type)} ${text(error.id)}: ${text(record(error.error).type ?? record(error.error).message ?? 'failed')}`);
    throw new OpenSearchSetupError(step, `POST ${http.baseUrl}${path} imported ${text(answer.successCount ?? 0)} of ${objects.length} objects (${errors.join('; ')})`, {
      status: response.status,
    });
  }
}

/**
 * Whether Dashboards holds the object as we would write it: every attribute we set, and the same
 * references. Attributes Dashboards adds are not ours to compare. The index pattern's field list is
 * compared by name and type only, so popularity counts Dashboards keeps there do not count as a change.
 */
function sameSavedObject(desired: SavedObject, current: Readonly<Record<string, unknown>>): boolean {
  const attributes = record(current.attributes);
  for (const [key, value] of Object.entries(desired.attributes)) {
    const same = desired.type === 'index-pattern' && key === 'fields' ? sameFieldList(value, attributes[key]) : canonicalJson(value) === canonicalJson(attributes[key]);
    if (!same) return false;
  }
  return canonicalJson(sortedReferences(desired.references)) === canonicalJson(sortedReferences(array(current.references)));
}

function sameFieldList(desired: unknown, current: unknown): boolean {
  const summary = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    try {
      const fields = array(JSON.parse(value)).map(record);
      return canonicalJson(fields.map(({ name, type, esTypes }) => ({ name, type, esTypes })).sort((a, b) => String(a.name).localeCompare(String(b.name))));
    } catch {
      return undefined;
    }
  };
  const wanted = summary(desired);
  return wanted !== undefined && wanted === summary(current);
}

function sortedReferences(references: readonly unknown[]): unknown[] {
  return references
    .map(record)
    .map(({ name, type, id }) => ({ name, type, id }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

/** A multipart/form-data body holding one file, as the import API requires. */
function multipartFile(field: string, fileName: string, fileType: string, content: string): { contentType: string; body: string } {
  // Derived from the content, so requests are reproducible; the check makes a collision impossible.
  let boundary = `vpc-flow-log-appender-${content.length.toString(36)}`;
  while (content.includes(boundary)) boundary += '-x';
  const body = [
    `--${boundary}`,
    `Content-Disposition: form-data; name="${field}"; filename="${fileName}"`,
    `Content-Type: ${fileType}`,
    '',
    content,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}

async function call(http: OpenSearchHttp, step: SetupStep, request: OpenSearchHttpRequest, acceptedStatuses: readonly number[]): Promise<OpenSearchHttpResponse> {
  let response: OpenSearchHttpResponse;
  try {
    response = await http.send(request);
  } catch (cause) {
    throw new OpenSearchSetupError(step, `${request.method} ${http.baseUrl}${request.path} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (!acceptedStatuses.includes(response.status)) {
    throw new OpenSearchSetupError(step, `${request.method} ${http.baseUrl}${request.path} answered HTTP ${response.status}: ${errorReason(response.body)}${statusHint(response.status)}`, {
      status: response.status,
    });
  }
  return response;
}

function parseJson(step: SetupStep, method: string, path: string, response: OpenSearchHttpResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch (cause) {
    throw new OpenSearchSetupError(step, `${method} ${path} answered HTTP ${response.status} with a body that is not JSON: ${truncate(response.body)}`, { status: response.status, cause });
  }
}

/** The reason an error body gives: OpenSearch `{error:{type,reason}}`, Dashboards `{message}`, AWS `{Message}`, or the text. */
function errorReason(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return truncate(body.trim() === '' ? '(empty body)' : body);
  }
  const answer = record(parsed);
  const error = answer.error;
  if (typeof error === 'string') return truncate(typeof answer.message === 'string' ? `${error}: ${answer.message}` : error);
  const details = record(error);
  if (typeof details.reason === 'string') return truncate(typeof details.type === 'string' ? `${details.type}: ${details.reason}` : details.reason);
  for (const key of ['message', 'Message']) {
    if (typeof answer[key] === 'string') return truncate(answer[key]);
  }
  return truncate(body);
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) {
    return ' (check the credentials: with --auth sigv4 the caller needs es:ESHttp* on the domain and, with fine-grained access control, a mapped role; with --auth basic, OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD)';
  }
  return '';
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_REASON_CHARS ? `${oneLine.slice(0, MAX_REASON_CHARS)}…` : oneLine;
}

/** A value from a JSON answer, for a message. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function array(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
