import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CaseProposer, CaseUnitOfWork, OpenCaseUseCase, SourceTraceAtOpening } from '@roadwatch/case-lifecycle';
import { TOPICS } from '@roadwatch/contracts';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_PENALTY_CONFIG } from '@roadwatch/rules';
import { PositionRepository, RegistryRepository, TargetingRepository } from '@roadwatch/storage';
import { aVehicle, overloadViolationOf, trackArrivingAt, type LonLat } from '@roadwatch/testing';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * 源头倒查's map side end to end (issue #15): vite builds the app, the real API serves it over
 * real PostgreSQL, headless Chromium drives it. The admin draws a new polygon for a source site
 * on the map (terra-draw) and saves it — read back over HTTP — after a crossing ring was refused
 * naming its edges; an enforcement officer opens a grade-B case, sees its 货源地倒查 map (track,
 * both candidate geofences, stops) and confirms one candidate (read back); the source-unit ranking
 * then counts that trip; the 布控线索 page lists a targeting lead and the officer refers it.
 */
const HOUR = 3_600_000;
const T_W = Date.now() - 2 * HOUR;
const SITE_1: LonLat = [113.3, 23.2];
const SITE_2: LonLat = [113.302, 23.202];
const square = ([lon, lat]: LonLat, halfDeg: number): LonLat[] => [
  [lon - halfDeg, lat - halfDeg],
  [lon + halfDeg, lat - halfDeg],
  [lon + halfDeg, lat + halfDeg],
  [lon - halfDeg, lat + halfDeg],
];

describe('web: geofence editing, the trace map and confirmation, the ranking and 布控线索 in real Chromium', () => {
  let platform: BrowserPlatform;
  let browser: Browser;
  let caseId = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-source-trace-e2e',
      topics: [TOPICS.positions, TOPICS.alerts, TOPICS.registryChanges, TOPICS.caseEvents],
      seed: async ({ pool }) => {
        const registry = new RegistryRepository(pool);
        await registry.upsertCompany({ companyId: 'WT1', name: '广州一号物流', regionCode: '440106' });
        await registry.upsertVehicle({ vehicleId: '粤A10001:2', plate: '粤A10001', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'WT1' });
        await pool.query(
          `INSERT INTO companies (company_id, name, region_code, kind) VALUES ('S1', '甲砂石有限公司', '440106', 'source_unit'), ('S2', '乙矿业有限公司', '440106', 'source_unit')`,
        );
        // Two overlapping quarries (a stop in both → grade B), and a yard with only its point, whose polygon the admin draws.
        await pool.query(
          `INSERT INTO source_sites (source_site_id, name, company_id, region_code, geofence_polygon, site_kind, latitude_deg, longitude_deg) VALUES
             ('SITE-1', '甲料场', 'S1', '440106', $1::jsonb, 'sand_gravel', NULL, NULL),
             ('SITE-2', '乙矿山', 'S2', '440106', $2::jsonb, 'mine', NULL, NULL),
             ('SITE-E', '丙堆场', 'S1', '440106', NULL, NULL, 23.1, 113.2)`,
          [JSON.stringify(square(SITE_1, 0.004)), JSON.stringify(square(SITE_2, 0.004))],
        );
        await new PositionRepository(pool).insertMany(
          trackArrivingAt({
            vehicleId: '粤A10001:2',
            start: [113.25, 23.2],
            legs: [{ to: [113.301, 23.201], speedKmh: 40 }, { forMs: 30 * 60_000 }, { to: [113.4, 23.2], speedKmh: 30 }],
            arriveAtMs: T_W,
          }),
        );
        const violation = overloadViolationOf({
          stationId: 'ST1',
          recordId: 'WT-1',
          plate: '粤A10001',
          measuredAtMs: T_W,
          grossKg: 60_000,
          vehicle: aVehicle({ vehicleId: '粤A10001:2', plate: '粤A10001', plateColour: 2, companyId: 'WT1', regionCode: '440106' }),
          decidedAtMs: T_W,
          measurement: { plateColour: 2, direction: 'N', speedKmh: 30, receivedAtMs: T_W },
        });
        const open = new OpenCaseUseCase(
          new CaseUnitOfWork(pool),
          new CaseProposer({ penaltyConfig: DEFAULT_PENALTY_CONFIG, overloadConfig: DEFAULT_OVERLOAD_CONFIG, stationSourceSites: {} }),
          new SourceTraceAtOpening(),
        );
        caseId = (await open.execute({ violation, nowMs: Date.now() })).caseId;
        await new TargetingRepository(pool).record({
          targetingId: 'tg:cloned:WT-1',
          kind: 'cloned_plate',
          plate: '粤B77777',
          plateColour: 2,
          stationId: 'ST1',
          occurredAtMs: T_W,
          regionCode: '440106',
          priority: 'high',
          evidence: { reasons: [{ zh: '同一车牌30分钟内相距120公里', en: 'One plate 120 km apart within 30 min' }] },
        });
      },
      api: {
        seedUsers: [
          { username: 'admin', password: 'admin-pass', role: 'admin' },
          { username: 'enf', password: 'enf-pass', role: 'enforcement', regionCode: '44' },
        ],
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    pageErrorsOf(page, pageErrors);
    return page;
  };
  const tokenOf = async (username: string, password: string): Promise<string> => {
    const res = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return ((await res.json()) as { token: string }).token;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies
  const getJson = async (path: string, token: string): Promise<any> =>
    (await fetch(`${platform.api.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();

  it('the admin draws a polygon for a site on the map and saves it (a crossing ring refused naming its edges first), then a circle with a typed radius; read back over HTTP', async () => {
    const page = await newPage();
    await signIn(page, platform.api.url, 'admin', 'admin-pass');
    await page.click('[data-testid=tab-sites]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=site-row-SITE-E]');
    expect(await page.textContent('[data-testid=source-sites] h3')).toBe('货运源头单位与电子围栏');
    expect(await page.inputValue('[data-testid=kind-zh-sand_gravel]')).toBe('砂石料场');
    await page.click('[data-testid=site-row-SITE-E]');
    await page.waitForFunction(() => document.querySelector('[data-testid=sites-editing]')?.textContent?.includes('丙堆场'));
    // The stored point's 200 m circle is loaded for editing.
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid=site-radius]')?.value === '200');

    const map = (await page.locator('[data-testid=sites-map]').boundingBox())!;
    const at = (dx: number, dy: number) => ({ x: map.x + map.width / 2 + dx, y: map.y + map.height / 2 + dy });
    const drawRing = async (points: Array<{ x: number; y: number }>) => {
      await page.click('[data-testid=draw-clear]');
      await page.click('[data-testid=draw-polygon]');
      for (const p of points) {
        await page.mouse.move(p.x, p.y, { steps: 3 });
        await page.mouse.click(p.x, p.y);
      }
      // Closing on the first vertex finishes the polygon.
      await page.mouse.move(points[0]!.x, points[0]!.y, { steps: 3 });
      await page.mouse.click(points[0]!.x, points[0]!.y);
    };

    // A bow tie: the save is refused with the crossing edges named, nothing stored.
    await drawRing([at(-80, -60), at(80, 60), at(80, -60), at(-80, 60)]);
    await page.click('[data-testid=site-save]');
    await page.waitForFunction(() => /edge \d+ .*meets edge \d+/.test(document.querySelector('[data-testid=site-save-error]')?.textContent ?? ''));
    const admin = await tokenOf('admin', 'admin-pass');
    expect((await getJson('/v1/admin/source-sites/SITE-E', admin)).geofencePolygon).toBeUndefined();

    await drawRing([at(-80, -60), at(80, -60), at(100, 50), at(-60, 70)]);
    await page.selectOption('[data-testid=site-kind]', 'logistics_park');
    await page.check('[data-testid=site-key]');
    await page.click('[data-testid=site-save]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=sites-status]')?.textContent ?? '').startsWith('已保存'));
    expect(await page.textContent('[data-testid=site-save-error]')).toBe('');
    const saved = await getJson('/v1/admin/source-sites/SITE-E', admin);
    expect(saved).toMatchObject({ siteKind: 'logistics_park', keySite: true, latitudeDeg: 23.1, longitudeDeg: 113.2 });
    expect(saved.geofenceRadiusM).toBeUndefined();
    expect(saved.geofencePolygon).toHaveLength(4);
    // Drawn around the map's centre (the site's 200 m circle framed): every vertex within a few hundred metres of the site.
    for (const [lon, lat] of saved.geofencePolygon as LonLat[]) {
      expect(Math.abs(lon - 113.2)).toBeLessThan(0.01);
      expect(Math.abs(lat - 23.1)).toBeLessThan(0.01);
    }
    await page.waitForFunction(() => (document.querySelector('[data-testid=site-row-SITE-E]')?.textContent ?? '').includes('多边形 · 4'));
    await screenshot(page, 'web-source-sites');

    // A circle instead: placed by dragging out from its centre, its radius then typed; the polygon goes.
    await page.click('[data-testid=draw-clear]');
    await page.click('[data-testid=draw-circle]');
    const centre = at(0, 0);
    await page.mouse.move(centre.x, centre.y, { steps: 2 });
    await page.mouse.click(centre.x, centre.y);
    await page.mouse.move(centre.x + 60, centre.y, { steps: 5 });
    await page.mouse.click(centre.x + 60, centre.y);
    await page.waitForFunction(() => Number(document.querySelector<HTMLInputElement>('[data-testid=site-radius]')?.value) > 0);
    await page.fill('[data-testid=site-radius]', '350');
    await page.dispatchEvent('[data-testid=site-radius]', 'change');
    await page.click('[data-testid=site-save]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=site-row-SITE-E]')?.textContent ?? '').includes('圆形 · 350 m'));
    const circle = await getJson('/v1/admin/source-sites/SITE-E', admin);
    expect(circle.geofencePolygon).toBeUndefined();
    expect(circle.geofenceRadiusM).toBe(350);
    // The centre is where the drag started: the map's centre, on the stored polygon's middle.
    expect(Math.abs(circle.longitudeDeg - 113.2)).toBeLessThan(0.01);
    expect(Math.abs(circle.latitudeDeg - 23.1)).toBeLessThan(0.01);
    await page.context().close();
  });

  it("an officer sees the case's trace with grade, map and timeline, confirms a B candidate (read back); the ranking counts it; a targeting lead is referred", async () => {
    const page = await newPage();
    await signIn(page, platform.api.url, 'enf', 'enf-pass');
    await page.click('[data-testid=tab-cases]', { timeout: 20_000 }).catch(() => undefined);
    await page.click(`[data-case-id="${caseId}"]`, { timeout: 20_000 });
    await page.waitForSelector('[data-testid=trace-grade][data-grade=B]');
    expect(await page.textContent('[data-testid=trace-grade]')).toContain('待确认');
    await page.waitForSelector('[data-testid=trace-map][data-drawn=true]', { timeout: 20_000 });
    const mapData = await page.locator('[data-testid=trace-map]').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
    expect(Number(mapData['trackPoints'])).toBeGreaterThan(10);
    expect(mapData['fences']).toBe('2');
    expect(Number(mapData['stops'])).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=trace-timeline] li').count()).toBeGreaterThan(1);
    await screenshot(page, 'web-source-trace-panel');

    await page.selectOption('[data-testid=trace-decide] select', 'SITE-2');
    await page.fill('[data-testid=trace-decide] input[name=comment]', '装载单核实');
    await page.click('[data-testid=trace-confirm]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=trace-grade]')?.textContent ?? '').includes('已确认'));
    const enf = await tokenOf('enf', 'enf-pass');
    const trace = await getJson(`/v1/cases/${encodeURIComponent(caseId)}/source-trace`, enf);
    expect(trace.trace).toMatchObject({ status: 'confirmed', sourceSiteId: 'SITE-2', decidedBy: 'enf', decisionComment: '装载单核实' });

    await page.click('[data-testid=tab-source-ranking]');
    await page.waitForSelector('[data-testid=ranking-row-SITE-2]');
    expect(await page.textContent('[data-testid=ranking-row-SITE-2]')).toContain('乙矿业有限公司');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=ranking-chart]')?.dataset.bars === '1');
    expect(await page.textContent('[data-testid=grade-c-count]')).toContain('0');
    await page.uncheck('[data-testid=layer-grade-c]');
    expect(await page.locator('[data-testid=grade-c-map]').getAttribute('data-grade-c')).toBe('hidden');
    await screenshot(page, 'web-source-ranking');

    await page.click('[data-testid=tab-targeting]');
    await page.waitForSelector('[data-testid=tg-row][data-id="tg:cloned:WT-1"]');
    await page.click('[data-testid=tg-row][data-id="tg:cloned:WT-1"] [data-testid=tg-show]');
    await page.fill('[data-testid=tg-note]', '移送公安交管核查');
    await page.click('[data-testid=tg-referred]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=tg-row][data-id="tg:cloned:WT-1"]')?.textContent ?? '').includes('已移送'));
    const lead = await getJson(`/v1/targeting/${encodeURIComponent('tg:cloned:WT-1')}`, enf);
    expect(lead).toMatchObject({ status: 'referred', decidedBy: 'enf', decisionNote: '移送公安交管核查' });
    await screenshot(page, 'web-targeting');
    expect(pageErrors).toEqual([]);
  });
});
