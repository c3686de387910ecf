import { describe, expect, it } from 'vitest';
import { TOPICS, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, VehicleRegistry, type VehicleFacts } from '@roadwatch/domain';
import type { OutgoingMessage, ReceivedMessage } from '@roadwatch/messaging';
import { DEFAULT_OVERLOAD_CONFIG, rosterLookupOf } from '@roadwatch/rules';
import { createLogger } from '@roadwatch/runtime';
import { DEFAULT_DETECTOR_TOPICS, DetectorProcessor } from '../detector.processor';
import { DEFAULT_FATIGUE_REMINDER_CONFIG } from '../reminders/fatigue-reminder';
import { libsPositionRules } from '../rules/libs-position-rules';
import { MemoryStateStore } from '../state/memory-state-store';
import { drivingReports } from '../../test/support/positions';
import { MemoryDriverTimeStore } from './driver-time-store';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const truck = (vehicleId: string): VehicleFacts => {
  const [plate] = vehicleId.split(':');
  return { vehicleId, plate: plate as string, plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'c1', regionCode: '130000' };
};
const X = truck('冀F51001:2');
const Y = truck('冀F51002:2');
const START = chinaLocalToEpochMs(2026, 11, 23, 8, 0, 0);

/** Reports every 30 s driving north at 60 km/h, no IC card on any. */
const driving = (facts: VehicleFacts, startMs: number, durationMs: number, latitudeDeg: number): PositionV1[] =>
  drivingReports({ vehicleId: facts.vehicleId, plate: facts.plate, terminalId: `0139${facts.plate.slice(-5)}`, startMs, durationMs, latitudeDeg });

/**
 * The detector's batch around the rules, for a driver the roster names (RULES.md §13): his time
 * on X goes to the driver-time store after X's batches, and a member that never saw X (nothing
 * in memory) reads it back for Y's — the store keyed by the roster's driver, as by a card's.
 */
describe('detector: the roster’s driver goes through the driver-time store like a card’s', () => {
  const lastOnXMs = START + 3 * HOUR;
  const onYMs = lastOnXMs + 6 * MINUTE;
  const roster = rosterLookupOf([
    { vehicleId: X.vehicleId, driverId: 'QC-7', fromMs: START - HOUR, toMs: lastOnXMs + MINUTE },
    { vehicleId: Y.vehicleId, driverId: 'QC-7', fromMs: onYMs - MINUTE, toMs: onYMs + 8 * HOUR },
  ]);
  const member = (store: MemoryDriverTimeStore, withRoster: boolean) => {
    const sent: AlertV1[] = [];
    let offset = 0;
    const processor = new DetectorProcessor({
      publisher: {
        publish: async (topic: string, messages: readonly OutgoingMessage[]) => {
          if (topic === TOPICS.alerts) for (const m of messages) sent.push(m.value as AlertV1);
        },
      },
      stateStore: new MemoryStateStore(),
      vehicles: new VehicleRegistry([{ facts: X }, { facts: Y }]),
      positionRules: libsPositionRules(withRoster ? { roster: () => roster } : {}),
      overloadConfig: DEFAULT_OVERLOAD_CONFIG,
      reminders: DEFAULT_FATIGUE_REMINDER_CONFIG,
      topics: DEFAULT_DETECTOR_TOPICS,
      logger: createLogger('roster-driver-times', 'silent'),
      now: () => onYMs + 2 * HOUR,
      driverTimes: store,
    });
    const feed = async (partition: number, positions: PositionV1[]) => {
      for (let i = 0; i < positions.length; i += 60) {
        const batch = positions
          .slice(i, i + 60)
          .map(
            (value) =>
              ({ topic: TOPICS.positions, partition, offset: String(offset++), key: value.vehicleId, value, timestampMs: 0, headers: {} }) as ReceivedMessage<
                typeof TOPICS.positions
              >,
          );
        await processor.handlePositions(partition, batch);
      }
    };
    return { feed, sent };
  };

  it('3 h on X by one member, 1 h 10 on Y by another: one violation on Y naming him, X carried; without the roster, none', async () => {
    const store = new MemoryDriverTimeStore(25 * HOUR, () => onYMs);
    const first = member(store, true);
    await first.feed(0, driving(X, START, 3 * HOUR, 38));
    expect((await store.get(['QC-7'])).get('QC-7')).toMatchObject({ vehicleId: X.vehicleId, lastReportMs: lastOnXMs });
    const second = member(store, true);
    await second.feed(1, driving(Y, onYMs, 70 * MINUTE, 38.5));
    const violations = second.sent.filter((a) => a.rule === 'fatigue_continuous' && a.level === 'violation');
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ vehicleId: Y.vehicleId, driverId: 'QC-7', startedAtMs: START });
    expect(violations[0]!.details['carriedFrom']).toEqual([{ vehicleId: X.vehicleId, plate: X.plate, lastReportMs: lastOnXMs }]);
    expect(violations[0]!.details['driverSource']).toBe('roster');

    const without = new MemoryDriverTimeStore(25 * HOUR, () => onYMs);
    const a = member(without, false);
    await a.feed(0, driving(X, START, 3 * HOUR, 38));
    expect((await without.get(['QC-7'])).size).toBe(0);
    const b = member(without, false);
    await b.feed(1, driving(Y, onYMs, 70 * MINUTE, 38.5));
    expect(b.sent.filter((x) => x.rule === 'fatigue_continuous' && x.level === 'violation')).toEqual([]);
  });
});
