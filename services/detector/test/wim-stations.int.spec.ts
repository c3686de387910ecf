import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type WimMeasurementV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository, type StoragePool } from '@roadwatch/storage';
import { aWimRecord, infraEnv } from '@roadwatch/testing';
import { startDatabaseRegistry, type DatabaseRegistry } from '../src/directory/database-registry';
import { startDetector, type RunningDetector } from '../src/detector.service';
import { MemoryStateStore } from '../src/state/memory-state-store';
import { OutputCollector } from './support/collector';

const logger = createLogger('detector-wim-stations-test', 'silent');

/**
 * RULES.md §4: the station's accuracy class sets a weighing's tolerance, else 5%. A station
 * created in the registry tables (as `/v1/admin/wim-stations` does) reaches the detector with
 * the vehicles it reads, and a change reaches it on the next reload. 51,000 kg on six axles
 * tells the two apart: class 1 → confirmed 50,490 > 49,000, a violation; 5% → 48,450, none.
 */
describe("the WIM stations' accuracy classes reach the detector from the registry tables (real PostgreSQL)", () => {
  const schema = `rw_detector_stations_${randomBytes(4).toString('hex')}`;
  const truck: VehicleFacts = {
    vehicleId: '冀F51000:2',
    plate: '冀F51000',
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'CW1',
    axleCount: 6,
    isCombination: true,
  };
  const measuredAtMs = Date.UTC(2026, 10, 23, 2, 0, 0);
  let pool: StoragePool;
  let registry: DatabaseRegistry;
  let bus: InProcessBus;
  let detector: RunningDetector;
  let collector: OutputCollector;

  /** 51,000 kg on six axles at `stationId`, the record declaring no class of its own. */
  const weighing = (stationId: string, recordId: string): WimMeasurementV1 => {
    const { accuracyClassPct: _declared, ...m } = aWimRecord({
      stationId,
      stationRecordId: recordId,
      plate: truck.plate,
      plateColour: truck.plateColour,
      grossKg: 51_000,
      measuredAtMs,
      receivedAtMs: measuredAtMs + 2_000,
    });
    return m;
  };
  const weigh = (...measurements: WimMeasurementV1[]) =>
    bus.publish(
      TOPICS.wimMeasurements,
      measurements.map((value) => ({ key: value.plate, value })),
    );

  beforeAll(async () => {
    pool = createPool(infraEnv().databaseUrl, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
    const admin = new RegistryRepository(pool);
    await admin.upsertCompany({ companyId: 'CW1', name: '石家庄重载运输' });
    await admin.upsertVehicle(truck);
    await admin.upsertWimStation({ stationId: 'ST-CLASS-1', name: '京港澳 K280 治超站', kind: 'fixed', accuracyClassPct: 1 });
    await admin.upsertWimStation({ stationId: 'ST-NO-CLASS', name: '京昆 K30 非现场执法点', kind: 'non_site' });
    registry = await startDatabaseRegistry({ db: pool, intervalMs: 0, logger, vehicles: true, speedZones: false });
    bus = new InProcessBus({ defaultPartitions: 2 });
    detector = await startDetector({
      bus,
      stateStore: new MemoryStateStore(),
      vehicles: registry.directory!,
      wimStationClasses: registry.wimStationClasses!,
      timersIntervalMs: 0,
      logger,
    });
    collector = await OutputCollector.start(bus, 'wim-stations-collector');
  });

  afterAll(async () => {
    await detector?.close();
    await bus?.close();
    await registry?.close();
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('a class-1 station: 51,000 kg is a violation (confirmed 50,490); a station without a class: 5%, none', async () => {
    expect(registry.wimStationClasses!()).toEqual({ 'ST-CLASS-1': 1 });
    // The station without a class goes first: the class-1 violation arriving proves it was judged.
    await weigh(weighing('ST-NO-CLASS', 'A1'), weighing('ST-CLASS-1', 'A1'));
    await vi.waitUntil(() => collector.violations.length >= 1, { timeout: 10_000, message: 'the class-1 violation' });
    expect(collector.violations.map((v) => v.measurement.measurementId)).toEqual(['ST-CLASS-1/A1']);
    expect(collector.violations[0]).toMatchObject({
      vehicleId: truck.vehicleId,
      limitKg: 49_000,
      maxPermissibleErrorKg: 510,
      confirmedGrossKg: 50_490,
      excessKg: 1_490,
      overWeight: true,
    });
    expect(collector.alerts.map((a) => a.alertId)).toEqual(['alert:overload:ST-CLASS-1/A1']);
  });

  it('an administrator gives the other station class 1: after the reload its weighings are read at 1% too', async () => {
    await new RegistryRepository(pool).upsertWimStation({ stationId: 'ST-NO-CLASS', name: '京昆 K30 非现场执法点', kind: 'non_site', accuracyClassPct: 1 });
    await registry.reload();
    expect(registry.wimStationClasses!()).toEqual({ 'ST-CLASS-1': 1, 'ST-NO-CLASS': 1 });
    await weigh(weighing('ST-NO-CLASS', 'A2'));
    await vi.waitUntil(() => collector.violations.length >= 2, { timeout: 10_000, message: 'the violation after the reload' });
    expect(collector.violations[1]).toMatchObject({ measurement: { measurementId: 'ST-NO-CLASS/A2' }, confirmedGrossKg: 50_490 });
  });
});
