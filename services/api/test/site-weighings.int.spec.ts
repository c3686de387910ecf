import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetingKind } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { TargetingRepository, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { get, logger, NOW, seededPool, startTestApi, type TestApi } from './support';

// Issue #15: the targeting alerts of exit and entrance weighings are 布控线索 like every other
// lead — written through one repository, listed by `GET /v1/targeting` (the separate
// `/v1/targeting/site-weighings` only overlapped it and is folded in), over real HTTP on real PostgreSQL, in scope.
describe('api: the site weighings’ targeting alerts under /v1/targeting', () => {
  const schema = uniqueName('api_site_weighings').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;

  beforeAll(async () => {
    pool = await seededPool(schema);
    const repo = new TargetingRepository(pool);
    const raise = (targetingId: string, kind: TargetingKind, regionCode: string, occurredAtMs: number) =>
      repo.record({
        targetingId,
        kind,
        plate: '粤A10001',
        plateColour: 2,
        occurredAtMs,
        regionCode,
        priority: 'normal',
        evidence: { grade: 'A', siteId: 'S1' },
      });
    await raise('entrance_refusal:EN/1', 'entrance_refusal', '440106', NOW - 3_000);
    await raise('unweighed_exit:T2', 'unweighed_exit', '440305', NOW - 2_000);
    await raise('exit_over_limit:EX/3', 'exit_over_limit', '440106', NOW - 1_000);
    await raise('cloned_plate:W/4', 'cloned_plate', '440106', NOW);
    testApi = await startTestApi(bus, pool, schema);
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  const ids = (body: { items: { targetingId: string }[] }): string[] => body.items.map((a) => a.targetingId);

  it('lists them with the other leads newest first, by kind, an operator its region; companies are refused', async () => {
    const all = await get(api.url, '/v1/targeting', tokens['admin']);
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(['cloned_plate:W/4', 'exit_over_limit:EX/3', 'unweighed_exit:T2', 'entrance_refusal:EN/1']);
    expect(all.body.items[1]).toMatchObject({
      kind: 'exit_over_limit',
      plate: '粤A10001',
      regionCode: '440106',
      status: 'open',
      evidence: { grade: 'A', siteId: 'S1' },
    });
    expect(ids((await get(api.url, '/v1/targeting?kind=entrance_refusal', tokens['op-gz'])).body)).toEqual(['entrance_refusal:EN/1']);
    expect(ids((await get(api.url, '/v1/targeting?kind=unweighed_exit', tokens['enf'])).body)).toEqual(['unweighed_exit:T2']);
    expect(ids((await get(api.url, `/v1/targeting?fromMs=${NOW - 1_500}&toMs=${NOW}`, tokens['admin'])).body)).toEqual(['exit_over_limit:EX/3']);
    expect((await get(api.url, '/v1/targeting?kind=entrance_refusal', tokens['c1'])).status).toBe(403);
    expect((await get(api.url, '/v1/targeting?kind=entrance_refusal')).status).toBe(401);
  });

  it('the folded route is gone: /v1/targeting/site-weighings is no lead (404), and not in the OpenAPI document', async () => {
    expect((await get(api.url, '/v1/targeting/site-weighings', tokens['admin'])).status).toBe(404);
    const openapi = await get(api.url, '/openapi.json');
    expect(Object.keys(openapi.body.paths)).not.toContain('/v1/targeting/site-weighings');
  });

  it('a re-judged weighing refreshes its lead’s evidence (one insert, the analyses’ upsert), never its decision', async () => {
    const repo = new TargetingRepository(pool);
    const lead = {
      targetingId: 'entrance_refusal:EN/9',
      kind: 'entrance_refusal' as const,
      plate: '粤A10009',
      plateColour: 2,
      occurredAtMs: NOW,
      regionCode: '440106',
      priority: 'normal' as const,
    };
    expect(await repo.record({ ...lead, evidence: { grade: 'B' } })).toEqual({ created: true });
    await repo.decide(lead.targetingId, { status: 'referred', note: '移交', byUsername: 'enf', atMs: NOW });
    expect(await repo.record({ ...lead, evidence: { grade: 'A' } })).toEqual({ created: false });
    expect((await get(api.url, `/v1/targeting/${encodeURIComponent(lead.targetingId)}`, tokens['admin'])).body).toMatchObject({
      status: 'referred',
      evidence: { grade: 'A' },
    });
  });
});
