/**
 * A loopback HTTP server that answers Firehose's JSON 1.1 protocol the way Firehose does, for
 * wire-level tests and the ingestor benchmark: the real `FirehoseClient`, pointed here through
 * `AWS_ENDPOINT_URL_FIREHOSE`, signs, serialises, parses and retries as it would against AWS.
 *
 * Requests are POSTs to `/` with `X-Amz-Target: Firehose_20150804.PutRecordBatch` and
 * `Content-Type: application/x-amz-json-1.1`, body `{"DeliveryStreamName","Records":[{"Data":<base64>}]}`.
 * Answers are `{"FailedPutCount","Encrypted","RequestResponses":[{"RecordId"}|{"ErrorCode","ErrorMessage"}]}`
 * in request order; errors are `{"__type","message"}` with `x-amzn-ErrorType` and Firehose's status
 * (503 for ServiceUnavailableException, 400 for the rest). What it enforces, as Firehose does: at
 * most 500 records and 4 MiB per call and 1,000 KiB per record (InvalidArgumentException), and
 * the stream name (ResourceNotFoundException).
 *
 * @example
 * const server = await startFirehoseLoopbackServer({ answer: ({ callIndex }) => (callIndex === 0 ? serviceUnavailable() : accept()) });
 * const restore = pointFirehoseClientsAt(server.url);
 * // ... new FirehoseClient({}) now talks to the server; server.calls lists what it received
 * restore();
 * await server.close();
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, pointClientsAt, readRequestBody } from './loopback-http.js';

/** How the server answers one well-formed PutRecordBatch call. */
export type FirehoseLoopbackAnswer =
  | { readonly kind: 'accept' }
  /** Answers HTTP 200 with `FailedPutCount > 0`: the entries at `indexes` carry `errorCode`. */
  | { readonly kind: 'fail_entries'; readonly indexes: readonly number[]; readonly errorCode: string }
  /** The call fails as a whole. */
  | { readonly kind: 'error'; readonly status: number; readonly code: string; readonly message: string };

export const accept = (): FirehoseLoopbackAnswer => ({ kind: 'accept' });
export const failEntries = (indexes: readonly number[], errorCode = 'ServiceUnavailableException'): FirehoseLoopbackAnswer => ({
  kind: 'fail_entries',
  indexes,
  errorCode,
});
export const serviceUnavailable = (): FirehoseLoopbackAnswer => ({
  kind: 'error',
  status: 503,
  code: 'ServiceUnavailableException',
  message: 'Slow down.',
});

export interface FirehoseLoopbackServerOptions {
  /** The only stream that exists; other names get ResourceNotFoundException. */
  readonly deliveryStreamName?: string;
  /** Decides each well-formed call's answer; every call is accepted by default. */
  readonly answer?: (call: { readonly callIndex: number; readonly recordCount: number }) => FirehoseLoopbackAnswer;
  /** Keep each record's decoded text in `calls` (true by default; the benchmark only counts). */
  readonly keepRecords?: boolean;
}

/** One request as received. */
export interface FirehoseLoopbackCall {
  readonly target: string;
  readonly contentType: string;
  readonly deliveryStreamName: string;
  readonly recordCount: number;
  /** The records' data as UTF-8 text, when `keepRecords`. */
  readonly records: readonly string[];
  /** The records whose entries were answered without an error code, as UTF-8 text, when `keepRecords`. */
  readonly accepted: readonly string[];
  /** True when the request carried a SigV4 signature for the firehose service. */
  readonly signed: boolean;
  /** The HTTP status answered. */
  readonly status: number;
}

export interface FirehoseLoopbackServer {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_FIREHOSE`. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly calls: readonly FirehoseLoopbackCall[];
  close(): Promise<void>;
}

const PUT_RECORD_BATCH_TARGET = 'Firehose_20150804.PutRecordBatch';
const MAX_RECORDS = 500;
const MAX_CALL_BYTES = 4 * 1024 * 1024;
const MAX_RECORD_BYTES = 1_024_000;

class FirehoseFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FirehoseFault';
  }
}

interface PutRecordBatchBody {
  readonly DeliveryStreamName?: unknown;
  readonly Records?: readonly { readonly Data?: unknown }[];
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startFirehoseLoopbackServer(options: FirehoseLoopbackServerOptions = {}): Promise<FirehoseLoopbackServer> {
  const calls: FirehoseLoopbackCall[] = [];
  const streamName = options.deliveryStreamName ?? 'vpc-flow-logs';
  const keepRecords = options.keepRecords ?? true;
  let wellFormedCalls = 0;

  const server = createServer((request, response) => {
    void readRequestBody(request).then((body) => {
      const target = header(request, 'x-amz-target');
      const contentType = header(request, 'content-type');
      const signed = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/firehose\/aws4_request/.test(header(request, 'authorization'));
      let parsed: PutRecordBatchBody = {};
      let records: string[] = [];
      let accepted: string[] = [];
      let recordCount = 0;
      try {
        if (target !== PUT_RECORD_BATCH_TARGET) throw new FirehoseFault(400, 'UnknownOperationException', `unknown operation ${target}`);
        if (contentType !== 'application/x-amz-json-1.1') throw new FirehoseFault(400, 'SerializationException', `unexpected content type ${contentType}`);
        parsed = JSON.parse(body) as PutRecordBatchBody;
        const data = (parsed.Records ?? []).map((record) => Buffer.from(typeof record.Data === 'string' ? record.Data : '', 'base64'));
        recordCount = data.length;
        if (keepRecords) records = data.map((bytes) => bytes.toString('utf8'));
        if (parsed.DeliveryStreamName !== streamName) {
          throw new FirehoseFault(400, 'ResourceNotFoundException', `Firehose ${String(parsed.DeliveryStreamName)} under account 123456789012 not found.`);
        }
        checkLimits(data);
        const answer = options.answer?.({ callIndex: wellFormedCalls, recordCount }) ?? accept();
        wellFormedCalls += 1;
        if (answer.kind === 'error') throw new FirehoseFault(answer.status, answer.code, answer.message);
        const failed = new Set(answer.kind === 'fail_entries' ? answer.indexes.filter((index) => index < recordCount) : []);
        const errorCode = answer.kind === 'fail_entries' ? answer.errorCode : '';
        if (keepRecords) accepted = records.filter((_, index) => !failed.has(index));
        const requestResponses = data.map((_, index) =>
          failed.has(index) ? { ErrorCode: errorCode, ErrorMessage: 'Some records failed while calling PutRecordBatch.' } : { RecordId: randomUUID() },
        );
        calls.push({ target, contentType, deliveryStreamName: streamName, recordCount, records, accepted, signed, status: 200 });
        send(response, 200, { FailedPutCount: failed.size, Encrypted: false, RequestResponses: requestResponses });
      } catch (error) {
        const fault = error instanceof FirehoseFault ? error : new FirehoseFault(400, 'SerializationException', String(error));
        const name = typeof parsed.DeliveryStreamName === 'string' ? parsed.DeliveryStreamName : '';
        calls.push({ target, contentType, deliveryStreamName: name, recordCount, records, accepted: [], signed, status: fault.status });
        send(response, fault.status, { __type: fault.code, message: fault.message }, { 'x-amzn-ErrorType': fault.code });
      }
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    calls,
    close,
  };
}

/** Points every FirehoseClient created from now on at `url`; returns a function that undoes it. */
export function pointFirehoseClientsAt(url: string): () => void {
  return pointClientsAt('FIREHOSE', url);
}

function checkLimits(data: readonly Buffer[]): void {
  if (data.length > MAX_RECORDS) throw new FirehoseFault(400, 'InvalidArgumentException', `${data.length} records, over the limit of ${MAX_RECORDS}`);
  const oversized = data.findIndex((bytes) => bytes.byteLength > MAX_RECORD_BYTES);
  if (oversized >= 0) throw new FirehoseFault(400, 'InvalidArgumentException', `record ${oversized} is over ${MAX_RECORD_BYTES} bytes`);
  const total = data.reduce((sum, bytes) => sum + bytes.byteLength, 0);
  if (total > MAX_CALL_BYTES) throw new FirehoseFault(400, 'InvalidArgumentException', `${total} bytes of records, over the limit of ${MAX_CALL_BYTES}`);
}

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  response.end(text);
}
