import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue #12 item 8: test data comes from one factory module (@roadwatch/testing: aPosition,
// positionsEvery, aVehicle, aWimRecord, anAlert) and waiting from vi.waitUntil / vi.waitFor.
// A spec or test-support file that declares its own position builder (`*Position`) or its own
// polling loop (`wait*`, `poll*`, `eventually*`, `until`) is the habit coming back.
const repoRoot = join(import.meta.dirname, '..');
const ROOTS = ['libs', 'services', 'web', 'test'];
const TEST_FILE = /(\.spec|\.contract|\.suite)\.ts$|\/(test|testing)\//;
const OWN_TOOLS = /^libs\/testing\//;

const BUILDER_OR_POLL = /^(?:[a-z]\w*Position|(?:wait|poll|eventually)(?:[A-Z]\w*)?|until)$/;
// `function name(` / `function name<`, or `const name = (`, `= async (`, `= <T>(`, `= x =>`, `= function`.
const DECLARATIONS = [
  /^[ \t]*(?:export[ \t]+)?(?:async[ \t]+)?function[ \t]*\*?[ \t]*([A-Za-z_$][\w$]*)[ \t]*[<(]/gm,
  /^[ \t]*(?:export[ \t]+)?(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)[ \t]*(?::[^=\n]+)?=[ \t]*(?:async[ \t]*)?(?:function\b|\(|<|[A-Za-z_$][\w$]*[ \t]*=>)/gm,
];

/** The position builders and polling loops `source` declares, as `name` strings. */
export const ownBuildersAndPolls = (source: string): string[] =>
  DECLARATIONS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!)).filter((name) => BUILDER_OR_POLL.test(name));

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', '.data'].includes(entry.name) ? [] : testFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

describe('test habits: one factory module, vi.waitFor', () => {
  it('finds a declared position builder or polling loop in every form, and nothing else', () => {
    const planted = [
      'const samplePosition = (vehicleId: string): PositionV1 => ({ vehicleId });',
      'export const truckPosition = async (id: string) => ({ id });',
      'function gpsPosition(t: number) { return t; }',
      'const waitUntil = async (check: () => boolean) => { while (!check()) await sleep(10); };',
      'export const waitFor = async <T>(read: () => T) => read();',
      '  const until = (predicate: () => boolean, timeoutMs = 3_000) => predicate();',
      'async function pollRows(pool: Pool) { return pool; }',
      'const eventually = function (x: number) { return x; };',
      'let waitQuiet = x => x;',
    ].join('\n');
    expect(ownBuildersAndPolls(planted)).toEqual([
      'gpsPosition',
      'pollRows',
      'samplePosition',
      'truckPosition',
      'waitUntil',
      'waitFor',
      'until',
      'eventually',
      'waitQuiet',
    ]);
    const innocent = [
      'const position = await store.get(id);',
      'const positions = (values: readonly PositionV1[]) => values;', // a wrapper named for what it wraps
      'const positionOf = (report: Report) => aPosition({ vehicleId: report.vehicleId });',
      'const waiting = storeOneOfEach();',
      'const poll = setInterval(() => undefined, 50);',
      'const untilMs = Date.now() + 1_000;',
      'await vi.waitUntil(() => seen.length === 3, { timeout: 5_000 });',
      'await page.waitForTimeout(200); const lastPosition = positions.at(-1);',
      '// function waitForever() is not here',
    ].join('\n');
    expect(ownBuildersAndPolls(innocent)).toEqual([]);
  });

  it('no spec or test-support file outside libs/testing declares its own position builder or polling loop', () => {
    const offences = ROOTS.flatMap((root) => testFiles(join(repoRoot, root)))
      .map((path) => relative(repoRoot, path))
      .filter((file) => TEST_FILE.test(`/${file}`) && !OWN_TOOLS.test(file))
      .flatMap((file) => ownBuildersAndPolls(readFileSync(join(repoRoot, file), 'utf8')).map((name) => `${file}: ${name}`));
    expect(offences).toEqual([]);
  });
});
