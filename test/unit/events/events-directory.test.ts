// Every file in events/ is there for a reason a test checks: a test, or a sample generator or reader
// that tests run, names it (or its folder) in a string literal.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Where the code that reads events/ lives: the tests and what they import. */
const READER_DIRECTORIES = ['test', 'scripts', 'src'];

/** Files under a directory, as forward-slash paths relative to the working directory. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative('.', join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/**
 * events/ paths named by string literals in source text: `'events/x.json'`, `new URL('../events/x.json', ...)`.
 *
 * @example namedEventPaths("const A = 'events/env.json';") // ['events/env.json']
 */
function namedEventPaths(source: string): string[] {
  return [...source.matchAll(/(?:['"`]|\.\.\/)(events\/[\w./-]*[\w-])/g)].map((match) => match[1] ?? '');
}

/** The named paths that cover a file: the file itself or one of its folders. */
function isCovered(file: string, named: ReadonlySet<string>): boolean {
  const parts = file.split('/');
  return parts.some((_part, index) => named.has(parts.slice(0, index + 1).join('/')));
}

describe('namedEventPaths', () => {
  it('finds quoted paths and paths relative to a module, not paths in prose or built from variables', () => {
    const source = "read('events/env.json'); new URL('../events/sample/x.mmdb', import.meta.url); // see events/notes.md\nconst p = `events/${name}`;";
    expect(namedEventPaths(source)).toEqual(['events/env.json', 'events/sample/x.mmdb']);
  });
});

describe('isCovered', () => {
  it('counts a file named by its own path or by one of its folders, not by a sibling', () => {
    const named = new Set(['events/sample/inventory', 'events/env.json']);
    expect(['events/sample/inventory/a.json', 'events/env.json', 'events/sample/other.json'].map((file) => isCovered(file, named))).toEqual([true, true, false]);
  });
});

describe('events/', () => {
  it('holds only files a test, or a sample generator or reader the tests run, names', () => {
    // Prepare
    const sources = READER_DIRECTORIES.flatMap(filesUnder).filter((path) => path.endsWith('.ts'));
    const named = new Set(sources.flatMap((path) => namedEventPaths(readFileSync(path, 'utf8'))));

    // Act
    const unread = filesUnder('events').filter((file) => !isCovered(file, named));

    // Assess
    expect(unread).toEqual([]);
  });
});
