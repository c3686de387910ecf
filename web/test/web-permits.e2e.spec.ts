import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { TOPICS } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { startApi, type RunningApi } from '@roadwatch/api';
import { infraEnv, uniqueName } from '@roadwatch/testing';

/**
 * 区域限行 end to end (issue #16): vite builds the app, the real API runs over real PostgreSQL and
 * headless Chromium drives it. An operator of region 1301 draws a ban by its polygon and windows
 * (Chinese first), sees it on the sketch and in the table with its weekdays, is refused another
 * region's ban with the API's reason, and retires it; English on the toggle.
 */
const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = resolve(webDir, '../artifacts');
const logger = createLogger('web-permits-e2e', process.env['LOG_LEVEL'] ?? 'warn');
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('web: 区域限行 in real Chromium against the real API', () => {
  const schema = uniqueName('web_permits');
  const outDir = mkdtempSync(join(tmpdir(), 'roadwatch-web-permits-'));
  const pool = createPool(infraEnv().databaseUrl, { schema, max: 6, application: 'web-permits-e2e' });
  const bus = new InProcessBus({ defaultPartitions: 2, logger });
  let api: RunningApi;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await build({ root: webDir, configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    await migrate(pool);
    await bus.ensureTopics([TOPICS.positions, TOPICS.alerts, TOPICS.registryChanges].map((topic) => ({ topic, partitions: 2 })));
    api = await startApi({
      bus,
      pool,
      jwtSecret: 'web-permits-e2e-secret-0123456789abcdef',
      port: 0,
      logger,
      metrics: new ServiceMetrics('web-permits-e2e', { defaultMetrics: false }),
      staticDir: outDir,
      seedUsers: [{ username: 'op-sjz', password: 'op-sjz-pass', role: 'operator', regionCode: '1301' }],
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await bus.close();
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('an operator draws a ban with its windows, is refused another region’s, writes a region-wide ban by road class, and retires one (zh, then en)', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(api.url);
    await page.fill('input[name=username]', 'op-sjz');
    await page.fill('input[name=password]', 'op-sjz-pass');
    await page.click('button[type=submit]');
    await page.click('[data-testid=tab-permits]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=permits] h3')).toBe('区域限行');

    const fill = async (banId: string, region: string) => {
      await page.fill('[data-testid=pm-f-id]', banId);
      await page.fill('[data-testid=pm-f-name]', '石家庄危化品夜间禁行区');
      await page.fill('[data-testid=pm-f-region]', region);
      await page.fill('[data-testid=pm-f-windows]', '22:00-06:00');
      await page.fill('[data-testid=pm-f-polygon]', '114.4,38.0; 114.6，38.0\n114.6,38.1; 114.4,38.1');
      await page.click('[data-testid=pm-save]');
    };
    await fill('SJZ-HAZ', '130102');
    await page.waitForSelector('[data-testid=pm-ban-row][data-ban=SJZ-HAZ]');
    expect(await page.textContent('[data-testid=pm-ban-row] [data-testid=pm-ban-windows]')).toBe('22:00–06:00');
    expect(await page.locator('[data-testid=pm-bans-map] polygon[data-ban=SJZ-HAZ]').count()).toBe(1);
    const stored = await pool.query(`SELECT region_code, polygon, windows, created_by FROM area_bans WHERE ban_id = 'SJZ-HAZ'`);
    expect(stored.rows).toEqual([
      {
        region_code: '130102',
        polygon: [
          [114.4, 38.0],
          [114.6, 38.0],
          [114.6, 38.1],
          [114.4, 38.1],
        ],
        windows: [{ from: '22:00', to: '06:00' }],
        created_by: 'op-sjz',
      },
    ]);

    // Another region's ban: the API's 403 reason where the operator looks, nothing stored.
    await fill('GZ-HAZ', '440106');
    await page.waitForFunction(() => (document.querySelector('[data-testid=pm-status]')?.textContent ?? '').includes('1301'));
    expect((await pool.query(`SELECT count(*)::int AS n FROM area_bans`)).rows[0].n).toBe(1);

    // A region-wide ban (the provincial hazmat night ban on expressways the configuration once held): no polygon.
    await page.fill('[data-testid=pm-f-id]', 'SJZ-HAZ-EXP');
    await page.fill('[data-testid=pm-f-name]', '石家庄危化品车辆高速夜间禁行');
    await page.fill('[data-testid=pm-f-region]', '130102');
    await page.fill('[data-testid=pm-f-windows]', '00:00-06:00');
    await page.fill('[data-testid=pm-f-polygon]', '');
    await page.check('[data-testid=pm-f-region-wide]');
    await page.check('[data-testid=pm-f-road-classes] input[data-road-class=expressway]');
    await page.fill('[data-testid=pm-f-valid-from]', '2026-12-01');
    await page.click('[data-testid=pm-save]');
    await page.waitForSelector('[data-testid=pm-ban-row][data-ban=SJZ-HAZ-EXP]');
    expect(await page.textContent('[data-testid=pm-ban-row][data-ban=SJZ-HAZ-EXP] [data-testid=pm-ban-scope]')).toBe('全区域：登记于 130102；高速公路');
    expect(await page.locator('[data-testid=pm-bans-map] polygon[data-ban=SJZ-HAZ-EXP]').count()).toBe(0);
    expect(
      (await pool.query(`SELECT polygon, road_classes, to_char(valid_from, 'YYYY-MM-DD') AS valid_from FROM area_bans WHERE ban_id = 'SJZ-HAZ-EXP'`)).rows,
    ).toEqual([{ polygon: null, road_classes: ['expressway'], valid_from: '2026-12-01' }]);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'web-permits.png'), fullPage: true });

    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.querySelector('[data-testid=permits] h3')?.textContent === 'Area bans');
    await page.click('[data-testid=pm-ban-row][data-ban=SJZ-HAZ] [data-testid=pm-retire]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=pm-ban-row][data-ban=SJZ-HAZ] [data-testid=pm-retire]').length === 0);
    expect((await pool.query(`SELECT retired_at IS NOT NULL AS retired FROM area_bans WHERE ban_id = 'SJZ-HAZ'`)).rows).toEqual([{ retired: true }]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
