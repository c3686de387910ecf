import { defineConfig } from 'vitest/config';
import SlowFilesFirstSequencer from './test/slow-files-first.js';

// Three tiers (CONVENTIONS.md): unit specs beside the code run in milliseconds;
// integration specs (*.int.spec.ts, *.e2e.spec.ts) talk to the real Kafka, PostgreSQL,
// Redis and embedded TimescaleDB that the global setup finds or starts; failure specs
// (*.failure.spec.ts) would kill and restart the shared Kafka broker, so they run alone, one
// file at a time, after everything else. There are none today: the broker-outage and
// scale-out specs kill a private broker (dedicatedKafka) or their own processes and run as
// integration specs beside the others (test/suite-shape.spec.ts keeps it so). Unit and integration files share one pool of workers (same group order),
// the integration files first, the slowest of them first (test/slow-files-first.ts).
const integrationDefaults = {
  globalSetup: ['libs/testing/src/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    sequence: { sequencer: SlowFilesFirstSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'services/*/src/**/*.spec.ts', 'web/src/**/*.spec.ts', 'test/**/*.spec.ts', 'loadtests/**/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/*.e2e.spec.ts', '**/*.failure.spec.ts', '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          // test/fuzz: schemathesis against the embedded default, a 25 s smoke (npm run test:fuzz: the full budget).
          include: ['{libs,services}/*/{src,test}/**/*.{int,e2e}.spec.ts', 'web/test/**/*.e2e.spec.ts', 'test/fuzz/**/*.int.spec.ts'],
          ...integrationDefaults,
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'failure',
          include: ['{libs,services}/*/{src,test}/**/*.failure.spec.ts'],
          ...integrationDefaults,
          testTimeout: 300_000,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
