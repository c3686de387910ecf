import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import { hashPassword } from '@roadwatch/runtime';
import { LowerPlatformLinkRepository, LowerPlatformRepository } from '@roadwatch/storage';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * 下级平台 (issue #17) in real Chromium against the real API over PostgreSQL: the admin sees the
 * JT/T 809 lower platforms (one online), today's data quality by source — the platform's forwarded
 * bus apart from the 808 truck — and the vehicles reported for review; Chinese first, English on the toggle.
 */
describe('web: 下级平台 in real Chromium against the real API', () => {
  let platform: BrowserPlatform;
  let browser: Browser;
  const today = chinaDateOf(Date.now());

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-lower-platforms',
      topics: [TOPICS.positions, TOPICS.alerts, TOPICS.registryChanges],
      api: { seedUsers: [{ username: 'admin', password: 'admin-pass', role: 'admin' }], lowerPlatformsOnline: () => [20_190_001] },
      seed: async ({ pool }) => {
        await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('LP1', '平台客运', '110101')`);
        await pool.query(
          `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) VALUES ('京A80901:2', '京A80901', 2, 'long_distance_bus', 'LP1'), ('冀B00002:2', '冀B00002', 2, 'heavy_truck', 'LP1')`,
        );
        const base = {
          allowedSources: ['127.0.0.1'],
          encrypt: false,
          encryptKey: 0,
          m1: 0,
          ia1: 0,
          ic1: 0,
          enabled: true,
          passwordHash: await hashPassword('x'),
        };
        await new LowerPlatformRepository(pool).upsert({
          ...base,
          accessCode: 20_190_001,
          name: '平台客运监控平台',
          companyId: 'LP1',
          userId: 1,
          protocolVersion: '2019',
        });
        await new LowerPlatformLinkRepository(pool).discoverVehicle({ accessCode: 20_190_001, plate: '京A80901', plateColour: 2, seenAtMs: Date.now() });
        await pool.query(
          `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
           VALUES ('京A80901:2', $1::date, 200, 199, 1, 0, 0, 0, 1000, 950, 1, 0, false, now())`,
          [today],
        );
      },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('lists the platforms, the quality by source and the reported vehicles (zh, then en)', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = pageErrorsOf(page);
    await signIn(page, platform.api.url, 'admin', 'admin-pass');
    await page.click('[data-testid=tab-lower-platforms]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid=lower-platform-20190001]');
    expect(await page.textContent('[data-testid=lower-platforms] h3')).toBe('下级平台（JT/T 809 接入）');
    expect(await page.textContent('[data-testid=lower-platform-20190001]')).toContain('平台客运监控平台');
    expect(await page.textContent('[data-testid=lower-platform-20190001]')).toContain('是');
    // The platform's bus: online, 95.0% of its track complete, 99.5% valid; the 808 truck sent nothing.
    const forwarded = await page.textContent('[data-testid=quality-20190001]');
    expect(forwarded).toContain('100.0%');
    expect(forwarded).toContain('95.0%');
    expect(forwarded).toContain('99.5%');
    expect(await page.textContent('[data-testid=quality-jt808]')).toContain('0.0%');
    expect(await page.textContent('[data-testid=lower-platforms-vehicles]')).toContain('待审核');
    await screenshot(page, 'web-lower-platforms', { fullPage: true });
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.querySelector('[data-testid=lower-platforms] h3')?.textContent === 'Lower platforms (JT/T 809)');
    expect(await page.textContent('[data-testid=lower-platforms-vehicles]')).toContain('Pending');
    expect(errors).toEqual([]);
    await page.close();
  });
});
