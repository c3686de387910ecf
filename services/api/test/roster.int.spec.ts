import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { get, logger, NOW, post, registryChanges, seededPool, send, startTestApi, type TestApi } from './support';

const H = 3_600_000;

/**
 * The shift roster over real HTTP and PostgreSQL (issue #15): a company keeps its own drivers'
 * shifts on its own vehicles; another company's shift, vehicle or driver is 404 (ids cannot be
 * probed); overlapping shifts of a vehicle are 409; operators and enforcement may not call it.
 */
describe('roster REST (/v1/roster/shifts) on real PostgreSQL, scoped', () => {
  const schema = uniqueName('api_roster');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let testApi: TestApi;
  let url = '';
  let t: Record<string, string> = {};
  const shift = (driverId: string, vehicleId: string, fromH: number, toH: number) => ({
    driverId,
    vehicleId,
    startsAtMs: NOW + fromH * H,
    endsAtMs: NOW + toH * H,
  });

  beforeAll(async () => {
    pool = await seededPool(schema);
    for (const [driverId, companyId] of [
      ['D1', 'C1'],
      ['D2', 'C1'],
      ['D9', 'C2'],
    ])
      await pool.query(`INSERT INTO drivers (driver_id, name, company_id, qualification_no) VALUES ($1, $2, $3, $4)`, [
        driverId,
        `司机${driverId}`,
        companyId,
        `Q-${driverId}`,
      ]);
    testApi = await startTestApi(bus, pool, schema, { now: () => NOW });
    url = testApi.api.url;
    t = testApi.tokens;
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('a company adds its shifts; one overlapping another of the vehicle is 409 naming it; [a, b) then [b, c) is fine', async () => {
    const first = await post(url, '/v1/roster/shifts', shift('D1', 'V1', 0, 8), t['c1']);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ companyId: 'C1', driverId: 'D1', vehicleId: 'V1', startsAtMs: NOW, endsAtMs: NOW + 8 * H });
    const overlapping = await post(url, '/v1/roster/shifts', shift('D2', 'V1', 7, 12), t['c1']);
    expect(overlapping.status).toBe(409);
    expect(JSON.stringify(overlapping.body)).toContain(first.body.shiftId);
    expect((await post(url, '/v1/roster/shifts', shift('D2', 'V1', 8, 16), t['c1'])).status).toBe(201);
    const listed = await get(url, '/v1/roster/shifts?vehicleId=V1', t['c1']);
    expect(listed.body.items.map((s: { driverId: string }) => s.driverId)).toEqual(['D1', 'D2']);
    // Overlapping [NOW + 9 h, NOW + 10 h): the second only.
    expect((await get(url, `/v1/roster/shifts?fromMs=${NOW + 9 * H}&toMs=${NOW + 10 * H}`, t['c1'])).body.items).toHaveLength(1);
  });

  it("another company's vehicle, driver or shift is 404 to a company, and its list shows none of them", async () => {
    expect((await post(url, '/v1/roster/shifts', shift('D9', 'V1', 20, 22), t['c1'])).status).toBe(404);
    expect((await post(url, '/v1/roster/shifts', shift('D1', 'V2', 20, 22), t['c1'])).status).toBe(404);
    expect((await post(url, '/v1/roster/shifts', shift('D1', 'NO-SUCH', 20, 22), t['c1'])).status).toBe(404);
    const mine = (await get(url, '/v1/roster/shifts', t['c1'])).body.items as Array<{ shiftId: string }>;
    const theirs = mine[0]!.shiftId;
    expect((await send(url, 'PUT', `/v1/roster/shifts/${theirs}`, shift('D9', 'V2', 0, 8), t['c2'])).status).toBe(404);
    expect((await send(url, 'DELETE', `/v1/roster/shifts/${theirs}`, undefined, t['c2'])).status).toBe(404);
    expect((await send(url, 'DELETE', `/v1/roster/shifts/no-such-shift`, undefined, t['c2'])).status).toBe(404);
    expect((await get(url, '/v1/roster/shifts', t['c2'])).body.items).toEqual([]);
    expect((await get(url, '/v1/roster/shifts?companyId=C1', t['c2'])).body.items).toEqual([]);
    // Still there, unchanged.
    expect((await get(url, '/v1/roster/shifts', t['c1'])).body.items).toHaveLength(2);
  });

  it('operators and enforcement may not call it; the admin may, but not with a driver of another company than the vehicle’s', async () => {
    expect((await get(url, '/v1/roster/shifts', t['op-gz'])).status).toBe(403);
    expect((await post(url, '/v1/roster/shifts', shift('D1', 'V1', 30, 32), t['enf'])).status).toBe(403);
    const mixed = await post(url, '/v1/roster/shifts', shift('D9', 'V1', 30, 32), t['admin']);
    expect(mixed.status).toBe(400);
    expect(JSON.stringify(mixed.body)).toContain('body.driverId');
    expect((await post(url, '/v1/roster/shifts', shift('D9', 'V2', 30, 32), t['admin'])).status).toBe(201);
    expect((await get(url, '/v1/roster/shifts', t['admin'])).body.items).toHaveLength(3);
  });

  it('refuses a shift that ends before it starts, or odd ids, with the field; edits and deletes its own, audited', async () => {
    const backwards = await post(url, '/v1/roster/shifts', shift('D1', 'V1', 40, 39), t['c1']);
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('endsAtMs');
    expect((await post(url, '/v1/roster/shifts', { ...shift('D1', 'V1', 40, 41), driverId: 'D1\u0000' }, t['c1'])).status).toBe(400);
    const created = await post(url, '/v1/roster/shifts', shift('D1', 'V1', 40, 42), t['c1']);
    const path = `/v1/roster/shifts/${created.body.shiftId}`;
    const moved = await send(url, 'PUT', path, shift('D2', 'V1', 40, 44), t['c1']);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ shiftId: created.body.shiftId, driverId: 'D2', endsAtMs: NOW + 44 * H });
    expect((await send(url, 'DELETE', path, undefined, t['c1'])).status).toBe(204);
    expect((await send(url, 'DELETE', path, undefined, t['c1'])).status).toBe(404);
    const { rows } = await pool.query(`SELECT action FROM audit_log WHERE target = $1 ORDER BY audit_id`, [`roster/shift/${created.body.shiftId}`]);
    expect(rows.map((r) => r.action)).toEqual(['roster.shift_save', 'roster.shift_save', 'roster.shift_delete']);
  });

  it('announces every roster write on registry.changes with the write (the detectors reload the roster fatigue reads); a refused one announces nothing', async () => {
    const created = await post(url, '/v1/roster/shifts', shift('D1', 'V1', 50, 52), t['c1']);
    expect(created.status).toBe(201);
    const path = `/v1/roster/shifts/${created.body.shiftId}`;
    expect((await send(url, 'PUT', path, shift('D1', 'V1', 50, 53), t['c1'])).status).toBe(200);
    expect((await post(url, '/v1/roster/shifts', shift('D2', 'V1', 51, 52), t['c1'])).status).toBe(409);
    expect((await send(url, 'DELETE', path, undefined, t['c1'])).status).toBe(204);
    expect((await send(url, 'DELETE', path, undefined, t['c1'])).status).toBe(404);
    const announced = (await registryChanges(pool)).filter((c) => c.entity === 'driver_shift' && c.id === created.body.shiftId);
    expect(announced.map((c) => ({ change: c.change, changedAtMs: c.changedAtMs }))).toEqual([
      { change: 'upsert', changedAtMs: NOW },
      { change: 'upsert', changedAtMs: NOW },
      { change: 'delete', changedAtMs: NOW },
    ]);
    // Every shift written in this file was announced, none more: a refused write leaves no row.
    const shiftIds = new Set((await pool.query<{ shift_id: string }>('SELECT shift_id FROM driver_shifts')).rows.map((r) => r.shift_id));
    for (const id of shiftIds) expect((await registryChanges(pool)).some((c) => c.entity === 'driver_shift' && c.id === id)).toBe(true);
  });
});
