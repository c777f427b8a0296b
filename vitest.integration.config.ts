import { defineConfig } from 'vitest/config';
import unitConfig from './vitest.config.js';

// The integration tier (`npm run test:integration`): tests that need more than Node.js (the public
// corpus in ../shared/corpus, Debian's Chromium, a real OpenSearch node, Node 24, the Python tools),
// each installed by scripts/install-integration-prerequisites.sh. A missing prerequisite fails the
// run and names the install step; nothing here is ever skipped.
export default defineConfig({
  test: {
    ...unitConfig.test,
    include: ['test/integration/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Services shared by every test file of the run.
    globalSetup: ['test/integration/support/opensearch-global-setup.ts'],
    // A JVM starting on 2 shared cores, a browser, child processes on another Node: generous limits,
    // here only, so that the unit tier keeps its tight ones.
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
