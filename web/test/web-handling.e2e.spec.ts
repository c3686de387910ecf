import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { HandlingRepository, RegistryRepository } from '@roadwatch/storage';
import { anAlert } from '@roadwatch/testing';
import { handlingPart, startSupervision, type RunningSupervision } from '@roadwatch/supervision';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * The handling workflow end to end (RULES §9): vite builds the app, the real API serves it
 * over real PostgreSQL and the in-process bus, supervision's handling part puts alerts on
 * their company's list; both read one clock the test moves. In headless Chromium a company
 * user sees an alert of its vehicle arrive on its 待处理 page, handles it; after the clock
 * passes another one's 30 min deadline it turns red, and an operator of the region finds it
 * on the 值班 board. Screenshots go to artifacts/.
 */
const MIN = 60_000;

describe('web: the company’s 待处理 page and the operators’ 值班 board in real Chromium', () => {
  let nowMs = Date.now();
  const clock = (): number => nowMs;
  let platform: BrowserPlatform;
  let supervision: RunningSupervision | undefined;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-handling-e2e',
      topics: [TOPICS.positions, TOPICS.alerts, TOPICS.handlingChanges],
      seed: async ({ pool, bus, schema, logger, metrics }) => {
        const registry = new RegistryRepository(pool);
        await registry.upsertCompany({ companyId: 'WHC1', name: '北京一号客运', regionCode: '110105' });
        await registry.upsertCompany({ companyId: 'WHC2', name: '天津二号物流', regionCode: '120101' });
        await registry.upsertVehicle({ vehicleId: '京A·H0001:2', plate: '京A·H0001', plateColour: 2, vehicleClass: 'long_distance_bus', companyId: 'WHC1' });
        await registry.upsertVehicle({ vehicleId: '津B·H0002:2', plate: '津B·H0002', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'WHC2' });
        supervision = await startSupervision({
          bus,
          pool,
          logger,
          metrics,
          now: clock,
          config: { HANDLING_ESCALATION_INTERVAL_MS: 200 },
          parts: [handlingPart({ groupId: `${schema}-handling` })],
        });
      },
      api: {
        tickMs: 250,
        now: clock,
        seedUsers: [
          { username: 'whc1', password: 'whc1-pass', role: 'company', companyId: 'WHC1' },
          { username: 'op11', password: 'op11-pass', role: 'operator', regionCode: '11' },
        ],
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await supervision?.close();
    await platform?.close();
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    pageErrorsOf(page, pageErrors);
    return page;
  };

  it('a company sees its alert arrive, handles it; another goes overdue (red) and is on the operator’s board', async () => {
    const company = await newPage();
    await signIn(company, platform.api.url, 'whc1', 'whc1-pass');
    await company.waitForSelector('[data-testid=tab-handling]');
    expect(await company.textContent('[data-testid=tab-handling]')).toBe('待处理');
    await company.click('[data-testid=tab-handling]');
    await company.waitForSelector('[data-testid=handling-status]');

    const bus1 = '京A·H0001:2';
    await platform.bus.publish(TOPICS.alerts, [
      {
        key: bus1,
        value: anAlert({
          alertId: 'WH-A',
          vehicleId: bus1,
          plate: '京A·H0001',
          rule: 'fatigue_continuous',
          level: 'violation',
          summary: '疲劳驾驶：连续驾驶4小时12分',
        }),
      },
      {
        key: bus1,
        value: anAlert({ alertId: 'WH-B', vehicleId: bus1, plate: '京A·H0001', rule: 'night_ban_2_5', level: 'violation', summary: '凌晨2时至5时违规运行' }),
      },
      { key: '津B·H0002:2', value: anAlert({ alertId: 'WH-C', vehicleId: '津B·H0002:2', companyId: 'WHC2', summary: '超速' }) },
    ]);
    // Live: both of its own arrive without a reload, with the 30 min countdown; the other company's never does.
    await company.waitForSelector('[data-testid=handling-row][data-alert-id=WH-A]', { timeout: 15_000 });
    await company.waitForSelector('[data-testid=handling-row][data-alert-id=WH-B]', { timeout: 15_000 });
    const countdown = await company.textContent('[data-testid=handling-row][data-alert-id=WH-B] [data-testid=handling-deadline] strong');
    expect(countdown).toMatch(/^剩余 (29分\d+秒|30分0秒)$/);
    await screenshot(company, 'web-handling-company-list.png');

    await company.click('[data-testid=handling-row][data-alert-id=WH-A] [data-testid=handling-handle]');
    await company.selectOption('[data-testid=handling-measure]', 'phone_call');
    await company.fill('[data-testid=handling-comment]', '已电话提醒驾驶员停车休息');
    await company.click('[data-testid=handling-submit]');
    await company.waitForSelector('[data-testid=handling-row][data-alert-id=WH-A][data-state=handled]');
    expect(await company.textContent('[data-testid=handling-row][data-alert-id=WH-A] [data-testid=handling-state]')).toBe('已处理');
    expect(await company.$('[data-testid=handling-row][data-alert-id=WH-C]')).toBeNull();
    const stored = await new HandlingRepository(platform.pool).get('WH-A', {});
    expect(stored).toMatchObject({ state: 'handled', measure: 'phone_call', handledBy: 'whc1', handlingComment: '已电话提醒驾驶员停车休息' });

    // The clock passes WH-B's 30 min deadline: the job escalates it, the company's row turns red live.
    nowMs += 31 * MIN;
    await company.waitForSelector('tr.overdue[data-testid=handling-row][data-alert-id=WH-B]', { timeout: 15_000 });
    expect(await company.textContent('[data-testid=handling-row][data-alert-id=WH-B] [data-testid=handling-deadline] strong')).toMatch(/^已超时/);
    await company.waitForFunction(() => (document.querySelector('[data-testid=handling-counts]')?.textContent ?? '').includes('超时 1'));
    expect(await company.textContent('[data-testid=handling-counts]')).toBe('未处理 1 · 超时 1 · 已处理 1 · 申诉中 0');
    await screenshot(company, 'web-handling-company-overdue.png');

    const operator = await newPage();
    await signIn(operator, platform.api.url, 'op11', 'op11-pass');
    await operator.waitForSelector('[data-testid=tab-duty]');
    await operator.click('[data-testid=tab-duty]');
    await operator.waitForSelector('[data-testid=duty-row][data-alert-id=WH-B]', { timeout: 15_000 });
    expect(await operator.$$eval('[data-testid=duty-row]', (rows) => rows.map((r) => r.getAttribute('data-alert-id')))).toEqual(['WH-B']);
    expect(await operator.textContent('[data-testid=duty-row][data-alert-id=WH-B]')).toContain('WHC1');
    // English is one click away.
    await operator.click('[data-testid=lang-toggle]');
    expect(await operator.textContent('[data-testid=tab-duty]')).toBe('On duty');
    await screenshot(operator, 'web-handling-duty-board.png');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
