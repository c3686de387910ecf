import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * 排班 end to end (issue #15): the real API over real PostgreSQL serves the shared build of the
 * app and headless Chromium drives it. A company user adds a shift of its driver on its truck
 * (China time), is refused an overlapping one with the API's reason, edits the shift and deletes
 * it; the page is Chinese first and English on the toggle.
 */
describe('web: 排班 in real Chromium against the real API', () => {
  let platform: BrowserPlatform;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-roster-e2e',
      topics: [TOPICS.positions, TOPICS.alerts, TOPICS.registryChanges],
      poolMax: 6,
      seed: async ({ pool }) => {
        await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('WR1', '排班运输', '130102')`);
        await pool.query(
          `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) VALUES ('冀A66666:2', '冀A66666', 2, 'heavy_truck', 'WR1')`,
        );
        await pool.query(
          `INSERT INTO drivers (driver_id, name, company_id, qualification_no) VALUES ('WR-D1', '张三', 'WR1', 'Q-WR-D1'), ('WR-D2', '李四', 'WR1', 'Q-WR-D2')`,
        );
      },
      api: { seedUsers: [{ username: 'wr1', password: 'wr1-pass', role: 'company', companyId: 'WR1', displayName: '排班运输' }] },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('a company adds, is refused an overlap, edits and deletes a shift (zh, then en)', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    pageErrorsOf(page, pageErrors);
    await signIn(page, platform.api.url, 'wr1', 'wr1-pass');
    await page.click('[data-testid=tab-roster]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid=roster-vehicle] option[value="冀A66666:2"]', { state: 'attached' });
    expect(await page.textContent('[data-testid=roster] h3')).toBe('驾驶员排班');

    const fill = async (driverId: string, startsAt: string, endsAt: string) => {
      await page.selectOption('[data-testid=roster-vehicle]', '冀A66666:2');
      await page.fill('[data-testid=roster-driver]', driverId);
      await page.fill('[data-testid=roster-starts]', startsAt);
      await page.fill('[data-testid=roster-ends]', endsAt);
      await page.click('[data-testid=roster-submit]');
    };
    await fill('WR-D1', '2026-12-06T07:30', '2026-12-06T15:30');
    await page.waitForSelector('[data-testid=roster-table] tbody tr');
    expect(await page.textContent('[data-testid=roster-table] tbody')).toContain('2026-12-06 07:30');
    // Stored as China time: 07:30 +08:00 is 23:30 UTC the day before.
    const stored = await platform.pool.query(`SELECT driver_id, starts_at FROM driver_shifts`);
    expect(stored.rows.map((r) => [r.driver_id, (r.starts_at as Date).toISOString()])).toEqual([['WR-D1', '2026-12-05T23:30:00.000Z']]);

    // Overlapping the first: the API's 409 reason under the form, nothing saved.
    await fill('WR-D2', '2026-12-06T15:00', '2026-12-06T20:00');
    await page.waitForFunction(() => (document.querySelector('[data-testid=roster-form-error]')?.textContent ?? '').includes('overlapping'));
    expect(await page.locator('[data-testid=roster-table] tbody tr').count()).toBe(1);

    // An end before the start is refused before it is sent.
    await fill('WR-D2', '2026-12-06T20:00', '2026-12-06T19:00');
    await page.waitForFunction(() => (document.querySelector('[data-testid=roster-form-error]')?.textContent ?? '').includes('结束时间'));

    await page.click('[data-testid=roster-edit]');
    expect(await page.inputValue('[data-testid=roster-starts]')).toBe('2026-12-06T07:30');
    await page.fill('[data-testid=roster-driver]', 'WR-D2');
    await page.click('[data-testid=roster-submit]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=roster-table] tbody')?.textContent ?? '').includes('WR-D2'));
    expect((await platform.pool.query(`SELECT driver_id FROM driver_shifts`)).rows).toEqual([{ driver_id: 'WR-D2' }]);
    await screenshot(page, 'web-roster', { fullPage: true });

    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.querySelector('[data-testid=roster] h3')?.textContent === 'Driver shift roster');
    await page.click('[data-testid=roster-delete]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=roster-table] tbody tr').length === 0);
    expect((await platform.pool.query(`SELECT count(*)::int AS n FROM driver_shifts`)).rows[0].n).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
