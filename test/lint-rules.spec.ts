import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The type-aware promise rules are only as good as their configuration: these tests lint
// planted text (never written to disk) in place of a real file of each area, with the type
// information of its tsconfig, and expect a promise nobody handles to be refused.
const repoRoot = join(import.meta.dirname, '..');
const PROMISE_RULES = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises'];

const eslint = new ESLint({ cwd: repoRoot });

/** The promise-rule findings for `addition` appended to the real text of `relativePath` (so the file stays in its program). */
const promiseFindings = async (relativePath: string, addition: string): Promise<string[]> => {
  const filePath = join(repoRoot, relativePath);
  const [result] = await eslint.lintText(`${readFileSync(filePath, 'utf8')}\n${addition}\n`, { filePath });
  const fatal = (result?.messages ?? []).filter((m) => m.fatal);
  expect(fatal.map((m) => m.message)).toEqual([]);
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && PROMISE_RULES.includes(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
};

const SERVICE_FILE = 'services/api/src/auth/sign-in-throttle.ts';

describe('lint rules: type-aware promise rules everywhere, no `any` in libs/storage', () => {
  it('a floating promise in a service file is refused', async () => {
    const findings = await promiseFindings(
      SERVICE_FILE,
      "export const forgotten = (throttle: SignInThrottle): void => {\n  throttle.succeeded('u', '203.0.113.1');\n};",
    );
    expect(findings).toEqual([expect.stringMatching(/^@typescript-eslint\/no-floating-promises: Promises must be awaited/)]);
  }, 120_000);

  it('`void` alone does not hide it: fire-and-forget needs a .catch that handles the failure', async () => {
    expect(
      await promiseFindings(SERVICE_FILE, "export const hidden = (throttle: SignInThrottle): void => {\n  void throttle.succeeded('u', '203.0.113.1');\n};"),
    ).toHaveLength(1);
    expect(
      await promiseFindings(
        SERVICE_FILE,
        "export const handled = (throttle: SignInThrottle, log: (e: unknown) => void): void => {\n  void throttle.succeeded('u', '203.0.113.1').catch(log);\n};\n" +
          "export const awaited = async (throttle: SignInThrottle): Promise<void> => {\n  await throttle.succeeded('u', '203.0.113.1');\n};",
      ),
    ).toEqual([]);
  }, 120_000);

  it('an async callback where a void one is expected (a timer) is refused', async () => {
    const findings = await promiseFindings(
      SERVICE_FILE,
      "export const every = (throttle: SignInThrottle): NodeJS.Timeout => setInterval(async () => {\n  await throttle.succeeded('u', '203.0.113.1');\n}, 1_000);",
    );
    expect(findings).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-misused-promises: Promise returned in function argument where a void return was expected/),
    ]);
  }, 120_000);

  it('the web app (its own tsconfig, DOM types) is held to the same rules: an async submit handler is refused', async () => {
    const findings = await promiseFindings(
      'web/src/ui/dom.ts',
      "export const form = (save: () => Promise<void>): HTMLFormElement => h('form', { onsubmit: async () => save() });\n" +
        'export const later = (save: () => Promise<void>): void => {\n  save();\n};',
    );
    expect(findings).toHaveLength(2);
    expect(findings.join('\n')).toMatch(/no-misused-promises/);
    expect(findings.join('\n')).toMatch(/no-floating-promises/);
  }, 120_000);

  it('libs/storage: `any` is an error there, and a disable comment does not switch it off', async () => {
    const filePath = join(repoRoot, 'libs/storage/src/wim.repository.ts');
    const planted = `${readFileSync(filePath, 'utf8')}\n// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg row\nexport const rowOf = (r: any): string => String(r.id);\n`;
    const [result] = await eslint.lintText(planted, { filePath });
    const messages = result?.messages ?? [];
    expect(messages.filter((m) => m.ruleId === '@typescript-eslint/no-explicit-any').map((m) => m.severity)).toEqual([2]);
    // The comment itself is reported as having no effect (a warning: `npm run lint` allows none).
    expect(messages.filter((m) => m.ruleId === null && /no effect/.test(m.message))).toHaveLength(1);
  }, 120_000);

  it.each(['libs/storage/src/pool.ts', 'test/names.spec.ts', 'scripts/dlq-replay.ts', 'loadtests/rules.bench.ts'])(
    '%s: the rules are errors there too',
    async (relativePath) => {
      const config = (await eslint.calculateConfigForFile(join(repoRoot, relativePath))) as { rules: Record<string, unknown> };
      for (const rule of PROMISE_RULES) expect([config.rules[rule]].flat()[0], rule).toBe(2);
    },
  );
});
