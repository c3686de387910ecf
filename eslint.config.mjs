// One lint setup for the whole monorepo. The module-boundary rule is what keeps
// the domain pure: libs tagged type:domain may not reach Kafka, SQL, Redis,
// sockets or NestJS, and contracts may import nothing but zod.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const ioAndFrameworks = [
  '@nestjs/*',
  'kafkajs',
  'pg',
  'pg-*',
  'ioredis',
  'socket.io*',
  '@socket.io/*',
  'node:net',
  'net',
  '@electric-sql/*',
  '@unni-craftsman/*',
  'express',
];

const nodeIoModules = ['net', 'tls', 'dgram', 'http', 'https', 'http2', 'fs', 'fs/promises', 'child_process', 'worker_threads', 'cluster'];

const testTools = ['vitest', 'vitest/*', 'fast-check'];

const boundaryOptions = (extraAllowed, adapterTestTags = []) => ({
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    {
      sourceTag: 'type:domain',
      onlyDependOnLibsWithTags: ['type:domain', 'type:contract'],
      bannedExternalImports: ioAndFrameworks,
    },
    {
      sourceTag: 'type:contract',
      onlyDependOnLibsWithTags: ['type:contract'],
      allowedExternalImports: ['zod', 'zod/*', ...extraAllowed],
    },
    { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:util', ...adapterTestTags] },
    // The simulated fleet and its JT/T 808 terminals (the embedded default's demo, the load
    // generators, the tests): over the codec and the domain, never a service's adapters.
    { sourceTag: 'type:simulator', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:util'] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:util', 'type:simulator', 'type:testing'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:util', 'type:simulator', 'type:testing'] },
    // The standalone host is the composition root of the embedded mode: it alone may
    // start several services in one process. Services still never import each other.
    {
      sourceTag: 'type:host',
      onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:util', 'type:simulator', 'type:testing', 'type:app'],
    },
    // The web app imports contracts and pure domain code, never adapters.
    { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:util'] },
  ],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**', 'deploy/**', '**/.data/**', 'web/dist/**', '.fuzz-venv/**', '**/.bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts', '**/*.mts'],
    // Type-aware rules need the program: each file is linted with the nearest tsconfig.json
    // (the root one, or web/'s), as `npm run typecheck` sees it.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A promise nobody awaits loses its error (an unhandled rejection ends the process) and its
      // ordering; fire-and-forget is written `void p.catch(...)` with the reason beside it.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      // An async callback where a void one is expected (an event handler, forEach, a timer) drops
      // its rejection the same way.
      '@typescript-eslint/no-misused-promises': 'error',
      '@nx/enforce-module-boundaries': ['error', boundaryOptions([])],
    },
  },
  {
    // Specs may use the test tools, and adapters' specs the infrastructure helpers of
    // libs/testing; the rest of the constraints stay the same.
    files: ['**/*.spec.ts', '**/*.bench.ts', '**/*.contract.ts', '**/*.suite.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaryOptions(testTools, ['type:testing'])],
    },
  },
  {
    // The web app's browser e2e specs are composition roots like the standalone host: they
    // start the real API, storage and bus behind the page, and so is their shared harness
    // (web/test/support). The app's own code stays type:web.
    files: ['web/test/**/*.e2e.spec.ts', 'web/test/support/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...boundaryOptions(testTools, ['type:testing']),
          depConstraints: [
            {
              sourceTag: 'type:web',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:util', 'type:adapter', 'type:testing', 'type:app', 'type:host'],
            },
          ],
        },
      ],
    },
  },
  {
    // Nx's bannedExternalImports only sees npm packages; Node's own I/O modules are
    // kept out of the pure libraries by the core rule.
    files: ['libs/domain/**/*.ts', 'libs/rules/**/*.ts', 'libs/jt808/**/*.ts', 'libs/jt809/**/*.ts', 'libs/contracts/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.bench.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIoModules
            .flatMap((name) => [name, `node:${name}`])
            .map((name) => ({
              name,
              message: 'Domain code is pure: no I/O. Do this in an adapter or a service.',
            })),
        },
      ],
    },
  },
  {
    // libs/testing holds test tools only: a service's or a lib's production code never runs them
    // (the simulated fleet the embedded default drives is @roadwatch/simulator).
    files: ['services/*/src/**/*.ts', 'libs/{messaging,storage,runtime,simulator}/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.bench.ts', '**/*.contract.ts', '**/*.suite.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@roadwatch/testing', message: 'Test tools only; production code imports @roadwatch/simulator or its own lib.' }] },
      ],
    },
  },
  {
    // `any` is an error everywhere (typescript-eslint's recommended set); in these libraries, the
    // services' and the web app's code no comment can switch it, or any other rule, off: rows are
    // typed, and an exception would have to be argued here, in the open. (contracts keeps one
    // no-control-regex exception; some API test helpers still read JSON bodies as any.)
    files: ['libs/{domain,rules,jt808,jt809,messaging,storage,runtime,simulator,testing}/**/*.ts', 'services/*/src/**/*.ts', 'web/src/**/*.ts'],
    ignores: ['services/*/src/**/*.spec.ts'],
    linterOptions: { noInlineConfig: true },
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // k6 scripts run in k6's JavaScript runtime, which provides these globals.
    files: ['loadtests/k6/**/*.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly' } },
  },
);
