import type { PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, HOUR_MS, MINUTE_MS, VehicleRegistry, type VehicleFacts } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { startDetector } from '../src/detector.service';
import { RedisDriverTimeStore } from '../src/driver-times/redis-driver-time-store';
import { RedisStateStore } from '../src/state/redis-state-store';
import { OutputCollector } from './support/collector';
import { drivingReports } from './support/positions';
import { detectorTopicSpecs, KAFKA_BROKERS, publishPositions, REDIS_URL, uniqueName } from './support/harness';

/**
 * Fatigue per driver across vehicles (RULES.md §2, §13) through the detector on the real Kafka
 * and Redis: driver D drives X for 3 h; that detector member stops; a new member (nothing in
 * memory) takes over and D drives Y, 6 min after his last report on X, for 1 h 10 — the
 * violation on Y names D and both vehicles. His time crossed members through the Redis
 * driver-time store, as it would cross partitions.
 */
const logger = createLogger('driver-fatigue-int', 'warn');
const consumer = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200 };

const truck = (vehicleId: string): VehicleFacts => {
  const [plate] = vehicleId.split(':');
  return { vehicleId, plate: plate as string, plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'c1', regionCode: '130000' };
};
const X = truck('冀F31001:2');
const Y = truck('冀F31002:2');

/** Reports every 30 s with the IC-card driver on them: standing at 0 km/h, else driving north at 60 km/h. */
const reports = (
  facts: VehicleFacts,
  terminalId: string,
  startMs: number,
  durationMs: number,
  driverId: string,
  latitudeDeg: number,
  moving = true,
): PositionV1[] => drivingReports({ vehicleId: facts.vehicleId, plate: facts.plate, terminalId, startMs, durationMs, latitudeDeg, moving, driverId });

const startMember = async (prefix: string, groupId: string, statePrefix: string) => {
  const bus = new KafkaBus({ brokers: KAFKA_BROKERS.split(','), clientId: uniqueName('driver-detector'), topicPrefix: prefix, logger, consumer });
  const stateStore = RedisStateStore.connect(REDIS_URL, statePrefix);
  const driverTimes = RedisDriverTimeStore.connect(REDIS_URL, statePrefix, 25 * HOUR_MS);
  const detector = await startDetector({
    bus,
    stateStore,
    driverTimes,
    vehicles: new VehicleRegistry([{ facts: X }, { facts: Y }]),
    groupId,
    timersIntervalMs: 0,
    logger,
  });
  return {
    stop: async () => {
      await detector.close();
      await bus.close();
      await stateStore.close();
      await driverTimes.close();
    },
  };
};

describe('detector: fatigue per driver across vehicles on real Kafka and Redis', () => {
  it("carries a driver's 3 h from X to Y across a member restart: the violation on Y names him and both vehicles", async () => {
    const driverId = uniqueName('QC1301');
    const prefix = `${uniqueName('driver-fatigue')}.`;
    const statePrefix = `test:${uniqueName('driver-fatigue')}:`;
    const groupId = uniqueName('detector');
    const bus = new KafkaBus({ brokers: KAFKA_BROKERS.split(','), clientId: uniqueName('driver-test'), topicPrefix: prefix, logger });
    await bus.ensureTopics(detectorTopicSpecs(4));
    const collector = await OutputCollector.start(bus, uniqueName('collector'));
    const redis = new Redis(REDIS_URL);

    const startMs = chinaLocalToEpochMs(2026, 11, 23, 8, 0, 0);
    const onX = reports(X, '013900031001', startMs, 3 * HOUR_MS, driverId, 38.0);
    const lastOnXMs = onX.at(-1)!.deviceTimeMs;
    const first = await startMember(prefix, groupId, statePrefix);
    await publishPositions(bus, onX);
    // D's time on X is in Redis once the member handled his last report there.
    const key = `${statePrefix}driver-time:{${driverId}}`;
    await vi.waitUntil(async () => (await redis.get(key))?.startsWith(`${lastOnXMs}|`) ?? false, {
      timeout: 60_000,
      interval: 200,
      message: "the driver's time on X in Redis",
    });
    expect(collector.alerts.filter((a) => a.rule === 'fatigue_continuous' && a.level === 'violation')).toEqual([]);
    await first.stop();

    const arrivalMs = lastOnXMs + 6 * MINUTE_MS;
    const onY = [
      ...reports(Y, '013900031002', arrivalMs, MINUTE_MS, driverId, 38.5, false),
      ...reports(Y, '013900031002', arrivalMs + 90_000, 70 * MINUTE_MS, driverId, 38.5),
    ];
    const second = await startMember(prefix, groupId, statePrefix);
    await publishPositions(bus, onY);
    await vi.waitUntil(() => collector.alerts.some((a) => a.rule === 'fatigue_continuous' && a.level === 'violation'), {
      timeout: 60_000,
      interval: 200,
      message: 'the continuous violation on Y',
    });
    const violation = collector.alerts.find((a) => a.rule === 'fatigue_continuous' && a.level === 'violation')!;
    expect(violation).toMatchObject({ vehicleId: Y.vehicleId, driverId, startedAtMs: startMs, revision: 0 });
    expect(violation.details['carriedFrom']).toEqual([{ vehicleId: X.vehicleId, plate: X.plate, lastReportMs: lastOnXMs }]);
    expect(violation.summary).toContain(X.plate);
    // The 6 min between the vehicles is neither driving nor rest: 4 h are reached 4 h 06 after the start.
    expect(violation.limitPassedAtMs).toBe(startMs + 6 * MINUTE_MS + 4 * HOUR_MS);
    // And it was the 4 h 00 30 report on Y that showed it, not an earlier one.
    expect(violation.details['drivingMs']).toBe(4 * HOUR_MS + 30_000);
    // The pre-warning came on Y too, at 3 h 40 of his driving.
    expect(collector.alerts.filter((a) => a.rule === 'fatigue_continuous' && a.level === 'prewarning').map((a) => a.vehicleId)).toEqual([Y.vehicleId]);

    await second.stop();
    await collector.close();
    await bus.close();
    await redis.del(key);
    redis.disconnect();
  });
});
