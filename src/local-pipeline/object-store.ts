import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { ObjectKeyError } from './errors.js';
export { ObjectKeyError } from './errors.js';

/** Where the in-process delivery stream writes its objects: a folder here, S3 in AWS. */
export interface ObjectStore {
  putObject(key: string, body: string | Uint8Array): Promise<void>;
}

/**
 * An ObjectStore writing each object to `<root>/<key>`, creating folders as S3 keys imply them.
 *
 * @example await createDirectoryObjectStore('out').putObject('delivered/2026/06/01/08/stream-1-...', text);
 */
export function createDirectoryObjectStore(root: string): ObjectStore {
  const base = resolve(root);
  return {
    async putObject(key, body) {
      const path = resolve(join(base, key));
      if (!path.startsWith(`${base}${sep}`)) throw new ObjectKeyError(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    },
  };
}
