import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDateOf, DAY_MS } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { fieldsOf, registryChanges, get, logger, NOW, post, seededPool, send, startTestApi, type TestApi } from './support';

describe('接驳运输 relay registrations REST on real PostgreSQL (/v1/relays)', () => {
  const schema = uniqueName('api_relays').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;
  const tonight = chinaDateOf(NOW);
  const yesterday = chinaDateOf(NOW - DAY_MS);
  const relay = (vehicleId: string, nightDate = tonight) => ({
    vehicleId,
    nightDate,
    relayPoint: '广州北服务区',
    handingOverDriver: '张三',
    takingOverDriver: '李四',
  });

  beforeAll(async () => {
    pool = await seededPool(schema);
    // Beside support's heavy trucks (V1 of C1, V2 of C2): a long-distance bus of each company.
    await pool.query(
      `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id, route_km) VALUES
       ('B1', '粤A80001', 1, 'long_distance_bus', 'C1', 420), ('B2', '粤B80002', 1, 'long_distance_bus', 'C2', 380)`,
    );
    testApi = await startTestApi(bus, pool, schema, { now: () => NOW });
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('a company registers a relay for its own bus tonight; the night again replaces it; the change is announced', async () => {
    const c1 = tokens['c1']!;
    const before = (await registryChanges(pool)).length;
    const created = await post(api.url, '/v1/relays', { ...relay('B1'), latitudeDeg: 23.4, longitudeDeg: 113.2 }, c1);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      vehicleId: 'B1',
      plate: '粤A80001',
      nightDate: tonight,
      relayPoint: '广州北服务区',
      handingOverDriver: '张三',
      takingOverDriver: '李四',
      registeredBy: 'c1',
      companyId: 'C1',
      latitudeDeg: 23.4,
    });
    expect(created.body.relayId).toEqual(expect.any(String));
    expect(await registryChanges(pool)).toHaveLength(before + 1);
    expect((await registryChanges(pool)).at(-1)).toMatchObject({ entity: 'relay', id: created.body.relayId, change: 'upsert' });
    const again = await post(api.url, '/v1/relays', { ...relay('B1'), takingOverDriver: '王五' }, c1);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ relayId: created.body.relayId, takingOverDriver: '王五' });
    // A company registers from tonight on: a past night, yesterday's included, is 400 naming the field.
    for (const past of [yesterday, chinaDateOf(NOW - 2 * DAY_MS)]) {
      const late = await post(api.url, '/v1/relays', relay('B1', past), c1);
      expect(late.status).toBe(400);
      expect(fieldsOf(late.body)).toEqual(['body.nightDate']);
      expect(late.body.message).toContain(`from ${tonight} on`);
    }
    // The monitoring centre registers a past night (its data back-filled later).
    const byOperator = await post(api.url, '/v1/relays', relay('B1', yesterday), tokens['op-gz']);
    expect(byOperator.status).toBe(201);
    expect(byOperator.body).toMatchObject({ nightDate: yesterday, registeredBy: 'op-gz' });
  });

  it("another company's vehicle is 404, a heavy truck 400 naming the vehicle, a bad body 400 naming each field", async () => {
    const c1 = tokens['c1']!;
    const foreign = await post(api.url, '/v1/relays', relay('B2'), c1);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain('long_distance_bus');
    expect((await post(api.url, '/v1/relays', relay('NOPE'), c1)).status).toBe(404);
    const truck = await post(api.url, '/v1/relays', relay('V1'), c1);
    expect(truck.status).toBe(400);
    expect(fieldsOf(truck.body)).toEqual(['body.vehicleId']);
    expect(truck.body.message).toContain('heavy_truck');
    const bad = await post(
      api.url,
      '/v1/relays',
      { vehicleId: 'B1', nightDate: '2026-02-30', relayPoint: '', handingOverDriver: '张三', takingOverDriver: '张三', latitudeDeg: 70, longitudeDeg: 113 },
      c1,
    );
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['body.latitudeDeg', 'body.nightDate', 'body.relayPoint', 'body.takingOverDriver']);
    // Enforcement users have no `relays`; no token is 401.
    expect((await post(api.url, '/v1/relays', relay('B1'), tokens['enf'])).status).toBe(403);
    expect((await get(api.url, '/v1/relays', tokens['enf'])).status).toBe(403);
    expect((await get(api.url, '/v1/relays')).status).toBe(401);
  });

  it('each sees only the relays in its scope; the admin registers for any company and the operator within its region', async () => {
    expect((await post(api.url, '/v1/relays', relay('B2'), tokens['c2'])).status).toBe(201);
    const nights = async (user: string, query = '') =>
      ((await get(api.url, `/v1/relays${query}`, tokens[user])).body.items as Array<{ vehicleId: string; nightDate: string }>).map(
        (r) => `${r.vehicleId}@${r.nightDate}`,
      );
    expect(await nights('c1')).toEqual([`B1@${yesterday}`, `B1@${tonight}`]);
    expect(await nights('c2')).toEqual([`B2@${tonight}`]);
    expect(await nights('admin', `?fromDate=${tonight}`)).toEqual([`B1@${tonight}`, `B2@${tonight}`]);
    expect(await nights('c1', '?vehicleId=B2')).toEqual([]);
    expect(await nights('c1', `?toDate=${yesterday}`)).toEqual([`B1@${yesterday}`]);
    // op-gz sees region 4401: C1 (440106) but not C2 (440305).
    expect(await nights('op-gz')).toEqual([`B1@${yesterday}`, `B1@${tonight}`]);
    expect((await post(api.url, '/v1/relays', relay('B2', chinaDateOf(NOW + DAY_MS)), tokens['op-gz'])).status).toBe(404);
    const byAdmin = await post(api.url, '/v1/relays', relay('B2', chinaDateOf(NOW + DAY_MS)), tokens['admin']);
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ registeredBy: 'admin', companyId: 'C2' });
    expect(fieldsOf((await get(api.url, `/v1/relays?fromDate=${tonight}&toDate=${yesterday}`, tokens['c1'])).body)).toEqual(['query.toDate']);
  });

  it("a company deletes its own relay, never another company's (404)", async () => {
    const [own] = (await get(api.url, `/v1/relays?fromDate=${tonight}&toDate=${tonight}`, tokens['c1'])).body.items as Array<{ relayId: string }>;
    const [other] = (await get(api.url, `/v1/relays?fromDate=${tonight}&toDate=${tonight}`, tokens['c2'])).body.items as Array<{ relayId: string }>;
    const before = (await registryChanges(pool)).length;
    expect((await send(api.url, 'DELETE', `/v1/relays/${other!.relayId}`, undefined, tokens['c1']!)).status).toBe(404);
    expect(await registryChanges(pool)).toHaveLength(before);
    expect((await send(api.url, 'DELETE', `/v1/relays/${own!.relayId}`, undefined, tokens['c1']!)).status).toBe(204);
    expect(await registryChanges(pool)).toHaveLength(before + 1);
    expect((await registryChanges(pool)).at(-1)).toMatchObject({ entity: 'relay', id: own!.relayId, change: 'delete' });
    expect((await send(api.url, 'DELETE', `/v1/relays/${own!.relayId}`, undefined, tokens['c1']!)).status).toBe(404);
    expect((await get(api.url, `/v1/relays?fromDate=${tonight}`, tokens['c2'])).body.items).toHaveLength(2);
  });

  it('an operator or the admin registers a relay for a night weeks past (back-filled data); a company may not', async () => {
    const weeksAgo = chinaDateOf(NOW - 21 * DAY_MS);
    const company = await post(api.url, '/v1/relays', relay('B1', weeksAgo), tokens['c1']);
    expect(company.status).toBe(400);
    expect(fieldsOf(company.body)).toEqual(['body.nightDate']);
    const operator = await post(api.url, '/v1/relays', relay('B1', weeksAgo), tokens['op-gz']);
    expect(operator.status).toBe(201);
    expect(operator.body).toMatchObject({ vehicleId: 'B1', nightDate: weeksAgo, registeredBy: 'op-gz', companyId: 'C1' });
    expect((await post(api.url, '/v1/relays', relay('B2', weeksAgo), tokens['admin'])).status).toBe(201);
    // The company sees the registration of its bus, whoever made it.
    const listed = (await get(api.url, `/v1/relays?toDate=${weeksAgo}`, tokens['c1'])).body.items as Array<{
      vehicleId: string;
      nightDate: string;
      registeredBy: string;
    }>;
    expect(listed.map((r) => `${r.vehicleId}@${r.nightDate}/${r.registeredBy}`)).toEqual([`B1@${weeksAgo}/op-gz`]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await get(api.url, '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/relays', '/v1/relays/{relayId}']));
    expect(doc.components.schemas.RelayRequest.required).toEqual(
      expect.arrayContaining(['vehicleId', 'nightDate', 'relayPoint', 'handingOverDriver', 'takingOverDriver']),
    );
  });
});
