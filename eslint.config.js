// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, and what each folder may import of ours (besides the shared files at src/'s
 * root: errors.ts, result.ts, ports.ts, seeded-random.ts). Nothing imports a folder above its own
 * layer or beside it; README.md (Development) draws the picture. Lowest first:
 *   net -> domain -> flow-log, cloudwatch -> analysis -> enrich -> report, output-schema -> firehose
 *   -> opensearch, athena, scheduled-report -> config -> adapters -> composition -> local-pipeline -> cli (and the Lambda
 *   roots ingestor/, decorator/). composition connects adapters to the core's ports (caches, EC2 client
 *   per scope, geolocation provider) from a resolved plan; adapters only implement ports.
 */
const MAY_IMPORT = {
  net: [],
  domain: ['net'],
  'flow-log': ['net', 'domain'],
  cloudwatch: ['net', 'domain'],
  analysis: ['net', 'domain', 'flow-log'],
  enrich: ['net', 'domain', 'flow-log', 'analysis'],
  report: ['net', 'domain', 'flow-log', 'analysis', 'enrich'],
  // The schemas documents are written in (native, ECS, OCSF): mappings over the enriched document.
  'output-schema': ['net', 'domain', 'flow-log', 'enrich'],
  firehose: ['net', 'domain', 'flow-log', 'cloudwatch', 'enrich', 'output-schema'],
  opensearch: ['net', 'domain', 'flow-log', 'analysis', 'enrich', 'report', 'output-schema'],
  athena: ['net', 'domain', 'flow-log', 'analysis', 'enrich', 'report', 'output-schema'],
  // The scheduled report's use case (reporter/ wires it): the report's advisor and renderers over ports.
  'scheduled-report': ['net', 'domain', 'flow-log', 'analysis', 'enrich', 'report'],
  config: ['net', 'domain', 'flow-log', 'enrich', 'firehose', 'output-schema'],
  adapters: ['net', 'domain', 'flow-log', 'cloudwatch', 'analysis', 'enrich', 'output-schema', 'firehose', 'opensearch', 'config', 'scheduled-report'],
  composition: ['net', 'domain', 'flow-log', 'cloudwatch', 'analysis', 'enrich', 'output-schema', 'firehose', 'config', 'adapters'],
  'local-pipeline': ['net', 'domain', 'flow-log', 'cloudwatch', 'analysis', 'enrich', 'output-schema', 'firehose', 'config', 'composition'],
};
const FOLDERS = [...Object.keys(MAY_IMPORT), 'cli'];

/** Folders of the pure core: they take collaborators as ports and never reach the outside world. */
const PURE_CORE = ['net', 'domain', 'flow-log', 'enrich', 'output-schema', 'firehose', 'cloudwatch', 'analysis', 'report', 'opensearch', 'athena', 'scheduled-report'];

const PURE_CORE_IMPORTS = [
  { group: ['@aws-sdk/*', '@aws-lambda-powertools/*'], message: 'The core takes AWS collaborators as ports (src/ports.ts).' },
  { group: ['node:http', 'node:https', 'node:fs', 'node:fs/*', 'node:child_process', 'node:dgram', 'node:net', 'http', 'https', 'fs', 'fs/*'], message: 'The core does no I/O; adapters do.' },
  { group: ['**/adapters/**', '**/cli/**'], message: 'The core never depends on adapters or the CLI.' },
];

/** A pattern refusing relative imports of the given folders of src/. */
function folderImports(folders, message) {
  return { regex: `^(\\.\\.?/)+(${folders.join('|')})(/|$)`, message };
}

/** One config object per folder: its layer's import rule, plus the pure core's when it is pure. */
const layerConfigs = Object.entries(MAY_IMPORT).map(([folder, allowed]) => {
  const above = FOLDERS.filter((other) => other !== folder && !allowed.includes(other));
  const message =
    allowed.length === 0
      ? `src/${folder} is the lowest layer: it imports no other folder of ours (see "Layers" in README.md).`
      : `src/${folder} may import only ${allowed.map((name) => `src/${name}`).join(', ')} of ours, and src/'s root files (see "Layers" in README.md).`;
  const layer = folderImports(above, message);
  return {
    files: [`src/${folder}/**`],
    rules: { 'no-restricted-imports': ['error', { patterns: [...(PURE_CORE.includes(folder) ? PURE_CORE_IMPORTS : []), layer] }] },
  };
});

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
  ...layerConfigs,
  {
    // The root files are below every folder but domain, whose vocabulary ports.ts uses.
    files: ['src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [folderImports(FOLDERS.filter((folder) => folder !== 'domain'), "src/'s root files sit below every folder but src/domain.")] }] },
  },
  {
    files: PURE_CORE.map((folder) => `src/${folder}/**`),
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Configuration is read once, in src/config/, and handed in.' },
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
