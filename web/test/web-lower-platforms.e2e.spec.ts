import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import { hashPassword, verifyPassword } from '@roadwatch/runtime';
import { LowerPlatformLinkRepository, LowerPlatformRepository } from '@roadwatch/storage';
import { launchChromium, pageErrorsOf, screenshot, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * 下级平台 (issue #17) in real Chromium against the real API over PostgreSQL: the admin sees the
 * JT/T 809 lower platforms (one online), today's data quality by source — the platform's forwarded
 * bus apart from the 808 truck — and the vehicles reported for review; Chinese first, English on the toggle.
 * Then administers them from the page: adds a platform in the form (a bad CIDR refused naming its
 * line), reads it back over HTTP (never a password), edits it with the password and keys left blank
 * (both kept), accepts a reported vehicle in place, sends a 查岗 and sees its answer, deletes after confirming.
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
        // A forwarded 0x1402 超速 alarm at 03:04:05 UTC — 11:04:05 in China, whatever the browser's zone.
        await new LowerPlatformLinkRepository(pool).recordAlarm({
          accessCode: 20_190_001,
          plate: '京A80901',
          plateColour: 2,
          warnSrc: 1,
          warnType: 0x0001,
          warnAtMs: Date.UTC(2026, 0, 2, 3, 4, 5),
          infoId: 7,
          infoContent: '超速报警 95km/h',
          receivedAtMs: Date.now(),
        });
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
    const alarm = await page.textContent('[data-testid=lower-platforms-alarms] tbody tr');
    expect(alarm).toContain('京A80901');
    expect(alarm).toContain('0x0001');
    expect(alarm).toContain('01-02 11:04:05');
    expect(alarm).toContain('超速报警 95km/h');
    await screenshot(page, 'web-lower-platforms', { fullPage: true });
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.querySelector('[data-testid=lower-platforms] h3')?.textContent === 'Lower platforms (JT/T 809)');
    expect(await page.textContent('[data-testid=lower-platforms-vehicles]')).toContain('Pending');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('adds, reads back, edits and deletes a platform; accepts a reported vehicle; 查岗 with its answer', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = pageErrorsOf(page);
    await signIn(page, platform.api.url, 'admin', 'admin-pass');
    await page.click('[data-testid=tab-lower-platforms]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid=lower-platform-20190001]');

    // Add: a bad CIDR first — the API refuses it naming the line, nothing saved, the inputs kept.
    await page.click('[data-testid=lp-add]');
    await page.fill('[data-testid=lp-f-access-code]', '20110002');
    await page.fill('[data-testid=lp-f-name]', '货运联网平台');
    await page.selectOption('[data-testid=lp-f-company]', 'LP1');
    await page.fill('[data-testid=lp-f-user-id]', '42');
    await page.fill('[data-testid=lp-f-password]', 'pw809');
    await page.fill('[data-testid=lp-f-sources]', '127.0.0.1\n10.0.0.0/33');
    await page.selectOption('[data-testid=lp-f-version]', '2011');
    await page.check('[data-testid=lp-f-encrypt]');
    await page.fill('[data-testid=lp-f-m1]', '0x989680');
    await page.fill('[data-testid=lp-f-ia1]', '20000000');
    await page.fill('[data-testid=lp-f-ic1]', '30000000');
    await page.click('[data-testid=lp-save]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=lp-form-error]')?.textContent ?? '').includes('allowedSources'));
    expect(await page.textContent('[data-testid=lp-form-error]')).toContain('body.allowedSources.1');
    const platforms = new LowerPlatformRepository(platform.pool);
    expect(await platforms.byAccessCode(20_110_002)).toBeUndefined();
    expect(await page.inputValue('[data-testid=lp-f-name]')).toBe('货运联网平台');
    await page.fill('[data-testid=lp-f-sources]', '127.0.0.1\r\n\n10.0.0.0/8 ');
    await page.click('[data-testid=lp-save]');
    await page.waitForSelector('[data-testid=lower-platform-20110002]');
    expect(await page.isHidden('[data-testid=lp-form]')).toBe(true);

    // Read back over HTTP: every field, never the password (nor its hash) nor the keys.
    const login = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-pass' }),
    });
    const { token } = (await login.json()) as { token: string };
    const listed = async () => {
      const res = await fetch(`${platform.api.url}/v1/lower-platforms`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toMatch(/pw809|password|scrypt|"m1"|"ia1"|"ic1"/i);
      return (JSON.parse(text) as { items: Array<Record<string, unknown>> }).items.find((p) => p['accessCode'] === 20_110_002);
    };
    expect(await listed()).toMatchObject({
      name: '货运联网平台',
      companyId: 'LP1',
      userId: 42,
      allowedSources: ['127.0.0.1', '10.0.0.0/8'],
      protocolVersion: '2011',
      encrypt: true,
      enabled: true,
    });
    const added = await platforms.byAccessCode(20_110_002);
    expect(await verifyPassword('pw809', added!.passwordHash)).toBe(true);
    expect(added).toMatchObject({ m1: 10_000_000, ia1: 20_000_000, ic1: 30_000_000 });

    // Edit: the form shows no password nor keys; left blank, both stay as they were.
    await page.click('[data-testid=lower-platform-20110002] [data-action=edit]');
    expect(await page.inputValue('[data-testid=lp-f-password]')).toBe('');
    expect(await page.inputValue('[data-testid=lp-f-m1]')).toBe('');
    expect(await page.inputValue('[data-testid=lp-f-sources]')).toBe('127.0.0.1\n10.0.0.0/8');
    expect(await page.getAttribute('[data-testid=lp-f-access-code]', 'readonly')).not.toBeNull();
    await page.fill('[data-testid=lp-f-name]', '货运联网平台（二期）');
    await page.uncheck('[data-testid=lp-f-enabled]');
    await page.click('[data-testid=lp-save]');
    await page.waitForFunction(() => document.querySelector('[data-testid=lower-platform-20110002]')?.textContent?.includes('二期'));
    expect(await listed()).toMatchObject({ name: '货运联网平台（二期）', enabled: false, userId: 42 });
    const edited = await platforms.byAccessCode(20_110_002);
    expect(edited!.passwordHash).toBe(added!.passwordHash);
    expect(edited).toMatchObject({ m1: 10_000_000, ia1: 20_000_000, ic1: 30_000_000 });

    // Review: accepted in place, and so stored.
    const row = '[data-testid="lp-vehicle-20190001-京A80901-2"]';
    expect(await page.textContent(`${row} [data-col=review]`)).toBe('待审核');
    await page.click(`${row} [data-action=accept]`);
    await page.waitForFunction((sel) => document.querySelector(`${sel} [data-col=review]`)?.textContent === '已确认', row);
    const [reviewed] = await platforms.discoveredVehicles({ accessCode: 20_190_001, limit: 10 });
    expect(reviewed?.reviewStatus).toBe('accepted');

    // 查岗 the online platform: unanswered until its 0x1301 is recorded, then the answer's text.
    await page.selectOption('[data-testid=lp-inspect-platform]', '20190001');
    // An empty question is refused before it leaves, naming the field; nothing is queued.
    await page.click('[data-testid=lp-inspect-send]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=lp-request-status]')?.textContent ?? '').includes('question'));
    expect(await platforms.requests({ accessCode: 20_190_001, limit: 10 })).toEqual([]);
    await page.fill('[data-testid=lp-inspect-question]', '请报告值班人员姓名');
    await page.click('[data-testid=lp-inspect-send]');
    await page.waitForFunction(() => document.querySelector('[data-testid=lower-platforms-requests] tbody tr')?.textContent?.includes('请报告值班人员姓名'));
    expect(await page.textContent('[data-testid=lower-platforms-requests] tbody tr [data-col=state]')).toBe('未应答');
    const [sent] = await platforms.requests({ accessCode: 20_190_001, limit: 10 });
    await new LowerPlatformLinkRepository(platform.pool).recordAnswer({
      accessCode: 20_190_001,
      kind: 'inspection',
      infoId: sent!.infoId,
      answeredAtMs: Date.now(),
      answer: { objectType: 1, objectId: 'LP1', infoContent: '值班员：张三' },
      answerText: '值班员：张三',
    });
    await page.click('[data-testid=tab-lower-platforms]');
    await page.waitForFunction(() => document.querySelector('[data-testid=lower-platforms-requests] tbody tr [data-col=state]')?.textContent === '已应答');
    expect(await page.textContent('[data-testid=lower-platforms-requests] tbody tr')).toContain('值班员：张三');
    await screenshot(page, 'web-lower-platforms-admin', { fullPage: true });

    // Delete asks first; cancelled, nothing goes; confirmed, the row and the record go.
    await page.click('[data-testid=lower-platform-20110002] [data-action=delete]');
    await page.click('[data-testid=lower-platform-20110002] [data-action=cancel-delete]');
    expect(await platforms.byAccessCode(20_110_002)).toBeDefined();
    await page.click('[data-testid=lower-platform-20110002] [data-action=delete]');
    expect(await page.textContent('[data-testid=lower-platform-20110002]')).toContain('20110002');
    await page.click('[data-testid=lower-platform-20110002] [data-action=confirm-delete]');
    await page.waitForSelector('[data-testid=lower-platform-20110002]', { state: 'detached' });
    expect(await platforms.byAccessCode(20_110_002)).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });
});
