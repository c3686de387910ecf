import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TOPICS, type KeySupervisionDensityRow } from '@roadwatch/contracts';
import { DENSITY_BUCKETS } from '../src/map/region-density';
import { launchChromium, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * The offline basemap in real Chromium: the real API serves the shared build of the app, and the
 * map draws China's provinces and prefectures with their names from the app's own asset —
 * no request leaves the app's origin, no glyph server — and colours a province by 重点监管
 * density. Screenshots go to artifacts/.
 */

/** Moves the map and resolves once it has drawn everything for the new view. */
const jumpTo = (page: Page, center: [number, number], zoom: number): Promise<void> =>
  page.evaluate(
    ({ center, zoom }) =>
      new Promise<void>((done) => {
        const m = window.__roadwatch!.map.map;
        m.once('idle', () => done());
        m.jumpTo({ center, zoom });
      }),
    { center, zoom },
  );

/** Names drawn (placed, not hidden by collision) on a label layer in the current view. */
const drawnNames = (page: Page, layer: string): Promise<string[]> =>
  page.evaluate(
    (layer) => [...new Set(window.__roadwatch!.map.map.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.properties['name'])))].sort(),
    layer,
  );

/** The canvas pixel [r, g, b] where a WGS-84 point is drawn. */
const pixelAt = (page: Page, lonLat: [number, number]): Promise<number[]> =>
  page.evaluate((lonLat) => {
    const m = window.__roadwatch!.map.map;
    const canvas = m.getCanvas();
    const p = m.project(lonLat);
    const ratio = canvas.width / canvas.clientWidth;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    return [...ctx.getImageData(Math.round(p.x * ratio), Math.round(p.y * ratio), 1, 1).data.slice(0, 3)];
  }, lonLat);

describe('web: the offline China basemap in real Chromium', () => {
  let platform: BrowserPlatform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-basemap-e2e',
      topics: [TOPICS.positions, TOPICS.alerts],
      poolMax: 2,
      partitions: 1,
      api: { seedUsers: [{ username: 'admin', password: 'admin-pass', role: 'admin', displayName: '管理员' }] },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('draws provinces and prefectures with their names offline, and colours a province by 重点监管 density', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const requests: string[] = [];
    const refused: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('response', (r) => r.status() >= 400 && refused.push(`${r.status()} ${r.url()}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));

    // 重点监管 density: Guangdong listed heavily, Hunan next to it not at all. A user with the
    // key-list capability asks the API for it; this answer stands in for the API's, and the
    // map is also handed the same rows directly (for as long as no role has the capability).
    const rows: KeySupervisionDensityRow[] = [
      { regionCode: '440000', level: 'province', vehicles: 35, companies: 2 },
      { regionCode: '440100', level: 'prefecture', vehicles: 12, companies: 0 },
    ];
    await page.route('**/v1/key-supervision/density', (route) => route.fulfill({ json: { regions: rows, asOfMs: Date.now() } }));
    await signIn(page, platform.api.url, 'admin', 'admin-pass');
    await page.waitForFunction(() => window.__roadwatch?.map.isLoaded === true, undefined, { timeout: 15_000 });

    // The whole country: province outlines and names.
    await jumpTo(page, [104, 35.5], 3.6);
    const provinceOutlines = await page.evaluate(() => window.__roadwatch!.map.map.queryRenderedFeatures({ layers: ['region-province-line'] }).length);
    expect(provinceOutlines).toBeGreaterThan(20);
    const provinces = await drawnNames(page, 'region-province-label');
    expect(provinces).toEqual(expect.arrayContaining(['四川', '广东', '新疆', '北京']));
    expect(await drawnNames(page, 'region-prefecture-label')).toEqual([]);

    await page.evaluate(
      (rows) =>
        new Promise<void>((done) => {
          const m = window.__roadwatch!.map;
          m.map.once('idle', () => done());
          m.setRegionDensity(rows);
        }),
      rows,
    );
    const [gr, gg, gb] = await pixelAt(page, [113.4, 23.9]); // inland Guangdong
    const [hr, hg, hb] = await pixelAt(page, [111.7, 27.6]); // Hunan
    const top = DENSITY_BUCKETS.at(-1)!.colour;
    expect(gr! - gg!, `Guangdong rgb(${gr},${gg},${gb}) should be near ${top}`).toBeGreaterThan(60);
    expect(Math.abs(hr! - hg!), `Hunan rgb(${hr},${hg},${hb}) should be the base colour`).toBeLessThan(20);
    // Land is filled everywhere inside the country, not left as water-blue gaps (a broken merge would).
    for (const inland of [
      [116.2, 40.2], // Beijing
      [107.8, 30.2], // Chongqing
      [119.6, 33.2], // Jiangsu
      [87.0, 41.5], // Xinjiang
      [112.0, 43.0], // Inner Mongolia
    ] as Array<[number, number]>) {
      const [r, g, b] = await pixelAt(page, inland);
      expect(b! - r!, `${inland.join(',')} rgb(${r},${g},${b}) should be land, not water`).toBeLessThan(4);
    }
    await screenshot(page, 'web-basemap-china.png');
    expect(await page.textContent('[data-testid=density-legend]')).toContain('重点监管');

    // Closer in: prefectures and their names, the province names gone.
    await jumpTo(page, [113.3, 23.2], 7);
    expect(await drawnNames(page, 'region-prefecture-label')).toEqual(expect.arrayContaining(['广州市', '韶关市', '茂名市']));
    expect(await drawnNames(page, 'region-province-label')).toEqual([]);
    // At this zoom the fill is per prefecture: Guangzhou (12 listed) coloured, Qingyuan beside it not.
    const [cr, cg] = await pixelAt(page, [113.5, 23.6]);
    const [qr, qg] = await pixelAt(page, [112.9, 24.2]);
    expect(cr! - cg!, 'Guangzhou').toBeGreaterThan(40);
    expect(Math.abs(qr! - qg!), 'Qingyuan').toBeLessThan(20);
    await screenshot(page, 'web-basemap-guangdong.png');

    // Offline: every request stayed on the app's origin, the region file among them, and nothing was refused.
    const foreign = requests.filter((u) => !u.startsWith(platform.api.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(requests.some((u) => u.endsWith('/basemap/china-regions.geojson'))).toBe(true);
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
