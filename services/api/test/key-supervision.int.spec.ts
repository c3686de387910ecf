import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LIVE_EVENTS, TOPICS, type AlertItem, type LiveSubscribeAck } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { alert, connectLive, get, insertAlert, logger, NOW, post, seededPool, startTestApi, type TestApi } from './support';

const DAY_MS = 86_400_000;

const seedEntry = async (
  pool: StoragePool,
  entry: { id: string; kind: 'vehicle' | 'company'; subject: string; company: string; region: string; reasons: unknown[]; listedAtMs: number },
): Promise<void> => {
  await pool.query(
    `INSERT INTO key_supervision_entries (entry_id, subject_kind, subject_id, company_id, region_code, listed_at, reasons, last_trigger_at)
     VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7::jsonb, to_timestamp($6 / 1000.0))`,
    [entry.id, entry.kind, entry.subject, entry.company, entry.region, entry.listedAtMs, JSON.stringify(entry.reasons)],
  );
};

// Issue #14 item 5: the 重点监管 list over real HTTP on real PostgreSQL — scoped reads, evidence, an officer's release, raised alerts, density.
describe('api: /v1/key-supervision', () => {
  const schema = uniqueName('api_key_supervision').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;
  const listedAtMs = NOW - 2 * DAY_MS;

  beforeAll(async () => {
    pool = await seededPool(schema);
    await insertAlert(pool, { ...alert('F-V1', 'V1', listedAtMs - 3_600_000), rule: 'fatigue_continuous', severity: 'serious', summary: '疲劳驾驶 4小时05分' });
    await insertAlert(pool, alert('S-V2', 'V2', listedAtMs));
    await pool.query(
      `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
       VALUES ('V1', '2026-03-01', 100, 98, 2, 0, 0, 0, 10000, 6000, 3, 0, true, now())`,
    );
    await seedEntry(pool, {
      id: 'E-V1',
      kind: 'vehicle',
      subject: 'V1',
      company: 'C1',
      region: '440106',
      listedAtMs,
      reasons: [
        { code: 'fatigue', key: 'fatigue:F-V1', atMs: listedAtMs, detail: {}, evidence: [{ kind: 'alert', id: 'F-V1' }] },
        // A quality day of another vehicle named in V1's evidence is never resolved through V1's entry.
        {
          code: 'low_track_completeness',
          key: 'ltc',
          atMs: listedAtMs,
          detail: { ratePct: 60 },
          evidence: [
            { kind: 'quality_day', id: 'V1/2026-03-01' },
            { kind: 'quality_day', id: 'V2/2026-03-01' },
          ],
        },
      ],
    });
    await seedEntry(pool, {
      id: 'E-V2',
      kind: 'vehicle',
      subject: 'V2',
      company: 'C2',
      region: '440305',
      listedAtMs,
      reasons: [{ code: 'serious_speeding', key: 's', atMs: listedAtMs, detail: { points: 12 }, evidence: [{ kind: 'alert', id: 'S-V2' }] }],
    });
    await seedEntry(pool, {
      id: 'E-C2',
      kind: 'company',
      subject: 'C2',
      company: 'C2',
      region: '440305',
      listedAtMs,
      reasons: [
        { code: 'company_listed_share', key: 'company_listed_share', atMs: listedAtMs, detail: { sharePct: 100 }, evidence: [{ kind: 'vehicle', id: 'V2' }] },
      ],
    });
    testApi = await startTestApi(bus, pool, schema);
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  const ids = (body: { items: { entryId: string }[] }): string[] => body.items.map((e) => e.entryId).sort();

  it('each caller reads only its scope: a company its own entries and its vehicles’, an operator its region; any other id is 404, as one that does not exist', async () => {
    expect(ids((await get(api.url, '/v1/key-supervision/entries', tokens['admin'])).body)).toEqual(['E-C2', 'E-V1', 'E-V2']);
    expect(ids((await get(api.url, '/v1/key-supervision/entries', tokens['c1'])).body)).toEqual(['E-V1']);
    expect(ids((await get(api.url, '/v1/key-supervision/entries', tokens['c2'])).body)).toEqual(['E-C2', 'E-V2']);
    expect(ids((await get(api.url, '/v1/key-supervision/entries', tokens['op-gz'])).body)).toEqual(['E-V1']);
    // A company asking for another company's entries by filter gets nothing of theirs.
    expect(ids((await get(api.url, '/v1/key-supervision/entries?companyId=C2&state=all', tokens['c1'])).body)).toEqual([]);
    expect(ids((await get(api.url, '/v1/key-supervision/entries?vehicleId=V2', tokens['c1'])).body)).toEqual([]);
    for (const [id, who] of [
      ['E-V2', 'c1'],
      ['E-C2', 'c1'],
      ['E-V1', 'c2'],
      ['E-V2', 'op-gz'],
      ['NOPE', 'admin'],
    ] as const) {
      expect((await get(api.url, `/v1/key-supervision/entries/${id}`, tokens[who])).status).toBe(404);
      expect((await get(api.url, `/v1/key-supervision/entries/${id}/evidence`, tokens[who])).status).toBe(404);
    }
    const one = await get(api.url, '/v1/key-supervision/entries/E-V1', tokens['c1']);
    expect(one.body).toMatchObject({
      subjectKind: 'vehicle',
      subjectId: 'V1',
      subjectName: '粤A10001',
      companyId: 'C1',
      exitDueAtMs: listedAtMs + 30 * DAY_MS,
    });
    expect((await get(api.url, '/v1/key-supervision/entries', tokens['enf'])).status).toBe(403);
    expect((await get(api.url, '/v1/key-supervision/entries?state=soon', tokens['admin'])).status).toBe(400);
    expect((await get(api.url, '/v1/key-supervision/vehicles', tokens['c1'])).body.vehicleIds).toEqual(['V1']);
    expect((await get(api.url, '/v1/key-supervision/vehicles', tokens['admin'])).body.vehicleIds).toEqual(['V1', 'V2']);
  });

  it('evidence links resolve in scope: the alert with its summary, the vehicle’s own quality day; another vehicle’s day is not found', async () => {
    const evidence = await get(api.url, '/v1/key-supervision/entries/E-V1/evidence', tokens['c1']);
    expect(evidence.status).toBe(200);
    expect(evidence.body.items).toEqual([
      {
        kind: 'alert',
        id: 'F-V1',
        found: true,
        alert: expect.objectContaining({ alertId: 'F-V1', rule: 'fatigue_continuous', summary: '疲劳驾驶 4小时05分' }),
      },
      {
        kind: 'quality_day',
        id: 'V1/2026-03-01',
        found: true,
        day: { day: '2026-03-01', trackM: 10000, completeTrackM: 6000, received: 100, valid: 98, final: true },
      },
      { kind: 'quality_day', id: 'V2/2026-03-01', found: false },
    ]);
  });

  it('a listed vehicle’s alerts are served one severity step higher, the detected one kept; density counts the scope’s listings per province and prefecture', async () => {
    expect((await get(api.url, '/v1/alerts/F-V1', tokens['admin'])).body).toMatchObject({
      severity: 'critical',
      detectedSeverity: 'serious',
      keySupervised: true,
    });
    const density = await get(api.url, '/v1/key-supervision/density', tokens['admin']);
    expect(density.body.regions).toEqual([
      { regionCode: '440000', level: 'province', vehicles: 2, companies: 1 },
      { regionCode: '440100', level: 'prefecture', vehicles: 1, companies: 0 },
      { regionCode: '440300', level: 'prefecture', vehicles: 1, companies: 1 },
    ]);
    expect((await get(api.url, '/v1/key-supervision/density', tokens['c1'])).body.regions).toEqual([
      { regionCode: '440000', level: 'province', vehicles: 1, companies: 0 },
      { regionCode: '440100', level: 'prefecture', vehicles: 1, companies: 0 },
    ]);
  });

  it('a listed vehicle’s alert is pushed on the live feed one step higher; an unlisted one’s as detected', async () => {
    const socket = await connectLive(api.url, tokens['admin']!);
    try {
      const received: AlertItem[] = [];
      socket.on(LIVE_EVENTS.alert, (a: AlertItem) => received.push(a));
      const ack = await new Promise<LiveSubscribeAck>((resolve) =>
        socket.emit(LIVE_EVENTS.subscribe, { viewport: { west: -180, south: -90, east: 180, north: 90 } }, resolve),
      );
      expect(ack).toEqual({ ok: true });
      await bus.publish(TOPICS.alerts, [
        { key: 'V2', value: { ...alert('LIVE-V2', 'V2', NOW), severity: 'major' } },
        { key: 'V3', value: { ...alert('LIVE-V3', 'V3', NOW), severity: 'major' } },
      ]);
      await vi.waitUntil(() => received.length === 2, { timeout: 10_000, interval: 50 });
      const byId = Object.fromEntries(received.map((a) => [a.alertId, a]));
      expect(byId['LIVE-V2']).toMatchObject({ severity: 'serious', detectedSeverity: 'major', keySupervised: true });
      expect(byId['LIVE-V3']?.severity).toBe('major');
      expect(byId['LIVE-V3']?.keySupervised).toBeUndefined();
    } finally {
      socket.disconnect();
    }
  });

  it('an operator releases an entry of its region with a comment (audited); a company may not, another region’s is 404, a second release 409, no comment 400', async () => {
    expect((await post(api.url, '/v1/key-supervision/entries/E-V1/release', { comment: '企业已整改' }, tokens['c1'])).status).toBe(403);
    expect((await post(api.url, '/v1/key-supervision/entries/E-V2/release', { comment: '越权' }, tokens['op-gz'])).status).toBe(404);
    expect((await post(api.url, '/v1/key-supervision/entries/E-V1/release', { comment: '   ' }, tokens['op-gz'])).status).toBe(400);
    expect((await post(api.url, '/v1/key-supervision/entries/E-V1/release', {}, tokens['op-gz'])).status).toBe(400);
    const released = await post(api.url, '/v1/key-supervision/entries/E-V1/release', { comment: '已核实，企业已整改' }, tokens['op-gz']);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ entryId: 'E-V1', exitKind: 'released', releasedBy: 'op-gz', releaseComment: '已核实，企业已整改' });
    expect(released.body.exitDueAtMs).toBeUndefined();
    expect((await post(api.url, '/v1/key-supervision/entries/E-V1/release', { comment: 'again' }, tokens['op-gz'])).status).toBe(409);
    const { rows } = await pool.query(`SELECT actor, target, reason, outcome FROM audit_log WHERE action = 'key_supervision.release'`);
    expect(rows).toEqual([{ actor: 'op-gz', target: 'key-supervision/E-V1', reason: '已核实，企业已整改', outcome: 'success' }]);
    // Off the list: history, not current; its alerts back at the detected severity at once.
    expect(ids((await get(api.url, '/v1/key-supervision/entries?state=history', tokens['c1'])).body)).toEqual(['E-V1']);
    expect(ids((await get(api.url, '/v1/key-supervision/entries', tokens['c1'])).body)).toEqual([]);
    const served = (await get(api.url, '/v1/alerts/F-V1', tokens['admin'])).body;
    expect(served.severity).toBe('serious');
    expect(served.keySupervised).toBeUndefined();
  });
});
