import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSimulatedFleet, pointAlongRoute, type TestTerminal } from '@roadwatch/testing';
import { launchChromium, pageErrorsOf, screenshot, signIn, startChainForBrowser, type ChainPlatform } from './support/browser-harness';

/**
 * The whole chain, as the issue asks: a JT/T 808 terminal over TCP → gateway → real Kafka →
 * detector → alerts → archiver (real PostgreSQL) and API → socket.io → the live map in real
 * headless Chromium. The browser sees the truck move and its speeding alert arrive.
 * The services are the standalone host's own composition, given the cluster's parts
 * (KafkaBus, a PostgreSQL schema) instead of the embedded ones.
 */
// The simulated fleet's 4th vehicle is a six-axle heavy truck on route 3, G107 (national road, posted 80 km/h).
const FLEET_SIZE = 4;
const truck = createSimulatedFleet(FLEET_SIZE)[3]!;

const fixOnMap = (page: Page, vehicleId: string): Promise<{ lon: number; lat: number } | null> =>
  page.evaluate((id) => {
    const fix = window.__roadwatch?.store.byId.get(id)?.fix;
    return fix ? { lon: fix.lon, lat: fix.lat } : null;
  }, vehicleId);

describe('full chain: terminal → gateway → Kafka → detector → archiver/API → socket.io → browser', () => {
  let chain: ChainPlatform;
  let browser: Browser;
  let terminal: TestTerminal;

  beforeAll(async () => {
    chain = await startChainForBrowser({ name: 'full-chain', simVehicles: FLEET_SIZE });
    browser = await launchChromium();
    terminal = await chain.connectTerminal(truck);
  });

  afterAll(async () => {
    await browser?.close();
    await chain?.close();
  });

  it('the operator sees the truck move and its speeding alert arrive, and the archive holds its track', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const pageErrors = pageErrorsOf(page);
    await signIn(page, chain.platform.api.url, 'admin', 'admin');
    await page.waitForFunction(() => window.__roadwatch?.map.isLoaded === true, undefined, { timeout: 20_000 });

    // 110 km/h where G107 is posted 80: six reports 10 s apart (device time), ending now.
    const startMs = Math.floor((Date.now() - 50_000) / 1000) * 1000;
    let distanceM = 2_000;
    // Each report is stored (0x8001 comes only after Kafka acknowledged it) before the next.
    const report = async (deviceTimeMs: number): Promise<void> => {
      const { position, headingDeg } = pointAlongRoute(truck.routeIndex, distanceM);
      distanceM += 305; // 110 km/h for 10 s
      await terminal.waitForAnswer(terminal.sendLocation({ ...position, headingDeg, speedKmh: 110, deviceTimeMs }));
    };
    for (let i = 0; i < 6; i++) await report(startMs + i * 10_000);

    await page.waitForFunction((id) => Boolean(window.__roadwatch?.store.byId.get(id)?.fix), truck.facts.vehicleId, { timeout: 30_000 });
    const before = await fixOnMap(page, truck.facts.vehicleId);

    // The speeding episode (≥ 30 s over, RULES.md §8) reaches the operator's feed.
    await page.waitForFunction(
      (plate) => [...document.querySelectorAll('[data-testid=alert-feed] li')].some((li) => li.textContent?.includes(plate)),
      truck.facts.plate,
      { timeout: 30_000 },
    );
    const feedText = await page.textContent('[data-testid=alert-feed]');
    expect(feedText).toContain(truck.facts.plate);

    // It keeps driving: the map follows.
    for (let i = 6; i < 9; i++) await report(startMs + i * 10_000);
    await page.waitForFunction(
      ([id, lon]) => window.__roadwatch?.store.byId.get(id as string)?.fix?.lon !== lon,
      [truck.facts.vehicleId, before?.lon] as const,
      { timeout: 15_000 },
    );
    const after = await fixOnMap(page, truck.facts.vehicleId);
    expect(after).not.toEqual(before);

    await screenshot(page, 'full-chain.png');

    // The archiver kept every acknowledged report, once, and the alert.
    const storedReports = async (): Promise<number> =>
      Number((await chain.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM positions WHERE vehicle_id = $1', [truck.facts.vehicleId])).rows[0]?.n);
    await vi.waitUntil(async () => (await storedReports()) >= 9, { timeout: 30_000, interval: 250, message: 'nine stored reports' });
    expect(await storedReports()).toBe(9);
    const alerts = await chain.pool.query<{ rule: string }>('SELECT rule FROM alerts WHERE vehicle_id = $1', [truck.facts.vehicleId]);
    expect(alerts.rows.map((r) => r.rule)).toContain('speeding');
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
