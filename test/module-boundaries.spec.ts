import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The boundary rule is only as good as its configuration: these tests lint planted
// source text (never written to disk) as if it lived in each library, and expect the
// rule to refuse it. If the Nx project graph were missing the rule would skip silently,
// so the graph is computed first and a skipped rule makes these tests fail.
const repoRoot = join(import.meta.dirname, '..');

// The planted files exist in no tsconfig program, so the type-aware rules (and the parser's
// project service they need) are left out here; test/lint-rules.spec.ts covers those.
const withoutTypes = {
  languageOptions: { parserOptions: { projectService: false } },
  rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
} as const;

const boundaryErrors = async (relativePath: string, source: string): Promise<string[]> => {
  const eslint = new ESLint({ cwd: repoRoot, overrideConfig: withoutTypes });
  const [result] = await eslint.lintText(source, { filePath: join(repoRoot, relativePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
};

describe('module boundaries (@nx/enforce-module-boundaries, no-restricted-imports)', () => {
  beforeAll(() => {
    execFileSync(join(repoRoot, 'node_modules/.bin/nx'), ['show', 'projects'], {
      cwd: repoRoot,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
  }, 120_000);

  it.each([
    ['kafkajs', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n"],
    ['pg', "import pg from 'pg';\nexport const p = pg;\n"],
    ['@nestjs/common', "import { Injectable } from '@nestjs/common';\nexport const i = Injectable;\n"],
    ['ioredis', "import Redis from 'ioredis';\nexport const r = Redis;\n"],
    ['node:net', "import { createServer } from 'node:net';\nexport const c = createServer;\n"],
  ])('libs/rules importing %s fails lint', async (moduleName, source) => {
    const errors = await boundaryErrors('libs/rules/src/planted.ts', source);
    expect(errors.join('\n')).toMatch(new RegExp(`not allowed to import "${moduleName}"|'${moduleName}' import is restricted`));
  });

  it.each([
    ['kafkajs', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n"],
    ['node:net', "import { createServer } from 'node:net';\nexport const c = createServer;\n"],
    ['node:fs', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"],
  ])('libs/jt809 (a pure codec like libs/jt808) importing %s fails lint', async (moduleName, source) => {
    const errors = await boundaryErrors('libs/jt809/src/planted.ts', source);
    expect(errors.join('\n')).toMatch(new RegExp(`not allowed to import "${moduleName}"|'${moduleName}' import is restricted`));
  });

  it('libs/jt809 may build on libs/jt808 and libs/domain', async () => {
    const source =
      "import { ByteReader } from '@roadwatch/jt808';\nimport { CHINA_UTC_OFFSET_MS } from '@roadwatch/domain';\nexport const x = [ByteReader, CHINA_UTC_OFFSET_MS];\n";
    expect(await boundaryErrors('libs/jt809/src/planted.ts', source)).toEqual([]);
  });

  it('libs/domain may not depend on an adapter library', async () => {
    const errors = await boundaryErrors('libs/domain/src/planted.ts', "import * as m from '@roadwatch/messaging';\nexport const x = m;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('the web app may not import an adapter library', async () => {
    const errors = await boundaryErrors('web/src/planted.ts', "import * as m from '@roadwatch/messaging';\nexport const x = m;\n");
    expect(errors.join('\n')).toContain('type:web');
  });

  it('libs/contracts may import nothing but zod', async () => {
    const errors = await boundaryErrors('libs/contracts/src/planted.ts', "import pino from 'pino';\nexport const x = pino;\n");
    expect(errors.join('\n')).toContain('pino');
  });

  it('production code may not run the test tools (libs/testing); the simulated fleet is @roadwatch/simulator', async () => {
    const planted = "import { createSimulatedFleet } from '@roadwatch/testing';\nexport const x = createSimulatedFleet;\n";
    expect((await boundaryErrors('services/gateway-jt808/src/planted.ts', planted)).join('\n')).toContain('Test tools only');
    expect((await boundaryErrors('libs/storage/src/planted.ts', planted)).join('\n')).toContain('Test tools only');
    // A spec still may; so may the host, from the simulator.
    expect(await boundaryErrors('services/gateway-jt808/src/planted.spec.ts', planted)).toEqual([]);
    expect(await boundaryErrors('services/standalone/src/planted.ts', planted.replace('@roadwatch/testing', '@roadwatch/simulator'))).toEqual([]);
  });

  it('the simulator depends on the codec and the domain, not on adapters', async () => {
    const errors = await boundaryErrors('libs/simulator/src/planted.ts', "import * as m from '@roadwatch/messaging';\nexport const x = m;\n");
    // Refused by its tag, or (the adapters' specs use the simulator through libs/testing) as a cycle.
    expect(errors.join('\n')).toMatch(/type:simulator|Circular dependency between "@roadwatch\/simulator"/);
  });

  it('libs/rules may import domain, contracts and zod-free pure code', async () => {
    const errors = await boundaryErrors(
      'libs/rules/src/planted.ts',
      "import { isPassengerClass } from '@roadwatch/domain';\nimport { TOPICS } from '@roadwatch/contracts';\nexport const x = [isPassengerClass, TOPICS];\n",
    );
    expect(errors).toEqual([]);
  });
});
