import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import { TargetingRepository, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { get, logger, login, NOW, post, seededPool, startTestApi, USERS, type TestApi } from './support';

const DAY_MS = 86_400_000;

// Issue #15 item 6: 布控线索 over real HTTP on real PostgreSQL — scoped reads, filters, an officer's audited decision.
describe('api: /v1/targeting', () => {
  const schema = uniqueName('api_targeting').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;

  beforeAll(async () => {
    pool = await seededPool(schema);
    const leads = new TargetingRepository(pool);
    await leads.record({
      targetingId: 'cloned_plate:ST-GZ/R1',
      kind: 'cloned_plate',
      plate: '粤A10001',
      plateColour: 2,
      vehicleId: 'V1',
      stationId: 'ST-GZ',
      measurementId: 'ST-GZ/R1',
      occurredAtMs: NOW - DAY_MS,
      regionCode: '440106',
      victimCompanyId: 'C1',
      priority: 'high',
      evidence: { station: { stationId: 'ST-GZ', latitudeDeg: 23.1, longitudeDeg: 113.3 }, conflicts: [{ distanceM: 60_000 }] },
    });
    await leads.record({
      targetingId: 'heavy_body:V2:ST-SZ/R9',
      kind: 'heavy_body',
      plate: '粤B20002',
      plateColour: 2,
      vehicleId: 'V2',
      measurementId: 'ST-SZ/R9',
      occurredAtMs: NOW - 3 * DAY_MS,
      regionCode: '440305',
      priority: 'normal',
      evidence: { emptyKg: 21_375, curbKg: 19_000 },
    });
    testApi = await startTestApi(bus, pool, schema, {
      seedUsers: [...USERS, { username: 'enf-sz', password: 'enf-sz-pw', role: 'enforcement', regionCode: '4403' }],
    });
    ({ api, tokens } = testApi);
    tokens['enf-sz'] = await login(api.url, 'enf-sz', 'enf-sz-pw');
  });

  afterAll(async () => {
    await testApi?.close();
  });

  const ids = (body: { items: { targetingId: string }[] }): string[] => body.items.map((l) => l.targetingId).sort();

  it('a company never reads leads, not even the one naming it as the victim: 403 on the list, an item and a decision', async () => {
    expect((await get(api.url, '/v1/targeting', tokens['c1'])).status).toBe(403);
    expect((await get(api.url, '/v1/targeting/cloned_plate:ST-GZ%2FR1', tokens['c1'])).status).toBe(403);
    expect((await post(api.url, '/v1/targeting/cloned_plate:ST-GZ%2FR1/decision', { status: 'dismissed', note: '不是我' }, tokens['c1'])).status).toBe(403);
  });

  it('officers read their region only: another region’s lead is 404, as an id that does not exist; admin and a region-less officer all', async () => {
    expect(ids((await get(api.url, '/v1/targeting', tokens['admin'])).body)).toEqual(['cloned_plate:ST-GZ/R1', 'heavy_body:V2:ST-SZ/R9']);
    expect(ids((await get(api.url, '/v1/targeting', tokens['enf'])).body)).toEqual(['cloned_plate:ST-GZ/R1', 'heavy_body:V2:ST-SZ/R9']);
    expect(ids((await get(api.url, '/v1/targeting', tokens['op-gz'])).body)).toEqual(['cloned_plate:ST-GZ/R1']);
    expect(ids((await get(api.url, '/v1/targeting', tokens['enf-sz'])).body)).toEqual(['heavy_body:V2:ST-SZ/R9']);
    expect((await get(api.url, '/v1/targeting/cloned_plate:ST-GZ%2FR1', tokens['enf-sz'])).status).toBe(404);
    expect((await get(api.url, '/v1/targeting/heavy_body:V2:ST-SZ%2FR9', tokens['op-gz'])).status).toBe(404);
    expect((await get(api.url, '/v1/targeting/nope', tokens['op-gz'])).status).toBe(404);
    const one = await get(api.url, '/v1/targeting/cloned_plate:ST-GZ%2FR1', tokens['op-gz']);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ kind: 'cloned_plate', plate: '粤A10001', priority: 'high', status: 'open', victimCompanyId: 'C1' });
    expect(one.body.evidence.station.stationId).toBe('ST-GZ');
  });

  it('filters by kind, status, period and plate (a plate prefix, LIKE wildcards taken literally); bad filters are 400', async () => {
    expect(ids((await get(api.url, '/v1/targeting?kind=heavy_body', tokens['admin'])).body)).toEqual(['heavy_body:V2:ST-SZ/R9']);
    expect(ids((await get(api.url, `/v1/targeting?fromMs=${NOW - 2 * DAY_MS}`, tokens['admin'])).body)).toEqual(['cloned_plate:ST-GZ/R1']);
    expect(ids((await get(api.url, `/v1/targeting?toMs=${NOW - 2 * DAY_MS}`, tokens['admin'])).body)).toEqual(['heavy_body:V2:ST-SZ/R9']);
    expect(ids((await get(api.url, `/v1/targeting?plate=${encodeURIComponent('粤A')}`, tokens['admin'])).body)).toEqual(['cloned_plate:ST-GZ/R1']);
    expect(ids((await get(api.url, `/v1/targeting?plate=${encodeURIComponent('%')}`, tokens['admin'])).body)).toEqual([]);
    expect((await get(api.url, '/v1/targeting?kind=speeding', tokens['admin'])).status).toBe(400);
    expect((await get(api.url, '/v1/targeting?limit=0', tokens['admin'])).status).toBe(400);
  });

  it('an officer refers a lead of its region with a note (audited); a second decision is 409, another region’s 404, no note or odd bytes 400', async () => {
    const path = '/v1/targeting/cloned_plate:ST-GZ%2FR1/decision';
    expect((await post(api.url, path, { status: 'referred', note: '   ' }, tokens['op-gz'])).status).toBe(400);
    expect((await post(api.url, path, { status: 'referred', note: '移送\u0000公安' }, tokens['op-gz'])).status).toBe(400);
    expect((await post(api.url, path, { status: 'open', note: '重开' }, tokens['op-gz'])).status).toBe(400);
    expect((await post(api.url, path, { status: 'dismissed', note: '跨区' }, tokens['enf-sz'])).status).toBe(404);
    const referred = await post(api.url, path, { status: 'referred', note: '移送公安交管部门核查套牌' }, tokens['op-gz']);
    expect(referred.status).toBe(200);
    expect(referred.body).toMatchObject({ status: 'referred', decisionNote: '移送公安交管部门核查套牌', decidedBy: 'op-gz' });
    expect((await post(api.url, path, { status: 'dismissed', note: '改主意' }, tokens['op-gz'])).status).toBe(409);
    expect(ids((await get(api.url, '/v1/targeting?status=open', tokens['admin'])).body)).toEqual(['heavy_body:V2:ST-SZ/R9']);
    const { rows } = await pool.query(`SELECT actor, target, reason, outcome FROM audit_log WHERE action LIKE 'targeting.%'`);
    expect(rows).toEqual([{ actor: 'op-gz', target: 'targeting/cloned_plate:ST-GZ/R1', reason: '移送公安交管部门核查套牌', outcome: 'success' }]);
  });
});
