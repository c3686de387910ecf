import { defineConfig } from 'vitest/config';

// Three tiers (CONVENTIONS.md): unit specs beside the code run in milliseconds;
// integration specs (*.int.spec.ts) talk to the real Kafka, PostgreSQL, Redis and
// embedded TimescaleDB that the global setup finds or starts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'services/*/src/**/*.spec.ts', 'test/**/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/*.e2e.spec.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['libs/*/src/**/*.int.spec.ts', 'services/*/src/**/*.int.spec.ts', 'services/*/test/**/*.int.spec.ts', 'services/*/test/**/*.e2e.spec.ts'],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
