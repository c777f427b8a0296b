// Temporary: runs this branch's integration tests until the toolchain branch's own integration
// config (npm run test:integration) is merged; delete it then.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  test: { ...base.test, include: ['test/integration/**/*.test.ts'], exclude: [], testTimeout: 120_000, hookTimeout: 120_000 },
});
