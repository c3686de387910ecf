import { defineConfig } from 'vitest/config';

// Lets the web app's tests run on their own (`npx vitest run --config web/vitest.config.ts`).
// The root vitest.config.ts runs the same files in its unit and integration projects.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    projects: [
      { test: { name: 'web-unit', root: import.meta.dirname, include: ['src/**/*.spec.ts'], exclude: ['**/*.e2e.spec.ts'] } },
      {
        test: {
          name: 'web-e2e',
          root: import.meta.dirname,
          include: ['test/**/*.e2e.spec.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          globalSetup: ['../libs/testing/src/global-setup.ts'],
        },
      },
    ],
  },
});
