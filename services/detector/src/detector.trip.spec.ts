import { waitQuiet } from '@roadwatch/testing';
import { describe, expect, it, vi } from 'vitest';
import { TOPICS } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, VehicleRegistry, type VehicleFacts } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { OutputCollector } from '../test/support/collector';
import { meridianReports, positionOf } from '../test/support/positions';
import { buildTrip, sampleRoads } from '../test/support/trip';
import { startDetector } from './detector.service';
import { MemoryStateStore } from './state/memory-state-store';

/** The end-to-end trip on the in-process bus (the embedded mode); the Kafka twin is test/trip.int.spec.ts. */
describe('detector on the in-process bus, the simulated trip', () => {
  it('turns the trip into exactly the expected alerts, once each, and one reminder', async () => {
    const trip = buildTrip();
    const bus = new InProcessBus({ defaultPartitions: 4 });
    const detector = await startDetector({
      bus,
      stateStore: new MemoryStateStore(),
      vehicles: trip.directory,
      roads: sampleRoads(),
      timersIntervalMs: 0,
      logger: createLogger('trip', 'silent'),
    });
    const collector = await OutputCollector.start(bus, 'trip-collector');
    await bus.publish(
      TOPICS.positions,
      trip.positions.map((value) => ({ key: value.vehicleId, value })),
    );
    await bus.publish(
      TOPICS.wimMeasurements,
      trip.wim.map((value) => ({ key: value.plate, value })),
    );
    await waitQuiet(() => collector.alerts.length + collector.violations.length + collector.commands.length, 300, 30_000);
    const ready = async () => (await Promise.all(detector.readiness.map((r) => r.check()))).every(Boolean);
    expect(await ready()).toBe(true);
    await detector.close();
    expect(await ready()).toBe(false); // /ready says so once it stopped consuming

    const distinct = new Map(collector.alerts.map((alert) => [alert.alertId, `${alert.vehicleId}|${alert.rule}|${alert.level}`]));
    expect([...distinct.values()].sort()).toEqual(trip.expected);
    expect(collector.republished()).toEqual([]);
    expect(collector.violations).toHaveLength(1);
    expect(collector.violations[0]).toMatchObject({ vehicleId: trip.weighed.facts.vehicleId, isBaiDunWang: true, limitKg: 49_000 });
    expect(collector.commands).toHaveLength(1);
    expect(collector.commands[0]).toMatchObject({
      terminalId: trip.fatigued.terminalPhone,
      command: { type: 'text', text: '您已连续驾驶3小时40分钟，请于20分钟内到就近服务区休息' },
    });
    await bus.close();
  });

  it('publishes the closed day’s quality counters with exact track metres, then timer snapshots of the open day', async () => {
    const facts: VehicleFacts = { vehicleId: '京A20000:2', plate: '京A20000', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'company-1' };
    // 23:50 onwards, every minute: four 500 m stretches, one of 1.5 km (> 1 km: incomplete; 90 km/h,
    // not drift), four more of 500 m to 23:59 (10 reports on the 14th), then 00:00 on the 15th.
    const steps = [500, 500, 500, 500, 1_500, 500, 500, 500, 500, 500];
    const start = chinaLocalToEpochMs(2025, 3, 14, 23, 50);
    const positions = meridianReports(facts.vehicleId, '013800000009', start, steps, 30, 60_000).map((report) => positionOf(report));
    const midnightReceivedAtMs = positions.at(-1)?.receivedAtMs ?? 0;
    let nowMs = midnightReceivedAtMs;
    const bus = new InProcessBus({ defaultPartitions: 2 });
    const detector = await startDetector({
      bus,
      stateStore: new MemoryStateStore(),
      vehicles: new VehicleRegistry([{ facts }]),
      timersIntervalMs: 0,
      logger: createLogger('quality', 'silent'),
      now: () => nowMs,
    });
    const collector = await OutputCollector.start(bus, 'quality-collector');
    await bus.publish(
      TOPICS.positions,
      positions.map((value) => ({ key: value.vehicleId, value })),
    );
    await vi.waitUntil(() => collector.qualityDays.length >= 1, { timeout: 10_000, message: 'the closed day' });

    const [closed] = collector.qualityDays;
    expect(closed).toMatchObject({
      v: 1,
      vehicleId: facts.vehicleId,
      date: '2025-03-14',
      final: true,
      computedAtMs: midnightReceivedAtMs,
      received: 10,
      valid: 10,
      invalid: 0,
      drift: 0,
      duplicate: 0,
      late: 0,
      incompleteGaps: 1,
      movedThroughGaps: 0,
    });
    expect(closed?.trackM).toBeCloseTo(8 * 500 + 1_500, 6);
    expect(closed?.completeTrackM).toBeCloseTo(8 * 500, 6);

    // The open day (one report) goes out on the timer: the first tick arms the vehicle at its
    // phase, so its snapshot comes within 10 min — once, while the day does not change.
    nowMs += 60_000;
    await detector.runTimers();
    nowMs += 10 * 60_000;
    await detector.runTimers();
    nowMs += 20 * 60_000;
    await detector.runTimers();
    await waitQuiet(() => collector.qualityDays.length, 300, 10_000);
    expect(collector.qualityDays.slice(1)).toEqual([
      {
        v: 1,
        vehicleId: facts.vehicleId,
        date: '2025-03-15',
        final: false,
        computedAtMs: midnightReceivedAtMs + 11 * 60_000,
        received: 1,
        valid: 1,
        invalid: 0,
        drift: 0,
        duplicate: 0,
        late: 0,
        trackM: expect.closeTo(500, 6),
        completeTrackM: expect.closeTo(500, 6),
        incompleteGaps: 0,
        movedThroughGaps: 0,
      },
    ]);
    await detector.close();
    await collector.close();
    await bus.close();
  });
});
