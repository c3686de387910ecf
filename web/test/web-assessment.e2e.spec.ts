import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chinaMonthOf, monthPeriod, previousMonth } from '@roadwatch/rules';
import { runScoresJob } from '@roadwatch/supervision';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * The 考核 page end to end: two months of facts in PostgreSQL, the scores job computes them,
 * the real API serves them and the built app in headless Chromium — an operator sees the trend
 * and ranking charts (ECharts) of the companies of its region, each indicator with how it was
 * computed, the company below the 处理率 line; a company user sees only its own company.
 */
const NOW = Date.now();
const LAST = previousMonth(chinaMonthOf(NOW));
const BEFORE = previousMonth(LAST);

describe('web: the 考核 page with its charts in real Chromium against the real API', () => {
  let platform: BrowserPlatform;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-assessment-e2e',
      seed: async ({ pool, logger }) => {
        // 北京 110101: 甲 (4 vehicles, all online) and 乙 (2, one online, its alert handled late); 天津 120101: 丙.
        await pool.query(
          `INSERT INTO companies (company_id, name, region_code) VALUES ('WA1', '甲客运', '110101'), ('WA2', '乙危运', '110101'), ('WB', '丙物流', '120101')`,
        );
        const fleet: [string, string, string][] = [
          ['WA1', '京A00001', '110101'],
          ['WA1', '京A00002', '110101'],
          ['WA1', '京A00003', '110101'],
          ['WA1', '京A00004', '110101'],
          ['WA2', '京B00001', '110101'],
          ['WA2', '京B00002', '110101'],
          ['WB', '津C00001', '120101'],
        ];
        for (const [companyId, plate, region] of fleet) {
          await pool.query(
            `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id, region_code) VALUES ($1 || ':2', $1, 2, 'hazmat', $2, $3)`,
            [plate, companyId, region],
          );
          await pool.query(`INSERT INTO terminals (terminal_id, vehicle_id) VALUES ($1, $2 || ':2')`, [
            `1380000${fleet.findIndex((f) => f[1] === plate)}`,
            plate,
          ]);
          for (const month of [BEFORE, LAST]) {
            await pool.query(`INSERT INTO operating_vehicles (list_month, plate, plate_colour, company_id, region_code) VALUES ($1::date, $2, 2, $3, $4)`, [
              `${month}-01`,
              plate,
              companyId,
              region,
            ]);
            if (plate === '京B00002') continue;
            const valid = month === LAST ? 99 : 90;
            await pool.query(
              `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
               VALUES ($1 || ':2', $2::date, 100, $3::int, 100 - $3::int, 0, 0, 0, 10000, 9500, 0, 0, true, now())`,
              [plate, `${month}-10`, valid],
            );
          }
        }
        const deadline = monthPeriod(LAST).startMs + 5 * 86_400_000;
        await pool.query(
          `INSERT INTO alert_handling (alert_id, vehicle_id, company_id, rule, severity, due, state, alert_started_at, first_notified_at, deadline_at, handled_at)
           VALUES ('wa2-late', '京B00001:2', 'WA2', 'speeding', 'major', true, 'handled', to_timestamp($1 / 1000.0) - interval '1 day',
                   to_timestamp($1 / 1000.0) - interval '1 day', to_timestamp($1 / 1000.0), to_timestamp($1 / 1000.0) + interval '1 hour')`,
          [deadline],
        );
        const run = await runScoresJob({ pool, logger }, NOW);
        expect(run.months).toEqual(expect.arrayContaining([LAST, BEFORE]));
      },
      api: {
        seedUsers: [
          { username: 'op11', password: 'op11-pass', role: 'operator', regionCode: '11' },
          { username: 'wa2', password: 'wa2-pass', role: 'company', companyId: 'WA2' },
        ],
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const openAssessment = async (username: string, password: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    pageErrorsOf(page, pageErrors);
    await signIn(page, platform.api.url, username, password);
    await page.click('[data-testid=tab-assessment]');
    await page.waitForSelector('[data-testid=assessment-detail] [data-testid=assessment-total]');
    await page.waitForSelector('[data-testid=assessment-trend] canvas');
    await page.waitForSelector('[data-testid=assessment-ranking] canvas');
    return page;
  };

  it('an operator sees its region: the trend over two months, the ranking, how each indicator was computed, the company below the 处理率 line', async () => {
    const page = await openAssessment('op11', 'op11-pass');
    expect(await page.textContent('[data-testid=tab-assessment]')).toBe('考核');
    const subjects = await page.$$eval('[data-testid=assessment-subject] option', (options) => options.map((o) => o.textContent));
    expect(subjects).toEqual(['监管平台 110101', '甲客运', '乙危运']);
    // The region's platform first: its trend covers both months.
    expect(await page.getAttribute('[data-testid=assessment-trend]', 'data-months')).toBe(`${BEFORE},${LAST}`);
    expect(await page.getAttribute('[data-testid=assessment-ranking]', 'data-companies')).toBe('甲客运,乙危运');
    // 乙: 1 of 2 online → 上线率 50 % → 2.5 of 5; 入网率 100 %.
    await page.selectOption('[data-testid=assessment-subject]', 'company:WA2');
    expect(await page.textContent('[data-testid=assessment-detail] tr[data-indicator=online]')).toContain('2.50 / 5');
    expect(await page.textContent('[data-testid=assessment-detail] tr[data-indicator=network_access]')).toContain('100.00%');
    expect(await page.textContent('[data-testid=assessment-below]')).toContain('乙危运: 处理率 0.00% < 90.00%');
    // The canvases are drawn (not blank).
    const drawn = await page.$eval('[data-testid=assessment-ranking] canvas', (c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
      return painted;
    });
    expect(drawn).toBeGreaterThan(100);
    await screenshot(page, 'web-assessment-operator.png', { fullPage: true });
    // The rolling 7 days (computed daily): one period, labelled by its local days.
    await page.selectOption('[data-testid=assessment-period]', 'rolling_7d');
    await page.waitForFunction(() => /^\d\d-\d\d–\d\d-\d\d$/.test(document.querySelector('[data-testid=assessment-trend]')?.getAttribute('data-months') ?? ''));
    expect(await page.getAttribute('[data-testid=assessment-ranking]', 'data-companies')).toBe('甲客运,乙危运');
    await page.selectOption('[data-testid=assessment-period]', 'month');
    // 乙 (still chosen) has a row for every month the job computed; the last two are the months with a list.
    await page.waitForFunction(
      (months) => (document.querySelector('[data-testid=assessment-trend]')?.getAttribute('data-months') ?? '').endsWith(months),
      `${BEFORE},${LAST}`,
    );
    // English on demand.
    await page.click('.lang-toggle');
    await page.waitForFunction(() => document.querySelector('[data-testid=tab-assessment]')?.textContent === 'Assessment');
    expect(await page.textContent('[data-testid=assessment-detail] tr[data-indicator=online]')).toContain('Online rate');
    const download = page.waitForEvent('download');
    await page.click('[data-testid=assessment-export]');
    expect((await download).suggestedFilename()).toBe('assessment-scores.xlsx');
    await page.context().close();
  });

  it('a company user sees only its own company, no platform, no other company', async () => {
    const page = await openAssessment('wa2', 'wa2-pass');
    expect(await page.$$eval('[data-testid=assessment-subject] option', (options) => options.map((o) => o.textContent))).toEqual(['乙危运']);
    expect(await page.getAttribute('[data-testid=assessment-ranking]', 'data-companies')).toBe('乙危运');
    expect(await page.textContent('[data-testid=assessment-detail]')).not.toContain('甲客运');
    await screenshot(page, 'web-assessment-company.png', { fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
