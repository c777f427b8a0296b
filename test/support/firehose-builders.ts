// Builders for Firehose data-transformation events and fake enrichment sources.
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import type { BatchLookup } from '../../src/enrich/enrich-flow-logs.js';
import type { TransformationOutputRecord } from '../../src/firehose/transformation/decorate-firehose-records.js';
import type { LookupOutcome } from '../../src/ports.js';
import type { LookupScope } from '../../src/domain/lookup-scope.js';

/** A v2 default-format line from a documentation address to the default interface. */
export function defaultFormatLine(overrides: { interfaceId?: string; srcaddr?: string; dstaddr?: string; action?: string; srcport?: number } = {}): string {
  const { interfaceId = 'eni-0a1b2c3d4e5f60718', srcaddr = '203.0.113.25', dstaddr = '10.0.1.17', action = 'ACCEPT', srcport = 49_152 } = overrides;
  return `2 123456789012 ${interfaceId} ${srcaddr} ${dstaddr} ${srcport} 443 6 10 840 1700000000 1700000060 ${action} OK`;
}

export function base64(text: string | Uint8Array): string {
  return Buffer.from(text).toString('base64');
}

let nextRecordNumber = 0;

export function transformationRecord(overrides: Partial<FirehoseTransformationEventRecord> & { text?: string } = {}): FirehoseTransformationEventRecord {
  const { text, ...rest } = overrides;
  nextRecordNumber += 1;
  return {
    recordId: `49546986683135544286507457936321625675700192471156785154${String(nextRecordNumber).padStart(6, '0')}`,
    approximateArrivalTimestamp: 1_700_000_065_000,
    data: base64(text ?? `${defaultFormatLine()}\n`),
    ...rest,
  };
}

export function transformationEvent(records: readonly FirehoseTransformationEventRecord[]): FirehoseTransformationEvent {
  return {
    invocationId: 'a1b2c3d4-0000-4000-8000-000000000001',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/vpc-flow-logs',
    region: 'us-east-1',
    records: [...records],
  };
}

/** The documents an Ok record carries, parsed. */
export function documentsOf(record: TransformationOutputRecord): Record<string, unknown>[] {
  return Buffer.from(record.data, 'base64')
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A look-up answered from a map whatever the scope, recording every key it was asked for and in which scope. */
export function mapLookup<T>(entries: Readonly<Record<string, LookupOutcome<T>>>): BatchLookup<LookupOutcome<T>> & { readonly requested: string[][]; readonly scopes: LookupScope[] } {
  const requested: string[][] = [];
  const scopes: LookupScope[] = [];
  return {
    requested,
    scopes,
    lookup(scope, keys) {
      const asked = [...keys];
      requested.push(asked);
      scopes.push(scope);
      return Promise.resolve(new Map(asked.map((key) => [key, entries[key] ?? { status: 'not_found' }])));
    },
  };
}
