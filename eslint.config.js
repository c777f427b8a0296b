// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders of the pure core: they take collaborators as ports and never reach the outside world. */
const PURE_CORE = ['src/flow-log/**', 'src/enrich/**', 'src/firehose/**', 'src/cloudwatch/**', 'src/analysis/**', 'src/report/**'];

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.aws-sam/', 'coverage/', '.integration/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(describe|it|test)$/][callee.property.name=/^(only|skip)$/]",
          message: 'No .only or .skip: every test runs.',
        },
      ],
    },
  },
  {
    files: PURE_CORE,
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@aws-lambda-powertools/*'], message: 'The core takes AWS collaborators as ports (src/ports.ts).' },
            { group: ['node:http', 'node:https', 'node:fs', 'node:fs/*', 'node:child_process', 'node:dgram', 'http', 'https', 'fs', 'fs/*'], message: 'The core does no I/O; adapters do.' },
            { group: ['**/adapters/**', '**/cli/**'], message: 'The core never depends on adapters or the CLI.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Configuration is read once in src/config.ts.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Build scripts run on Node.js directly.
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);
