import type { Readable } from 'node:stream';
import { dayPrefixesOf, type WindowLine, type WindowLineSource } from '../scheduled-report/index.js';
import type { S3ObjectReader } from './s3-object-reader.js';

/** The lines of a stream, gunzipped when it is gzip; a line too long to hold comes out as its length (the CLI's `readLines`). */
export type ReadLines = (input: Readable) => AsyncIterable<string | { readonly bytes: number }>;

export interface S3WindowLineSourceOptions {
  readonly reader: S3ObjectReader;
  readonly bucket: string;
  /** The Firehose destination's prefix, e.g. `flow-logs/` (then `year=YYYY/month=MM/day=DD/`). */
  readonly prefix: string;
  readonly readLines: ReadLines;
}

/**
 * The lines of every object of the stack's S3 destination under the day prefixes of a window
 * (`dayPrefixesOf`), one object after the other, in S3's key order. An S3 error (after the SDK's
 * retries) rejects the read with an S3ReadError naming the object: a report with a day missing
 * would call rules unused that were not.
 *
 * @example for await (const line of createS3WindowLineSource({ reader, bucket, prefix: 'flow-logs/', readLines }).linesOf(window)) ...
 */
export function createS3WindowLineSource(options: S3WindowLineSourceOptions): WindowLineSource {
  const { reader, bucket, readLines } = options;
  return {
    async *linesOf(window): AsyncGenerator<WindowLine> {
      for (const prefix of dayPrefixesOf(window, options.prefix)) {
        for await (const object of reader.listObjects(bucket, prefix)) {
          const source = `s3://${bucket}/${object.key}`;
          let lineNumber = 0;
          for await (const text of readLines(await reader.openObject(bucket, object.key))) {
            lineNumber += 1;
            yield { source, lineNumber, text: typeof text === 'string' ? text : { oversizedBytes: text.bytes } };
          }
        }
      }
    },
  };
}
