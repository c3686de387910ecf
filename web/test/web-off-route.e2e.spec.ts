import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { destination } from '@turf/destination';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedFleet, type TestTerminal } from '@roadwatch/testing';
import { launchChromium, pageErrorsOf, screenshot, signIn, startChainForBrowser, type ChainPlatform } from './support/browser-harness';

// The simulated fleet's 2nd vehicle is a long-distance bus (班线客车) of region 11.
const coach = createSimulatedFleet(2)[1]!;
const ROUTE_ID = 'BX-OFF-ROUTE-E2E';
// A 班线 due east from 房山 for 20 km, [lon, lat].
const LINE_START: [number, number] = [116.2, 39.7];
const LINE_END = destination(LINE_START, 20, 90).geometry.coordinates as [number, number];
const STEP_KM = 0.2; // 72 km/h for 10 s between reports: far from the drift bound

/**
 * Issue #16's Done-when, end to end: an operator creates a 班线 over HTTP bound to a coach; the
 * coach's terminal reports over TCP along the line, then leaves it gradually (30° off, 72 km/h)
 * and drives 5 km outside the corridor; through the gateway, Kafka, the detector, the archiver
 * and the API, the operator's live map in Chromium shows the off-route stretch in red beside the
 * route's corridor in green, within seconds of the alert.
 */
describe('web: the off-route stretch in red beside the green corridor (issue #16 Done-when)', () => {
  let chain: ChainPlatform;
  let browser: Browser;
  let terminal: TestTerminal;

  const call = async (token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${chain.platform.api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    chain = await startChainForBrowser({ name: 'web-off-route', simVehicles: 2, poolMax: 6 });
    browser = await launchChromium();
    terminal = await chain.connectTerminal(coach);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await chain?.close();
  });

  it('the operator’s map draws the stretch in red, outside the green corridor, and the layer toggles', async () => {
    const login = await fetch(`${chain.platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: 'operator' }),
    });
    const { token } = (await login.json()) as { token: string };
    const created = await call(token, 'PUT', `/v1/routes/${ROUTE_ID}`, {
      kind: 'scheduled_line',
      name: '房山—大兴班线',
      companyId: coach.facts.companyId,
      regionCode: '110000',
      polyline: [LINE_START, LINE_END],
      corridorWidthM: 200,
    });
    expect(created.status).toBe(200);
    expect((await call(token, 'PUT', `/v1/routes/${ROUTE_ID}/vehicles`, { vehicleIds: [coach.facts.vehicleId] })).status).toBe(200);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors = pageErrorsOf(page);
    await signIn(page, chain.platform.api.url, 'operator', 'operator');
    await page.waitForFunction(() => window.__roadwatch?.map.isLoaded === true, undefined, { timeout: 20_000 });
    await page.evaluate(([lon, lat]) => window.__roadwatch!.map.map.jumpTo({ center: [lon!, lat!], zoom: 11 }), [LINE_START[0] + 0.1, LINE_START[1] + 0.02]);

    // 6 reports on the line (1 km), then 30° off it northwards: the corridor's 200 m edge is left after ~2 steps,
    // and 26 steps more are 5.2 km driven outside it, over 4 min (§11: ≥ 1 km or ≥ 3 min; both here). Device time ends now.
    const positions: Array<[number, number]> = [];
    let here = LINE_START;
    for (let i = 0; i < 34; i++) {
      positions.push(here);
      here = destination(here, STEP_KM, i < 5 ? 90 : 60).geometry.coordinates as [number, number];
    }
    const startMs = Math.floor((Date.now() - (positions.length - 1) * 10_000) / 1000) * 1000;
    for (const [i, [lon, lat]] of positions.entries())
      await terminal.waitForAnswer(
        terminal.sendLocation({ latitudeDeg: lat, longitudeDeg: lon, speedKmh: 72, headingDeg: i < 5 ? 90 : 60, deviceTimeMs: startMs + i * 10_000 }),
      );
    const sentAtMs = Date.now();

    // "Within seconds": the first red stretch beside the green corridor.
    await page.waitForFunction(
      (vehicleId) => {
        const map = window.__roadwatch!.map.map;
        const stretches = (map.getSource('off-route-stretches')?.serialize() as { data?: GeoJSON.FeatureCollection } | undefined)?.data;
        const corridors = (map.getSource('off-route-corridors')?.serialize() as { data?: GeoJSON.FeatureCollection } | undefined)?.data;
        return !!stretches?.features.some((f) => f.properties?.['vehicleId'] === vehicleId) && (corridors?.features.length ?? 0) > 0;
      },
      coach.facts.vehicleId,
      { timeout: 30_000, polling: 200 },
    );
    const seenWithinMs = Date.now() - sentAtMs;
    // The episode's alert grows by revisions while the reports are judged: the stretch read below is the one that
    // reaches the last report (an earlier revision's shorter one is drawn first; on a loaded box the last revision
    // can take longer than the first).
    const drawn = await page.waitForFunction(
      ([vehicleId, lastLon]) => {
        const map = window.__roadwatch!.map.map;
        const stretches = (map.getSource('off-route-stretches')?.serialize() as { data?: GeoJSON.FeatureCollection } | undefined)?.data;
        const corridors = (map.getSource('off-route-corridors')?.serialize() as { data?: GeoJSON.FeatureCollection } | undefined)?.data;
        const stretch = stretches?.features.find((f) => f.properties?.['vehicleId'] === vehicleId);
        if (!stretch || !corridors || corridors.features.length === 0) return undefined;
        const endLon = (stretch.geometry as GeoJSON.LineString).coordinates.at(-1)?.[0];
        if (endLon === undefined || Math.abs(endLon - lastLon) >= 0.00005) return undefined;
        return {
          stretch: (stretch.geometry as GeoJSON.LineString).coordinates,
          corridors: corridors.features,
          stretchColour: map.getPaintProperty('off-route-stretch', 'line-color'),
          corridorColour: map.getPaintProperty('off-route-corridor-fill', 'fill-color'),
        };
      },
      [coach.facts.vehicleId, positions.at(-1)![0]] as const,
      { timeout: 90_000, polling: 200 },
    );
    const { stretch, corridors, stretchColour, corridorColour } = (await drawn.jsonValue())!;
    expect(stretchColour).toBe('#e53935');
    expect(corridorColour).toBe('#2e7d32');
    const corridor = corridors[0] as Feature<Polygon | MultiPolygon>;
    expect(corridor.properties).toMatchObject({ routeId: ROUTE_ID });
    // The corridor holds the line's points; the stretch lies beside it, outside, and ends where the coach last reported.
    expect(booleanPointInPolygon(LINE_START, corridor)).toBe(true);
    expect(stretch.length).toBeGreaterThanOrEqual(10);
    for (const point of stretch) expect(booleanPointInPolygon(point as [number, number], corridor)).toBe(false);
    expect(stretch.at(-1)![0]).toBeCloseTo(positions.at(-1)![0], 4);
    expect(seenWithinMs).toBeLessThan(20_000);
    await screenshot(page, 'web-off-route.png');

    // The operator hides the layer and shows it again.
    await page.uncheck('[data-testid=layer-off-route]');
    expect(await page.evaluate(() => window.__roadwatch!.map.map.getLayoutProperty('off-route-stretch', 'visibility'))).toBe('none');
    await page.check('[data-testid=layer-off-route]');
    expect(await page.evaluate(() => window.__roadwatch!.map.map.getLayoutProperty('off-route-corridor-fill', 'visibility'))).toBe('visible');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('路线管理: the operator sees the line with its corridor, uploads a KML 班线 and binds it; a GBK file is refused clearly (zh, then en)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors = pageErrorsOf(page);
    await signIn(page, chain.platform.api.url, 'operator', 'operator');
    await page.click('[data-testid=tab-routes]');
    expect(await page.textContent('[data-testid=tab-routes]')).toBe('路线管理');
    await page.waitForSelector(`[data-testid=routes-row][data-route="${ROUTE_ID}"]`);
    expect(await page.textContent(`[data-testid=routes-row][data-route="${ROUTE_ID}"] [data-testid=routes-row-vehicles]`)).toBe(coach.facts.vehicleId);
    await page.click(`[data-testid=routes-row][data-route="${ROUTE_ID}"]`);
    // The selected route's corridor on the panel's map.
    await page.waitForFunction(
      (routeId) => {
        const canvas = document.querySelector('[data-testid=routes-map] canvas');
        return canvas !== null && document.querySelector('[data-testid=routes-detail] h4')?.textContent?.includes(routeId as string) === true;
      },
      ROUTE_ID,
      { timeout: 15_000 },
    );

    const kml = `\uFEFF<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
      <Placemark><name><![CDATA[良乡站]]></name><Point><coordinates>116.15,39.73,0</coordinates></Point></Placemark>
      <Placemark><name>主线</name><LineString><coordinates>116.15,39.73,0 116.25,39.76,0</coordinates></LineString></Placemark>
    </Folder></Document></kml>`;
    await page.fill('[data-testid=routes-f-id]', 'BX-KML-E2E');
    await page.fill('[data-testid=routes-f-name]', '良乡班线');
    await page.fill('[data-testid=routes-f-company]', coach.facts.companyId ?? 'company-1');
    await page.setInputFiles('[data-testid=routes-f-file]', {
      name: '良乡班线.kml',
      mimeType: 'application/vnd.google-earth.kml+xml',
      buffer: Buffer.from(kml),
    });
    await page.click('[data-testid=routes-upload-save]');
    await page.waitForSelector('[data-testid=routes-row][data-route="BX-KML-E2E"]');
    expect(await page.textContent('[data-testid=routes-row][data-route="BX-KML-E2E"]')).toContain('良乡站');
    await screenshot(page, 'web-routes-panel.png');
    // The new line is selected: the coach is bound to it too.
    await page.fill('[data-testid=routes-bind-input]', coach.facts.vehicleId);
    await page.click('[data-testid=routes-bind-save]');
    await page.waitForFunction(
      (vehicleId) => document.querySelector('[data-testid=routes-row][data-route="BX-KML-E2E"] [data-testid=routes-row-vehicles]')?.textContent === vehicleId,
      coach.facts.vehicleId,
    );

    // 北京 in GBK bytes: refused in the browser before anything is sent.
    await page.fill('[data-testid=routes-f-id]', 'BX-GBK-E2E');
    await page.setInputFiles('[data-testid=routes-f-file]', {
      name: 'gbk.kml',
      mimeType: 'application/xml',
      buffer: Buffer.from([0x3c, 0x6b, 0x6d, 0x6c, 0x3e, 0xb1, 0xb1, 0xbe, 0xa9]),
    });
    await page.click('[data-testid=routes-upload-save]');
    await page.waitForFunction(() => document.querySelector('[data-testid=routes-status]')?.textContent?.includes('UTF-8'));
    expect(await page.textContent('[data-testid=routes-status]')).toContain('不是 UTF-8');
    expect(await page.$('[data-testid=routes-row][data-route="BX-GBK-E2E"]')).toBeNull();
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.querySelector('[data-testid=tab-routes]')?.textContent === 'Routes');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
