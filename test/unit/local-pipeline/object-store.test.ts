import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDirectoryObjectStore, ObjectKeyError } from '../../../src/local-pipeline/object-store.js';
import { temporaryDirectory } from '../cli/cli-harness.js';

describe('createDirectoryObjectStore', () => {
  it('writes an object under its key, creating the folders', async () => {
    const folder = temporaryDirectory();
    try {
      await createDirectoryObjectStore(folder.path('out')).putObject('delivered/2026/06/01/08/s-1', 'text\n');

      expect(readFileSync(folder.path('out/delivered/2026/06/01/08/s-1'), 'utf8')).toBe('text\n');
    } finally {
      folder.remove();
    }
  });

  it('refuses a key that leaves the folder', async () => {
    const folder = temporaryDirectory();
    try {
      await expect(createDirectoryObjectStore(folder.path('out')).putObject('../escape', 'x')).rejects.toThrow(ObjectKeyError);
    } finally {
      folder.remove();
    }
  });
});
