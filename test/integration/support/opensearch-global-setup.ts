// vitest globalSetup of the integration tier: one OpenSearch node for the whole run, its URL handed
// to the tests (`inject('opensearchUrl')`), stopped when the run ends.
import type { TestProject } from 'vitest/node';
import { startOpenSearchNode } from './opensearch-node.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The integration tier's OpenSearch node, http://127.0.0.1:PORT. */
    opensearchUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const node = await startOpenSearchNode();
  project.provide('opensearchUrl', node.url);
  return () => node.stop();
}
