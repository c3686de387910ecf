import { describe, expect, it } from 'vitest';
import { TOPICS, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, VehicleRegistry, type VehicleFacts } from '@roadwatch/domain';
import type { OutgoingMessage, ReceivedMessage } from '@roadwatch/messaging';
import { DEFAULT_OVERLOAD_CONFIG } from '@roadwatch/rules';
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
const X = truck('冀F41001:2');
const Y = truck('冀F41002:2');
const Z = truck('冀F41003:2');
const START = chinaLocalToEpochMs(2026, 11, 23, 8, 0, 0);

/** Reports every 30 s driving north at 60 km/h, from `startMs` for `durationMs`, naming `driverId`. */
const driving = (facts: VehicleFacts, startMs: number, durationMs: number, driverId: string, latitudeDeg: number): PositionV1[] =>
  drivingReports({ vehicleId: facts.vehicleId, plate: facts.plate, terminalId: `0139${facts.plate.slice(-5)}`, startMs, durationMs, latitudeDeg, driverId });

/**
 * The detector's in-memory copy of the drivers' times (RULES.md §2, §8, §15: fatigue per
 * driver across vehicles) is pruned: a driver no batch named for longer than the TTL is
 * dropped, one named is kept, and a dropped driver's time comes back from the driver-time store
 * when he drives again — his violation on the next vehicle still counts his time on the first.
 */
describe('detector: the drivers’ times held in memory are pruned, and survive through the store', () => {
  const setup = (ttlMs: number) => {
    let nowMs = START;
    const sent: AlertV1[] = [];
    const offsets = { next: 0 };
    const store = new MemoryDriverTimeStore(25 * HOUR, () => nowMs);
    const processor = new DetectorProcessor({
      publisher: {
        publish: async (topic: string, messages: readonly OutgoingMessage[]) => {
          if (topic === TOPICS.alerts) for (const m of messages) sent.push(m.value as AlertV1);
        },
      },
      stateStore: new MemoryStateStore(),
      vehicles: new VehicleRegistry([{ facts: X }, { facts: Y }, { facts: Z }]),
      positionRules: libsPositionRules(),
      overloadConfig: DEFAULT_OVERLOAD_CONFIG,
      reminders: DEFAULT_FATIGUE_REMINDER_CONFIG,
      topics: DEFAULT_DETECTOR_TOPICS,
      logger: createLogger('driver-time-cache', 'silent'),
      now: () => nowMs,
      driverTimes: store,
      driverTimeTtlMs: ttlMs,
    });
    /** Feeds positions in device-time order, a batch a minute, the clock a second behind each batch's last report. */
    const feed = async (positions: PositionV1[]) => {
      const sorted = [...positions].sort((a, b) => a.deviceTimeMs - b.deviceTimeMs);
      for (let i = 0; i < sorted.length; i += 4) {
        const batch = sorted.slice(i, i + 4);
        nowMs = batch.at(-1)!.deviceTimeMs + 1_000;
        await processor.handlePositions(
          0,
          batch.map(
            (value) =>
              ({
                topic: TOPICS.positions,
                partition: 0,
                offset: String(offsets.next++),
                key: value.vehicleId,
                value,
                timestampMs: 0,
                headers: {},
              }) as ReceivedMessage<typeof TOPICS.positions>,
          ),
        );
      }
    };
    return { processor, store, sent, feed, setNow: (ms: number) => (nowMs = ms) };
  };

  it('drops a driver unseen past the TTL, keeps one seen; the dropped one’s time comes back from the store on his next vehicle', async () => {
    const { processor, store, sent, feed, setNow } = setup(5 * MINUTE);
    // A drives X for 3 h while B drives Z; B goes on 5.5 min longer.
    const onX = driving(X, START, 3 * HOUR, 'A', 38.0);
    const lastOnXMs = onX.at(-1)!.deviceTimeMs;
    await feed([...onX, ...driving(Z, START, 3 * HOUR + 5.5 * MINUTE, 'B', 37.0)]);
    expect(processor.driversHeld).toBe(2);

    // 6.5 min after A's last report (unseen past the 5 min TTL), 1 min after B's: A goes, B stays.
    setNow(lastOnXMs + 6.5 * MINUTE);
    await processor.runTimers();
    expect(processor.driversHeld).toBe(1);
    expect(store.size).toBe(2);

    // A takes Y 7 min after his last report on X and drives 1 h 10: his 3 h on X count (4 h continuous).
    await feed(driving(Y, lastOnXMs + 7 * MINUTE, 70 * MINUTE, 'A', 38.5));
    // A is held again; B, unseen since, went with a sweep on the way (the batches sweep too).
    expect(processor.driversHeld).toBe(1);
    const violation = sent.find((a) => a.rule === 'fatigue_continuous' && a.level === 'violation');
    expect(violation).toMatchObject({ vehicleId: Y.vehicleId, driverId: 'A' });
    expect((violation?.details as { carriedFrom?: Array<{ vehicleId: string }> }).carriedFrom?.map((c) => c.vehicleId)).toEqual([X.vehicleId]);

    // A unseen past the TTL too: the copy empties (the store keeps both for its own TTL).
    setNow(lastOnXMs + 7 * MINUTE + 70 * MINUTE + 6 * MINUTE);
    await processor.runTimers();
    expect(processor.driversHeld).toBe(0);
  });

  it('a driver named again just before the TTL passes is kept (named, not only written)', async () => {
    const { processor, feed, setNow } = setup(5 * MINUTE);
    const first = driving(X, START, 10 * MINUTE, 'A', 38.0);
    await feed(first);
    // A report naming A at 4.5 min after his last one, then the sweep 1 min later: seen 1 min ago.
    await feed(driving(X, first.at(-1)!.deviceTimeMs + 4.5 * MINUTE, 0, 'A', 38.2));
    setNow(first.at(-1)!.deviceTimeMs + 5.5 * MINUTE + 1_000);
    await processor.runTimers();
    expect(processor.driversHeld).toBe(1);
  });
});

describe('MemoryDriverTimeStore: expiry by its clock and the caller’s held times', () => {
  const carry = (driverId: string, vehicleId: string, lastReportMs: number) => ({
    driverId,
    vehicleId,
    lastReportMs,
    subject: {
      period: { periodStartMs: lastReportMs - HOUR, lastDrivingEndMs: lastReportMs },
      periodStart: null,
      history: [],
      continuousPrewarned: false,
      continuousViolated: false,
      nightPrewarned: false,
      nightViolated: false,
      dailyPhase: 'below' as const,
      terminalAlarms: { fatigueAtMs: null, prewarningAtMs: null, dailyExceededAtMs: null },
    },
  });

  it('a time expires the TTL after its last write (a rewrite renews it), and is swept from memory', async () => {
    let nowMs = 1_000_000;
    const store = new MemoryDriverTimeStore(10 * MINUTE, () => nowMs);
    await store.put([carry('A', 'X', 5_000), carry('B', 'X', 5_000)]);
    nowMs += 6 * MINUTE;
    await store.put([carry('B', 'Y', 6_000)]);
    nowMs += 4 * MINUTE - 1;
    expect([...(await store.get(['A', 'B'])).keys()]).toEqual(['A', 'B']);
    nowMs += 1;
    expect([...(await store.get(['A', 'B'])).keys()]).toEqual(['B']);
    // An expired time does not hold back an older one put now.
    await store.put([carry('A', 'Z', 4_000)]);
    expect((await store.get(['A'])).get('A')?.vehicleId).toBe('Z');
    nowMs += 11 * MINUTE;
    await store.put([]);
    expect(store.size).toBe(0);
  });

  it('hands back only times newer than the caller holds: an equal or older one is not decoded', async () => {
    const store = new MemoryDriverTimeStore();
    await store.put([carry('A', 'X', 5_000), carry('B', 'X', 5_000), carry('C', 'X', 5_000)]);
    const held: Record<string, number> = { A: 5_000, B: 4_999, C: 6_000 };
    expect([...(await store.get(['A', 'B', 'C', 'D'], (id) => held[id])).keys()]).toEqual(['B']);
  });
});
