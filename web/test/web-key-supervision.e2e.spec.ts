import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { AlertRepository, createPool, dropStorageSchema, migrate, RegistryRepository } from '@roadwatch/storage';
import { anAlert, aPosition, aVehicle, infraEnv, uniqueName } from '@roadwatch/testing';
import { startApi, type RunningApi } from '@roadwatch/api';
import { runKeySupervisionJob } from '@roadwatch/supervision';
import { builtWebApp, launchChromium, pageErrorsOf, screenshot, signIn } from './support/browser-harness';

/**
 * 重点监管 end to end: a fatigue violation and a 12-point speeding episode stored, the
 * supervision service's job lists both vehicles (and their companies); vite builds the app, the
 * real API serves it, and headless Chromium shows the company its own listing with the reason
 * and the evidence (the alert's summary), never the other company's; an operator sees the
 * listed vehicle ringed on the map, releases it with a comment (none is refused), and finds it
 * in the history.
 */
const logger = createLogger('web-key-supervision-e2e', process.env['LOG_LEVEL'] ?? 'warn');

const COACH = aVehicle({ vehicleId: 'WK-V1', plate: '京A·KS001', vehicleClass: 'tour_coach', companyId: 'WKC1', regionCode: '110105' });
const TRUCK = aVehicle({ vehicleId: 'WK-V2', plate: '京B·KS002', vehicleClass: 'heavy_truck', companyId: 'WKC2', regionCode: '110106' });

describe('web: the 重点监管 page in real Chromium against the real API and the real job', () => {
  const schema = uniqueName('web_ks');
  const pool = createPool(infraEnv().databaseUrl, { schema, max: 4, application: 'web-ks-e2e' });
  const bus = new InProcessBus({ defaultPartitions: 2, logger });
  let api: RunningApi;
  let browser: Browser;
  let publisher: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const outDir = await builtWebApp();
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await migrate(pool);
    await bus.ensureTopics([TOPICS.positions, TOPICS.alerts].map((topic) => ({ topic, partitions: 2 })));
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'WKC1', name: '一号旅游客运', regionCode: '110105' });
    await registry.upsertCompany({ companyId: 'WKC2', name: '二号物流', regionCode: '110106' });
    for (const v of [COACH, TRUCK]) await registry.upsertVehicle(v);

    // Two hours ago the coach drove over 4 h without a rest; an hour ago the truck sped in a 12-point band.
    const now = Date.now();
    await new AlertRepository(pool).upsertMany([
      anAlert({
        alertId: 'WK-FATIGUE',
        vehicleId: COACH.vehicleId,
        plate: COACH.plate,
        companyId: 'WKC1',
        rule: 'fatigue_continuous',
        severity: 'serious',
        startedAtMs: now - 6 * 3_600_000,
        raisedAtMs: now - 2 * 3_600_000,
        limitPassedAtMs: now - 2 * 3_600_000,
        summary: '连续驾驶4小时05分未休息',
        summaryEn: 'Drove 4 h 05 min without a rest',
      }),
      anAlert({
        alertId: 'WK-SPEED',
        vehicleId: TRUCK.vehicleId,
        plate: TRUCK.plate,
        companyId: 'WKC2',
        points: 12,
        severity: 'serious',
        startedAtMs: now - 3_600_000,
      }),
    ]);
    expect(await runKeySupervisionJob({ pool }, now)).toMatchObject({ ran: true, opened: 4 });

    api = await startApi({
      bus,
      pool,
      jwtSecret: 'web-ks-e2e-secret-0123456789abcdef0123',
      port: 0,
      logger,
      metrics: new ServiceMetrics('web-ks-e2e', { defaultMetrics: false }),
      staticDir: outDir,
      tickMs: 250,
      registryRefreshMs: 500,
      seedUsers: [
        { username: 'op', password: 'op-pass', role: 'operator', regionCode: '11', displayName: '监控中心' },
        { username: 'c1', password: 'c1-pass', role: 'company', companyId: 'WKC1', displayName: '一号企业' },
      ],
    });
    // Both vehicles report, so the map draws them.
    publisher = setInterval(() => {
      bus
        .publish(
          TOPICS.positions,
          [COACH, TRUCK].map((v, i) => ({
            key: v.vehicleId,
            value: aPosition({
              vehicleId: v.vehicleId,
              plate: v.plate,
              plateColour: undefined,
              deviceTimeMs: Date.now(),
              receivedAtMs: Date.now(),
              latitudeDeg: 39.9 + i * 0.02,
              longitudeDeg: 116.4 + i * 0.02,
              statusFlags: 0,
            }),
          })),
        )
        .catch((e: Error) => logger.error(e.message));
    }, 500);
    browser = await launchChromium();
  });

  afterAll(async () => {
    clearInterval(publisher);
    await browser?.close();
    await api?.close();
    await bus.close();
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
  });

  const signedInPage = async (username: string, password: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    pageErrorsOf(page, pageErrors);
    await signIn(page, api.url, username, password);
    await page.waitForFunction(() => window.__roadwatch?.map.isLoaded === true, undefined, { timeout: 15_000 });
    return page;
  };

  const rowTexts = (page: Page): Promise<string[]> =>
    page.$$eval('[data-testid=ks-table] tbody tr[data-entry]', (rows) => rows.map((r) => r.textContent ?? ''));

  it('the company sees its own listing with its reason and evidence, not the other company’s, and cannot release', async () => {
    const page = await signedInPage('c1', 'c1-pass');
    expect(await page.textContent('[data-testid=tab-key-supervision]')).toBe('重点监管');
    await page.click('[data-testid=tab-key-supervision]');
    await page.waitForSelector('[data-testid=ks-table] tbody tr[data-entry]');
    const rows = await rowTexts(page);
    expect(rows.some((r) => r.includes('京A·KS001') && r.includes('疲劳驾驶'))).toBe(true);
    expect(rows.some((r) => r.includes('一号旅游客运') && r.includes('100%车辆被列入重点监管'))).toBe(true);
    expect(rows.join('\n')).not.toContain('京B·KS002');
    expect(await page.$('[data-testid=ks-release]')).toBeNull();
    await page.click('tr[data-entry] .ks-reason[data-code=fatigue] .ks-evidence');
    await page.waitForSelector('[data-testid=ks-evidence]');
    expect(await page.textContent('[data-testid=ks-evidence]')).toContain('连续驾驶4小时05分未休息');
    await screenshot(page, 'web-key-supervision-company.png');
    await page.context().close();
  });

  it('an operator sees the listed vehicles ringed on the map, releases one with a comment (an empty one is refused), and finds it in the history', async () => {
    const page = await signedInPage('op', 'op-pass');
    // The map's vehicle source marks both listed vehicles for the ring.
    const ringed = await vi.waitUntil(
      async () => {
        const ids = await page.evaluate(async () => {
          const source = window.__roadwatch?.map.map.getSource('vehicles') as { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
          const data = await source?.getData();
          return (data?.features ?? [])
            .filter((f) => f.properties?.['key'] === 1)
            .map((f) => String(f.properties?.['id']))
            .sort();
        });
        return ids.length === 2 && ids;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(ringed).toEqual(['WK-V1', 'WK-V2']);
    // Their alerts in the feed one severity step higher (serious → 特别严重), marked as 重点监管.
    const speedRow = await page.waitForSelector('[data-alert-id=WK-SPEED]');
    expect(await (await speedRow.$('.sev'))!.textContent()).toBe('特别严重');
    expect(await (await speedRow.$('[data-testid=ks-badge]'))!.textContent()).toContain('重点监管车辆');
    await screenshot(page, 'web-key-supervision-map.png');

    await page.click('[data-testid=tab-key-supervision]');
    const truckRow = await page.waitForSelector('[data-testid=ks-table] tbody tr:has-text("京B·KS002")');
    expect(await truckRow.textContent()).toContain('严重超速（12分）');
    await (await truckRow.$('[data-testid=ks-release]'))!.click();
    await page.click('[data-testid=ks-release-confirm]');
    expect(await page.textContent('[data-testid=ks-release-error]')).toBe('请填写解除意见');
    await page.fill('[data-testid=ks-release-comment]', '经核实为测速设备误差，予以解除');
    await screenshot(page, 'web-key-supervision-release.png');
    await page.click('[data-testid=ks-release-confirm]');
    await page.waitForFunction(() => !(document.querySelector('[data-testid=ks-table]')?.textContent ?? '').includes('京B·KS002'));
    expect(await page.textContent('[data-testid=ks-status]')).toBe('已解除');

    await page.click('[data-testid=ks-history]');
    const released = await page.waitForSelector('[data-testid=ks-table] tbody tr:has-text("京B·KS002")');
    expect(await released.textContent()).toContain('人工解除');
    expect(await released.textContent()).toContain('经核实为测速设备误差，予以解除');
    await screenshot(page, 'web-key-supervision-history.png');
    // The ring goes with the listing.
    await vi.waitUntil(
      async () =>
        page.evaluate(async () => {
          const source = window.__roadwatch?.map.map.getSource('vehicles') as { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
          const data = await source?.getData();
          return (data?.features ?? []).some((f) => f.properties?.['id'] === 'WK-V2' && f.properties?.['key'] === 0);
        }),
      { timeout: 10_000, interval: 200 },
    );
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
