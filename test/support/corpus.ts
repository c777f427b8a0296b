// Where the public test corpus lives: ../shared/corpus beside the repository (CI puts ../shared
// beside the clone), or VPC_FLOW_LOG_CORPUS_DIR. The corpus is read in place, never copied.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The corpus directory: VPC_FLOW_LOG_CORPUS_DIR when set, else ../shared/corpus from the repository root. */
export const CORPUS_DIR = resolve(REPOSITORY_ROOT, process.env.VPC_FLOW_LOG_CORPUS_DIR ?? join('..', 'shared', 'corpus'));

/** Whether the corpus is where we look for it. */
export function corpusIsPresent(): boolean {
  return existsSync(join(CORPUS_DIR, 'flowlogs'));
}

/** The message a missing corpus fails with: what is missing and how to provide it. */
export function missingCorpusMessage(): string {
  return [
    `The public test corpus is missing: no ${join(CORPUS_DIR, 'flowlogs')}.`,
    'The conformance suite needs ../shared/corpus beside the repository (CI provides it),',
    'or VPC_FLOW_LOG_CORPUS_DIR naming a copy of it.',
  ].join(' ');
}

/** Files under a corpus folder (relative to the corpus), recursively, sorted; none when the corpus is missing. */
export function corpusFiles(folder: string, suffix: string): string[] {
  const root = join(CORPUS_DIR, folder);
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const visit = (directory: string): void => {
    for (const entry of readdirSync(directory).sort()) {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) visit(path);
      else if (entry.endsWith(suffix)) found.push(relative(CORPUS_DIR, path));
    }
  };
  visit(root);
  return found;
}

/** The text of a corpus file. */
export function readCorpusText(path: string): string {
  return readFileSync(join(CORPUS_DIR, path), 'utf8');
}

/** A corpus JSON file, parsed. */
export function readCorpusJson(path: string): unknown {
  return JSON.parse(readCorpusText(path));
}

/**
 * Corpus flow-log files that have no header line, with the version whose fields (every field of
 * versions 2 up to it, in the AWS documentation table's order) they carry (corpus README: the
 * Elastic ECS/v8 samples). Files not listed start with a header or use the default format.
 */
export const HEADERLESS_FLOW_LOG_VERSIONS: Readonly<Record<string, number>> = {
  'flowlogs/elastic-integrations/test-v5-all-fields.log': 5,
  'flowlogs/elastic-integrations/test-ecs-samples.log': 7,
  'flowlogs/elastic-integrations/test-v8-samples.log': 8,
};

/**
 * Corpus flow-log files whose records start decades before their end (the corpus README:
 * `start=164000066`, nine digits): the parser fails them, as their @timestamp would misfile the
 * document, so they give no document to index.
 */
export const IMPLAUSIBLE_TIME_FILES: ReadonlySet<string> = new Set(['test-v5-all-fields.log']);

/** Corpus flow-log files whose records must NOT parse: the OpenTelemetry negative cases. */
export const NEGATIVE_FLOW_LOG_FILES: ReadonlySet<string> = new Set(['vpc_flow_log_too_few_fields.log', 'vpc_flow_log_too_many_fields.log']);
