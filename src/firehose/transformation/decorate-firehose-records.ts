import type { LookupScope } from '../../domain/lookup-scope.js';
import { computeFlowEnrichments, type FlowLogEnrichmentSources } from '../../enrich/enrich-flow-logs.js';
import {
  addEnrichmentIssue,
  ENRICHMENT_ONLY_KEYS,
  EnrichmentIssue,
  hasSheddableEnrichment,
  shedFlowEnrichment,
  SHEDDABLE_FIELDS,
  type EnrichedFlowLog,
  type FlowEnrichment,
} from '../../enrich/enriched-flow-log.js';
import { createUtf8Output } from '../../enrich/serialize-enriched-flow-log.js';
import { createSchemaSerializer, OutputSchema } from '../../output-schema/output-schema.js';
import { createFlowLogLineParser } from '../../flow-log/flow-log-line-parser.js';
import type { FlowLogFormat } from '../../flow-log/flow-log-format.js';
import type { FlowLogDocument } from '../../flow-log/flow-log-document.js';
import { documentJsonText } from '../../flow-log/document-factory.js';
import { isKnownField } from '../../flow-log/field-catalogue.js';
import { isPlainJsonString } from '../../flow-log/json-string.js';
import { visitRecordLines } from '../../flow-log/split-record-text.js';
import { decodeTransformationRecord } from './decode-transformation-record.js';
import { S3Layout, samePartition, securityLakePartitionKeys, type SecurityLakePartitionKeys } from './partition-keys.js';

/** A record of the Firehose transformation event: only what the transformation reads. */
export interface TransformationInputRecord {
  readonly recordId: string;
  /** Base64 of the record's bytes. */
  readonly data: string;
  /** When Firehose received the record, ms since the epoch: the event day of a flow with no times. */
  readonly approximateArrivalTimestamp?: number;
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
  /** Ok records with S3_LAYOUT: what Firehose's dynamic partitioning reads as `!{partitionKeyFromLambda:<key>}`. */
  readonly metadata?: { readonly partitionKeys: SecurityLakePartitionKeys };
}

export interface DecorationOptions {
  /** The format of record lines until a header line says otherwise; default: the default format. */
  readonly format?: FlowLogFormat;
  /** Append `\n` after every document (for S3 delivery); OpenSearch takes one bare document per record. */
  readonly trailingNewline: boolean;
  /** The most bytes the JSON response may take. */
  readonly responseBudgetBytes: number;
  /** The schema the documents are written in; default native. */
  readonly schema?: OutputSchema;
  /** The partition keys returned with each Ok record for Firehose's dynamic partitioning; default none. */
  readonly s3Layout?: S3Layout;
}

/** Why records failed, for the summary log: counts by reason and a few examples. */
export interface DecorationSummary {
  readonly records: number;
  readonly results: Readonly<Record<TransformationResult, number>>;
  readonly flows: number;
  /** Lines that did not parse; reading a record stops at its first, since the record fails whole. */
  readonly invalidLines: number;
  /** Up to a few parse or decode errors, for the summary log. */
  readonly failureExamples: readonly string[];
  readonly issues: Readonly<Partial<Record<EnrichmentIssue, number>>>;
  /** Records whose optional enrichment was shed to fit the response budget. */
  readonly shedRecords: number;
  /** Records marked ProcessingFailed because even the shed response did not fit. */
  readonly overBudgetRecords: number;
  readonly responseBytes: number;
  /** Fields newer than our catalogue that header lines named: kept as strings, warned about once. */
  readonly unknownHeaderFields?: readonly string[];
  /**
   * With a partition layout: Ok records whose flows belong to more than one partition (a producer
   * packed lines of several accounts or days into one record; Firehose cannot split it), written
   * under their first flow's partition.
   */
  readonly mixedPartitionRecords?: number;
  /** With a partition layout: Ok records with no account or Region to name; Firehose writes them under its error prefix. */
  readonly unpartitionedRecords?: number;
}

export interface DecorationOutput {
  readonly records: TransformationOutputRecord[];
  readonly summary: DecorationSummary;
}

const MAX_FAILURE_EXAMPLES = 3;
/**
 * The least a flow adds to the response: its document is at least `{}` and a newline, 3 bytes,
 * 4 in base64. A generous floor (real documents are hundreds of bytes), but a true one.
 */
const MIN_RESPONSE_BYTES_PER_FLOW = 4;
/**
 * Flows of a batch counted at MIN_RESPONSE_BYTES_PER_FLOW before each is measured by its JSON
 * text: a Lambda buffer of ordinary lines never gets there, so they are serialized once, not twice.
 * Past it (millions of short lines in one envelope), measuring keeps the kept documents to what
 * the response can carry, a few megabytes of JSON, instead of up to budget / 4 documents.
 */
const FLOWS_COUNTED_AT_THE_FLOOR = 50_000;

/**
 * A true floor for the response bytes of the `kept`-th flow of the batch: enrichment only adds to
 * the document's JSON (with the newline, in base64); a UTF-16 length never exceeds the UTF-8 bytes.
 */
function responseBytesFloor(document: FlowLogDocument, kept: number): number {
  if (kept <= FLOWS_COUNTED_AT_THE_FLOOR) return MIN_RESPONSE_BYTES_PER_FLOW;
  return Math.ceil(((documentJsonText(document).length + 1) * 4) / 3);
}
/** `{"records":[` and `]}` around the records. */
const RESPONSE_ENVELOPE_BYTES = '{"records":[]}'.length;

type RecordPlan =
  | { readonly kind: 'dropped'; readonly input: TransformationInputRecord }
  | { readonly kind: 'failed'; readonly input: TransformationInputRecord }
  /** Flows that cannot fit the response: ProcessingFailed with the original data, counted apart. */
  | { readonly kind: 'overBudget'; readonly input: TransformationInputRecord }
  /** The record's flows are documents[first] to documents[end - 1] of the batch. */
  | { readonly kind: 'flows'; readonly input: TransformationInputRecord; readonly first: number; readonly end: number };

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
  // One parser for the batch (formats met in header lines are compiled once), reset for each
  // record: a header line governs the lines after it in its own record, never the next record.
  const parser = createFlowLogLineParser({ ...(options.format === undefined ? {} : { format: options.format }), reservedKeys: ENRICHMENT_ONLY_KEYS });
  const failureExamples: string[] = [];
  let invalidLines = 0;
  // The flows of every record, in one array: one enrichment pass over the batch, no array per record.
  const documents: FlowLogDocument[] = [];
  const plans: RecordPlan[] = [];
  // Memory follows what the response can carry, not what the input decompresses to: a flow adds
  // at least its document's JSON to the response, so once the flows kept cannot fit, no more are.
  const budget = options.responseBudgetBytes;
  let keptBytesFloor = 0;
  const unknownHeaderFields = new Set<string>();
  // The record being read, for `visit`: one closure for the batch rather than one per record.
  let index = 0;
  let reading: TransformationInputRecord | undefined;
  let batchFull = false;
  let failed = false;
  let flows = 0;
  let recordBytesFloor = 0;
  let lineNumber = 0;
  const visit = (line: string): boolean => {
    lineNumber += 1;
    const outcome = parser.parse(line);
    if (outcome.kind === 'flow') {
      flows += 1;
      if (batchFull) return false;
      documents.push(outcome.document);
      recordBytesFloor += responseBytesFloor(outcome.document, documents.length);
      // Past the budget on its own: stop reading, the record cannot be Ok whatever follows.
      return recordBytesFloor <= budget;
    }
    if (outcome.kind === 'header') {
      for (const field of outcome.format.fields) if (!isKnownField(field.name)) unknownHeaderFields.add(field.name);
      return true;
    }
    if (outcome.kind === 'invalid') {
      failed = true;
      invalidLines += 1;
      noteFailure(failureExamples, `record ${index + 1} (${reading?.recordId}) line ${lineNumber}: ${outcome.error.message}`);
      return false;
    }
    return true;
  };
  for (index = 0; index < inputs.length; index += 1) {
    const input = inputs[index] as TransformationInputRecord;
    reading = input;
    const payload = decodeTransformationRecord(input.data);
    if (payload.kind === 'control') {
      plans.push({ kind: 'dropped', input });
      continue;
    }
    if (payload.kind === 'undecodable') {
      noteFailure(failureExamples, `record ${index + 1} (${input.recordId}): ${payload.reason}`);
      plans.push({ kind: 'failed', input });
      continue;
    }
    parser.reset();
    const first = documents.length;
    // Once the flows kept cannot all fit, this record's cannot be Ok (records are handed back
    // from the end): its first flow settles it, and no document is kept.
    batchFull = keptBytesFloor > budget;
    failed = false;
    flows = 0;
    recordBytesFloor = 0;
    lineNumber = 0;
    for (const text of payload.texts) if (!visitRecordLines(text, visit)) break;
    // One bad line fails its whole record: Ok would lose the line, and ProcessingFailed keeps all of them in S3.
    if (failed) {
      documents.length = first;
      plans.push({ kind: 'failed', input });
    } else if (batchFull ? flows > 0 : recordBytesFloor > budget) {
      documents.length = first;
      plans.push({ kind: 'overBudget', input });
    } else {
      keptBytesFloor += recordBytesFloor;
      plans.push(flows === 0 ? { kind: 'dropped', input } : { kind: 'flows', input, first, end: documents.length });
    }
  }

  const enrichments = await computeFlowEnrichments(documents, sources);
  const serialized = serializeWithinBudget(plans, documents, enrichments, options, sources.ownScope);
  const results: Record<TransformationResult, number> = { Ok: 0, Dropped: 0, ProcessingFailed: 0 };
  for (const record of serialized.records) results[record.result] += 1;
  return {
    records: serialized.records,
    summary: {
      records: inputs.length,
      results,
      flows: documents.length,
      invalidLines,
      failureExamples,
      issues: countIssues(documents, enrichments),
      shedRecords: serialized.shedRecords,
      overBudgetRecords: serialized.overBudgetRecords,
      responseBytes: serialized.responseBytes,
      ...(unknownHeaderFields.size === 0 ? {} : { unknownHeaderFields: [...unknownHeaderFields] }),
      ...(serialized.partitions === undefined ? {} : serialized.partitions),
    },
  };
}

function noteFailure(examples: string[], message: string): void {
  if (examples.length < MAX_FAILURE_EXAMPLES) examples.push(message);
}

function countIssues(documents: readonly FlowLogDocument[], enrichments: readonly FlowEnrichment[]): Partial<Record<EnrichmentIssue, number>> {
  const issues: Partial<Record<EnrichmentIssue, number>> = {};
  enrichments.forEach((enrichment, index) => {
    const added = enrichment.issues ?? [];
    for (const issue of added) issues[issue] = (issues[issue] ?? 0) + 1;
    // A document that came with enrichment_issues of its own keeps them, and they go out with it.
    const own = (documents[index] as FlowLogDocument).enrichment_issues;
    if (Array.isArray(own)) {
      for (const issue of own as EnrichmentIssue[]) if (!added.includes(issue)) issues[issue] = (issues[issue] ?? 0) + 1;
    }
  });
  return issues;
}

/** Length of a string as a JSON string literal; record ids are plain ASCII, so rarely escaped. */
function jsonStringLength(text: string): number {
  return isPlainJsonString(text) ? text.length + 2 : Buffer.byteLength(JSON.stringify(text));
}

/** Bytes one record takes in the response JSON, comma included, with its id's JSON length known. */
function responseRecordBytes(recordIdJsonLength: number, result: TransformationResult, dataBase64Length: number): number {
  // {"recordId":<id>,"result":"<result>","data":"<base64>"},
  return 12 + recordIdJsonLength + 11 + result.length + 10 + dataBase64Length + 2 + 1;
}

const NEWLINE = Buffer.from('\n');

interface SerializedResponse {
  readonly records: TransformationOutputRecord[];
  readonly shedRecords: number;
  readonly overBudgetRecords: number;
  readonly responseBytes: number;
  readonly partitions?: { readonly mixedPartitionRecords: number; readonly unpartitionedRecords: number };
}

/** `,"metadata":{"partitionKeys":{"region":"","accountId":"","eventDay":""}}` around the values. */
const METADATA_FRAME_BYTES = ',"metadata":'.length + JSON.stringify({ partitionKeys: { region: '', accountId: '', eventDay: '' } }).length;

/**
 * The bytes `metadata` adds after `data`, exactly: the values are digits, lower-case letters and
 * hyphens (partition-keys.ts admits nothing else), so JSON writes them as they are.
 */
function metadataBytes(keys: SecurityLakePartitionKeys | undefined): number {
  return keys === undefined ? 0 : METADATA_FRAME_BYTES + keys.region.length + keys.accountId.length + keys.eventDay.length;
}

/**
 * The partition of each record with flows, by its first flow; the others of the record are
 * compared with it, so that a record mixing partitions is counted (and written under the first).
 */
function partitionRecords(
  plans: readonly RecordPlan[],
  documents: readonly FlowLogDocument[],
  own: LookupScope | undefined,
): { keys: (SecurityLakePartitionKeys | undefined)[]; mixedPartitionRecords: number; unpartitionedRecords: number } {
  let mixedPartitionRecords = 0;
  let unpartitionedRecords = 0;
  const keys = plans.map((plan) => {
    if (plan.kind !== 'flows') return undefined;
    const arrival = plan.input.approximateArrivalTimestamp;
    const first = securityLakePartitionKeys(documents[plan.first] as FlowLogDocument, own, arrival);
    for (let index = plan.first + 1; index < plan.end; index += 1) {
      if (!samePartition(first, securityLakePartitionKeys(documents[index] as FlowLogDocument, own, arrival))) {
        mixedPartitionRecords += 1;
        break;
      }
    }
    if (first === undefined) unpartitionedRecords += 1;
    return first;
  });
  return { keys, mixedPartitionRecords, unpartitionedRecords };
}

function serializeWithinBudget(
  plans: readonly RecordPlan[],
  documents: readonly FlowLogDocument[],
  enrichments: readonly FlowEnrichment[],
  options: DecorationOptions,
  own: LookupScope | undefined,
): SerializedResponse {
  const partitioned = options.s3Layout === S3Layout.SecurityLake ? partitionRecords(plans, documents, own) : undefined;
  const partitionOf = (index: number): SecurityLakePartitionKeys | undefined => partitioned?.keys[index];
  const serializer = createSchemaSerializer(options.schema ?? OutputSchema.Native);
  const output = createUtf8Output();
  const encode = (first: number, end: number): string => {
    output.clear();
    for (let index = first; index < end; index += 1) {
      if (index > first) output.bytes(NEWLINE);
      serializer.write(output, documents[index] as FlowLogDocument, enrichments[index] as FlowEnrichment);
    }
    if (options.trailingNewline) output.bytes(NEWLINE);
    return output.base64();
  };
  const overBudget = new Set<number>();
  // Each Ok payload is encoded once; its base64 length is its exact size in the response.
  const encoded: (string | undefined)[] = [];
  const recordIdLengths: number[] = [];
  const sizes: number[] = [];
  let total = RESPONSE_ENVELOPE_BYTES;
  for (const plan of plans) {
    const recordIdLength = jsonStringLength(plan.input.recordId);
    let size: number;
    if (plan.kind === 'flows') {
      const data = encode(plan.first, plan.end);
      encoded.push(data);
      size = responseRecordBytes(recordIdLength, TransformationResult.Ok, data.length) + metadataBytes(partitionOf(encoded.length - 1));
    } else {
      encoded.push(undefined);
      // Dropped records carry their data back too; Firehose ignores it, and keeping it costs nothing to reason about.
      if (plan.kind === 'overBudget') overBudget.add(encoded.length - 1);
      const result = plan.kind === 'dropped' ? TransformationResult.Dropped : TransformationResult.ProcessingFailed;
      size = responseRecordBytes(recordIdLength, result, plan.input.data.length);
    }
    recordIdLengths.push(recordIdLength);
    sizes.push(size);
    total += size;
  }

  let shedRecords = 0;
  if (total > options.responseBudgetBytes) {
    // First shed optional enrichment everywhere: every flow still arrives, just with fewer fields.
    plans.forEach((plan, index) => {
      if (plan.kind !== 'flows' || !shedRecordEnrichment(documents, enrichments, plan.first, plan.end)) return;
      const data = encode(plan.first, plan.end);
      encoded[index] = data;
      const resized = responseRecordBytes(recordIdLengths[index] as number, TransformationResult.Ok, data.length) + metadataBytes(partitionOf(index));
      total += resized - (sizes[index] as number);
      sizes[index] = resized;
      shedRecords += 1;
    });
  }

  // Then hand the last records back as ProcessingFailed with their (smaller) original data.
  for (let index = plans.length - 1; index >= 0 && total > options.responseBudgetBytes; index -= 1) {
    const plan = plans[index] as RecordPlan;
    if (plan.kind !== 'flows') continue;
    const failedSize = responseRecordBytes(recordIdLengths[index] as number, TransformationResult.ProcessingFailed, plan.input.data.length);
    total += failedSize - (sizes[index] as number);
    sizes[index] = failedSize;
    overBudget.add(index);
  }

  const records = plans.map((plan, index): TransformationOutputRecord => {
    const data = encoded[index];
    if (data !== undefined && !overBudget.has(index)) {
      const partitionKeys = partitionOf(index);
      return partitionKeys === undefined
        ? { recordId: plan.input.recordId, result: TransformationResult.Ok, data }
        : { recordId: plan.input.recordId, result: TransformationResult.Ok, data, metadata: { partitionKeys } };
    }
    const result = plan.kind === 'dropped' ? TransformationResult.Dropped : TransformationResult.ProcessingFailed;
    return { recordId: plan.input.recordId, result, data: plan.input.data };
  });
  const partitions = partitioned === undefined ? undefined : { mixedPartitionRecords: partitioned.mixedPartitionRecords, unpartitionedRecords: partitioned.unpartitionedRecords };
  return { records, shedRecords, overBudgetRecords: overBudget.size, responseBytes: total, ...(partitions === undefined ? {} : { partitions }) };
}

/** Sheds the optional enrichment of a record's documents; false when none had any. */
function shedRecordEnrichment(documents: readonly FlowLogDocument[], enrichments: readonly FlowEnrichment[], first: number, end: number): boolean {
  let shed = false;
  for (let index = first; index < end; index += 1) {
    const enrichment = enrichments[index] as FlowEnrichment;
    if (hasSheddableEnrichment(enrichment)) {
      shedFlowEnrichment(enrichment);
      shed = true;
    }
    // A document that arrived with such a field of its own sheds it too, as it always has.
    const document = documents[index] as EnrichedFlowLog;
    if (hasSheddableFields(document)) {
      for (const field of SHEDDABLE_FIELDS) delete document[field];
      addEnrichmentIssue(document, EnrichmentIssue.SizeBudget);
      shed = true;
    }
  }
  return shed;
}

function hasSheddableFields(document: EnrichedFlowLog): boolean {
  return SHEDDABLE_FIELDS.some((field) => document[field] !== undefined);
}
