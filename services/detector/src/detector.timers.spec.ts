import { TOPICS, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, VehicleRegistry, type VehicleFacts } from '@roadwatch/domain';
import type { OutgoingMessage, ReceivedMessage } from '@roadwatch/messaging';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_RULES_CONFIG, VEHICLE_STATE_VERSION, type VehicleRuleState } from '@roadwatch/rules';
import { createLogger } from '@roadwatch/runtime';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { positionOf, straightReports } from '../test/support/positions';
import { DEFAULT_DETECTOR_TOPICS, DetectorProcessor } from './detector.processor';
import { DEFAULT_FATIGUE_REMINDER_CONFIG } from './reminders/fatigue-reminder';
import { libsPositionRules } from './rules/libs-position-rules';
import type { PositionRules } from './rules/position-rules.port';
import { MemoryStateStore } from './state/memory-state-store';

const START = chinaLocalToEpochMs(2025, 3, 14, 8, 0);
// Checkpoints captured from the pipeline before the versioned state (see the rules' codec spec).
const v1Checkpoints = JSON.parse(readFileSync(join(import.meta.dirname, '../../../libs/rules/src/pipeline/fixtures/v1-checkpoints.json'), 'utf8')) as {
  vehicles: unknown[];
};
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const P0 = { topic: TOPICS.positions, partition: 0 };

class Publisher {
  readonly sent: Array<{ topic: string; value: unknown }> = [];
  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    for (const message of messages) this.sent.push({ topic, value: message.value });
  }
  alerts(): AlertV1[] {
    return this.sent.filter((entry) => entry.topic === TOPICS.alerts).map((entry) => entry.value as AlertV1);
  }
}

/** The real rules, with every call to the timer's side counted. */
const counted = (rules: PositionRules) => {
  const calls = { tick: 0, dueMs: 0 };
  const wrapped: PositionRules = {
    ...rules,
    tick: (...args) => (calls.tick++, rules.tick(...args)),
    dueMs: (...args) => (calls.dueMs++, rules.dueMs(...args)),
  };
  return { wrapped, calls };
};

const setup = (store: MemoryStateStore, rules: PositionRules, facts: VehicleFacts[] = []) => {
  let nowMs = START;
  const publisher = new Publisher();
  const logged: Array<{ obj: unknown; msg: string }> = [];
  const logger = createLogger('detector-timers', 'silent');
  const processor = new DetectorProcessor({
    publisher: publisher as never,
    stateStore: store,
    vehicles: new VehicleRegistry(facts.map((f) => ({ facts: f }))),
    positionRules: rules,
    overloadConfig: DEFAULT_OVERLOAD_CONFIG,
    reminders: DEFAULT_FATIGUE_REMINDER_CONFIG,
    topics: DEFAULT_DETECTOR_TOPICS,
    logger: Object.assign(Object.create(logger) as typeof logger, { error: (obj: unknown, msg: string) => logged.push({ obj, msg }) }),
    now: () => nowMs,
  });
  return { processor, publisher, logged, setNow: (ms: number) => (nowMs = ms) };
};

const batch = (values: readonly PositionV1[], firstOffset: number) =>
  values.map((value, index) => ({
    topic: TOPICS.positions,
    partition: 0,
    offset: String(firstOffset + index),
    key: value.vehicleId,
    value,
    timestampMs: START,
    headers: {},
  })) as unknown as ReceivedMessage<typeof TOPICS.positions>[];

describe('detector timers — by due time, not a scan of every vehicle', () => {
  const N = 500;
  const fleet = Array.from({ length: N }, (_, i) =>
    straightReports(`京A${String(i).padStart(5, '0')}:2`, `0138${String(i).padStart(8, '0')}`, START, 3, 60).map((r) => positionOf(r)),
  );

  it(`a tick with ${N} vehicles of which none is due touches none of them; a tick when all are due touches each once`, async () => {
    const { wrapped, calls } = counted(libsPositionRules());
    const { processor, publisher, setNow } = setup(new MemoryStateStore(), wrapped);
    await processor.assign([P0]);
    await processor.handlePositions(0, batch(fleet.flat(), 0));
    const lastReceivedMs = START + 2 * 30_000 + 1_000;
    // The first tick arms each vehicle's quality snapshot: every vehicle once; the snapshots
    // then fall due at each vehicle's phase within 10 min, each once.
    setNow(lastReceivedMs + MIN);
    await processor.runTimers();
    expect(calls.tick).toBe(N);
    setNow(lastReceivedMs + 11 * MIN);
    await processor.runTimers();
    expect(calls.tick).toBe(2 * N);
    expect(publisher.sent.filter((e) => e.topic === TOPICS.qualityDaily)).toHaveLength(N);
    calls.tick = 0;
    calls.dueMs = 0;
    // Nothing due (offline after 20 min, no new report to snapshot): no per-vehicle work at all.
    for (const minutes of [12, 15, 19]) {
      setNow(lastReceivedMs + minutes * MIN);
      await processor.runTimers();
    }
    expect(calls).toEqual({ tick: 0, dueMs: 0 });
    // 20 min and a bit without a report: all are offline, each visited once, one alert each.
    setNow(lastReceivedMs + 20 * MIN + 1);
    await processor.runTimers();
    expect(calls.tick).toBeGreaterThanOrEqual(N);
    expect(calls.tick).toBeLessThanOrEqual(2 * N);
    expect(publisher.alerts().filter((a) => a.rule === 'offline')).toHaveLength(N);
    calls.tick = 0;
    setNow(lastReceivedMs + 25 * MIN);
    await processor.runTimers();
    expect(calls.tick).toBe(0);
  });

  it('a vehicle idle for 30 days is dropped from memory and from the checkpoint, its open day published as final', async () => {
    const store = new MemoryStateStore();
    const { processor, publisher, setNow } = setup(store, libsPositionRules());
    await processor.assign([P0]);
    await processor.handlePositions(0, batch([...fleet[0]!, ...fleet[1]!], 0));
    // Vehicle 1 keeps reporting daily; vehicle 0 falls silent.
    for (let day = 1; day <= 31; day++) {
      const report = { ...fleet[1]!.at(-1)!, deviceTimeMs: START + day * DAY, receivedAtMs: START + day * DAY + 1_000 };
      await processor.handlePositions(0, batch([report], 5 + day));
      setNow(START + day * DAY + 2_000);
      await processor.runTimers();
    }
    expect(processor.vehiclesHeld).toBe(1);
    const stored = await store.load(P0);
    expect([...stored.states.keys()]).toEqual([fleet[1]![0]!.vehicleId]);
    const finals = publisher.sent.filter(
      (e) =>
        e.topic === TOPICS.qualityDaily &&
        (e.value as { vehicleId: string; final: boolean }).vehicleId === fleet[0]![0]!.vehicleId &&
        (e.value as { final: boolean }).final,
    );
    expect(finals.map((e) => e.value)).toEqual([expect.objectContaining({ date: '2025-03-14', received: 3, valid: 3, final: true })]);
  });

  it.each([
    ['checkpointed through the store', 'codec'],
    ['as the JSON bytes an earlier release stored', 'json'],
  ] as const)(
    'a v1 checkpoint %s loads (migrated once), goes on with the same alerts; an unreadable one is logged and its vehicle starts afresh',
    async (_how, how) => {
      type Recorded = {
        name: string;
        facts: VehicleFacts;
        events: Array<{ position: PositionV1 } | { tickAtMs: number }>;
        outputs: Array<{ alerts: AlertV1[] }>;
        checkpoints: Array<{ afterEvent: number; state: { held?: unknown[] } }>;
      };
      const truck = (v1Checkpoints.vehicles as unknown as Recorded[]).find((v) => v.name === 'truck')!;
      const cut = truck.checkpoints.find((c) => (c.state.held?.length ?? 0) > 0)!;
      const facts = truck.facts;
      const store = new MemoryStateStore();
      const slots = new Map<string, unknown>([
        [facts.vehicleId, { terminalId: '013800000001', registered: true, rules: cut.state }],
        ['broken:2', { terminalId: '013800000002', registered: true, rules: { v: 1, identity: { vehicleId: 'broken:2' } } }],
      ]);
      if (how === 'codec') await store.checkpoint(P0, { lastOffset: '99', changed: slots });
      else store.putRaw(P0, '99', new Map([...slots].map(([vehicleId, slot]) => [vehicleId, Buffer.from(JSON.stringify(slot), 'utf8')])));
      const { processor, publisher, logged, setNow } = setup(store, libsPositionRules({ config: DEFAULT_RULES_CONFIG }), [facts]);
      await processor.assign([P0]);
      expect(logged).toEqual([
        expect.objectContaining({
          msg: 'vehicle state not readable; the vehicle starts afresh',
          obj: expect.objectContaining({
            vehicleId: 'broken:2',
            err: expect.objectContaining({ message: expect.stringMatching(/vehicle state v1: watermarkMs should be number\|null, is absent/) }),
          }),
        }),
      ]);
      expect(processor.vehiclesHeld).toBe(1);
      // The rest of the recorded run, reports through batches and ticks through the timer.
      const events = truck.events.slice(cut.afterEvent + 1);
      let offset = 100;
      for (const event of events) {
        // The recorded reports carry the track's own id; the detector keys state by it.
        if ('position' in event) await processor.handlePositions(0, batch([{ ...event.position, vehicleId: facts.vehicleId }], offset++));
        else {
          setNow(event.tickAtMs);
          await processor.runTimers();
        }
      }
      const expected = truck.outputs.slice(cut.afterEvent + 1).flatMap((o) => o.alerts);
      // Less the alert-history fields (firstRaisedAtMs, limitPassedAtMs) and fatigue's details.driverSource, which came after the capture.
      const withoutDriverSource = (alert: AlertV1): AlertV1 => {
        const { driverSource: _source, ...details } = alert.details;
        return { ...alert, details };
      };
      expect(publisher.alerts().map(({ firstRaisedAtMs: _first, limitPassedAtMs: _limit, ...alert }) => withoutDriverSource(alert))).toEqual(expected);
      expect(expected.length).toBeGreaterThan(5);
      const migrated = (await store.load(P0)).states.get(facts.vehicleId) as { rules: VehicleRuleState };
      expect(migrated.rules.version).toBe(VEHICLE_STATE_VERSION);
    },
  );
});
