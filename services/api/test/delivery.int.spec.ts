import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import { DeliveryRepository, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { fieldsOf, get, logger, NOW, post, seededPool, send, startTestApi, type TestApi } from './support';

/**
 * Delivery settings and attempts over real HTTP and PostgreSQL (issue #14 item 1): a company
 * reads and changes only its own — another company's settings, routes, secret and attempts
 * are 404 or absent, by id guessing too; operators and enforcement may not call them at all.
 */
describe('delivery REST (/v1/delivery) on real PostgreSQL: routing, secrets and attempts, scoped', () => {
  const schema = uniqueName('api_delivery');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let testApi: TestApi;
  let url = '';
  let t: Record<string, string> = {};
  const hook = (path: string) => ({ channel: 'webhook', target: `https://93.184.216.34${path}`, rules: ['fatigue_continuous'], minSeverity: 'serious' });

  beforeAll(async () => {
    pool = await seededPool(schema);
    testApi = await startTestApi(bus, pool, schema, { now: () => NOW });
    url = testApi.api.url;
    t = testApi.tokens;
    // One delivery of each company, one failed attempt each.
    const deliveries = new DeliveryRepository(pool);
    for (const companyId of ['C1', 'C2']) {
      await deliveries.enqueue(
        [
          {
            alertId: `AL-${companyId}`,
            revision: 0,
            companyId,
            channel: 'webhook',
            target: 'https://93.184.216.34/x',
            rule: 'speeding',
            severity: 'major',
            payload: {},
          },
        ],
        NOW,
      );
      const [due] = await deliveries.claimDue({ nowMs: NOW, leaseUntilMs: NOW + 60_000, limit: 1, perCompany: 1 });
      await deliveries.recordAttempt({
        deliveryId: due!.deliveryId,
        attemptNo: 1,
        atMs: NOW,
        outcome: 'failed',
        httpStatus: 502,
        error: 'HTTP 502',
        durationMs: 12,
        nextAttemptAtMs: NOW + 10_000,
      });
    }
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('a company adds a webhook route to its own company: 201 with the signing secret shown this once; the settings never show it again', async () => {
    const created = await post(url, '/v1/delivery/companies/C1/routes', hook('/c1'), t['c1']);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      companyId: 'C1',
      channel: 'webhook',
      rules: ['fatigue_continuous'],
      minSeverity: 'serious',
      enabled: true,
      createdBy: 'c1',
    });
    const secret = created.body.secretIssued.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const second = await post(url, '/v1/delivery/companies/C1/routes', { channel: 'sms', target: '+8613800000001' }, t['c1']);
    expect(second.status).toBe(201);
    expect(second.body.secretIssued).toBeUndefined();
    const settings = await get(url, '/v1/delivery/companies/C1', t['c1']);
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ companyId: 'C1', secretSet: true, secretRotatedBy: 'c1' });
    expect(settings.body.routes).toHaveLength(2);
    expect(JSON.stringify(settings.body)).not.toContain(secret);
    // The same channel and target twice: 409.
    expect((await post(url, '/v1/delivery/companies/C1/routes', hook('/c1'), t['c1'])).status).toBe(409);
  });

  it.each([
    ['http://127.0.0.1:8080/hook', /private, loopback or link-local/],
    ['http://[::1]/hook', /private, loopback or link-local/],
    ['http://169.254.169.254/latest/meta-data', /private, loopback or link-local/],
    ['ftp://93.184.216.34/hook', /http or https/],
    ['https://user:pw@93.184.216.34/hook', /credentials/],
  ])('an unsafe webhook target %s is refused when saved: 400 naming body.target, nothing stored', async (target, reason) => {
    const r = await post(url, '/v1/delivery/companies/C2/routes', { channel: 'webhook', target }, t['c2']);
    expect(r.status).toBe(400);
    expect(fieldsOf(r.body)).toEqual(['body.target']);
    expect(r.body.message).toMatch(reason);
    expect((await get(url, '/v1/delivery/companies/C2', t['c2'])).body.routes).toEqual([]);
  });

  it('bad bodies are 400 naming the field: an SMS number with letters, an unknown rule or severity', async () => {
    expect(fieldsOf((await post(url, '/v1/delivery/companies/C2/routes', { channel: 'sms', target: '138abc' }, t['c2'])).body)).toEqual(['body.target']);
    expect(fieldsOf((await post(url, '/v1/delivery/companies/C2/routes', { ...hook('/c2'), rules: ['nap'] }, t['c2'])).body)).toEqual(['body.rules.0']);
    expect(fieldsOf((await post(url, '/v1/delivery/companies/C2/routes', { ...hook('/c2'), minSeverity: 'huge' }, t['c2'])).body)).toEqual([
      'body.minSeverity',
    ]);
  });

  it("company C2 can neither read nor change C1's settings, routes or secret — 404 as for a company that does not exist, ids guessed included", async () => {
    const c1Routes = (await get(url, '/v1/delivery/companies/C1', t['c1'])).body.routes as Array<{ routeId: string; target: string }>;
    const routeId = c1Routes[0]!.routeId;
    expect((await get(url, '/v1/delivery/companies/C1', t['c2'])).status).toBe(404);
    expect((await get(url, '/v1/delivery/companies/NOPE', t['c2'])).status).toBe(404);
    expect((await post(url, '/v1/delivery/companies/C1/routes', hook('/evil'), t['c2'])).status).toBe(404);
    expect((await send(url, 'PUT', `/v1/delivery/companies/C1/routes/${routeId}`, hook('/evil'), t['c2'])).status).toBe(404);
    // C1's route id under C2's own company: still not C2's.
    expect((await send(url, 'PUT', `/v1/delivery/companies/C2/routes/${routeId}`, hook('/evil'), t['c2'])).status).toBe(404);
    expect((await send(url, 'DELETE', `/v1/delivery/companies/C2/routes/${routeId}`, undefined, t['c2'])).status).toBe(404);
    expect((await send(url, 'DELETE', `/v1/delivery/companies/C1/routes/${routeId}`, undefined, t['c2'])).status).toBe(404);
    expect((await post(url, '/v1/delivery/companies/C1/secret', {}, t['c2'])).status).toBe(404);
    // Nothing changed.
    expect((await get(url, '/v1/delivery/companies/C1', t['c1'])).body.routes).toEqual(c1Routes);
  });

  it('the admin changes any company; rotating issues a new secret; deleting a route; every change audited', async () => {
    const before = (await get(url, '/v1/delivery/companies/C1', t['admin'])).body;
    const rotated = await post(url, '/v1/delivery/companies/C1/secret', {}, t['admin']);
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    const route = before.routes[0] as { routeId: string };
    const replaced = await send(url, 'PUT', `/v1/delivery/companies/C1/routes/${route.routeId}`, { ...hook('/c1-new'), enabled: false }, t['admin']);
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      routeId: route.routeId,
      target: 'https://93.184.216.34/c1-new',
      enabled: false,
      updatedBy: 'admin',
      createdBy: 'c1',
    });
    expect((await send(url, 'DELETE', `/v1/delivery/companies/C1/routes/${route.routeId}`, undefined, t['c1'])).status).toBe(204);
    expect((await send(url, 'DELETE', `/v1/delivery/companies/C1/routes/${route.routeId}`, undefined, t['c1'])).status).toBe(404);
    const audit = await get(url, '/v1/admin/audit?limit=50', t['admin']);
    const actions = (audit.body.items as Array<{ action: string; actor: string; target: string }>).filter((a) => a.action.startsWith('delivery.'));
    expect(actions.map((a) => `${a.actor} ${a.action} ${a.target.replace(route.routeId, ':r')}`)).toEqual(
      expect.arrayContaining([
        'c1 delivery.route_save company/C1/route/:r',
        'admin delivery.secret_rotate company/C1/secret',
        'c1 delivery.route_delete company/C1/route/:r',
      ]),
    );
    expect(JSON.stringify(audit.body)).not.toContain(rotated.body.secret);
  });

  it('attempts and deliveries: a company sees its own only (a filter naming another company gives nothing), the admin all; operators and enforcement 403', async () => {
    const own = await get(url, '/v1/delivery/attempts', t['c1']);
    expect(own.status).toBe(200);
    expect(own.body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['AL-C1']);
    expect(own.body.items[0]).toMatchObject({ companyId: 'C1', attemptNo: 1, outcome: 'failed', httpStatus: 502, nextAttemptAtMs: NOW + 10_000 });
    expect((await get(url, '/v1/delivery/attempts?companyId=C2', t['c1'])).body.items).toEqual([]);
    expect((await get(url, '/v1/delivery/attempts?alertId=AL-C2', t['c1'])).body.items).toEqual([]);
    expect((await get(url, '/v1/delivery/deliveries', t['c2'])).body.items.map((d: { alertId: string; state: string }) => [d.alertId, d.state])).toEqual([
      ['AL-C2', 'pending'],
    ]);
    const all = await get(url, '/v1/delivery/attempts', t['admin']);
    expect(all.body.items.map((a: { alertId: string }) => a.alertId).sort()).toEqual(['AL-C1', 'AL-C2']);
    expect((await get(url, '/v1/delivery/attempts?outcome=failed&companyId=C2', t['admin'])).body.items).toHaveLength(1);
    expect((await get(url, '/v1/delivery/attempts?outcome=oops', t['admin'])).status).toBe(400);
    for (const user of ['op-gz', 'enf']) {
      expect((await get(url, '/v1/delivery/attempts', t[user])).status).toBe(403);
      expect((await get(url, '/v1/delivery/companies/C1', t[user])).status).toBe(403);
    }
  });
});
