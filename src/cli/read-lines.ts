import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The first two bytes of every gzip member (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The lines of a stream, decompressed first when it is gzip (detected from its first bytes, not
 * its name, since S3 objects and pipes carry no reliable extension).
 */
export async function* readLines(input: Readable): AsyncGenerator<string> {
  const decoded = await decompressIfGzip(input);
  const lines = createInterface({ input: decoded, crlfDelay: Infinity });
  for await (const line of lines) {
    yield line;
  }
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
