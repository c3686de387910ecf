import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { fieldsOf, get, logger, seededPool, send, startTestApi, VEHICLES, type TestApi } from './support';

// Issue #11 item 7: odd input that reached PostgreSQL and answered 500 is a 400 naming the
// field; what cannot be foreseen is a logged 500 whose body says nothing of the cause.
describe('api: odd input is a 400 naming the field, never a 500', () => {
  const schema = uniqueName('api_odd').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let testApi: TestApi;
  let url: string;
  const admin = (): string => testApi.tokens['admin']!;

  beforeAll(async () => {
    pool = await seededPool(schema);
    testApi = await startTestApi(bus, pool, schema);
    url = testApi.api.url;
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it.each([
    ['fromMs near 2^53', `/v1/vehicles/V1/track?fromMs=${2 ** 53 - 2}&toMs=${2 ** 53 - 1}`, 'query.fromMs'],
    ['toMs past 2100', `/v1/vehicles/V1/track?fromMs=4102444000000&toMs=4102444900000`, 'query.toMs'],
    ['fromMs before 2000', `/v1/reports/companies?fromMs=0&toMs=86400000`, 'query.fromMs'],
    ['an alert range at 2^53', `/v1/alerts?fromMs=${2 ** 53 - 1}`, 'query.fromMs'],
    ['a case range in exponent notation past 2100', `/v1/cases?toMs=1e300`, 'query.toMs'],
    ['a WIM range that is not a number', `/v1/wim?fromMs=yesterday`, 'query.fromMs'],
    ['a relay range from 0000-01-01', `/v1/relays?fromDate=0000-01-01`, 'query.fromDate'],
    ['a relay range to 9999-12-31', `/v1/relays?toDate=9999-12-31`, 'query.toDate'],
    ['a relay range to a day that does not exist', `/v1/relays?toDate=2026-02-30`, 'query.toDate'],
  ])('%s: 400 naming the field', async (_what, path, field) => {
    const response = await get(url, path, admin());
    expect(response.status).toBe(400);
    expect(fieldsOf(response.body)).toContain(field);
    expect(response.body.error).toBe('Bad Request');
  });

  it('the bounds themselves are accepted: 2000-01-01 and 2100-01-01 in epoch ms', async () => {
    const from = Date.UTC(2100, 0, 1) - 86_400_000;
    const response = await get(url, `/v1/vehicles/V1/track?fromMs=${from}&toMs=${Date.UTC(2100, 0, 1)}`, admin());
    expect(response.status).toBe(200);
    expect(response.body.points).toEqual([]);
    const reports = await get(url, `/v1/reports/companies?fromMs=${Date.UTC(2000, 0, 1)}&toMs=${Date.UTC(2000, 0, 2)}`, admin());
    expect(reports.status).toBe(200);
  });

  it('a relay registered for the night of 0000-01-01 is a 400 on body.nightDate', async () => {
    const response = await send(
      url,
      'POST',
      '/v1/relays',
      { vehicleId: 'V1', nightDate: '0000-01-01', relayPoint: '服务区', handingOverDriver: '张三', takingOverDriver: '李四' },
      admin(),
    );
    expect(response.status).toBe(400);
    expect(fieldsOf(response.body)).toContain('body.nightDate');
  });

  it("a vehicle put under another vehicle's plate and colour is a 409 naming it, and both records are kept", async () => {
    const [v1, v2] = VEHICLES;
    const response = await send(
      url,
      'PUT',
      `/v1/admin/vehicles/${v2!.id}`,
      { plate: v1!.plate, plateColour: 2, vehicleClass: 'heavy_truck', companyId: v2!.company },
      admin(),
    );
    expect(response.status).toBe(409);
    expect(response.body.message).toContain(v1!.id);
    const kept = await get(url, `/v1/admin/vehicles/${v2!.id}`, admin());
    expect(kept.body.plate).toBe(v2!.plate);
    const created = await send(
      url,
      'POST',
      '/v1/admin/vehicles',
      { vehicleId: 'V9', plate: v1!.plate, plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'C1' },
      admin(),
    );
    expect(created.status).toBe(409);
    expect((await get(url, '/v1/admin/vehicles/V9', admin())).status).toBe(404);
  });

  it('malformed JSON is a 400 naming the body and a body over the limit a 413, both in the one error body', async () => {
    const malformed = await fetch(`${url}/v1/alerts/A1/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' },
      body: '{"comment": "\u0000',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    const large = await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x', password: 'y'.repeat(300_000) }),
    });
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('the service keeps answering after all of it', async () => {
    expect((await get(url, '/v1/vehicles', admin())).status).toBe(200);
  });
});
