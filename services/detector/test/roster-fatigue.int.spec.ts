import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { HOUR_MS, MINUTE_MS, type VehicleFacts } from '@roadwatch/domain';
import { InvalidMessageError, KafkaBus, type BusTopic, type OutgoingMessage } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import {
  appendRegistryChange,
  createPool,
  dropStorageSchema,
  DriverShiftRepository,
  migrate,
  OutboxRelay,
  RegistryRepository,
  type DriverShiftRecord,
  type StoragePool,
} from '@roadwatch/storage';
import { infraEnv } from '@roadwatch/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDatabaseRegistry, type DatabaseRegistry } from '../src/directory/database-registry';
import { startDetector } from '../src/detector.service';
import { RedisDriverTimeStore } from '../src/driver-times/redis-driver-time-store';
import { RedisStateStore } from '../src/state/redis-state-store';
import { OutputCollector } from './support/collector';
import { drivingReports } from './support/positions';
import { detectorTopicSpecs, KAFKA_BROKERS, publishPositions, REDIS_URL, uniqueName } from './support/harness';

/**
 * Fatigue per driver from the shift roster, no IC card anywhere (RULES.md §2, §13), on the real
 * Kafka, Redis and PostgreSQL: driver D is rostered on X for 3 h, then on Y. The roster is
 * written after the detector started (its registry poll an hour): the `driver_shift` change on
 * `registry.changes` reloads it. D drives X for 3 h; that member stops; a new member (nothing in
 * memory) takes over and D drives Y for 1 h 10 — the violation on Y names him by his
 * 从业资格证 number, X among the vehicles, the roster as the source: what the IC-card test
 * (`driver-fatigue.int.spec.ts`) gives.
 */
const logger = createLogger('roster-fatigue-int', 'warn');
const consumer = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200 };

const truck = (vehicleId: string): VehicleFacts => {
  const [plate] = vehicleId.split(':');
  return { vehicleId, plate: plate as string, plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'RC1', regionCode: '130000' };
};
const X = truck('冀F41001:2');
const Y = truck('冀F41002:2');
const Z = truck('冀F41003:2');

/** Reports every 30 s without a driver on them: standing at 0 km/h, else driving north at 60 km/h. */
const reports = (facts: VehicleFacts, terminalId: string, startMs: number, durationMs: number, latitudeDeg: number, moving = true): PositionV1[] =>
  drivingReports({ vehicleId: facts.vehicleId, plate: facts.plate, terminalId, startMs, durationMs, latitudeDeg, moving });

describe('detector: fatigue per rostered driver across vehicles on real Kafka, Redis and PostgreSQL', () => {
  const env = infraEnv();
  const name = uniqueName('roster_fatigue');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const prefix = `${name}.`;
  const statePrefix = `test:${name}:`;
  const qualificationNo = `QC${Date.now()}`;
  const kafka = (clientId: string) =>
    new KafkaBus({ brokers: KAFKA_BROKERS.split(','), clientId: uniqueName(clientId), topicPrefix: prefix, logger, consumer });
  const bus = kafka('roster-test');
  let pool: StoragePool;
  let registry: DatabaseRegistry;
  let registryBus: KafkaBus;
  let outbox: OutboxRelay;

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 3 });
    await migrate(pool, { partitioning: 'native' });
    const repository = new RegistryRepository(pool);
    await repository.upsertCompany({ companyId: 'RC1', name: '河北某运输有限公司', regionCode: '130000' });
    for (const facts of [X, Y, Z]) await repository.upsertVehicle(facts);
    await repository.upsertDriver({ driverId: 'RD1', name: '张三', companyId: 'RC1', qualificationNo });
    await repository.upsertDriver({ driverId: 'RD2', name: '李四', companyId: 'RC1' });
    await bus.ensureTopics([...detectorTopicSpecs(4), { topic: TOPICS.registryChanges, partitions: 2 }]);
    outbox = OutboxRelay.start({
      pool,
      publish: (topic, messages) => bus.publish(topic as BusTopic, messages as OutgoingMessage[]),
      refusedIndex: (error) => (error instanceof InvalidMessageError ? error.index : undefined),
      logger,
      intervalMs: 0,
    });
    registryBus = kafka('roster-registry');
    registry = await startDatabaseRegistry({
      db: pool,
      intervalMs: HOUR_MS,
      logger,
      vehicles: true,
      speedZones: false,
      roster: true,
      changes: { bus: registryBus, groupId: `${name}-registry` },
    });
  }, 60_000);

  afterAll(async () => {
    await registry?.close();
    await registryBus?.close();
    await bus.close();
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
  });

  /** A roster write as the API's use case makes it: the shift and its `registry.changes` row in one transaction, then the relay kicked. */
  const saveShift = async (shift: DriverShiftRecord): Promise<void> => {
    const saved = await new DriverShiftRepository(pool).save(shift, (tx) =>
      appendRegistryChange(tx, { entity: 'driver_shift', id: shift.shiftId, change: 'upsert', changedAtMs: Date.now() }),
    );
    expect(saved.saved).toBe(true);
    await outbox.kick();
  };

  it("carries a rostered driver's 3 h from X to Y across a member restart: the violation on Y names him, both vehicles and the roster", async () => {
    const redis = new Redis(REDIS_URL);
    const collector = await OutputCollector.start(bus, uniqueName('collector'));
    const groupId = uniqueName('detector');
    const startMember = async () => {
      const memberBus = kafka('roster-detector');
      const stateStore = RedisStateStore.connect(REDIS_URL, statePrefix);
      const driverTimes = RedisDriverTimeStore.connect(REDIS_URL, statePrefix, 25 * HOUR_MS);
      const detector = await startDetector({
        bus: memberBus,
        stateStore,
        driverTimes,
        vehicles: registry.directory!,
        roster: registry.roster!,
        groupId,
        timersIntervalMs: 0,
        logger,
      });
      return async () => {
        await detector.close();
        await memberBus.close();
        await stateStore.close();
        await driverTimes.close();
      };
    };

    const startMs = Date.now() - 6 * HOUR_MS;
    const onX = reports(X, '013900041001', startMs, 3 * HOUR_MS, 38.0);
    const lastOnXMs = onX.at(-1)!.deviceTimeMs;
    const arrivalMs = lastOnXMs + 6 * MINUTE_MS;
    const onY = [...reports(Y, '013900041002', arrivalMs, MINUTE_MS, 38.5, false), ...reports(Y, '013900041002', arrivalMs + 90_000, 70 * MINUTE_MS, 38.5)];

    // Nothing on the roster yet: the detector's lookup names nobody.
    expect(registry.roster!()(X.vehicleId, startMs)).toBeUndefined();
    const shifts: DriverShiftRecord[] = [
      { shiftId: `${name}-x`, companyId: 'RC1', driverId: 'RD1', vehicleId: X.vehicleId, startsAtMs: startMs - HOUR_MS, endsAtMs: lastOnXMs + MINUTE_MS },
      { shiftId: `${name}-y`, companyId: 'RC1', driverId: 'RD1', vehicleId: Y.vehicleId, startsAtMs: arrivalMs - MINUTE_MS, endsAtMs: arrivalMs + 8 * HOUR_MS },
      { shiftId: `${name}-z`, companyId: 'RC1', driverId: 'RD2', vehicleId: Z.vehicleId, startsAtMs: startMs, endsAtMs: startMs + HOUR_MS },
    ];
    for (const shift of shifts) await saveShift(shift);
    // The registry's group may join after the first announcement passed (a new group starts at the end): announce again until it is read.
    let lastNudgeMs = Date.now();
    await vi.waitUntil(
      async () => {
        // All three: a reload on the first change may read the roster before the last shift was committed.
        const lookup = registry.roster!();
        if ([lookup(X.vehicleId, startMs), lookup(Y.vehicleId, arrivalMs), lookup(Z.vehicleId, startMs)].every((driver) => driver !== undefined)) return true;
        if (Date.now() - lastNudgeMs > 2_000) {
          lastNudgeMs = Date.now();
          await saveShift(shifts[2]!);
        }
        return false;
      },
      { timeout: 60_000, interval: 100, message: 'the roster reloaded on its registry.changes event' },
    );
    // Keyed as his IC card would key him (the 从业资格证 number); a driver without one by a key no card gives.
    expect(registry.roster!()(X.vehicleId, startMs)).toBe(qualificationNo);
    expect(registry.roster!()(Z.vehicleId, startMs)).toBe('roster:RD2');

    const stopFirst = await startMember();
    await publishPositions(bus, onX);
    const key = `${statePrefix}driver-time:{${qualificationNo}}`;
    await vi.waitUntil(async () => (await redis.get(key))?.startsWith(`${lastOnXMs}|`) ?? false, {
      timeout: 60_000,
      interval: 200,
      message: "the rostered driver's time on X in Redis",
    });
    expect(collector.alerts.filter((a) => a.rule === 'fatigue_continuous' && a.level === 'violation')).toEqual([]);
    await stopFirst();

    const stopSecond = await startMember();
    await publishPositions(bus, onY);
    await vi.waitUntil(() => collector.alerts.some((a) => a.rule === 'fatigue_continuous' && a.level === 'violation'), {
      timeout: 60_000,
      interval: 200,
      message: 'the continuous violation on Y',
    });
    const violations = collector.alerts.filter((a) => a.rule === 'fatigue_continuous' && a.level === 'violation');
    expect(violations).toHaveLength(1);
    const violation = violations[0]!;
    expect(violation).toMatchObject({ vehicleId: Y.vehicleId, driverId: qualificationNo, startedAtMs: startMs, revision: 0 });
    expect(violation.details['carriedFrom']).toEqual([{ vehicleId: X.vehicleId, plate: X.plate, lastReportMs: lastOnXMs }]);
    expect(violation.details['driverSource']).toBe('roster');
    expect(violation.summary).toContain(X.plate);
    // The 6 min between the vehicles is neither driving nor rest, as with the IC card.
    expect(violation.limitPassedAtMs).toBe(startMs + 6 * MINUTE_MS + 4 * HOUR_MS);
    expect(violation.details['drivingMs']).toBe(4 * HOUR_MS + 30_000);

    await stopSecond();
    await collector.close();
    await redis.del(key);
    redis.disconnect();
  });
});
