import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { launchChromium, pageErrorsOf, signIn, startApiForBrowser, type BrowserPlatform } from './support/browser-harness';

/**
 * 用户管理 end to end: vite builds the app, the real API serves it over real PostgreSQL, and
 * headless Chromium drives it — an admin creates a user (one-time password shown once), the
 * user signs in, is held on the change-password page until a strong password is set, reaches
 * the map; the admin disables the user and the user's open page is sent back to sign-in within
 * the session bound; the admin reads the user's sign-ins and the audit log and exports it.
 */
const BOUND_MS = 2_000;

const mapLoaded = (page: Page): Promise<unknown> => page.waitForFunction(() => window.__roadwatch?.map.isLoaded === true, undefined, { timeout: 15_000 });

describe('web: 用户管理 and the change-password page in real Chromium against the real API', () => {
  let platform: BrowserPlatform;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    platform = await startApiForBrowser({
      name: 'web-users-e2e',
      topics: [TOPICS.positions, TOPICS.alerts],
      seed: async ({ pool }) => {
        await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('WUC1', '一号客运', '110000')`);
      },
      api: {
        tickMs: 250,
        sessionBoundMs: BOUND_MS,
        seedUsers: [{ username: 'admin', password: 'admin-pass', role: 'admin', displayName: '管理员' }],
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    pageErrorsOf(page, pageErrors);
    return page;
  };

  it('an admin creates a user, who must set a strong password before the map; disabling the user ends its open page; sign-ins and the audit log are there, exported as CSV', async () => {
    const admin = await newPage();
    await signIn(admin, platform.api.url, 'admin', 'admin-pass');
    await mapLoaded(admin);
    expect(await admin.textContent('[data-testid=tab-users]')).toBe('用户管理');
    await admin.click('[data-testid=tab-users]');
    await admin.waitForSelector('[data-testid=users-table] tr[data-user=admin]');

    // The form is checked before it is sent: a company user names its company (beside the field, in Chinese labels' form).
    await admin.fill('[data-testid=user-username]', 'zhang');
    await admin.selectOption('[data-testid=user-role]', 'company');
    await admin.click('[data-testid=user-submit]');
    expect(await admin.textContent('[data-field=companyId]')).not.toBe('');
    // The API's refusal beside its field: a company that does not exist.
    await admin.fill('[data-testid=user-companyId]', 'NOPE');
    await admin.click('[data-testid=user-submit]');
    await admin.waitForFunction(() => (document.querySelector('[data-field=companyId]')?.textContent ?? '').includes('NOPE'));

    await admin.fill('[data-testid=user-companyId]', 'WUC1');
    await admin.fill('[data-testid=user-displayName]', '张调度');
    await admin.click('[data-testid=user-submit]');
    const temporary = (await (await admin.waitForSelector('[data-testid=user-temporary-password]')).textContent())!;
    expect(temporary).toMatch(/^[A-Za-z2-9]{16}$/);
    const row = await admin.waitForSelector('[data-testid=users-table] tr[data-user=zhang]');
    expect(await row.textContent()).toContain('张调度');
    expect(await (await row.$('[data-col=status]'))!.textContent()).toBe('启用 · 待改密码');

    // The new user: the change-password page, not the map, until a strong password is set.
    const user = await newPage();
    await signIn(user, platform.api.url, 'zhang', temporary);
    await user.waitForSelector('[data-testid=change-password]');
    expect(await user.textContent('[data-testid=change-password] h2')).toBe('修改密码');
    await user.fill('input[name=currentPassword]', temporary);
    await user.fill('input[name=newPassword]', 'password123');
    await user.fill('input[name=confirmPassword]', 'password123');
    await user.click('[data-testid=change-password] button[type=submit]');
    await user.waitForFunction(() => (document.querySelector('[data-testid=pw-error]')?.textContent ?? '').includes('too easy to guess'));
    await user.fill('input[name=newPassword]', 'Depot-Night-Shift-North');
    await user.fill('input[name=confirmPassword]', 'Depot-Night-Shift-Nort');
    await user.click('[data-testid=change-password] button[type=submit]');
    expect(await user.textContent('[data-testid=pw-error]')).toBe('两次输入的新密码不一致');
    await user.fill('input[name=confirmPassword]', 'Depot-Night-Shift-North');
    await user.click('[data-testid=change-password] button[type=submit]');
    await mapLoaded(user);
    await user.waitForSelector('.live-badge:not(.off)', { timeout: 10_000 });

    // Disabled by the admin: the user's open page is back at sign-in within the bound (the live feed ends the session).
    await admin.click('[data-testid=users-table] tr[data-user=zhang] [data-action=disable]');
    const disabledAtMs = Date.now();
    await user.waitForSelector('input[name=username]', { timeout: BOUND_MS + 3_000 });
    expect(Date.now() - disabledAtMs).toBeLessThan(BOUND_MS + 3_000);
    await admin.waitForFunction(() => document.querySelector('[data-testid=users-table] tr[data-user=zhang] [data-col=status]')?.textContent === '已停用');

    // Sign-ins: the two successful ones (temporary, then after the change the page kept its session: one).
    await admin.click('[data-testid=users-table] tr[data-user=zhang] [data-action=sign-ins]');
    await admin.waitForSelector('[data-testid=users-signins] tbody tr');
    expect(await admin.$$eval('[data-testid=users-signins] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-outcome')))).toEqual(['success']);

    // The audit log, newest first, in Chinese; filtered by action; exported.
    const actions = await admin.$$eval('[data-testid=audit-table] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions.slice(0, 4)).toEqual(['user.disable', 'auth.change_password', 'auth.sign_in', 'user.create']);
    expect(await admin.textContent('[data-testid=audit-table] tbody tr[data-action="user.create"] [data-col="audit.action"]')).toBe('新建用户');
    await admin.selectOption('[data-testid=audit-action]', 'user.create');
    await admin.click('[data-testid=audit-query]');
    await admin.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=audit-table] tbody tr')].every((r) => r.getAttribute('data-action') === 'user.create'),
    );
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.click('[data-testid=audit-export]')]);
    expect(download.suggestedFilename()).toBe('audit-log.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFauditId,at,actor,action,target,outcome,reason,clientAddress,changes');
    expect(csv).toContain(',admin,user.create,zhang,success,');
    expect(csv).not.toContain('user.disable');

    // English on request.
    await admin.click('[data-testid=lang-toggle]');
    expect(await admin.textContent('[data-testid=tab-users]')).toBe('Users');
    expect(await admin.textContent('[data-testid=users-table] tr[data-user=zhang] [data-col=status]')).toBe('Disabled');
    expect(pageErrors).toEqual([]);
  });
});
