import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLOW_FILES, slowFilesFirst } from './slow-files-first';

/**
 * What keeps the default suite near ten minutes: the long files start first, only specs that
 * kill the shared broker run alone after everything, and the API fuzzer runs a bounded smoke
 * inside `npm test` and its full budget as `npm run test:fuzz`.
 */
const repoRoot = join(import.meta.dirname, '..');

const specFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', '.data', '.fuzz-venv'].includes(entry.name) ? [] : specFiles(path);
    return entry.name.endsWith('.spec.ts') ? [relative(repoRoot, path)] : [];
  });

describe('slowFilesFirst: the long integration files start first', () => {
  const file = (project: string, path: string) => ({ project, path });
  const key = (entry: { project: string; path: string }) => entry;
  const slow = ['slow/a.int.spec.ts', 'slow/b.e2e.spec.ts'];

  it('moves the listed files ahead of their project in the list’s order, the rest keeping theirs', () => {
    const base = [
      file('integration', 'big.int.spec.ts'),
      file('integration', 'slow/b.e2e.spec.ts'),
      file('integration', 'mid.int.spec.ts'),
      file('integration', 'slow/a.int.spec.ts'),
      file('integration', 'small.int.spec.ts'),
    ];
    expect(slowFilesFirst(base, key, slow).map((entry) => entry.path)).toEqual([
      'slow/a.int.spec.ts',
      'slow/b.e2e.spec.ts',
      'big.int.spec.ts',
      'mid.int.spec.ts',
      'small.int.spec.ts',
    ]);
  });

  it('never moves a file across projects: the order of the projects (and so of the serial failure group) stays', () => {
    const base = [
      file('integration', 'first.int.spec.ts'),
      file('unit', 'a.spec.ts'),
      file('unit', 'slow/a.int.spec.ts'),
      file('failure', 'broker.failure.spec.ts'),
      file('failure', 'slow/b.e2e.spec.ts'),
    ];
    expect(slowFilesFirst(base, key, slow)).toEqual([
      file('integration', 'first.int.spec.ts'),
      file('unit', 'slow/a.int.spec.ts'),
      file('unit', 'a.spec.ts'),
      file('failure', 'slow/b.e2e.spec.ts'),
      file('failure', 'broker.failure.spec.ts'),
    ]);
  });

  it('keeps an empty list and a list without slow files as they are', () => {
    expect(slowFilesFirst([], key, slow)).toEqual([]);
    const base = [file('integration', 'z.int.spec.ts'), file('integration', 'a.int.spec.ts'), file('integration', 'm.int.spec.ts')];
    expect(slowFilesFirst(base, key, slow)).toEqual(base);
  });

  it('names only integration files that exist (a renamed file would silently drop out of the list)', () => {
    for (const path of SLOW_FILES) {
      expect(existsSync(join(repoRoot, path)), path).toBe(true);
      expect(path, path).toMatch(/\.(int|e2e)\.spec\.ts$/);
    }
  });
});

describe('the failure project holds only specs that kill the shared broker', () => {
  const specs = [...specFiles(join(repoRoot, 'libs')), ...specFiles(join(repoRoot, 'services')), ...specFiles(join(repoRoot, 'web'))];
  const killsTheSharedBroker = (path: string) => /\bkillKafka\s*\(/.test(readFileSync(join(repoRoot, path), 'utf8'));

  it('a *.failure.spec.ts kills the shared broker; a spec that kills a private broker (dedicatedKafka) or its own processes runs in integration', () => {
    expect(specs.length).toBeGreaterThan(100);
    expect(specs.filter((path) => path.endsWith('.failure.spec.ts') && !killsTheSharedBroker(path))).toEqual([]);
  });

  it('no spec outside the failure project kills the shared broker (the others run beside it)', () => {
    expect(specs.filter((path) => !path.endsWith('.failure.spec.ts') && killsTheSharedBroker(path))).toEqual([]);
  });
});

describe('the API fuzzer: a bounded smoke in npm test, the full budget on its own', () => {
  const spec = readFileSync(join(repoRoot, 'test/fuzz/schemathesis.int.spec.ts'), 'utf8');
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('npm test fuzzes for at most 30 s by default', () => {
    const smokeBudgetS = Number(/SMOKE_BUDGET_S\s*=\s*(\d+)/.exec(spec)?.[1]);
    expect(smokeBudgetS).toBeGreaterThan(0);
    expect(smokeBudgetS).toBeLessThanOrEqual(30);
  });

  it('npm run test:fuzz runs the fuzzer alone with the full budget', () => {
    expect(scripts['test:fuzz']).toMatch(/FUZZ_BUDGET_S=\d+/);
    expect(Number(/FUZZ_BUDGET_S=(\d+)/.exec(scripts['test:fuzz'] ?? '')?.[1])).toBeGreaterThanOrEqual(60);
    expect(scripts['test:fuzz']).toContain('test/fuzz');
  });
});
