import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertV1 } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { AlertRepository, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { alert, get, insertAlert, logger, NOW, seededPool, startTestApi, type TestApi } from './support';

// Issue #10 item 6: an alert's history (its revisions) over real HTTP on real PostgreSQL.
describe('api: GET /v1/alerts/:alertId/revisions', () => {
  const schema = uniqueName('api_alert_revisions').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;

  beforeAll(async () => {
    pool = await seededPool(schema);
    // Stored as before revisions were kept: an alerts row and no history.
    await insertAlert(pool, alert('A-V1', 'V1', NOW - 7_200_000));
    testApi = await startTestApi(bus, pool, schema);
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('serves the revisions of one alert with its first-raised time and limit instant, scoped exactly like the alert (404, never 403)', async () => {
    const repo = new AlertRepository(pool);
    const startedAtMs = NOW - 3_600_000;
    const limitPassedAtMs = startedAtMs + 30_000;
    const rev = (alertId: string, vehicleId: string, revision: number): AlertV1 => ({
      ...alert(alertId, vehicleId, startedAtMs),
      revision,
      raisedAtMs: startedAtMs + 40_000 + revision * 60_000,
      firstRaisedAtMs: startedAtMs + 40_000,
      limitPassedAtMs,
      endedAtMs: startedAtMs + 40_000 + revision * 60_000,
      summary: `超速 rev ${revision}`,
    });
    // Revision 2 arrives before 1, and 0 twice.
    await repo.upsertMany([rev('H-V1', 'V1', 0), rev('H-V1', 'V1', 2)]);
    await repo.upsertMany([rev('H-V1', 'V1', 1), rev('H-V1', 'V1', 0)]);
    await repo.upsertMany([rev('H-V2', 'V2', 0)]);

    const admin = tokens['admin'];
    const history = await get(api.url, '/v1/alerts/H-V1/revisions', admin);
    expect(history.status).toBe(200);
    expect(history.body.alertId).toBe('H-V1');
    expect(history.body.items.map((r: { revision: number; raisedAtMs: number }) => [r.revision, r.raisedAtMs])).toEqual([
      [0, startedAtMs + 40_000],
      [1, startedAtMs + 100_000],
      [2, startedAtMs + 160_000],
    ]);
    for (const r of history.body.items) expect(r).toMatchObject({ firstRaisedAtMs: startedAtMs + 40_000, limitPassedAtMs, startedAtMs });
    expect(history.body.items[1].summary).toBe('超速 rev 1');
    // The alert itself is the latest revision, first raised when revision 0 was.
    expect((await get(api.url, '/v1/alerts/H-V1', admin)).body).toMatchObject({
      revision: 2,
      raisedAtMs: startedAtMs + 160_000,
      firstRaisedAtMs: startedAtMs + 40_000,
      limitPassedAtMs,
    });

    // A company reads its own alert's revisions; another company's, or one that does not
    // exist, is the same 404 as reading the alert.
    expect((await get(api.url, '/v1/alerts/H-V1/revisions', tokens['c1'])).status).toBe(200);
    for (const [id, who] of [
      ['H-V2', 'c1'],
      ['H-V1', 'c2'],
      ['NOPE', 'c1'],
      ['H-V2', 'op-gz'],
    ] as const) {
      expect((await get(api.url, `/v1/alerts/${id}/revisions`, tokens[who])).status).toBe(404);
      expect((await get(api.url, `/v1/alerts/${id}`, tokens[who])).status).toBe(404);
    }
    // H-V2 is V2's (C2, 深圳 440305): outside 广州 4401; H-V1 (广州) is inside.
    expect((await get(api.url, '/v1/alerts/H-V1/revisions', tokens['op-gz'])).status).toBe(200);
    expect((await get(api.url, '/v1/alerts/H-V2/revisions', tokens['c2'])).body.items).toHaveLength(1);
    expect((await get(api.url, '/v1/alerts/H-V1/revisions')).status).toBe(401);
    expect((await get(api.url, '/v1/alerts/H-V1/revisions', tokens['enf'])).status).toBe(403);
    // An alert stored before revisions were kept lists the one revision there is.
    const old = await get(api.url, '/v1/alerts/A-V1/revisions', admin);
    expect(old.body.items).toEqual([expect.objectContaining({ revision: 0, summary: 'V1 超速' })]);

    const doc = (await get(api.url, '/openapi.json')).body;
    expect(doc.paths['/v1/alerts/{alertId}/revisions'].get.responses['404']).toBeDefined();
    expect(Object.keys(doc.components.schemas.AlertRevisions.properties.items.items.properties)).toEqual(
      expect.arrayContaining(['revision', 'raisedAtMs', 'firstRaisedAtMs', 'limitPassedAtMs']),
    );
    expect(doc.components.schemas.Alert.properties.firstRaisedAtMs).toBeDefined();
  });
});
