import { enrichFlowLogs, type FlowLogEnrichmentSources } from '../enrich/enrich-flow-logs.js';
import { addEnrichmentIssue, EnrichmentIssue, SHEDDABLE_FIELDS, type EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import { createFlowLogLineParser } from '../flow-log/flow-log-line-parser.js';
import type { FlowLogFormat } from '../flow-log/flow-log-format.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import { decodeTransformationRecord } from './decode-transformation-record.js';

/** A record of the Firehose transformation event: only what the transformation reads. */
export interface TransformationInputRecord {
  readonly recordId: string;
  /** Base64 of the record's bytes. */
  readonly data: string;
}

/** The result strings Firehose accepts, exactly. */
export const TransformationResult = {
  Ok: 'Ok',
  Dropped: 'Dropped',
  ProcessingFailed: 'ProcessingFailed',
} as const;
export type TransformationResult = (typeof TransformationResult)[keyof typeof TransformationResult];

export interface TransformationOutputRecord {
  readonly recordId: string;
  readonly result: TransformationResult;
  readonly data: string;
}

export interface DecorationOptions {
  /** The format of record lines until a header line says otherwise; default: the default format. */
  readonly format?: FlowLogFormat;
  /** Append `\n` after every document (for S3 delivery); OpenSearch takes one bare document per record. */
  readonly trailingNewline: boolean;
  /** The most bytes the JSON response may take. */
  readonly responseBudgetBytes: number;
}

/** Why records failed, for the summary log: counts by reason and a few examples. */
export interface DecorationSummary {
  readonly records: number;
  readonly results: Readonly<Record<TransformationResult, number>>;
  readonly flows: number;
  readonly invalidLines: number;
  /** Up to a few parse or decode errors, for the summary log. */
  readonly failureExamples: readonly string[];
  readonly issues: Readonly<Partial<Record<EnrichmentIssue, number>>>;
  /** Records whose optional enrichment was shed to fit the response budget. */
  readonly shedRecords: number;
  /** Records marked ProcessingFailed because even the shed response did not fit. */
  readonly overBudgetRecords: number;
  readonly responseBytes: number;
}

export interface DecorationOutput {
  readonly records: TransformationOutputRecord[];
  readonly summary: DecorationSummary;
}

const MAX_FAILURE_EXAMPLES = 3;
/** `{"records":[` and `]}` around the records. */
const RESPONSE_ENVELOPE_BYTES = '{"records":[]}'.length;

type RecordPlan =
  | { readonly kind: 'dropped'; readonly input: TransformationInputRecord }
  | { readonly kind: 'failed'; readonly input: TransformationInputRecord }
  | { readonly kind: 'flows'; readonly input: TransformationInputRecord; readonly documents: EnrichedFlowLog[] };

/**
 * The Firehose data transformation: parses every record, enriches its flows and returns one
 * result per input record, in input order. `Ok` carries the enriched documents, `Dropped` a record
 * with no flow (a header line, a CloudWatch Logs control message), `ProcessingFailed` the original
 * data of a record that could not be decoded or parsed, so Firehose writes it to S3 intact. The
 * response never exceeds the budget: optional enrichment is shed first, then the last records are
 * handed back as ProcessingFailed with their original data. No record is ever lost.
 *
 * @example
 * const { records } = await decorateFirehoseRecords(event.records, sources, { trailingNewline: false, responseBudgetBytes: 5_000_000 });
 */
export async function decorateFirehoseRecords(
  inputs: readonly TransformationInputRecord[],
  sources: FlowLogEnrichmentSources,
  options: DecorationOptions,
): Promise<DecorationOutput> {
  const parser = createFlowLogLineParser(options.format === undefined ? {} : { format: options.format });
  const failureExamples: string[] = [];
  let invalidLines = 0;
  const plans: RecordPlan[] = inputs.map((input, index) => {
    const payload = decodeTransformationRecord(input.data);
    if (payload.kind === 'control') {
      return { kind: 'dropped', input };
    }
    if (payload.kind === 'undecodable') {
      noteFailure(failureExamples, `record ${index + 1} (${input.recordId}): ${payload.reason}`);
      return { kind: 'failed', input };
    }
    const documents: FlowLogDocument[] = [];
    let failed = false;
    payload.lines.forEach((line, lineIndex) => {
      const outcome = parser.parse(line);
      if (outcome.kind === 'flow') {
        documents.push(outcome.document);
      } else if (outcome.kind === 'invalid') {
        failed = true;
        invalidLines += 1;
        noteFailure(failureExamples, `record ${index + 1} (${input.recordId}) line ${lineIndex + 1}: ${outcome.error.message}`);
      }
    });
    // One bad line fails its whole record: Ok would lose the line, and ProcessingFailed keeps all of them in S3.
    if (failed) return { kind: 'failed', input };
    return documents.length === 0 ? { kind: 'dropped', input } : { kind: 'flows', input, documents };
  });

  const flowDocuments = plans.flatMap((plan) => (plan.kind === 'flows' ? plan.documents : []));
  await enrichFlowLogs(flowDocuments, sources);

  const serialized = serializeWithinBudget(plans, options);
  const results: Record<TransformationResult, number> = { Ok: 0, Dropped: 0, ProcessingFailed: 0 };
  for (const record of serialized.records) results[record.result] += 1;
  const issues: Partial<Record<EnrichmentIssue, number>> = {};
  for (const document of flowDocuments) {
    for (const issue of document.enrichment_issues ?? []) issues[issue] = (issues[issue] ?? 0) + 1;
  }
  return {
    records: serialized.records,
    summary: {
      records: inputs.length,
      results,
      flows: flowDocuments.length,
      invalidLines,
      failureExamples,
      issues,
      shedRecords: serialized.shedRecords,
      overBudgetRecords: serialized.overBudgetRecords,
      responseBytes: serialized.responseBytes,
    },
  };
}

function noteFailure(examples: string[], message: string): void {
  if (examples.length < MAX_FAILURE_EXAMPLES) examples.push(message);
}

function serializeDocuments(documents: readonly EnrichedFlowLog[], trailingNewline: boolean): string {
  const text = documents.length === 1 ? JSON.stringify(documents[0]) : documents.map((document) => JSON.stringify(document)).join('\n');
  return trailingNewline ? `${text}\n` : text;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/;

/** Length of a string as a JSON string literal; record ids are plain ASCII, so rarely escaped. */
function jsonStringLength(text: string): number {
  return NEEDS_JSON_ESCAPE.test(text) ? Buffer.byteLength(JSON.stringify(text)) : text.length + 2;
}

/** Bytes one record takes in the response JSON, comma included. */
function responseRecordBytes(recordId: string, result: TransformationResult, dataBase64Length: number): number {
  // {"recordId":<id>,"result":"<result>","data":"<base64>"},
  return 12 + jsonStringLength(recordId) + 11 + result.length + 10 + dataBase64Length + 2 + 1;
}

interface SerializedResponse {
  readonly records: TransformationOutputRecord[];
  readonly shedRecords: number;
  readonly overBudgetRecords: number;
  readonly responseBytes: number;
}

function serializeWithinBudget(plans: readonly RecordPlan[], options: DecorationOptions): SerializedResponse {
  // Each Ok payload is encoded once; its base64 length is its exact size in the response.
  const encode = (documents: readonly EnrichedFlowLog[]): string => Buffer.from(serializeDocuments(documents, options.trailingNewline)).toString('base64');
  const encoded = plans.map((plan) => (plan.kind === 'flows' ? encode(plan.documents) : undefined));
  const sizeOf = (index: number): number => {
    const plan = plans[index] as RecordPlan;
    const data = encoded[index];
    if (data !== undefined) {
      return responseRecordBytes(plan.input.recordId, TransformationResult.Ok, data.length);
    }
    const result = plan.kind === 'dropped' ? TransformationResult.Dropped : TransformationResult.ProcessingFailed;
    // Dropped records carry their data back too; Firehose ignores it, and keeping it costs nothing to reason about.
    return responseRecordBytes(plan.input.recordId, result, plan.input.data.length);
  };
  const sizes = plans.map((_, index) => sizeOf(index));
  let total = RESPONSE_ENVELOPE_BYTES + sizes.reduce((sum, size) => sum + size, 0);

  let shedRecords = 0;
  if (total > options.responseBudgetBytes) {
    // First shed optional enrichment everywhere: every flow still arrives, just with fewer fields.
    plans.forEach((plan, index) => {
      if (plan.kind !== 'flows' || !plan.documents.some(hasSheddableFields)) return;
      for (const document of plan.documents) shedOptionalFields(document);
      encoded[index] = encode(plan.documents);
      const resized = sizeOf(index);
      total += resized - (sizes[index] as number);
      sizes[index] = resized;
      shedRecords += 1;
    });
  }

  const overBudget = new Set<number>();
  // Then hand the last records back as ProcessingFailed with their (smaller) original data.
  for (let index = plans.length - 1; index >= 0 && total > options.responseBudgetBytes; index -= 1) {
    const plan = plans[index] as RecordPlan;
    if (plan.kind !== 'flows') continue;
    const failedSize = responseRecordBytes(plan.input.recordId, TransformationResult.ProcessingFailed, plan.input.data.length);
    total += failedSize - (sizes[index] as number);
    sizes[index] = failedSize;
    overBudget.add(index);
  }

  const records = plans.map((plan, index): TransformationOutputRecord => {
    const data = encoded[index];
    if (plan.kind === 'flows' && data !== undefined && !overBudget.has(index)) {
      return { recordId: plan.input.recordId, result: TransformationResult.Ok, data };
    }
    const result = plan.kind === 'dropped' ? TransformationResult.Dropped : TransformationResult.ProcessingFailed;
    return { recordId: plan.input.recordId, result, data: plan.input.data };
  });
  return { records, shedRecords, overBudgetRecords: overBudget.size, responseBytes: total };
}

function hasSheddableFields(document: EnrichedFlowLog): boolean {
  return SHEDDABLE_FIELDS.some((field) => document[field] !== undefined);
}

function shedOptionalFields(document: EnrichedFlowLog): void {
  if (!hasSheddableFields(document)) return;
  for (const field of SHEDDABLE_FIELDS) delete document[field];
  addEnrichmentIssue(document, EnrichmentIssue.SizeBudget);
}
