import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * 疑似屏蔽 (issue #16 item 5) in real Chromium against the real API over real PostgreSQL: a
 * company user opens the tampering tab and sees its vehicle's suspected episode with the
 * indicators named (Chinese first, English on the toggle), not another company's; the admin sees
 * the registered blind area.
 */
describe('web: 疑似屏蔽 episodes and blind areas in real Chromium', () => {
  let platform: BrowserPlatform;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-tampering-e2e',
      topics: [TOPICS.positions, TOPICS.alerts],
      seed: async ({ pool }) => {
        await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('WT1', '一号货运', '110000'), ('WT2', '二号货运', '110000')`);
        await pool.query(
          `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) VALUES ('冀A77777:2', '冀A77777', 2, 'heavy_truck', 'WT1'), ('冀A88888:2', '冀A88888', 2, 'heavy_truck', 'WT2')`,
        );
        for (const [id, vehicleId, company] of [
          ['tampering:WT1', '冀A77777:2', 'WT1'],
          ['tampering:WT2', '冀A88888:2', 'WT2'],
        ] as const)
          await pool.query(
            `INSERT INTO tampering_episodes (episode_id, vehicle_id, plate, company_id, started_at, ended_at, indicators, score, context_i7, context, status, alert_id, judged_at)
             VALUES ($1, $2, $3, $4, now() - interval '1 hour', now() - interval '45 minutes', '{I1,I2}', 2, true,
                     '{"near": {"id": "ST-1", "name": "房山治超站", "kind": "station", "distanceM": 2000}, "night": false}', 'suspected', $1, now())`,
            [id, vehicleId, vehicleId.split(':')[0], company],
          );
        await pool.query(
          `INSERT INTO blind_areas (blind_area_id, name, kind, region_code, latitude_deg, longitude_deg, radius_m) VALUES ('BA-1', '大石河隧道', 'tunnel', '110111', 39.6, 116.1, 500)`,
        );
      },
      api: {
        seedUsers: [
          { username: 'admin', password: 'admin-pass', role: 'admin' },
          { username: 'wt1', password: 'wt1-pass', role: 'company', companyId: 'WT1' },
        ],
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('a company sees its own episode with I1, I2 and I7 named (zh, then en); the admin sees the blind area', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    pageErrorsOf(page, pageErrors);
    await signIn(page, platform.api.url, 'wt1', 'wt1-pass');
    await page.waitForSelector('[data-testid=tab-tampering]');
    expect(await page.textContent('[data-testid=tab-tampering]')).toBe('疑似屏蔽');
    await page.click('[data-testid=tab-tampering]');
    await page.waitForSelector('[data-testid=tp-row]');
    expect(await page.$$eval('[data-testid=tp-row]', (rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['tampering:WT1']);
    const zh = await page.textContent('[data-testid=tp-indicators]');
    expect(zh).toContain('I1 天线断开/短路后位置突变');
    expect(zh).toContain('I2 定位中断期间车辆有位移');
    expect(zh).toContain('I7');
    await screenshot(page, 'web-tampering-company');
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.querySelector('[data-testid=tp-indicators]')?.textContent?.includes('gap moved through'));
    // Blind areas belong to no company: a company's list of them is empty.
    expect(await page.$$('[data-testid=tp-area]')).toHaveLength(0);

    const admin = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    pageErrorsOf(admin, pageErrors);
    await signIn(admin, platform.api.url, 'admin', 'admin-pass');
    await admin.click('[data-testid=tab-tampering]');
    await admin.waitForSelector('[data-testid=tp-area][data-id=BA-1]');
    expect(await admin.$$eval('[data-testid=tp-row]', (rows) => rows.length)).toBe(2);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
