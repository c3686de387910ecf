import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TOPICS, type AlertV1, type OverloadViolationV1 } from '@roadwatch/contracts';
import { chinaDateOf, chinaMidnightMs, DAY_MS } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import {
  AlertRepository,
  CaseRepository,
  createPool,
  dropStorageSchema,
  migrate,
  PositionRepository,
  RegistryRepository,
  runMaintenance,
  VehicleQualityRepository,
} from '@roadwatch/storage';
import { anAlert, aPosition, aVehicle, infraEnv, overloadViolationOf, uniqueName } from '@roadwatch/testing';
import { startApi, type RunningApi } from '@roadwatch/api';
import { startCases, type RunningCases } from '@roadwatch/cases';
import { defaultRelayRange, tonightOf } from '../src/relays/relay-form';
import { builtWebApp, launchChromium, screenshot, signIn } from './support/browser-harness';

/**
 * The live map end to end: vite builds the app, the real API serves it (staticDir) over
 * real PostgreSQL and the in-process bus, and headless Chromium logs in, sees the
 * vehicles published on `telemetry.positions`, gets an alert in the feed within a
 * second, and a company user sees only its own vehicles and its own row of the 报表.
 * services/cases opens 一超四罚 cases from violations on the bus, and an enforcement
 * user takes one through 决定 → 抄告 → 结案. A company registers a 接驳运输 relay for its
 * long-distance bus and deletes it.
 */
const logger = createLogger('web-e2e', process.env['LOG_LEVEL'] ?? 'warn');

const VEHICLES = [
  { vehicleId: 'WEB-V1', plate: '京A·E2E01', vehicleClass: 'tour_coach', companyId: 'WEBC1', lon: 116.28, lat: 39.84 },
  { vehicleId: 'WEB-V2', plate: '京B·E2E02', vehicleClass: 'hazmat', companyId: 'WEBC1', lon: 116.35, lat: 39.88 },
  { vehicleId: 'WEB-V3', plate: '冀C·E2E03', vehicleClass: 'heavy_truck', companyId: 'WEBC2', lon: 116.2, lat: 39.78 },
  { vehicleId: 'WEB-V4', plate: '京D·E2E04', vehicleClass: 'long_distance_bus', companyId: 'WEBC2', lon: 116.42, lat: 39.92 },
] as const;

/** Vehicle ids in the map's GeoJSON source (the data set, before clustering). */
const vehicleIdsOnMap = (page: Page): Promise<string[]> =>
  page.evaluate(async () => {
    const app = window.__roadwatch;
    const source = app?.map.map.getSource('vehicles') as { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
    if (!source) return [];
    const data = await source.getData();
    return data.features.map((f) => String(f.properties?.['id'])).sort();
  });

/** Ids and coordinates in a place layer's GeoJSON source (WIM stations, source sites), once it has any. */
const placesOnMap = async (
  page: Page,
  layer: 'wim-stations' | 'source-sites',
  timeoutMs = 10_000,
  atLeast = 1,
): Promise<Array<{ id: string; coordinates: number[] }>> => {
  const read = () =>
    page.evaluate(async (id) => {
      const source = window.__roadwatch?.map.map.getSource(id) as { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
      if (!source) return [];
      return (await source.getData()).features.map((f) => ({
        id: String(f.properties?.['id']),
        coordinates: f.geometry.type === 'Point' ? f.geometry.coordinates : [],
      }));
    }, layer);
  // No time to wait (0 ms): what the layer holds now, even nothing.
  if (timeoutMs === 0) return read();
  return vi.waitUntil(
    async () => {
      const found = await read();
      return found.length >= atLeast && found;
    },
    { timeout: timeoutMs, interval: 200, message: `${layer} on the map` },
  );
};

const logIn = async (page: Page, url: string, username: string, password: string): Promise<void> => {
  await signIn(page, url, username, password);
  await page.waitForSelector('[data-testid=map] canvas', { timeout: 15_000 });
  await page
    .waitForFunction(() => window.__roadwatch?.map.isLoaded === true, undefined, { timeout: 15_000 })
    .catch((e: Error) => {
      throw new Error(`map did not load: ${e.message}\npage log:\n${(pageLog.get(page) ?? []).join('\n')}`);
    });
};

/** Console output per page, quoted when something fails. */
const pageLog = new WeakMap<Page, string[]>();
const recordLog = (page: Page): void => {
  const log: string[] = [];
  pageLog.set(page, log);
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
};

describe('web: live map in real Chromium against the real API', () => {
  const schema = uniqueName('web_e2e');
  const pool = createPool(infraEnv().databaseUrl, { schema, max: 4, application: 'web-e2e' });
  const bus = new InProcessBus({ defaultPartitions: 2, logger });
  let api: RunningApi;
  let cases: RunningCases;
  let browser: Browser;
  let publisher: NodeJS.Timeout | undefined;
  let step = 0;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const outDir = await builtWebApp();
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await migrate(pool);
    await bus.ensureTopics([TOPICS.positions, TOPICS.alerts, TOPICS.overloadViolations, TOPICS.caseEvents].map((topic) => ({ topic, partitions: 2 })));
    api = await startApi({
      bus,
      pool,
      jwtSecret: 'web-e2e-secret-web-e2e-secret-0123456789',
      port: 0,
      logger,
      metrics: new ServiceMetrics('web-e2e', { defaultMetrics: false }),
      staticDir: outDir,
      tickMs: 250,
      registryRefreshMs: 500,
      seedUsers: [
        { username: 'admin', password: 'admin-pass', role: 'admin', displayName: '管理员' },
        { username: 'c1', password: 'c1-pass', role: 'company', companyId: 'WEBC1', displayName: '一号企业' },
        { username: 'enf', password: 'enf-pass', role: 'enforcement', displayName: '治超执法' },
      ],
    });

    // Registry over the admin REST API, as an operator would set it up.
    const login = await fetch(`${api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-pass' }),
    });
    const { token } = (await login.json()) as { token: string };
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      expect(res.status, `${path} ${await res.clone().text()}`).toBe(201);
    };
    await post('/v1/admin/companies', { companyId: 'WEBC1', name: '一号旅游客运', regionCode: '110000' });
    await post('/v1/admin/companies', { companyId: 'WEBC2', name: '二号物流', regionCode: '110000' });
    for (const v of VEHICLES) {
      await post('/v1/admin/vehicles', {
        vehicleId: v.vehicleId,
        plate: v.plate,
        plateColour: 2,
        vehicleClass: v.vehicleClass,
        companyId: v.companyId,
        regionCode: '110000',
        terminalId: `T-${v.vehicleId}`,
      });
    }
    // The registry's fixed places (no admin REST for them yet: the registry's own upserts).
    const registry = new RegistryRepository(pool);
    await registry.upsertWimStation({ stationId: 'WEB-ST1', name: 'G4 治超站', kind: 'fixed', regionCode: '110106', latitudeDeg: 39.8, longitudeDeg: 116.25 });
    await registry.upsertSourceSite({ sourceSiteId: 'WEB-SS1', name: '石料厂', regionCode: '110111', latitudeDeg: 39.66, longitudeDeg: 116.05 });
    await new Promise((r) => setTimeout(r, 800)); // the live directory refreshes after registry changes

    // Half an hour of archived history for the tour coach (the archiver's job in production): track playback reads
    // it, and the card's "today's driving" reads it from vehicle_daily — so it must lie in today (China time): just
    // after midnight the 30 reports are squeezed into what of today has passed (at the same speed), and in the
    // first two minutes of a day the test waits for them.
    const sinceMidnightMs = Date.now() - chinaMidnightMs(Date.now());
    if (sinceMidnightMs < 120_000) await new Promise((r) => setTimeout(r, 120_000 - sinceMidnightMs));
    const historyFrom = Math.max(Date.now() - 1_800_000, chinaMidnightMs(Date.now()) + 1_000);
    const stepMs = Math.min(60_000, Math.floor((Date.now() - 5_000 - historyFrom) / 29));
    await new PositionRepository(pool).insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        ...aPosition({ vehicleId: VEHICLES[0].vehicleId, plate: VEHICLES[0].plate, plateColour: undefined, headingDeg: 45, statusFlags: 0 }),
        driverId: 'DRV-E2E',
        deviceTimeMs: historyFrom + i * stepMs,
        receivedAtMs: historyFrom + i * stepMs,
        // ~140 m a minute (8 km/h), whatever the spacing.
        latitudeDeg: 39.8 + (i * 0.001 * stepMs) / 60_000,
        longitudeDeg: 116.25 + (i * 0.001 * stepMs) / 60_000,
      })),
    );
    // Its driver (IC card) in the registry, and the daily aggregate refreshed as the archiver's upkeep would.
    await registry.upsertDriver({ driverId: 'DRV-E2E', name: '张师傅', companyId: 'WEBC1' });
    await runMaintenance(pool, { scheduler: 'absent', refreshAll: true });

    // The fleet keeps reporting, as terminals do.
    publisher = setInterval(() => {
      step++;
      void bus
        .publish(
          TOPICS.positions,
          VEHICLES.map((v) => ({
            key: v.vehicleId,
            // Each tick a step north-east, reported now.
            value: aPosition({
              vehicleId: v.vehicleId,
              plate: v.plate,
              plateColour: undefined,
              deviceTimeMs: Date.now(),
              receivedAtMs: Date.now(),
              latitudeDeg: v.lat + step * 0.00001,
              longitudeDeg: v.lon + step * 0.00002,
              headingDeg: 45,
              statusFlags: 0,
            }),
          })),
        )
        .catch((e: Error) => logger.error(e.message));
    }, 300);

    // services/cases, as deployed: it opens a case for each violation on `violations.overload`.
    cases = await startCases({ bus, pool, logger, metrics: new ServiceMetrics('web-e2e-cases', { defaultMetrics: false }) });

    browser = await launchChromium();
  });

  afterAll(async () => {
    clearInterval(publisher);
    await cases?.close();
    await browser?.close();
    await api?.close();
    await bus.close();
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
  });

  it('admin: logs in, sees every vehicle on the map, opens a card, and a severe alert reaches the feed within a second', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    recordLog(page);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // The offline basemap needs no network: every request stays on the app's origin.
    const foreign: string[] = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(api.url) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
    });
    await logIn(page, api.url, 'admin', 'admin-pass');

    const ids = await vi.waitUntil(
      async () => {
        const onMap = await vehicleIdsOnMap(page);
        return VEHICLES.map((v) => v.vehicleId).every((id) => onMap.includes(id)) && onMap;
      },
      { timeout: 15_000, interval: 200, message: 'the vehicles on the map' },
    );
    expect(ids).toEqual(VEHICLES.map((v) => v.vehicleId).sort());
    expect(await page.textContent('[data-testid=vehicle-count]')).toBe('4');

    // The registry's WIM station and source site are on their layers, where the registry puts them (offline basemap: WGS-84 as is).
    expect(await placesOnMap(page, 'wim-stations')).toEqual([{ id: 'WEB-ST1', coordinates: [116.25, 39.8] }]);
    expect(await placesOnMap(page, 'source-sites')).toEqual([{ id: 'WEB-SS1', coordinates: [116.05, 39.66] }]);
    expect(await page.evaluate(() => window.__roadwatch!.map.map.getLayoutProperty('wim-stations', 'visibility') ?? 'visible')).toBe('visible');
    await page.click('[data-testid=layer-wim-stations]');
    expect(await page.evaluate(() => window.__roadwatch!.map.map.getLayoutProperty('wim-stations', 'visibility'))).toBe('none');
    await page.click('[data-testid=layer-wim-stations]');
    expect(await page.evaluate(() => window.__roadwatch!.map.map.getLayoutProperty('wim-stations', 'visibility'))).toBe('visible');

    // Smooth motion: the drawn position glides through points that were never a reported fix.
    const motion = await page.evaluate(async () => {
      const app = window.__roadwatch!;
      const source = app.map.map.getSource('vehicles') as unknown as { getData(): Promise<GeoJSON.FeatureCollection> };
      const fixes = new Set<string>();
      const drawn = new Set<string>();
      const until = performance.now() + 1_500;
      while (performance.now() < until) {
        const fix = app.store.byId.get('WEB-V1')?.fix;
        if (fix) fixes.add([fix.lon, fix.lat].join(','));
        const f = (await source.getData()).features.find((x) => x.properties?.['id'] === 'WEB-V1');
        if (f?.geometry.type === 'Point') drawn.add(f.geometry.coordinates.join(','));
        await new Promise((r) => requestAnimationFrame(r));
      }
      return { fixes: fixes.size, drawn: drawn.size, intermediate: [...drawn].filter((d) => !fixes.has(d)).length };
    });
    expect(motion.fixes).toBeGreaterThan(1);
    expect(motion.intermediate).toBeGreaterThan(0);

    // Zoom in past clustering and click the tour coach where it is drawn: its card shows plate, company and speed.
    await page.evaluate(() => {
      const fix = window.__roadwatch!.store.byId.get('WEB-V1')!.fix!;
      window.__roadwatch!.map.map.jumpTo({ center: [fix.lon, fix.lat], zoom: 15 });
    });
    const point = await page
      .waitForFunction(
        () => {
          const m = window.__roadwatch!.map.map;
          const f = m.queryRenderedFeatures({ layers: ['vehicle-points'] }).find((x) => x.properties['id'] === 'WEB-V1');
          if (!f || f.geometry.type !== 'Point') return null;
          const p = m.project(f.geometry.coordinates as [number, number]);
          const r = m.getCanvas().getBoundingClientRect();
          return { x: r.left + p.x, y: r.top + p.y };
        },
        undefined,
        { timeout: 5_000 },
      )
      .then((h) => h.jsonValue() as Promise<{ x: number; y: number }>);
    await page.mouse.click(point.x, point.y);
    await page.waitForSelector('[data-testid=vehicle-card]:not([hidden])', { timeout: 5_000 }).catch(async (e: Error) => {
      await screenshot(page, 'web-map-card-failed.png');
      throw new Error(`${e.message} (clicked ${JSON.stringify(point)})\n${(pageLog.get(page) ?? []).join('\n')}`);
    });
    expect(await page.textContent('[data-testid=card-plate]')).toBe('京A·E2E01');
    const card = await page.textContent('[data-testid=vehicle-card]');
    expect(card).toContain('一号旅游客运');
    expect(card).toContain('公里/时');
    // Driver from the latest archived report's IC card, today's driving from vehicle_daily (an estimate, marked ≈).
    await page.waitForFunction(() => document.querySelector('[data-testid=vehicle-card]')?.textContent?.includes('张师傅 (DRV-E2E)'), undefined, {
      timeout: 5_000,
    });
    expect(await page.textContent('[data-testid=vehicle-card]')).toMatch(/今日驾驶时长≈ \d+ 小时 \d\d 分钟/);

    // Track playback from the card: the REST track is drawn, and the slider moves the head along it.
    await page.click('[data-testid=vehicle-card] button.primary');
    await page.waitForSelector('[data-testid=playback]:not([hidden])');
    await page.waitForFunction(() => document.querySelector('[data-testid=playback] .info')?.textContent?.startsWith('30 '), undefined, { timeout: 5_000 });
    const trackLength = await page.evaluate(async () => {
      const data = await (window.__roadwatch!.map.map.getSource('track') as unknown as { getData(): Promise<GeoJSON.FeatureCollection> }).getData();
      const g = data.features[0]?.geometry;
      return g?.type === 'LineString' ? g.coordinates.length : 0;
    });
    expect(trackLength).toBe(30);
    await page.$eval('[data-testid=playback] input[type=range]', (el) => {
      (el as HTMLInputElement).value = '1000';
      el.dispatchEvent(new Event('input'));
    });
    const head = await page.evaluate(async () => {
      const data = await (window.__roadwatch!.map.map.getSource('track-head') as unknown as { getData(): Promise<GeoJSON.FeatureCollection> }).getData();
      const g = data.features[0]?.geometry;
      return g?.type === 'Point' ? g.coordinates : null;
    });
    expect(head?.[0]).toBeCloseTo(116.25 + 29 * 0.001, 6);
    expect(head?.[1]).toBeCloseTo(39.8 + 29 * 0.001, 6);
    await screenshot(page, 'web-map-playback.png');
    await page.click('[data-testid=playback] header button');
    await page.evaluate(() => window.__roadwatch!.map.map.jumpTo({ center: [116.3, 39.85], zoom: 10 }));

    const alert = anAlert({
      alertId: `web-e2e-bdw-${Date.now()}`,
      vehicleId: 'WEB-V3',
      plate: '冀C·E2E03',
      companyId: 'WEBC2',
      rule: 'overload',
      severity: 'critical',
      startedAtMs: Date.now(),
      raisedAtMs: Date.now(),
      summary: '超限 62%，百吨王：实测总重 103,500 kg',
      summaryEn: 'Overload 62%, 百吨王: measured gross 103,500 kg',
      details: { isBaiDunWang: true },
      latitudeDeg: 39.78,
      longitudeDeg: 116.2,
    });
    // The arrival time is taken in the page (same machine clock), so the test's own polling
    // over CDP on a loaded CI box does not count against the one-second budget.
    await page.evaluate((alertId) => {
      const w = window as unknown as { __alertSeenAtMs?: number };
      const list = document.querySelector('[data-testid=alert-feed]')!;
      new MutationObserver((_, obs) => {
        if (list.querySelector(`[data-alert-id="${alertId}"]`)) {
          w.__alertSeenAtMs = Date.now();
          obs.disconnect();
        }
      }).observe(list, { childList: true, subtree: true });
    }, alert.alertId);
    const published = Date.now();
    await bus.publish(TOPICS.alerts, [{ key: alert.vehicleId, value: alert }]);
    // What the archiver does with it in production: acknowledgement needs the stored alert.
    await new AlertRepository(pool).upsertMany([alert]);
    const row = await page.waitForSelector(`[data-alert-id="${alert.alertId}"]`, { timeout: 5_000 });
    const seenAtMs = await page.evaluate(() => (window as unknown as { __alertSeenAtMs?: number }).__alertSeenAtMs);
    expect(seenAtMs! - published).toBeLessThan(1_000);
    expect(await row.getAttribute('class')).toContain('flash');
    expect(await row.textContent()).toContain('百吨王');

    // The alarmed vehicle is drawn in the alarm status.
    await page.waitForFunction(
      async () => {
        const source = window.__roadwatch!.map.map.getSource('vehicles') as unknown as { getData(): Promise<GeoJSON.FeatureCollection> };
        const data = await source.getData();
        return data.features.some((f) => f.properties?.['id'] === 'WEB-V3' && f.properties?.['status'] === 'alarm');
      },
      undefined,
      { timeout: 3_000 },
    );

    await screenshot(page, 'web-map-admin.png');
    expect(foreign).toEqual([]);

    // The operator acknowledges it: the row says so and the truck leaves the alarm status.
    const rowSel = `[data-alert-id="${alert.alertId}"]`;
    await page.click(`${rowSel} .ack-btn`);
    await page.fill(`${rowSel} .ack-form input`, '已通知路政拦截');
    await page.click(`${rowSel} .ack-form button[type=submit]`);
    await page.waitForSelector(`${rowSel} .acked-by`, { timeout: 5_000 });
    expect(await page.textContent(`${rowSel} .acked-by`)).toContain('admin');
    await page.waitForFunction(
      async () => {
        const source = window.__roadwatch!.map.map.getSource('vehicles') as unknown as { getData(): Promise<GeoJSON.FeatureCollection> };
        const data = await source.getData();
        return data.features.some((f) => f.properties?.['id'] === 'WEB-V3' && f.properties?.['status'] !== 'alarm');
      },
      undefined,
      { timeout: 3_000 },
    );

    // Clustered at low zoom: the four vehicles become one cluster with an HTML count label.
    await page.evaluate(() => window.__roadwatch!.map.map.jumpTo({ center: [116.3, 39.85], zoom: 6 }));
    await page.waitForFunction(
      () => window.__roadwatch!.map.map.querySourceFeatures('vehicles', { filter: ['has', 'point_count'] }).some((f) => f.properties['point_count'] === 4),
      undefined,
      { timeout: 5_000 },
    );
    await page.waitForFunction(() => [...document.querySelectorAll('.cluster-label')].some((el) => el.textContent === '4'), undefined, { timeout: 5_000 });

    // The cases tab lists the API's 一超四罚 cases (none in this scenario: the empty state).
    await page.click('[data-testid=tab-cases]');
    await page.waitForSelector('[data-testid=case-list] .feed-empty', { timeout: 5_000 });
    expect(await page.textContent('[data-testid=case-list]')).toBe('暂无案件');
    await page.click('.tabs .tab:first-child');

    // English is one click away.
    const summarySel = `[data-alert-id="${alert.alertId}"] .summary`;
    expect(await page.textContent(summarySel)).toBe('超限 62%，百吨王：实测总重 103,500 kg');
    await page.click('[data-testid=lang-toggle]');
    expect(await page.textContent('.feed h3')).toBe('Live alerts');
    expect(await page.textContent(summarySel)).toBe('Overload 62%, 百吨王: measured gross 103,500 kg');
    await page.click('[data-testid=lang-toggle]');
    expect(await page.textContent('.feed h3')).toBe('实时报警');
    expect(await page.textContent(summarySel)).toBe('超限 62%，百吨王：实测总重 103,500 kg');
    await page.close();
  });

  it('a company user sees only its own vehicles and alerts', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    recordLog(page);
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await logIn(page, api.url, 'c1', 'c1-pass');
    const ids = await vi.waitUntil(
      async () => {
        const onMap = await vehicleIdsOnMap(page);
        return ['WEB-V1', 'WEB-V2'].every((id) => onMap.includes(id)) && onMap;
      },
      { timeout: 15_000, interval: 200, message: 'the vehicles on the map' },
    );
    expect(ids).toEqual(['WEB-V1', 'WEB-V2']);
    // Several more ticks: the other company's vehicles never arrive.
    await page.waitForTimeout(1_500);
    expect(await vehicleIdsOnMap(page)).toEqual(['WEB-V1', 'WEB-V2']);
    // No WIM station layer for a company (the API would refuse it), and the source site is not its company's.
    expect(await page.$('[data-testid=layer-wim-stations]')).toBeNull();
    expect(await placesOnMap(page, 'source-sites', 0)).toEqual([]);
    expect(await placesOnMap(page, 'wim-stations', 0)).toEqual([]);

    const foreign = anAlert({
      alertId: `web-e2e-foreign-${Date.now()}`,
      vehicleId: 'WEB-V4',
      plate: '京D·E2E04',
      companyId: 'WEBC2',
      severity: 'serious',
      startedAtMs: Date.now(),
      raisedAtMs: Date.now(),
      summary: '超速 40%',
    });
    const own: AlertV1 = {
      ...foreign,
      alertId: `web-e2e-own-${Date.now()}`,
      vehicleId: 'WEB-V2',
      plate: '京B·E2E02',
      companyId: 'WEBC1',
      rule: 'fatigue_continuous',
      summary: '连续驾驶 4 小时 20 分',
    };
    await bus.publish(TOPICS.alerts, [{ key: foreign.vehicleId, value: foreign }]);
    await bus.publish(TOPICS.alerts, [{ key: own.vehicleId, value: own }]);
    await page.waitForSelector(`[data-alert-id="${own.alertId}"]`, { timeout: 5_000 });
    expect(await page.$(`[data-alert-id="${foreign.alertId}"]`)).toBeNull();
    expect(await page.textContent('[data-testid=user]')).toContain('WEBC1');
    await screenshot(page, 'web-map-company.png');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('an enforcement user opens on the cases tab and never calls what its role may not see', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    recordLog(page);
    const refused: string[] = [];
    page.on('response', (r) => r.status() >= 400 && refused.push(`${r.status()} ${r.url()}`));
    await signIn(page, api.url, 'enf', 'enf-pass');
    await page.waitForSelector('[data-testid=cases]:not([hidden]) [data-testid=case-list] li', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=case-list]')).toBe('暂无案件');
    // Enforcement sees the WIM station on the map.
    expect((await placesOnMap(page, 'wim-stations')).map((p) => p.id)).toEqual(['WEB-ST1']);
    await page.waitForTimeout(1_000);
    expect(refused).toEqual([]);
    expect((pageLog.get(page) ?? []).filter((l) => l.startsWith('[error]') || l.startsWith('[pageerror]'))).toEqual([]);
    await page.close();
  });

  it("a company user opens 报表 and sees its own company's row only: 上线率 and the quality rates, those below the assessment floors marked", async () => {
    // Today's quality counters (the detector's job): 数据合格率 70% and a drifting vehicle score zero; 轨迹完整率 95% does not.
    await new VehicleQualityRepository(pool).upsertMany([
      {
        v: 1,
        vehicleId: 'WEB-V1',
        date: chinaDateOf(Date.now()),
        final: false,
        computedAtMs: Date.now(),
        received: 100,
        valid: 69,
        invalid: 30,
        drift: 1,
        duplicate: 0,
        late: 0,
        trackM: 20_000,
        completeTrackM: 19_000,
        incompleteGaps: 1,
        movedThroughGaps: 0,
      },
    ]);
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    recordLog(page);
    await logIn(page, api.url, 'c1', 'c1-pass');
    await page.click('[data-testid=tab-reports]');
    await page.waitForSelector('[data-testid=reports]:not([hidden]) [data-testid=report-table] tbody tr', { timeout: 10_000 });
    // Only its own company, whatever else the registry holds (WEBC2 has vehicles too).
    expect(await page.$$eval('[data-testid=report-table] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-company-id')))).toEqual(['WEBC1']);
    const cell = (col: string) => page.textContent(`[data-testid=report-table] tbody tr td[data-col="report.${col}"]`);
    // Two vehicles, one with archived reports in the last hour: 上线率 50.0%.
    expect(await cell('company')).toBe('一号旅游客运');
    expect(await cell('vehicles')).toBe('2');
    expect(await cell('onlineRate')).toBe('50.0%');
    expect(await cell('trackCompleteness')).toBe('95.0%');
    expect(await cell('dataQualifiedRate')).toBe('70.0%');
    expect(await cell('driftVehicleRate')).toBe('100.0%');
    const marked = await page.$$eval('[data-testid=report-table] td.below-floor', (tds) => tds.map((td) => td.getAttribute('data-col')));
    expect(marked).toEqual(['report.dataQualifiedRate', 'report.driftVehicleRate']);
    // The default range is the last 7 local days.
    const from = await page.inputValue('[data-testid=report-from]');
    const to = await page.inputValue('[data-testid=report-to]');
    expect(to).toBe(chinaDateOf(Date.now()));
    expect(Date.parse(to) - Date.parse(from)).toBe(6 * 86_400_000);
    // A range over 31 days is refused in the page, before any request.
    await page.fill('[data-testid=report-from]', '2020-01-01');
    await page.click('.report-form button[type=submit]');
    expect(await page.textContent('[data-testid=report-status]')).toBe('每次最多查询31天');
    // The CSV is the API's file of the rows on screen.
    await page.fill('[data-testid=report-from]', from);
    await page.click('.report-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('[data-testid=report-status]')?.textContent === '');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-export]')]);
    expect(download.suggestedFilename()).toBe(`company-report_${from}_${to}.csv`);
    await screenshot(page, 'web-reports-company.png');
    // Back to the map.
    await page.click('[data-testid=view-map]');
    expect(await page.$('[data-testid=reports]:not([hidden])')).toBeNull();
    expect((pageLog.get(page) ?? []).filter((l) => l.startsWith('[error]') || l.startsWith('[pageerror]'))).toEqual([]);
    await page.close();
  });

  it("an enforcement user opens a case and takes it through 决定, 抄告 and 结案; the API's refusal is shown as it said it", async () => {
    // Two 百吨王 weighings of the heavy truck at the WIM station, as ingest-wim and the overload rule produce them.
    const violationAt = (measuredAtMs: number): OverloadViolationV1 =>
      overloadViolationOf({
        stationId: 'WEB-ST1',
        recordId: String(measuredAtMs),
        plate: '冀C·E2E03',
        measuredAtMs,
        grossKg: 102_000,
        vehicle: aVehicle({ vehicleId: 'WEB-V3', plate: '冀C·E2E03', companyId: 'WEBC2', regionCode: undefined }),
        decidedAtMs: measuredAtMs,
        measurement: { speedKmh: 30, receivedAtMs: measuredAtMs },
      });
    const first = violationAt(Date.now() - 7_200_000);
    const second = violationAt(Date.now() - 3_600_000);
    await bus.publish(
      TOPICS.overloadViolations,
      [first, second].map((v) => ({ key: v.vehicleId, value: v })),
    );
    const store = new CaseRepository(pool);
    const caseIds = [first, second].map((v) => `case:${v.violationId}`);
    for (const id of caseIds) {
      await vi.waitUntil(async () => (await store.get(id))?.penalties.length === 4, { timeout: 10_000, interval: 100, message: `${id}: four penalties` });
      expect((await store.get(id))?.penalties, id).toHaveLength(4);
    }
    const [caseA, caseB] = caseIds as [string, string];

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    recordLog(page);
    await signIn(page, api.url, 'enf', 'enf-pass');
    const row = (id: string) => `[data-testid=case-list] [data-case-id="${id}"]`;
    await page.waitForSelector(row(caseA), { timeout: 15_000 });
    const status = () => page.getAttribute('[data-testid=case-detail] [data-testid=case-status]', 'data-status');
    const statusText = () => page.textContent('[data-testid=case-detail] [data-testid=case-status]');

    // Two officers at once: while this one has case B's decision form open, another decides it; the API's 409 is shown.
    await page.click(row(caseB));
    await page.waitForSelector('[data-testid=case-detail] [data-action=decide]');
    await page.click('[data-testid=case-detail] [data-action=decide]');
    const enfLogin = await fetch(`${api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'enf', password: 'enf-pass' }),
    });
    const { token } = (await enfLogin.json()) as { token: string };
    const other = await fetch(`${api.url}/v1/cases/${encodeURIComponent(caseB)}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(other.status).toBe(200);
    await page.click('[data-testid=case-form-decide] button[type=submit]');
    await page.waitForFunction(() => document.querySelector('[data-testid=case-action-error]')?.textContent?.includes('already decided'), undefined, {
      timeout: 5_000,
    });
    expect(await page.textContent('[data-testid=case-action-error]')).toBe(`操作失败: case ${caseB} is already decided`);
    await page.click('[data-testid=case-detail] .case-back');

    // Case A: the four parties (driver and source unit still to be established), 百吨王 flagged for review.
    await page.waitForSelector(row(caseA));
    await page.click(row(caseA));
    await page.waitForSelector('[data-testid=case-detail] [data-testid=case-parties]');
    expect(await status()).toBe('opened');
    expect(await statusText()).toBe('待处理');
    expect(await page.$$eval('[data-testid=case-parties] dd', (dds) => dds.map((d) => d.getAttribute('data-party')))).toEqual([
      'driver',
      'vehicle_owner',
      'transport_company',
      'source_unit',
    ]);
    expect(await page.textContent('[data-testid=case-parties] dd[data-party=driver]')).toBe('待查明');
    expect(await page.textContent('[data-testid=case-review]')).toContain('百吨王');
    // The driver's basis in Chinese by default, with its figures (confirmed 96,900 kg, ≥ 50% over: 6 points, ¥500–2,000).
    const driverBasis = () => page.textContent('[data-testid=case-penalties] [data-party=driver] .case-basis');
    expect(await driverBasis()).toMatch(
      /^依据: \(96900 − \d+\) \/ \d+ = [\d.]+%，超过.+：记6分（记分办法），罚款¥500–2000（道交法 第92条）；罚款由执法人员在幅度内决定（道交法 第92条）$/,
    );
    expect(await page.textContent('[data-testid=case-deadline]')).toContain('作出决定后计算');
    expect(await page.$$eval('[data-testid=case-events] li', (lis) => lis.length)).toBe(9);

    // 决定: a driver's fine outside ¥500–¥2,000 is refused in the page; within it, the case is decided.
    await page.click('[data-testid=case-detail] [data-action=decide]');
    await page.fill('[data-testid=case-form-decide] input[name=fine-driver]', '3000');
    await page.click('[data-testid=case-form-decide] button[type=submit]');
    expect(await page.textContent('[data-testid=case-form-decide] fieldset[data-party=driver] .case-error')).toBe('超出法定幅度 ¥500–¥2,000');
    expect(await status()).toBe('opened');
    await page.fill('[data-testid=case-form-decide] input[name=fine-driver]', '800');
    // The source unit's fine only with its conduct established, within that conduct's range (第71条: ¥10,000–30,000).
    await page.selectOption('[data-testid=case-form-decide] select[name=conduct-source_unit]', 'let_overloaded_leave');
    await page.fill('[data-testid=case-form-decide] input[name=fine-source_unit]', '12000');
    await screenshot(page, 'web-case-decide.png');
    await page.fill('[data-testid=case-form-decide] input[name=comment]', '现场核实');
    await page.click('[data-testid=case-form-decide] button[type=submit]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=case-detail] [data-testid=case-status]')?.getAttribute('data-status') === 'decided',
      undefined,
      { timeout: 5_000 },
    );
    expect(await statusText()).toBe('已决定');
    expect(await page.textContent('[data-testid=case-penalties] [data-party=driver]')).toContain('¥800');
    expect(await page.textContent('[data-testid=case-penalties] [data-party=source_unit]')).toContain('¥12,000');
    expect(await page.textContent('[data-testid=case-deadline]')).toMatch(/应于\d{4}-\d{2}-\d{2}前抄告/);

    // 抄告 to the vehicle's home authority; the authority is required.
    await page.click('[data-testid=case-detail] [data-action=report]');
    await page.click('[data-testid=case-form-report] button[type=submit]');
    expect(await page.textContent('[data-testid=case-form-report] [data-testid=case-action-error]')).toBe('抄告单位: 必填');
    await page.fill('[data-testid=case-form-report] input[name=reportedTo]', '河北省沧州市交通运输局');
    await page.fill('[data-testid=case-form-report] input[name=reference]', '京治超抄〔2026〕18号');
    await page.click('[data-testid=case-form-report] button[type=submit]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=case-detail] [data-testid=case-status]')?.getAttribute('data-status') === 'reported',
      undefined,
      { timeout: 5_000 },
    );
    expect(await statusText()).toBe('已抄告');
    expect(await page.$$eval('[data-testid=case-detail] [data-action]', (bs) => bs.map((b) => b.getAttribute('data-action')))).toEqual(['close']);

    // 结案 with its outcome.
    await page.click('[data-testid=case-detail] [data-action=close]');
    await page.selectOption('[data-testid=case-form-close] select[name=outcome]', 'penalties_executed');
    await page.fill('[data-testid=case-form-close] input[name=comment]', '罚款已缴');
    await page.click('[data-testid=case-form-close] button[type=submit]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=case-detail] [data-testid=case-status]')?.getAttribute('data-status') === 'closed',
      undefined,
      { timeout: 5_000 },
    );
    expect(await statusText()).toBe('已结案');
    expect(await page.$('[data-testid=case-actions]')).toBeNull();
    const log = await page.$$eval('[data-testid=case-events] li', (lis) => lis.map((li) => li.getAttribute('data-type')));
    expect(log.slice(-3)).toEqual(['decided', 'reported', 'closed']);
    expect(await page.textContent('[data-testid=case-events] li[data-type=closed]')).toContain('处罚已执行 · 罚款已缴');
    await screenshot(page, 'web-case-closed.png');
    // In English too, re-rendered in place.
    await page.click('[data-testid=lang-toggle]');
    expect(await statusText()).toBe('Closed');
    expect(await page.textContent('[data-testid=case-parties] dd[data-party=driver]')).toBe('To be established');
    expect(await page.textContent('[data-testid=case-events] li[data-type=closed]')).toContain('Penalties executed');
    // The same basis and the 第44条 deadline in English, the same figures.
    expect(await driverBasis()).toMatch(
      /^Basis: \(96900 − \d+\) \/ \d+ = [\d.]+% over .+: 6 points \(记分办法\), fine ¥500–2000 \(道交法 第92条\); fine decided by the officer within the range \(道交法 第92条\)$/,
    );
    expect(await page.textContent('[data-testid=case-deadline]')).toMatch(
      /decision \d{4}-\d{2}-\d{2} \+ 7 working days → report by \d{4}-\d{2}-\d{2} \(超限规定 第44条\)/,
    );
    await page.click('[data-testid=lang-toggle]');
    expect(await driverBasis()).toContain('记6分（记分办法）');

    // The list says so too.
    await page.click('[data-testid=case-detail] .case-back');
    await page.waitForFunction((id) => document.querySelector(`[data-case-id="${id}"] .case-status`)?.textContent === '已结案', caseA, { timeout: 5_000 });
    expect((pageLog.get(page) ?? []).filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    await page.close();
  });

  it("a company user registers a 接驳运输 relay for its own bus tonight, sees it listed, and deletes it; another company's vehicles and relays are not offered", async () => {
    // The company's long-distance bus (三类以上班线, route 420 km: the 02:00–05:00 rule applies), in the registry tables.
    await new RegistryRepository(pool).upsertVehicle({
      vehicleId: 'WEB-V5',
      plate: '京E·E2E05',
      plateColour: 1,
      vehicleClass: 'long_distance_bus',
      companyId: 'WEBC1',
      regionCode: '110000',
      routeKm: 420,
    });
    const tonight = tonightOf(Date.now());
    // Another company's bus has a relay tonight (registered by the administrator): not the company's to see.
    const adminLogin = await fetch(`${api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-pass' }),
    });
    const { token: adminToken } = (await adminLogin.json()) as { token: string };
    const asAdmin = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };
    const foreign = await fetch(`${api.url}/v1/relays`, {
      method: 'POST',
      headers: asAdmin,
      body: JSON.stringify({
        vehicleId: 'WEB-V4',
        nightDate: tonight,
        relayPoint: '京台高速 德州服务区',
        handingOverDriver: '王师傅',
        takingOverDriver: '赵师傅',
      }),
    });
    expect(foreign.status, await foreign.clone().text()).toBe(201);
    const foreignRelayId = ((await foreign.json()) as { relayId: string }).relayId;

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    recordLog(page);
    await logIn(page, api.url, 'c1', 'c1-pass');
    await page.click('[data-testid=tab-relays]');
    await page.waitForSelector('[data-testid=relays]:not([hidden])');
    // The vehicles offered: the company's tour coach and bus, by plate; not its hazmat truck, nor WEBC2's bus.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=relay-vehicle] option[value]:not([value=""])').length > 0, undefined, {
      timeout: 10_000,
    });
    expect(await page.$$eval('[data-testid=relay-vehicle] option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean))).toEqual([
      'WEB-V1',
      'WEB-V5',
    ]);
    expect(await page.textContent('[data-testid=relay-vehicle] option[value=WEB-V5]')).toBe('京E·E2E05 · 三类以上班线客车');
    // Tonight and the next seven nights; the form's night is tonight (China time). None registered in its scope.
    expect(await page.inputValue('[data-testid=relay-from]')).toBe(defaultRelayRange(Date.now()).fromDate);
    expect(await page.inputValue('[data-testid=relay-to]')).toBe(defaultRelayRange(Date.now()).toDate);
    expect(await page.inputValue('[data-testid=relay-nightDate]')).toBe(tonight);
    await page.waitForFunction(() => document.querySelector('[data-testid=relay-status]')?.textContent === '该时段无接驳登记', undefined, { timeout: 5_000 });
    expect(await page.$$('[data-testid=relay-table] tbody tr')).toHaveLength(0);

    const issue = (field: string) => page.textContent(`[data-testid=relay-form] .field-issue[data-field=${field}]`);
    const requests: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/v1/relays') && requests.push(r.url()));
    // Checked in the page against the contract: nothing is sent while a field is missing or the drivers are one.
    await page.selectOption('[data-testid=relay-vehicle]', 'WEB-V5');
    await page.fill('[data-testid=relay-handingOverDriver]', '张师傅');
    await page.fill('[data-testid=relay-takingOverDriver]', '张师傅');
    await page.fill('[data-testid=relay-latitudeDeg]', '39.4866');
    await page.click('[data-testid=relay-form] button[type=submit]');
    expect(await issue('relayPoint')).toBe('必填');
    expect(await issue('takingOverDriver')).toBe('接班驾驶员须为另一名驾驶员');
    expect(await issue('longitudeDeg')).toBe('经纬度须同时填写');
    expect(requests).toEqual([]);
    // A night that is over is the API's to refuse: its 400 is shown beside the night.
    const longAgo = chinaDateOf(Date.now() - 3 * DAY_MS);
    await page.fill('[data-testid=relay-nightDate]', longAgo);
    await page.fill('[data-testid=relay-relayPoint]', '京港澳高速 涿州服务区');
    await page.fill('[data-testid=relay-takingOverDriver]', '李师傅');
    await page.fill('[data-testid=relay-longitudeDeg]', '115.9741');
    await page.click('[data-testid=relay-form] button[type=submit]');
    await page.waitForFunction(() => document.querySelector('[data-testid=relay-form] .field-issue[data-field=nightDate]')?.textContent !== '', undefined, {
      timeout: 5_000,
    });
    expect(await issue('nightDate')).toMatch(
      /^the night is over: a company registers from \d{4}-\d{2}-\d{2} on \(the monitoring centre registers past nights\)$/,
    );
    expect(await page.textContent('[data-testid=relay-form-error]')).toMatch(/^登记失败: /);
    expect(await issue('relayPoint')).toBe('');

    expect(requests).toHaveLength(1);
    // Tonight, with the relay point's coordinates: registered and listed.
    await page.fill('[data-testid=relay-nightDate]', tonight);
    await page.click('[data-testid=relay-form] button[type=submit]');
    const row = '[data-testid=relay-table] tbody tr[data-vehicle-id=WEB-V5]';
    await page.waitForSelector(row, { timeout: 5_000 });
    expect(await page.textContent('[data-testid=relay-form-ok]')).toBe(`已登记: 京E·E2E05 ${tonight}`);
    expect(await page.$$eval('[data-testid=relay-table] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-vehicle-id')))).toEqual(['WEB-V5']);
    const cell = (col: string) => page.textContent(`${row} td[data-col=${col}]`);
    expect(await cell('plate')).toBe('京E·E2E05');
    expect(await cell('night')).toBe(tonight);
    expect(await cell('relayPoint')).toBe('京港澳高速 涿州服务区 (39.48660, 115.97410)');
    expect(await cell('drivers')).toBe('张师傅 → 李师傅');
    expect(await cell('registeredBy')).toBe('c1');
    const listed = async () =>
      (
        (await (await fetch(`${api.url}/v1/relays?fromDate=${tonight}&toDate=${tonight}`, { headers: asAdmin })).json()) as {
          items: Array<{ vehicleId: string; registeredBy: string }>;
        }
      ).items;
    expect((await listed()).map((r) => `${r.vehicleId}/${r.registeredBy}`).sort()).toEqual(['WEB-V4/admin', 'WEB-V5/c1']);
    await screenshot(page, 'web-relays-company.png');

    // Deleting asks first; cancelled, the registration stays.
    await page.click(`${row} [data-action=delete]`);
    expect(await page.textContent(`${row} td.confirming`)).toContain('确认删除该登记？');
    await page.click(`${row} [data-action=cancel-delete]`);
    expect(await page.$(`${row} [data-action=delete]`)).not.toBeNull();
    expect(await listed()).toHaveLength(2);
    await page.click(`${row} [data-action=delete]`);
    await page.click(`${row} [data-action=confirm-delete]`);
    await page.waitForSelector(row, { state: 'detached', timeout: 5_000 });
    expect(await page.textContent('[data-testid=relay-status]')).toBe('该时段无接驳登记');
    expect((await listed()).map((r) => r.vehicleId)).toEqual(['WEB-V4']);

    // In English too.
    await page.click('[data-testid=lang-toggle]');
    expect(await page.textContent('[data-testid=tab-relays]')).toBe('Relays');
    expect(await page.textContent('[data-testid=relay-vehicle] option[value=WEB-V5]')).toBe('京E·E2E05 · Long-distance bus');
    await page.click('[data-testid=lang-toggle]');
    expect((pageLog.get(page) ?? []).filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    await page.close();
    await fetch(`${api.url}/v1/relays/${encodeURIComponent(foreignRelayId)}`, { method: 'DELETE', headers: asAdmin });
  });
});
