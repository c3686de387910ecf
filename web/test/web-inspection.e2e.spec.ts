import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * 查岗 end to end (issue #14's Done-when): the real API serves the shared build of the app over real
 * PostgreSQL, and headless Chromium drives three screens — the Beijing operator sends a 查岗 to
 * one company; that company's open page shows the prompt at once (live) with the question and a
 * countdown, and answers it; the operator's page shows who answered, when and what, without
 * reloading; the other company's page shows nothing. A company user signing in after a 查岗 was
 * sent gets the prompt too.
 */

const signInToApp = async (page: Page, url: string, username: string, password: string): Promise<void> => {
  await signIn(page, url, username, password);
  // The app is up (its header names the user); the map's tiles are not what this test is about.
  await page.waitForSelector('[data-testid=user]', { timeout: 30_000 });
};

describe('web: 查岗 sent, answered and read back in real Chromium against the real API', () => {
  let platform: BrowserPlatform;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-inspection-e2e',
      topics: [TOPICS.positions, TOPICS.alerts],
      seed: async ({ pool }) => {
        await pool.query(
          `INSERT INTO companies (company_id, name, region_code) VALUES ('WIC1', '京一客运', '110105'), ('WIC2', '京二危运', '110108'), ('WIC3', '冀三货运', '130102')`,
        );
      },
      api: {
        tickMs: 250,
        seedUsers: [
          { username: 'operator', password: 'operator-pass', role: 'operator', regionCode: '11', displayName: '北京监控' },
          { username: 'company1', password: 'company1-pass', role: 'company', companyId: 'WIC1' },
          { username: 'company2', password: 'company2-pass', role: 'company', companyId: 'WIC2' },
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

  it('the operator sends, the company sees it live and answers, the operator sees the answer; the other company sees nothing', async () => {
    const [operator, company1, company2] = await Promise.all([newPage(), newPage(), newPage()]);
    // One after another: three maps starting at once on a loaded 2-core box starve each other.
    await signInToApp(operator, platform.api.url, 'operator', 'operator-pass');
    await signInToApp(company1, platform.api.url, 'company1', 'company1-pass');
    await signInToApp(company2, platform.api.url, 'company2', 'company2-pass');
    // The companies' live feeds are up before the 查岗 leaves.
    await Promise.all([company1, company2].map((p) => p.waitForSelector('.live-badge:not(.off)', { timeout: 10_000 })));
    expect(await company1.isHidden('[data-testid=inspection-prompt]')).toBe(true);

    // The operator's 查岗 page: only its region's transport companies are offered (WIC3 is Hebei's).
    expect(await operator.textContent('[data-testid=tab-inspections]')).toBe('查岗');
    await operator.click('[data-testid=tab-inspections]');
    await operator.waitForSelector('[data-testid=inspection-targets] input[data-company=WIC1]');
    expect(await operator.$$eval('[data-testid=inspection-targets] input', (boxes) => boxes.map((b) => b.getAttribute('data-company')))).toEqual([
      'WIC1',
      'WIC2',
    ]);
    // Checked before it leaves: no company chosen is named beside the field.
    await operator.fill('[data-testid=inspection-question]', '请报告当前值班人员姓名及联系电话');
    await operator.click('[data-testid=inspection-send]');
    expect(await operator.textContent('[data-field=companyIds]')).toBe('请至少选择一家企业');
    await operator.check('[data-testid=inspection-targets] input[data-company=WIC1]');
    await operator.fill('[data-testid=inspection-window]', '5');
    await operator.click('[data-testid=inspection-send]');
    const row = '[data-testid=inspection-list] tr[data-company=WIC1]';
    await operator.waitForSelector(`${row}[data-status=open]`);
    expect(await operator.textContent(`${row} [data-col="inspection.status"]`)).toBe('待应答');

    // Company 1: the prompt over the map at once, with the question and a countdown from 05:00.
    await company1.waitForSelector('[data-testid=inspection-prompt]:not([hidden])', { timeout: 20_000 });
    expect(await company1.textContent('[data-testid=inspection-prompt-question]')).toBe('请报告当前值班人员姓名及联系电话');
    const countdown = (await company1.textContent('[data-testid=inspection-countdown]'))!;
    expect(countdown).toMatch(/^0[45]:[0-5]\d$/);
    await screenshot(company1, 'web-inspection-prompt.png');
    // An empty answer is refused on the page; then the answer goes.
    await company1.click('[data-testid=inspection-prompt-submit]');
    expect(await company1.textContent('[data-testid=inspection-prompt-error]')).toBe('请填写应答内容');
    await company1.fill('[data-testid=inspection-prompt-answer]', '值班员：王五，电话 010-12345678');
    await company1.click('[data-testid=inspection-prompt-submit]');
    await company1.waitForSelector('[data-testid=inspection-prompt]', { state: 'hidden' });

    // The operator's page shows the answer live: in time, by whom, what.
    await operator.waitForSelector(`${row}[data-status=answered]`, { timeout: 20_000 });
    expect(await operator.textContent(`${row} [data-col="inspection.status"]`)).toBe('按时应答');
    expect(await operator.textContent(`${row} [data-col="inspection.answeredBy"]`)).toBe('company1');
    expect(await operator.textContent(`${row} [data-col="inspection.answer"]`)).toBe('值班员：王五，电话 010-12345678');
    await screenshot(operator, 'web-inspection-operator.png');

    // Company 2 was not asked: no prompt, nothing listed.
    expect(await company2.isHidden('[data-testid=inspection-prompt]')).toBe(true);
    await company2.click('[data-testid=tab-inspections]');
    await company2.waitForSelector('[data-testid=inspection-status]:has-text("暂无查岗")');

    // Company 1's 查岗 tab lists it answered (no answer field any more); English on request.
    await company1.click('[data-testid=tab-inspections]');
    await company1.waitForSelector('[data-testid=inspection-list] tr[data-company=WIC1][data-status=answered]');
    expect(await company1.$('[data-testid=inspection-answer-input]')).toBeNull();
    await company1.click('[data-testid=lang-toggle]');
    expect(await company1.textContent('[data-testid=inspection-list] tr[data-company=WIC1] [data-col="inspection.status"]')).toBe('Answered in time');
    await company1.click('[data-testid=lang-toggle]');
    expect(pageErrors).toEqual([]);
  });

  it('to every company of the region: a company user who signs in afterwards is asked at once', async () => {
    const operator = await newPage();
    await signInToApp(operator, platform.api.url, 'operator', 'operator-pass');
    await operator.click('[data-testid=tab-inspections]');
    await operator.waitForSelector('[data-testid=inspection-targets] input[data-company=WIC2]');
    await operator.fill('[data-testid=inspection-question]', '夜间值守情况？');
    await operator.check('[data-testid=inspection-to-all]');
    await operator.click('[data-testid=inspection-send]');
    await operator.waitForSelector('[data-testid=inspection-list] article:first-child tr[data-company=WIC2][data-status=open]');
    expect(
      await operator.$$eval('[data-testid=inspection-list] article:first-child tbody tr', (rows) => rows.map((r) => r.getAttribute('data-company'))),
    ).toEqual(['WIC1', 'WIC2']);

    const company2 = await newPage();
    await signInToApp(company2, platform.api.url, 'company2', 'company2-pass');
    await company2.waitForSelector('[data-testid=inspection-prompt]:not([hidden])', { timeout: 20_000 });
    expect(await company2.textContent('[data-testid=inspection-prompt-question]')).toBe('夜间值守情况？');
    await screenshot(company2, 'web-inspection-offline-company.png');
    expect(pageErrors).toEqual([]);
  });
});
