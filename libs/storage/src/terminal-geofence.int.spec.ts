import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalAreaAlarmV1, TerminalCommandV1 } from '@roadwatch/contracts';
import { aVehicle, infraEnv, uniqueName } from '@roadwatch/testing';
import { dropStorageSchema, migrate } from './migrate';
import { createPool, type StoragePool } from './pool';
import { RegistryRepository } from './registry.repository';
import { TerminalAreaAlarmReadModel, TerminalAreaAlarmWriter } from './terminal-area-alarm.repository';
import { TerminalGeofenceRepository, type DownlinkSend } from './terminal-geofence.repository';

const env = infraEnv();
const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);

describe('terminal geofences: sends, their outcomes, and the terminals’ own alarms', () => {
  const schema = uniqueName('geofences').replace(/[^a-z0-9_]/g, '_');
  let pool: StoragePool;
  let repository: TerminalGeofenceRepository;
  const bj = aVehicle({ vehicleId: '京A10001:2', plate: '京A10001', companyId: 'BJ1', regionCode: '110105' });
  const hb = aVehicle({ vehicleId: '冀A20002:2', plate: '冀A20002', companyId: 'HB1', regionCode: '130102' });

  const sendOf = (commandId: string, vehicleId: string, sourceId: string, atMs = T0): DownlinkSend => ({
    commandId,
    vehicleId,
    terminalId: vehicleId === bj.vehicleId ? '13800000001' : '13800000002',
    messageId: 0x8606,
    sourceKind: 'route',
    sourceId,
    name: '班线',
    requestedBy: 'operator',
    requestedAtMs: atMs,
  });
  const commandOf =
    (send: DownlinkSend) =>
    (geofenceId: number): TerminalCommandV1 => ({
      v: 1,
      commandId: send.commandId,
      terminalId: send.terminalId,
      issuedAtMs: send.requestedAtMs,
      command: {
        type: 'set_route',
        geofenceId,
        name: send.name,
        points: [
          { latitudeDeg: 39.9, longitudeDeg: 116.4 },
          { latitudeDeg: 39.95, longitudeDeg: 116.45 },
        ],
        widthM: 200,
      },
    });

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 2 });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'BJ1', name: '北京客运', regionCode: '110105' });
    await registry.upsertCompany({ companyId: 'HB1', name: '河北客运', regionCode: '130102' });
    for (const v of [bj, hb]) await registry.upsertVehicle(v);
    repository = new TerminalGeofenceRepository(pool);
  });

  afterAll(async () => {
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
  });

  it('one JT/T 808 id per source, reused on a re-send; the command goes on the outbox with it', async () => {
    const first = await repository.recordSend(sendOf('c-1', bj.vehicleId, 'R1'), commandOf(sendOf('c-1', bj.vehicleId, 'R1')));
    const again = await repository.recordSend(sendOf('c-2', bj.vehicleId, 'R1', T0 + 1_000), commandOf(sendOf('c-2', bj.vehicleId, 'R1')));
    const other = await repository.recordSend(sendOf('c-3', hb.vehicleId, 'R2'), commandOf(sendOf('c-3', hb.vehicleId, 'R2')));
    expect(again.geofenceId).toBe(first.geofenceId);
    expect(other.geofenceId).not.toBe(first.geofenceId);
    const { rows } = await pool.query<{ topic: string; message_key: string; payload: TerminalCommandV1 }>(
      `SELECT topic, message_key, payload FROM outbox ORDER BY id`,
    );
    expect(rows.map((r) => [r.topic, r.message_key, r.payload.commandId])).toEqual([
      ['terminal.commands', '13800000001', 'c-1'],
      ['terminal.commands', '13800000001', 'c-2'],
      ['terminal.commands', '13800000002', 'c-3'],
    ]);
    expect(rows[0]!.payload.command).toMatchObject({ type: 'set_route', geofenceId: first.geofenceId });
  });

  it('a duplicate command id records nothing and publishes nothing (the transaction rolls back)', async () => {
    const before = await pool.query(`SELECT count(*)::int AS n FROM outbox`);
    await expect(repository.recordSend(sendOf('c-1', bj.vehicleId, 'R9'), commandOf(sendOf('c-1', bj.vehicleId, 'R9')))).rejects.toThrow();
    const after = await pool.query(`SELECT count(*)::int AS n FROM outbox`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect((await pool.query(`SELECT 1 FROM terminal_geofences WHERE source_id = 'R9'`)).rowCount).toBe(0);
  });

  it('results move the status forward; a late or redelivered `sent` never undoes an answer; other commands change nothing', async () => {
    expect(await repository.applyResult({ commandId: 'c-1', status: 'acknowledged', answeredAtMs: T0 + 2_000 })).toBe(true);
    expect(await repository.applyResult({ commandId: 'c-1', status: 'sent', answeredAtMs: T0 + 1_000 })).toBe(false);
    expect(await repository.applyResult({ commandId: 'c-1', status: 'failed', reason: 'no answer', answeredAtMs: T0 + 3_000 })).toBe(false);
    expect(await repository.applyResult({ commandId: 'someone-elses-text', status: 'acknowledged', answeredAtMs: T0 })).toBe(false);
    expect(await repository.applyResult({ commandId: 'c-2', status: 'sent', answeredAtMs: T0 + 1_500 })).toBe(true);
    expect(await repository.applyResult({ commandId: 'c-2', status: 'undeliverable', reason: 'terminal not connected', answeredAtMs: T0 + 1_600 })).toBe(true);
    const listed = await repository.list({ vehicleId: bj.vehicleId, limit: 10, offset: 0 }, {});
    expect(listed.map((d) => [d.commandId, d.status, d.reason ?? null, d.answeredAtMs ?? null])).toEqual([
      ['c-2', 'undeliverable', 'terminal not connected', T0 + 1_600],
      ['c-1', 'acknowledged', null, T0 + 2_000],
    ]);
  });

  it('sends are read in scope: a region prefix, a company, nothing of another', async () => {
    const ids = async (scope: { regionPrefix?: string; companyId?: string }) =>
      (await repository.list({ limit: 10, offset: 0 }, scope)).map((d) => d.commandId).sort();
    expect(await ids({ regionPrefix: '11' })).toEqual(['c-1', 'c-2']);
    expect(await ids({ regionPrefix: '13' })).toEqual(['c-3']);
    expect(await ids({ companyId: 'HB1' })).toEqual(['c-3']);
    expect(await ids({ regionPrefix: '44' })).toEqual([]);
  });

  it('alarms: idempotent per (vehicle, time, kind), named by what was sent to that vehicle only, newest first, in scope', async () => {
    const sent = (await repository.list({ vehicleId: bj.vehicleId, limit: 1, offset: 0 }, {}))[0]!;
    const alarm = (
      vehicleId: string,
      deviceTimeMs: number,
      kind: TerminalAreaAlarmV1['kind'],
      extra: Partial<TerminalAreaAlarmV1> = {},
    ): TerminalAreaAlarmV1 => ({
      v: 1,
      vehicleId,
      terminalId: '13800000001',
      registered: true,
      deviceTimeMs,
      receivedAtMs: deviceTimeMs + 500,
      kind,
      alarmFlags: 1 << 21,
      latitudeDeg: 39.9,
      longitudeDeg: 116.4,
      speedKmh: 40,
      ...extra,
    });
    const writer = new TerminalAreaAlarmWriter(pool);
    const batch = [
      alarm(bj.vehicleId, T0 + 10_000, 'route_in_out', { areaType: 'route', areaId: sent.geofenceId, direction: 'out' }),
      alarm(bj.vehicleId, T0 + 20_000, 'segment_driving_time', { segmentId: 3, segmentDrivingTimeS: 4_000, segmentTooLong: true }),
      // The same area id on another vehicle: nothing was sent to it under that id, so no name.
      alarm(hb.vehicleId, T0 + 10_000, 'area_in_out', { areaType: 'polygon', areaId: sent.geofenceId, direction: 'in' }),
      alarm('13899999999', T0 + 10_000, 'route_deviation', { registered: false }),
    ];
    expect(await writer.insertMany(batch)).toBe(4);
    expect(await writer.insertMany(batch)).toBe(0);
    const read = new TerminalAreaAlarmReadModel(pool);
    const all = await read.list({ limit: 10, offset: 0 }, {});
    expect(all.map((a) => [a.vehicleId, a.kind, a.geofence?.sourceId ?? null])).toEqual([
      [bj.vehicleId, 'segment_driving_time', null],
      // Same instant: by kind.
      [hb.vehicleId, 'area_in_out', null],
      ['13899999999', 'route_deviation', null],
      [bj.vehicleId, 'route_in_out', 'R1'],
    ]);
    expect(all.find((a) => a.kind === 'segment_driving_time')).toMatchObject({
      segmentId: 3,
      segmentDrivingTimeS: 4_000,
      segmentTooLong: true,
      evidenceOnly: true,
    });
    // The unbound terminal's alarm has no owner: no scoped reader sees it.
    expect((await read.list({ limit: 10, offset: 0 }, { regionPrefix: '1' })).map((a) => a.vehicleId).sort()).toEqual(
      [bj.vehicleId, bj.vehicleId, hb.vehicleId].sort(),
    );
    expect((await read.list({ limit: 10, offset: 0 }, { companyId: 'HB1' })).map((a) => a.kind)).toEqual(['area_in_out']);
    // [from, to): the alarm at exactly `to` is out.
    expect((await read.list({ vehicleId: bj.vehicleId, fromMs: T0 + 10_000, toMs: T0 + 20_000, limit: 10, offset: 0 }, {})).map((a) => a.kind)).toEqual([
      'route_in_out',
    ]);
  });
});
