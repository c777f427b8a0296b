import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The unit tier (`npm test`): everything that needs Node.js alone. test/integration/ needs more
    // (the corpus, a browser, OpenSearch, Node 24, Python tools) and runs with vitest.integration.config.ts.
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/integration/**'],
    environment: 'node',
    // Wire-level tests start loopback servers and real SDK clients; the default 5 s is tight on 2 cores.
    testTimeout: 20_000,
    // Tests must never depend on a developer's real AWS profile or region.
    env: {
      AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      // The SDK's Node 20 notice, printed once per test file otherwise; the CLI sets the same (src/cli/main.ts).
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
