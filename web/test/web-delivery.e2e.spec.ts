import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TOPICS } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { startApi, type RunningApi } from '@roadwatch/api';
import { deliveryPart, startSupervision, type RunningSupervision } from '@roadwatch/supervision';
import { anAlert, infraEnv, uniqueName } from '@roadwatch/testing';
import { builtWebApp, launchChromium, pageErrorsOf, screenshot, signIn } from './support/browser-harness';

/**
 * 报警投递 end to end (issue #14 item 1): vite builds the app, the real API and supervision's
 * delivery part run over real PostgreSQL, and headless Chromium drives it. A company user adds
 * its webhook route in the panel and is shown the signing secret once; an alert of its bus is
 * delivered to the company's receiver, signed so that the secret read off the page verifies it;
 * the attempt appears in the panel, in Chinese and in English. An unsafe URL is refused with
 * the API's reason.
 */
const logger = createLogger('web-delivery-e2e', process.env['LOG_LEVEL'] ?? 'warn');

describe('web: 报警投递 in real Chromium against the real API and delivery part', () => {
  const schema = uniqueName('web_delivery');
  const pool = createPool(infraEnv().databaseUrl, { schema, max: 6, application: 'web-delivery-e2e' });
  const bus = new InProcessBus({ defaultPartitions: 2, logger });
  const received: Array<{ headers: IncomingHttpHeaders; body: Buffer }> = [];
  let receiver: Server;
  let receiverUrl = '';
  let api: RunningApi;
  let supervision: RunningSupervision;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const outDir = await builtWebApp();
    await migrate(pool);
    await bus.ensureTopics([TOPICS.positions, TOPICS.alerts, TOPICS.registryChanges].map((topic) => ({ topic, partitions: 2 })));
    await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('WD1', '投递客运', '110105')`);
    await pool.query(
      `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) VALUES ('京D88888:1', '京D88888', 1, 'long_distance_bus', 'WD1')`,
    );
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/roadwatch-hook`;
    api = await startApi({
      bus,
      pool,
      jwtSecret: 'web-delivery-e2e-secret-0123456789abcdef',
      port: 0,
      logger,
      metrics: new ServiceMetrics('web-delivery-e2e', { defaultMetrics: false }),
      staticDir: outDir,
      deliveryAllowPrivateTargets: true,
      seedUsers: [{ username: 'wd1', password: 'wd1-pass', role: 'company', companyId: 'WD1', displayName: '投递客运' }],
    });
    supervision = await startSupervision({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('web-delivery-e2e-supervision', { defaultMetrics: false }),
      config: { DELIVERY_ALLOW_PRIVATE_TARGETS: true, DELIVERY_POLL_MS: 100 },
      parts: [deliveryPart({ groupId: `${schema}-delivery` })],
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await supervision?.close();
    await api?.close();
    await bus.close();
    receiver?.closeAllConnections();
    await new Promise<void>((done) => (receiver ? receiver.close(() => done()) : done()));
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
  });

  it('a company adds its webhook, keeps the secret shown once, receives a verifiable signed alert and sees the attempt (zh, then en)', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    pageErrorsOf(page, pageErrors);
    await signIn(page, api.url, 'wd1', 'wd1-pass');
    await page.click('[data-testid=tab-delivery]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid=delivery-secret-state]');
    expect(await page.inputValue('[data-testid=delivery-company]')).toBe('WD1');
    expect(await page.textContent('[data-testid=delivery-secret-state]')).toContain('未设置');

    // An unsafe target: the API's reason under the form, nothing saved.
    await page.fill('[data-testid=delivery-target]', 'ftp://127.0.0.1/hook');
    await page.click('[data-testid=delivery-add-route]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=delivery-form-error]')?.textContent ?? '').includes('http or https'));
    expect(await page.locator('[data-testid=delivery-routes] tbody tr').count()).toBe(0);

    await page.fill('[data-testid=delivery-target]', receiverUrl);
    await page.selectOption('[data-testid=delivery-rules]', ['fatigue_continuous', 'fatigue_night']);
    await page.click('[data-testid=delivery-add-route]');
    await page.waitForSelector('[data-testid=delivery-secret-value]');
    const secret = (await page.textContent('[data-testid=delivery-secret-value]'))!;
    expect(secret).toMatch(/^whsec_/);
    expect(await page.textContent('[data-testid=delivery-routes] tbody')).toContain('疲劳驾驶（连续）');

    await bus.publish(TOPICS.alerts, [
      {
        key: '京D88888:1',
        value: anAlert({
          alertId: 'wd-fatigue-1',
          vehicleId: '京D88888:1',
          plate: '京D88888',
          companyId: 'WD1',
          rule: 'fatigue_continuous',
          severity: 'serious',
          summary: '疲劳驾驶',
        }),
      },
    ]);
    const deadline = Date.now() + 20_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    expect(headers['idempotency-key']).toBe('wd-fatigue-1:0');
    const expected =
      'sha256=' +
      createHmac('sha256', secret)
        .update(`${String(headers['x-roadwatch-timestamp'])}.`)
        .update(body)
        .digest('hex');
    expect(headers['x-roadwatch-signature']).toBe(expected);

    await page.click('[data-testid=delivery-load]');
    await page.waitForSelector('[data-testid=delivery-attempts] tr[data-outcome=delivered]');
    expect(await page.textContent('[data-testid=delivery-attempts] tr[data-outcome=delivered]')).toContain('已送达');
    expect(await page.textContent('[data-testid=delivery-secret-state]')).toContain('已设置');
    await screenshot(page, 'web-delivery.png', { fullPage: true });
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid=delivery-attempts] tr[data-outcome=delivered]')?.textContent ?? '').includes('Delivered'),
    );
    expect(await page.textContent('[data-testid=delivery] h3')).toBe('Alert delivery (webhook / SMS)');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
