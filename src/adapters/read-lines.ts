import { createReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The first two bytes of every gzip member (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The longest line read: 1 MiB. No flow-log line comes near it, and nothing this stack writes
 * can exceed it: a CloudWatch Logs event is at most 1 MiB and a Firehose record at most
 * 1,000 KiB (so an enriched document or a `{"message"}` record is smaller too). A longer line is
 * skipped in bounded memory and reported, never held whole (a 600 MB line once crashed readline).
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A line longer than MAX_LINE_BYTES, skipped: only its length is kept, for the message. */
export class OversizedLine {
  constructor(readonly bytes: number) {}
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const UTF8_BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The lines of a stream, decompressed first when it is gzip (detected from its first bytes, not
 * its name, since S3 objects and pipes carry no reliable extension). Lines end at LF (a CR
 * before it is dropped); a UTF-8 byte-order mark at the start is dropped, as editors on Windows
 * write one; a line longer than `maxLineBytes` comes out as an OversizedLine, and memory stays
 * within that bound plus one chunk whatever the input.
 *
 * @example for await (const line of readLines(createReadStream('flow-logs.log.gz'))) if (typeof line === 'string') console.log(line);
 */
export async function* readLines(input: Readable, maxLineBytes: number = MAX_LINE_BYTES): AsyncGenerator<string | OversizedLine> {
  const decoded = await decompressIfGzip(input);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes of the current line while it is being skipped; -1 when not skipping. */
  let skippedBytes = -1;
  let atStart = true;
  const take = (piece: Buffer): string | OversizedLine => {
    const bytes = pendingBytes + piece.length;
    const whole = pending.length === 0 ? piece : Buffer.concat([...pending, piece], bytes);
    pending = [];
    pendingBytes = 0;
    const end = whole.length > 0 && whole[whole.length - 1] === CARRIAGE_RETURN ? whole.length - 1 : whole.length;
    return whole.toString('utf8', 0, end);
  };
  for await (const chunk of decoded) {
    let buffer = toBuffer(chunk);
    if (atStart && buffer.length > 0) {
      atStart = false;
      if (buffer.subarray(0, UTF8_BYTE_ORDER_MARK.length).equals(UTF8_BYTE_ORDER_MARK)) buffer = buffer.subarray(UTF8_BYTE_ORDER_MARK.length);
    }
    let start = 0;
    while (start < buffer.length) {
      const newline = buffer.indexOf(NEWLINE, start);
      const end = newline === -1 ? buffer.length : newline;
      if (skippedBytes >= 0) {
        skippedBytes += end - start;
        if (newline !== -1) {
          yield new OversizedLine(skippedBytes);
          skippedBytes = -1;
        }
      } else if (pendingBytes + (end - start) > maxLineBytes) {
        skippedBytes = pendingBytes + (end - start);
        pending = [];
        pendingBytes = 0;
        if (newline !== -1) {
          yield new OversizedLine(skippedBytes);
          skippedBytes = -1;
        }
      } else if (newline === -1) {
        // Copied: the stream may reuse its buffer for the next chunk.
        pending.push(Buffer.from(buffer.subarray(start, end)));
        pendingBytes += end - start;
      } else {
        yield take(buffer.subarray(start, end));
      }
      start = end + 1;
    }
  }
  if (skippedBytes >= 0) yield new OversizedLine(skippedBytes);
  else if (pendingBytes > 0) yield take(Buffer.alloc(0));
}

/** Opens a local file, or standard input for `-`. */
export function openInput(path: string, stdin: Readable): Readable {
  return path === '-' ? stdin : createReadStream(path);
}

async function decompressIfGzip(input: Readable): Promise<Readable> {
  const head = await readHead(input);
  const passThrough = new PassThrough();
  const isGzip = head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  if (head.length > 0) {
    passThrough.write(head);
  }
  input.on('error', (error) => passThrough.destroy(error));
  input.pipe(passThrough);
  if (!isGzip) {
    return passThrough;
  }
  const gunzip = createGunzip();
  passThrough.on('error', (error) => gunzip.destroy(error));
  return passThrough.pipe(gunzip);
}

/** Reads the first chunk without losing it, resolving with an empty buffer on an empty stream. */
function readHead(input: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cleanUp = (): void => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    const onReadable = (): void => {
      const chunk: unknown = input.read();
      if (chunk === null) {
        return;
      }
      cleanUp();
      resolve(toBuffer(chunk));
    };
    const onEnd = (): void => {
      cleanUp();
      resolve(Buffer.alloc(0));
    };
    const onError = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    input.on('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}

/** A chunk of a byte stream (a Buffer, or a string when the stream has an encoding set) as bytes. */
function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('the input stream must carry bytes or text');
}
