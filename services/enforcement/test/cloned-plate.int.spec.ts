import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type AlertV1, type WimMeasurementV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, PositionRepository, RegistryRepository, TargetingRepository, type StoragePool } from '@roadwatch/storage';
import { aPosition, aWimRecord, infraEnv, uniqueName } from '@roadwatch/testing';
import { clonedPlateAlertId, clonedPlatePart, clonedPlateTargetingId, startEnforcement, type RunningEnforcement } from '../src/index';

const env = infraEnv();
const logger = createLogger('enforcement-cloned-plate-test', process.env['LOG_LEVEL'] ?? 'warn');
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
// 2026-11-23 10:00 China time.
const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);
const PLATE = '冀B77777';
const VEHICLE_ID = `${PLATE}:2`;
const STATION = { latitudeDeg: 38.0, longitudeDeg: 114.5 };
// ≈ 60 km north of the station.
const FAR = { latitudeDeg: 38.54, longitudeDeg: 114.5 };

const weighing = (stationRecordId: string, measuredAtMs: number, overrides: Partial<WimMeasurementV1> = {}): WimMeasurementV1 =>
  aWimRecord({ stationId: 'ST-G4-01', stationRecordId, measuredAtMs, plate: PLATE, plateColour: 2, ...overrides });
const fix = (deviceTimeMs: number, at: { latitudeDeg: number; longitudeDeg: number }, overrides: Parameters<typeof aPosition>[0] = {}) =>
  aPosition({ vehicleId: VEHICLE_ID, plate: PLATE, plateColour: 2, deviceTimeMs, speedKmh: 40, ...at, ...overrides });

/**
 * 套牌 on real Kafka and PostgreSQL (RULES.md §14, §15): every record of the plate is published with
 * the plate as key, so they are judged in this order; the last one found proves the earlier were judged.
 */
describe('enforcement 套牌 part: a weighing against the registered vehicle’s stored fixes', () => {
  const name = uniqueName('cloned_plate');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'cloned-plate-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  let enforcement: RunningEnforcement;
  let targeting: TargetingRepository;
  const alerts: AlertV1[] = [];
  const publish = (records: WimMeasurementV1[]) =>
    bus.publish(
      TOPICS.wimMeasurements,
      records.map((value) => ({ key: PLATE, value })),
    );
  const leadOf = (measurementId: string) => targeting.get(clonedPlateTargetingId(measurementId));

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'cloned-plate-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输公司', regionCode: '130102' });
    await registry.upsertVehicle({ vehicleId: VEHICLE_ID, plate: PLATE, plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'HB1', axleCount: 6 });
    await registry.upsertWimStation({ stationId: 'ST-G4-01', name: 'G4石家庄北治超站', regionCode: '130105', ...STATION });
    await registry.upsertWimStation({ stationId: 'ST-NOWHERE', name: '未定位站' });
    await new PositionRepository(pool).insertMany([
      // A source site's exit-scale record 5 days before, the vehicle far away: not a WIM record, not judged for 套牌.
      fix(T0 - 5 * DAY - 5 * MIN, FAR),
      // Station without coordinates, 4 days before: fixes far away, but nothing can be judged.
      fix(T0 - 4 * DAY - 5 * MIN, FAR),
      // A drift spike 2 days before: the spike and its neighbours are left out, the rest sit at the station.
      fix(T0 - 2 * DAY - 6 * MIN, STATION),
      fix(T0 - 2 * DAY - 4 * MIN, STATION),
      fix(T0 - 2 * DAY - 2 * MIN, FAR),
      fix(T0 - 2 * DAY, STATION),
      fix(T0 - 2 * DAY + 2 * MIN, STATION),
      // Consistent the day before: at the station.
      fix(T0 - DAY - MIN, STATION),
      // A fix not GNSS-fixed far away the same day: not accepted, so nothing against the consistent ones.
      fix(T0 - DAY + MIN, FAR, { gnssFixed: false }),
      // The conflict: exactly 10 min before the weighing (the window is inclusive), 60 km away.
      fix(T0 - 12 * MIN, FAR),
      fix(T0 - 10 * MIN, FAR),
      // The second conflict, 2 days later: 5 min after the weighing, 60 km away.
      fix(T0 + 2 * DAY + 5 * MIN, FAR),
      // 40 days later, the 30-day window has dropped the first two.
      fix(T0 + 40 * DAY - 3 * MIN, FAR),
    ]);
    targeting = new TargetingRepository(pool);
    await bus.ensureTopics([
      { topic: TOPICS.wimMeasurements, partitions: 3 },
      { topic: TOPICS.alerts, partitions: 3 },
    ]);
    await bus.subscribe({
      groupId: `${name}-observer`,
      topics: [TOPICS.alerts],
      fromBeginning: true,
      handleBatch: async (batch) => void alerts.push(...batch.messages.map((m) => m.value)),
    });
    enforcement = await startEnforcement({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('cloned-plate-test', { defaultMetrics: false }),
      parts: [clonedPlatePart({ groupId: `${name}-cloned-plate` })],
    });
    await publish([
      weighing('R-exit', T0 - 5 * DAY, { recordKind: 'site_exit' }),
      weighing('R-nocoords', T0 - 4 * DAY, { stationId: 'ST-NOWHERE' }),
      // A plate nobody registered, published under the same key so it is judged in line.
      weighing('R-unregistered', T0 - 3 * DAY - MIN, { plate: '冀B00000' }),
      weighing('R-nogps', T0 - 3 * DAY),
      weighing('R-drift', T0 - 2 * DAY),
      weighing('R-consistent', T0 - DAY),
      weighing('R-1', T0),
      weighing('R-2', T0 + 2 * DAY),
      // Redelivered: rewrites its lead, never a second one, and keeps its priority as of its own time.
      weighing('R-1', T0),
      weighing('R-3', T0 + 40 * DAY),
    ]);
    await vi.waitFor(async () => expect(await leadOf('ST-G4-01/R-3')).toBeDefined(), { timeout: 30_000, interval: 200 });
  }, 60_000);

  afterAll(async () => {
    await enforcement?.close();
    await bus.close();
    if (pool) await dropStorageSchema(pool, schema);
    await pool?.end();
  });

  it('a weighing while the vehicle’s own fix 10 min earlier is 60 km away → a cloned_plate lead with the station, the fix and the speed', async () => {
    const lead = await leadOf('ST-G4-01/R-1');
    expect(lead).toMatchObject({
      kind: 'cloned_plate',
      plate: PLATE,
      plateColour: 2,
      vehicleId: VEHICLE_ID,
      stationId: 'ST-G4-01',
      measurementId: 'ST-G4-01/R-1',
      occurredAtMs: T0,
      regionCode: '130105',
      victimCompanyId: 'HB1',
      priority: 'normal',
      status: 'open',
    });
    const evidence = lead?.evidence as { station: { stationId: string }; conflicts: Array<{ timeMs: number; distanceM: number; neededSpeedKmh: number }> };
    expect(evidence.station.stationId).toBe('ST-G4-01');
    // The fix 12 min before is outside the window: only the one at exactly 10 min conflicts.
    expect(evidence.conflicts.map((c) => c.timeMs)).toEqual([T0 - 10 * MIN]);
    expect(evidence.conflicts[0]?.distanceM).toBeGreaterThan(59_000);
    expect(evidence.conflicts[0]?.distanceM).toBeLessThan(61_000);
    // (≈ 60 km − 1 km of position error) in 10 min.
    expect(evidence.conflicts[0]?.neededSpeedKmh).toBeGreaterThan(340);
    expect(evidence.conflicts[0]?.neededSpeedKmh).toBeLessThan(360);
  });

  it('no GPS, a consistent track, a drift spike, a fix without GNSS, an unregistered plate, a station without coordinates, an exit-scale record → no lead', async () => {
    const leads = await targeting.ofVehicle(VEHICLE_ID);
    expect(leads.map((l) => l.measurementId)).toEqual(['ST-G4-01/R-1', 'ST-G4-01/R-2', 'ST-G4-01/R-3']);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM targeting_alerts');
    expect(Number(rows[0]?.n)).toBe(3);
  });

  it('the second conflict within 30 days is high priority; the redelivered first stays normal and single; 40 days on it is normal again', async () => {
    expect((await leadOf('ST-G4-01/R-2'))?.priority).toBe('high');
    expect((await leadOf('ST-G4-01/R-2'))?.evidence['conflictsInWindow']).toBe(2);
    expect((await leadOf('ST-G4-01/R-1'))?.priority).toBe('normal');
    expect((await leadOf('ST-G4-01/R-3'))?.priority).toBe('normal');
  });

  it('the victim is informed: a cloned_plate_suspected alert for the registered vehicle and its company on alerts, one id per weighing', async () => {
    await vi.waitFor(() => expect(new Set(alerts.map((a) => a.alertId)).size).toBe(3), { timeout: 15_000, interval: 100 });
    const ids = [...new Set(alerts.map((a) => a.alertId))].sort();
    expect(ids).toEqual(['ST-G4-01/R-1', 'ST-G4-01/R-2', 'ST-G4-01/R-3'].map(clonedPlateAlertId).sort());
    const first = alerts.find((a) => a.alertId === clonedPlateAlertId('ST-G4-01/R-1'));
    expect(first).toMatchObject({
      vehicleId: VEHICLE_ID,
      plate: PLATE,
      companyId: 'HB1',
      rule: 'cloned_plate_suspected',
      level: 'prewarning',
      severity: 'major',
      startedAtMs: T0,
      evidence: { wimMeasurementId: 'ST-G4-01/R-1' },
    });
    expect(first?.summary).toContain('疑似套牌');
    expect(first?.summaryEn).toContain('Suspected cloned plate');
    expect(alerts.find((a) => a.alertId === clonedPlateAlertId('ST-G4-01/R-2'))?.severity).toBe('serious');
  });
});
