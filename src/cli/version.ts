import { readFileSync } from 'node:fs';

/**
 * The package's version, read from package.json two levels up (the same from src/cli/ under tsx
 * and from dist/cli/ when built), for `--version`.
 */
export const PACKAGE_VERSION: string = ((): string => {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();
