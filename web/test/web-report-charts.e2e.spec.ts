import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { chinaDateOf, chinaMidnightMs, DAY_MS, HOUR_MS } from '@roadwatch/domain';
import { AlertRepository } from '@roadwatch/storage';
import { anAlert } from '@roadwatch/testing';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * The reports page's charts end to end: the real API serves the shared build of the app over
 * real PostgreSQL, and headless Chromium signs in as an operator, opens 报表 and sees the three
 * charts drawn on canvas from the range's figures; it downloads the table as XLSX and the
 * month's 通报. Screenshots under artifacts/.
 */
describe('web: the reports page draws its charts and hands out XLSX files in real Chromium', () => {
  let platform: BrowserPlatform;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-report-charts-e2e',
      topics: [TOPICS.positions, TOPICS.alerts],
      seed: async ({ pool }) => {
        await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('RC1', '一号客运', '110101'), ('RC2', '二号物流', '110102')`);
        await pool.query(
          `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) VALUES
           ('RV1', '京A·RC001', 2, 'tour_coach', 'RC1'), ('RV2', '京B·RC002', 2, 'heavy_truck', 'RC2'), ('RV3', '京C·RC003', 2, 'heavy_truck', 'RC2')`,
        );
        // Three local days of the detector's quality counters, and violations at several hours.
        const today = chinaMidnightMs(Date.now());
        for (let d = 0; d < 3; d += 1) {
          for (const [vehicle, received, invalid, drift, trackM, completeM] of [
            ['RV1', 1000, 5 * d, 0, 100_000, 99_000 - d * 10_000],
            ['RV2', 800, 40, d, 80_000, 60_000],
          ] as const) {
            await pool.query(
              `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
             VALUES ($1, $2::date, $3::int, $3::int - $4::int, $4::int, $5::int, 0, 0, $6::float8, $7::float8, 0, 0, true, now())`,
              [vehicle, chinaDateOf(today - d * DAY_MS), received, invalid, drift, trackM, completeM],
            );
          }
        }
        const alerts = new AlertRepository(pool);
        for (const [i, [vehicleId, companyId, rule, hoursAgo]] of (
          [
            ['RV1', 'RC1', 'speeding', 30],
            ['RV2', 'RC2', 'speeding', 26],
            ['RV2', 'RC2', 'fatigue_continuous', 20],
            ['RV3', 'RC2', 'speeding', 3],
          ] as const
        ).entries()) {
          const at = Date.now() - hoursAgo * HOUR_MS;
          await alerts.upsertMany([anAlert({ alertId: `RA${i}`, vehicleId, companyId, rule, level: 'violation', startedAtMs: at, raisedAtMs: at })]);
        }
      },
      api: {
        tickMs: 250,
        seedUsers: [{ username: 'op', password: 'op-pass', role: 'operator', regionCode: '11', displayName: '北京调度' }],
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const chart = (page: Page, name: string) =>
    page.$eval(`[data-testid=report-chart-${name}]`, (el) => ({
      canvas: el.querySelector('canvas') !== null,
      series: Number((el as HTMLElement).dataset.series),
      points: Number((el as HTMLElement).dataset.points),
    }));

  it('an operator sees the trend, the violations by hour and the company ranking drawn, and downloads the XLSX and the 通报', async () => {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    pageErrorsOf(page, pageErrors);
    await signIn(page, platform.api.url, 'op', 'op-pass');
    await page.click('[data-testid=tab-reports]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid=report-chart-trend] canvas', { timeout: 10_000 });
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid=report-chart-ranking]')?.dataset.points) > 0, undefined, {
      timeout: 10_000,
    });
    // Four rates over the seven default days, three of them with figures.
    expect(await chart(page, 'trend')).toEqual({ canvas: true, series: 4, points: expect.any(Number) });
    expect((await chart(page, 'trend')).points).toBeGreaterThanOrEqual(3 * 3);
    // Two rules (speeding, fatigue); four violations in the range.
    expect(await chart(page, 'hours')).toMatchObject({ canvas: true, series: 2 });
    expect((await chart(page, 'ranking')).canvas).toBe(true);
    // The company choice narrows the charts to one company: RC1 has one rule only.
    await page.selectOption('[data-testid=report-company]', 'RC1');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=report-chart-hours]')?.dataset.series === '1', undefined, {
      timeout: 10_000,
    });
    await screenshot(page, 'web-report-charts.png');

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-export-xlsx]')]);
    expect(xlsx.suggestedFilename()).toMatch(/^company-report_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await xlsx.path())!) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe('企业编号');
    expect([ws.getCell('A2').value, ws.getCell('A3').value]).toEqual(['RC1', 'RC2']);
    expect(ws.getCell('C3').value).toBe(2);

    const [notice] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=notice-download]')]);
    expect(notice.suggestedFilename()).toMatch(/^notice_region_\d{4}-\d\d\.xlsx$/);
    const noticeBook = new ExcelJS.Workbook();
    await noticeBook.xlsx.load(readFileSync((await notice.path())!) as unknown as ArrayBuffer);
    expect(noticeBook.worksheets.map((s) => s.name)).toEqual(['企业考核得分', '重点监管名单']);
    expect(noticeBook.worksheets[0]!.getCell('A2').value).toBe('地区：11');

    // English labels on the switch; the charts are drawn again, not lost.
    await page.click('[data-testid=lang-toggle]');
    expect(await page.textContent('[data-testid=report-company] option[value=""]')).toBe('All companies');
    expect(await chart(page, 'trend')).toMatchObject({ canvas: true, series: 4 });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
