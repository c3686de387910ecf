import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import { SiteWeighingRepository, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { get, logger, NOW, seededPool, startTestApi, type TestApi } from './support';

// Issue #15 item 4: the targeting alerts of exit and entrance weighings over real HTTP on real PostgreSQL, in scope.
describe('api: /v1/targeting/site-weighings', () => {
  const schema = uniqueName('api_site_weighings').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;

  beforeAll(async () => {
    pool = await seededPool(schema);
    const repo = new SiteWeighingRepository(pool);
    const raise = (targetingId: string, kind: string, regionCode: string, occurredAtMs: number) =>
      repo.raiseTargetingAlert({ targetingId, kind, plate: '粤A10001', plateColour: 2, occurredAtMs, regionCode, evidence: { grade: 'A', siteId: 'S1' } });
    await raise('entrance_refusal:EN/1', 'entrance_refusal', '440106', NOW - 3_000);
    await raise('unweighed_exit:T2', 'unweighed_exit', '440305', NOW - 2_000);
    await raise('exit_over_limit:EX/3', 'exit_over_limit', '440106', NOW - 1_000);
    // Another part's kind (套牌) is not listed here.
    await raise('cloned_plate:W/4', 'cloned_plate', '440106', NOW);
    testApi = await startTestApi(bus, pool, schema);
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  const ids = (body: { items: { targetingId: string }[] }): string[] => body.items.map((a) => a.targetingId);

  it('admins see every one newest first, an operator its region, enforcement all (no region claim); companies are refused', async () => {
    const all = await get(api.url, '/v1/targeting/site-weighings', tokens['admin']);
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(['exit_over_limit:EX/3', 'unweighed_exit:T2', 'entrance_refusal:EN/1']);
    expect(all.body.total).toBe(3);
    expect(all.body.items[0]).toMatchObject({
      kind: 'exit_over_limit',
      plate: '粤A10001',
      regionCode: '440106',
      status: 'open',
      evidence: { grade: 'A', siteId: 'S1' },
    });
    expect(ids((await get(api.url, '/v1/targeting/site-weighings', tokens['op-gz'])).body)).toEqual(['exit_over_limit:EX/3', 'entrance_refusal:EN/1']);
    expect(ids((await get(api.url, '/v1/targeting/site-weighings?kind=unweighed_exit', tokens['enf'])).body)).toEqual(['unweighed_exit:T2']);
    expect((await get(api.url, '/v1/targeting/site-weighings', tokens['c1'])).status).toBe(403);
    expect((await get(api.url, '/v1/targeting/site-weighings')).status).toBe(401);
  });

  it('refuses a bad query naming the field', async () => {
    const bad = await get(api.url, '/v1/targeting/site-weighings?kind=cloned_plate', tokens['admin']);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(['query.kind']);
    expect((await get(api.url, `/v1/targeting/site-weighings?fromMs=${NOW - 1_500}&toMs=${NOW}`, tokens['admin'])).body.total).toBe(1);
  });
});
