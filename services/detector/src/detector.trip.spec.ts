import { describe, expect, it } from 'vitest';
import { TOPICS } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { OutputCollector, waitQuiet } from '../test/support/collector';
import { buildTrip, sampleRoads } from '../test/support/trip';
import { startDetector } from './detector.service';
import { MemoryStateStore } from './state/memory-state-store';

/** The end-to-end trip on the in-process bus (the embedded mode); the Kafka twin is test/trip.int.spec.ts. */
describe('detector on the in-process bus, the simulated trip', () => {
  it('turns the trip into exactly the expected alerts, once each, and one reminder', async () => {
    const trip = buildTrip();
    const bus = new InProcessBus({ defaultPartitions: 4 });
    const detector = await startDetector({ bus, stateStore: new MemoryStateStore(), directory: trip.directory, roads: sampleRoads(), offlineCheckIntervalMs: 0, logger: createLogger('trip', 'silent') });
    const collector = await OutputCollector.start(bus, 'trip-collector');
    await bus.publish(TOPICS.positions, trip.positions.map((value) => ({ key: value.vehicleId, value })));
    await bus.publish(TOPICS.wimMeasurements, trip.wim.map((value) => ({ key: value.plate, value })));
    await waitQuiet(() => collector.alerts.length + collector.violations.length + collector.commands.length, 300, 30_000);
    await detector.close();

    const distinct = new Map(collector.alerts.map((alert) => [alert.alertId, `${alert.vehicleId}|${alert.rule}|${alert.level}`]));
    expect([...distinct.values()].sort()).toEqual(trip.expected);
    expect(collector.republished()).toEqual([]);
    expect(collector.violations).toHaveLength(1);
    expect(collector.violations[0]).toMatchObject({ vehicleId: trip.weighed.facts.vehicleId, isBaiDunWang: true, limitKg: 49_000 });
    expect(collector.commands).toHaveLength(1);
    expect(collector.commands[0]).toMatchObject({ terminalId: trip.fatigued.terminalPhone, command: { type: 'text', text: '您已连续驾驶3小时40分钟，请于20分钟内到就近服务区休息' } });
    await bus.close();
  });
});
