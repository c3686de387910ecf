import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtWebApp, REPO_ROOT, WEB_DIR, webSourcesHash } from '../web/test/support/browser-harness';

/**
 * The browser tests share one build of the web app per state of its sources: these pin the
 * cache and its lock without vite (a stand-in build writes a marker file).
 */
describe('builtWebApp: the web app built once and shared by every browser test', () => {
  const roots: string[] = [];
  const tempRoot = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'roadwatch-harness-spec-'));
    roots.push(root);
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  const countingBuild = () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((done) => (release = done));
    return {
      calls: () => calls,
      release: () => release(),
      buildInto: async (outDir: string): Promise<void> => {
        calls += 1;
        mkdirSync(outDir, { recursive: true });
        writeFileSync(join(outDir, 'index.html'), '<!doctype html>');
        await gate;
      },
    };
  };

  it('builds once for callers that ask at the same time, and the directory appears only when the build is complete', async () => {
    const cacheRoot = tempRoot();
    const build = countingBuild();
    const callers = [1, 2, 3].map(() => builtWebApp({ cacheRoot, key: 'k1', pollMs: 1, buildInto: build.buildInto }));
    // While the build runs, the final directory is not there for anyone to serve half-written.
    await new Promise((done) => setImmediate(done));
    expect(existsSync(join(cacheRoot, 'k1'))).toBe(false);
    build.release();
    const dirs = await Promise.all(callers);
    expect(new Set(dirs)).toEqual(new Set([join(cacheRoot, 'k1')]));
    expect(build.calls()).toBe(1);
    expect(readFileSync(join(cacheRoot, 'k1', 'index.html'), 'utf8')).toBe('<!doctype html>');
    // No lock and no partial directory are left behind.
    expect(readdirSync(cacheRoot)).toEqual(['k1']);
    // A later test file finds it built.
    expect(await builtWebApp({ cacheRoot, key: 'k1', buildInto: build.buildInto })).toBe(join(cacheRoot, 'k1'));
    expect(build.calls()).toBe(1);
  });

  it('waits for a build another worker holds the lock for, without building itself', async () => {
    const cacheRoot = tempRoot();
    mkdirSync(join(cacheRoot, 'k2.lock'));
    const build = countingBuild();
    build.release();
    const waiting = builtWebApp({ cacheRoot, key: 'k2', pollMs: 1, buildInto: build.buildInto });
    // The other worker finishes: its complete build is renamed into place and its lock removed.
    mkdirSync(join(cacheRoot, 'other-worker'));
    writeFileSync(join(cacheRoot, 'other-worker', 'index.html'), 'theirs');
    renameSync(join(cacheRoot, 'other-worker'), join(cacheRoot, 'k2'));
    rmSync(join(cacheRoot, 'k2.lock'), { recursive: true });
    expect(await waiting).toBe(join(cacheRoot, 'k2'));
    expect(build.calls()).toBe(0);
    expect(readFileSync(join(cacheRoot, 'k2', 'index.html'), 'utf8')).toBe('theirs');
  });

  it('breaks a lock older than the stale bound (its build died) and builds', async () => {
    const cacheRoot = tempRoot();
    const lock = join(cacheRoot, 'k3.lock');
    mkdirSync(lock);
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lock, hourAgo, hourAgo);
    const build = countingBuild();
    build.release();
    expect(await builtWebApp({ cacheRoot, key: 'k3', pollMs: 1, staleLockMs: 60_000, buildInto: build.buildInto })).toBe(join(cacheRoot, 'k3'));
    expect(build.calls()).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('a failed build leaves no directory and no lock: the error reaches the caller and the next caller builds', async () => {
    const cacheRoot = tempRoot();
    await expect(
      builtWebApp({
        cacheRoot,
        key: 'k4',
        buildInto: async (outDir) => {
          mkdirSync(outDir, { recursive: true });
          throw new Error('vite: syntax error in src/app.ts');
        },
      }),
    ).rejects.toThrow('vite: syntax error in src/app.ts');
    expect(readdirSync(cacheRoot)).toEqual([]);
    const build = countingBuild();
    build.release();
    expect(await builtWebApp({ cacheRoot, key: 'k4', buildInto: build.buildInto })).toBe(join(cacheRoot, 'k4'));
    expect(build.calls()).toBe(1);
  });

  it('keys the build by the sources: one changed byte (odd bytes too) or a new file gives a new key; tests beside them do not', () => {
    const repo = tempRoot();
    mkdirSync(join(repo, 'web/src/ui'), { recursive: true });
    mkdirSync(join(repo, 'libs/contracts/src'), { recursive: true });
    writeFileSync(join(repo, 'web/index.html'), '<div id="app"></div>');
    writeFileSync(join(repo, 'web/src/ui/panel.ts'), Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0xff, 0xfe, 0x00]));
    writeFileSync(join(repo, 'libs/contracts/src/index.ts'), "export const TOPIC = 'alerts';");
    const first = webSourcesHash(repo);
    expect(webSourcesHash(repo)).toBe(first);
    writeFileSync(join(repo, 'web/src/ui/panel.spec.ts'), 'it()');
    expect(webSourcesHash(repo)).toBe(first);
    writeFileSync(join(repo, 'web/src/ui/panel.ts'), Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0xff, 0xfe, 0x01]));
    const second = webSourcesHash(repo);
    expect(second).not.toBe(first);
    writeFileSync(join(repo, 'libs/contracts/src/index.ts'), "export const TOPIC = 'alerts.v2';");
    const third = webSourcesHash(repo);
    expect(third).not.toBe(second);
    writeFileSync(join(repo, 'web/src/new-page.ts'), '');
    expect(webSourcesHash(repo)).not.toBe(third);
  });
});

/**
 * A browser test that builds the app with vite or launches Chromium itself pays a whole build
 * and its own flags in every run; the harness builds once per source state for all of them, and
 * starts the whole chain (Kafka topics, schema, standalone platform, terminals) in one way.
 */
describe('every browser test starts through the shared harness', () => {
  const browserTests = (): string[] =>
    readdirSync(join(WEB_DIR, 'test'))
      .filter((name) => name.endsWith('.e2e.spec.ts'))
      .map((name) => join(WEB_DIR, 'test', name));

  /** What in a browser test's source bypasses the harness: its own vite build or its own Chromium launch. */
  const bypassesOf = (source: string): string[] => [
    ...(/from\s+'vite'/.test(source) ? ['imports vite (builds the app itself)'] : []),
    ...(/\bchromium\.launch\s*\(/.test(source) ? ['launches Chromium itself'] : []),
    ...(/\bstartPlatform\s*\(/.test(source) ? ['starts the standalone platform itself (startChainForBrowser does)'] : []),
    ...(/from\s+'\.\/support\/browser-harness'/.test(source) ? [] : ['does not use ./support/browser-harness']),
  ];

  it('tells a bypass from the harness', () => {
    expect(
      bypassesOf("import { build } from 'vite';\nbrowser = await chromium.launch({ executablePath });\nplatform = await startPlatform(config, { bus, pool });"),
    ).toEqual([
      'imports vite (builds the app itself)',
      'launches Chromium itself',
      'starts the standalone platform itself (startChainForBrowser does)',
      'does not use ./support/browser-harness',
    ]);
    expect(bypassesOf("import type { Browser } from 'playwright-core';\nimport { launchChromium } from './support/browser-harness';")).toEqual([]);
  });

  it('no browser test builds the web app or launches Chromium on its own', () => {
    const files = browserTests();
    expect(files.length).toBeGreaterThan(10);
    const offences = files.flatMap((file) => bypassesOf(readFileSync(file, 'utf8')).map((bypass) => `${relative(REPO_ROOT, file)}: ${bypass}`));
    expect(offences).toEqual([]);
  });
});
