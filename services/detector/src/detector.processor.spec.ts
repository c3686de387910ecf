import { describe, expect, it } from 'vitest';
import { TOPICS, type AlertV1, type PositionV1, type WimMeasurementV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, VehicleRegistry, type VehicleFacts } from '@roadwatch/domain';
import type { OutgoingMessage, ReceivedMessage } from '@roadwatch/messaging';
import { DEFAULT_OVERLOAD_CONFIG, type VehicleRuleState } from '@roadwatch/rules';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { meridianReports, positionOf, straightReports } from '../test/support/positions';
import { aWimRecord } from '@roadwatch/testing';
import { libsPositionRules } from './rules/libs-position-rules';
import type { PositionRules } from './rules/position-rules.port';
import { toyPositionRules } from '../test/support/toy-position-rules';
import { DetectorMetrics } from './detector-metrics';
import { DEFAULT_DETECTOR_TOPICS, DetectorProcessor, type DetectorProcessorDeps } from './detector.processor';
import { DEFAULT_FATIGUE_REMINDER_CONFIG } from './reminders/fatigue-reminder';
import { MemoryStateStore } from './state/memory-state-store';
import type { Checkpoint, PartitionRef, StateStore } from './state/state-store';

const COACH: VehicleFacts = { vehicleId: '京A10000:2', plate: '京A10000', plateColour: 2, vehicleClass: 'tour_coach', companyId: 'company-1' };
const TRUCK: VehicleFacts = {
  vehicleId: '冀F10003:2',
  plate: '冀F10003',
  plateColour: 2,
  vehicleClass: 'heavy_truck',
  axleCount: 6,
  isCombination: true,
  registeredMaxGrossKg: 49_000,
  companyId: 'company-4',
};
const START = chinaLocalToEpochMs(2025, 3, 14, 8, 0);

class FakePublisher {
  readonly sent: Array<{ topic: string; key: string; value: unknown }> = [];
  failNext = 0;
  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('broker unavailable');
    }
    for (const message of messages) this.sent.push({ topic, key: message.key, value: message.value });
  }
  alerts(): AlertV1[] {
    return this.sent.filter((entry) => entry.topic === TOPICS.alerts).map((entry) => entry.value as AlertV1);
  }
  of(topic: string) {
    return this.sent.filter((entry) => entry.topic === topic);
  }
}

/** A store whose next checkpoints fail: the process "dies" between publishing and checkpointing. */
class FlakyStore implements StateStore {
  failNext = 0;
  constructor(private readonly inner: StateStore) {}
  load(ref: PartitionRef) {
    return this.inner.load(ref);
  }
  async checkpoint(ref: PartitionRef, checkpoint: Checkpoint) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('redis connection lost');
    }
    return this.inner.checkpoint(ref, checkpoint);
  }
  clear(ref: PartitionRef) {
    return this.inner.clear(ref);
  }
  ping() {
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}

/** Counts the checkpoint writes that reach the store. */
class CountingStore extends FlakyStore {
  writes: Checkpoint[] = [];
  override async checkpoint(ref: PartitionRef, checkpoint: Checkpoint) {
    this.writes.push(checkpoint);
    return super.checkpoint(ref, checkpoint);
  }
}

const setup = (
  store: StateStore = new MemoryStateStore(),
  publisher = new FakePublisher(),
  positionRules: PositionRules = toyPositionRules(),
  options: Partial<Pick<DetectorProcessorDeps, 'checkpoint' | 'onDurable' | 'vehicles'>> = {},
) => {
  const metrics = new DetectorMetrics(new ServiceMetrics('detector-test', { defaultMetrics: false }));
  let nowMs = START;
  const processor = new DetectorProcessor({
    publisher: publisher as never,
    stateStore: store,
    vehicles: new VehicleRegistry([COACH, TRUCK].map((facts) => ({ facts }))),
    positionRules,
    overloadConfig: DEFAULT_OVERLOAD_CONFIG,
    reminders: DEFAULT_FATIGUE_REMINDER_CONFIG,
    topics: DEFAULT_DETECTOR_TOPICS,
    logger: createLogger('detector-test', 'silent'),
    metrics,
    now: () => nowMs,
    ...options,
  });
  return { processor, publisher, store, metrics, setNow: (ms: number) => (nowMs = ms) };
};

const received = <T>(topic: string, values: readonly T[], firstOffset: number, partition = 0): ReceivedMessage[] =>
  values.map(
    (value, index) =>
      ({ topic, partition, offset: String(firstOffset + index), key: 'k', value, timestampMs: START, headers: {} }) as unknown as ReceivedMessage,
  );

const positions = (values: readonly PositionV1[], firstOffset: number) =>
  received(TOPICS.positions, values, firstOffset) as ReceivedMessage<typeof TOPICS.positions>[];
const wims = (values: readonly WimMeasurementV1[], firstOffset: number) =>
  received(TOPICS.wimMeasurements, values, firstOffset) as ReceivedMessage<typeof TOPICS.wimMeasurements>[];

// 10 reports over 100 km/h, then 10 at 80: one episode, revisions 0..9.
const speedingTrip = straightReports(COACH.vehicleId, '013800000000', START, 20, (index) => (index < 10 ? 110 : 80)).map((report) => positionOf(report));

describe('DetectorProcessor', () => {
  it('publishes the rules’ alerts keyed by vehicle and checkpoints state with the offset', async () => {
    const { processor, publisher, store } = setup();
    await processor.assign([{ topic: TOPICS.positions, partition: 0 }]);
    await processor.handlePositions(0, positions(speedingTrip, 0));
    const alerts = publisher.alerts();
    expect(alerts.map((alert) => alert.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(alerts.map((alert) => alert.alertId)).size).toBe(1);
    expect(publisher.of(TOPICS.alerts).every((entry) => entry.key === COACH.vehicleId)).toBe(true);
    const snapshot = await store.load({ topic: TOPICS.positions, partition: 0 });
    expect(snapshot.lastOffset).toBe('19');
    expect(snapshot.states.get(COACH.vehicleId)).toMatchObject({ terminalId: '013800000000', registered: true });
    expect(processor.vehiclesHeld).toBe(1);
  });

  it('skips a redelivered batch that the checkpoint already holds (crash after checkpoint, before commit)', async () => {
    const { processor, publisher, metrics } = setup();
    await processor.handlePositions(0, positions(speedingTrip.slice(0, 5), 0));
    const before = publisher.sent.length;
    await processor.handlePositions(0, positions(speedingTrip.slice(0, 5), 0));
    expect(publisher.sent.length).toBe(before);
    expect((await metrics.replaysSkipped.get()).values[0]?.value).toBe(5);
  });

  it('a new instance resumes from the checkpoint: the episode grows, nothing is raised again', async () => {
    const store = new MemoryStateStore();
    const first = setup(store);
    await first.processor.handlePositions(0, positions(speedingTrip.slice(0, 5), 0));
    await first.processor.revoke([{ topic: TOPICS.positions, partition: 0 }]);
    const second = setup(store);
    await second.processor.assign([{ topic: TOPICS.positions, partition: 0 }]);
    // The bus may hand the new owner a batch that overlaps what the old one checkpointed.
    await second.processor.handlePositions(0, positions(speedingTrip.slice(3), 3));
    expect(first.publisher.alerts().map((alert) => alert.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(second.publisher.alerts().map((alert) => alert.revision)).toEqual([5, 6, 7, 8, 9]);
    expect(second.publisher.alerts()[0]?.alertId).toBe(first.publisher.alerts()[0]?.alertId);
  });

  it('publish done, checkpoint failed: the retry rebuilds the state from the checkpoint and the positions since (published already) and checkpoints it', async () => {
    const flaky = new FlakyStore(new MemoryStateStore());
    const { processor, publisher } = setup(flaky);
    await processor.handlePositions(0, positions(speedingTrip.slice(0, 3), 0));
    flaky.failNext = 1;
    await expect(processor.handlePositions(0, positions(speedingTrip.slice(3, 6), 3))).rejects.toThrow('redis connection lost');
    expect(await processor.handlePositions(0, positions(speedingTrip.slice(3, 6), 3))).toEqual({ durableThrough: '5' });
    // Revisions 3..5 once: their outputs were acknowledged before the checkpoint failed, so the
    // retry re-derives the state rather than re-publishing; never a revision 6..8 from double-applied state.
    expect(publisher.alerts().map((alert) => alert.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    const restarted = setup(flaky);
    await restarted.processor.handlePositions(0, positions(speedingTrip.slice(6, 7), 6));
    expect(restarted.publisher.alerts().map((alert) => alert.revision)).toEqual([6]);
  });

  it('a failed publish leaves no half-applied state behind', async () => {
    const { processor, publisher } = setup();
    await processor.handlePositions(0, positions(speedingTrip.slice(0, 2), 0));
    publisher.failNext = 1;
    await expect(processor.handlePositions(0, positions(speedingTrip.slice(2, 4), 2))).rejects.toThrow('broker unavailable');
    await processor.handlePositions(0, positions(speedingTrip.slice(2, 4), 2));
    expect(publisher.alerts().map((alert) => alert.revision)).toEqual([0, 1, 2, 3]);
  });

  it('puts a Chinese TTS reminder on terminal.commands for a fatigue pre-warning, keyed by terminal', async () => {
    const { processor, publisher } = setup();
    const longDrive = straightReports(COACH.vehicleId, '013800000000', START, 2 * 60 * 4, 80).map((report) => positionOf(report));
    await processor.handlePositions(0, positions(longDrive, 0));
    const commands = publisher.of(TOPICS.terminalCommands);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({
      key: '013800000000',
      value: {
        terminalId: '013800000000',
        vehicleId: COACH.vehicleId,
        command: { type: 'text', tts: true, text: '您已连续驾驶3小时40分钟，请于20分钟内到就近服务区休息' },
      },
    });
  });

  it('looks a vehicle up in the registry once per position, its due time reckoned with the facts its positions were judged with', async () => {
    const registry = new VehicleRegistry([COACH, TRUCK].map((facts) => ({ facts })));
    const lookups: string[] = [];
    const dueFacts: VehicleFacts[] = [];
    const rules = libsPositionRules();
    const counting = {
      byVehicleId: (vehicleId: string) => {
        lookups.push(vehicleId);
        return registry.byVehicleId(vehicleId);
      },
      byPlate: (plate: string, colour: number) => registry.byPlate(plate, colour),
      size: registry.size,
    };
    const dueCounting: PositionRules = {
      ...rules,
      dueMs: (facts, state) => {
        dueFacts.push(facts);
        return rules.dueMs(facts, state);
      },
    };
    const { processor } = setup(new MemoryStateStore(), new FakePublisher(), dueCounting, { vehicles: counting });
    const unknown = straightReports('津Z99999:1', '013900000009', START, 4, () => 60).map((report) => positionOf(report));
    // Interleaved, as a partition's batch is.
    const batch = speedingTrip.slice(0, 4).flatMap((position, index) => [position, unknown[index] as PositionV1]);
    await processor.handlePositions(0, positions(batch, 0));
    expect(lookups).toHaveLength(batch.length);
    // One due time per vehicle the batch changed, with the facts its positions were judged with.
    expect(dueFacts.map((facts) => [facts.vehicleId, facts.vehicleClass])).toEqual([
      [COACH.vehicleId, 'tour_coach'],
      ['津Z99999:1', 'other'],
    ]);
    expect(dueFacts[1]?.plate).toBe(unknown[0]?.plate);
  });

  it('reads an unknown vehicle as class other and flags its alerts', async () => {
    const { processor, publisher, metrics } = setup();
    const stranger = straightReports('terminal:019900000001', '019900000001', START, 2, 120).map((report) => positionOf(report, { registered: false }));
    await processor.handlePositions(0, positions(stranger, 0));
    expect(publisher.alerts()[0]?.details).toMatchObject({ registered: false });
    expect((await metrics.unknownVehicles.get()).values[0]?.value).toBe(2);
  });

  it('turns a six-axle truck weighed at 101 t into a 百吨王 violation and its alert; rejects an implausible record', async () => {
    const { processor, publisher, metrics } = setup();
    const measuredAtMs = START + 3_600_000;
    const heavy = aWimRecord({ plate: TRUCK.plate, plateColour: 2, stationRecordId: 'R1', grossKg: 101_000, measuredAtMs, receivedAtMs: measuredAtMs + 2_000 });
    const broken = aWimRecord({
      plate: TRUCK.plate,
      plateColour: 2,
      stationRecordId: 'R2',
      grossKg: 60_000,
      measuredAtMs,
      receivedAtMs: measuredAtMs + 2_000,
      axleWeightsKg: [10_000, 10_000, 10_000],
    });
    const light = aWimRecord({ plate: TRUCK.plate, plateColour: 2, stationRecordId: 'R3', grossKg: 30_000, measuredAtMs, receivedAtMs: measuredAtMs + 2_000 });
    await processor.handleWim(0, wims([heavy, broken, light], 0));
    const violations = publisher.of(TOPICS.overloadViolations);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      key: TRUCK.vehicleId,
      value: { vehicleId: TRUCK.vehicleId, registered: true, isBaiDunWang: true, limitKg: 49_000, companyId: 'company-4' },
    });
    const alerts = publisher.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ alertId: 'alert:overload:ST-G4-01/R1', rule: 'overload', vehicleId: TRUCK.vehicleId, severity: 'critical' });
    expect((await metrics.wimRejected.get()).values.map((value) => value.labels['reason'])).toContain('axle_count_mismatch');
    // Redelivered: skipped by the checkpointed offset, nothing published twice.
    await processor.handleWim(0, wims([heavy, broken, light], 0));
    expect(publisher.of(TOPICS.overloadViolations)).toHaveLength(1);
  });

  it('never judges an exit-scale or entrance record as a roadside overload (RULES §13, §15: 第71条 evidence, not 一超四罚)', async () => {
    const { processor, publisher } = setup();
    const measuredAtMs = START + 3_600_000;
    const at = { plate: TRUCK.plate, plateColour: 2 as const, grossKg: 101_000, measuredAtMs, receivedAtMs: measuredAtMs + 2_000 };
    const exit = aWimRecord({ ...at, stationId: 'EX-1', stationRecordId: 'X1', recordKind: 'site_exit', tareKg: 17_000, netKg: 84_000 });
    const entrance = aWimRecord({ ...at, stationId: 'EN-1', stationRecordId: 'E1', recordKind: 'entrance', entryRefused: true });
    const roadside = aWimRecord({ ...at, stationRecordId: 'R9', recordKind: 'wim' });
    await processor.handleWim(0, wims([exit, entrance, roadside], 0));
    expect(publisher.of(TOPICS.overloadViolations).map((entry) => (entry.value as { measurement: WimMeasurementV1 }).measurement.measurementId)).toEqual([
      roadside.measurementId,
    ]);
    expect(publisher.alerts()).toHaveLength(1);
  });

  it('raises offline once per silence, and remembers it across a restart', async () => {
    const store = new MemoryStateStore();
    const first = setup(store);
    await first.processor.handlePositions(0, positions(speedingTrip.slice(10, 12), 0));
    first.setNow(START + 60 * 60_000);
    await first.processor.runTimers();
    await first.processor.runTimers();
    expect(first.publisher.alerts().filter((alert) => alert.rule === 'offline')).toHaveLength(1);
    const second = setup(store);
    second.setNow(START + 61 * 60_000);
    await second.processor.assign([{ topic: TOPICS.positions, partition: 0 }]);
    await second.processor.runTimers();
    expect(second.publisher.alerts()).toHaveLength(0);
  });

  describe('late 0x0704 blind-area back-fill (libs/rules pipeline, lateness window 3 min)', () => {
    // 08:00–08:05 in coverage, 08:05:30–08:14:30 stored by the terminal, 08:15 onwards real time.
    const drive = straightReports(COACH.vehicleId, '013800000000', START, 40, 60);
    const before = drive.slice(0, 11).map((report) => positionOf(report));
    const blind = drive.slice(11, 30).map((report) => positionOf(report, { source: 'blind-area', receivedAtMs: START + 30 * 30_000 + 60_000 }));
    const after = drive.slice(30).map((report) => positionOf(report));
    const gapAlerts = (publisher: FakePublisher) => publisher.alerts().filter((alert) => alert.rule === 'data_gap_moved');

    it('holds what follows a silence in the checkpoint; a restarted member releases it on the timer', async () => {
      const store = new MemoryStateStore();
      const first = setup(store, new FakePublisher(), libsPositionRules());
      await first.processor.handlePositions(0, positions([...before, ...after.slice(0, 1)], 0));
      const slot = (await store.load({ topic: TOPICS.positions, partition: 0 })).states.get(COACH.vehicleId) as { rules: VehicleRuleState };
      expect(slot.rules.ordering.held).toHaveLength(1);
      first.setNow(START + 30 * 30_000 + 1_000 + 3 * 60_000 - 1);
      await first.processor.runTimers();
      expect(gapAlerts(first.publisher)).toHaveLength(0);
      const second = setup(store, new FakePublisher(), libsPositionRules());
      await second.processor.assign([{ topic: TOPICS.positions, partition: 0 }]);
      second.setNow(START + 30 * 30_000 + 1_000 + 3 * 60_000);
      await second.processor.runTimers();
      expect(gapAlerts(second.publisher)).toHaveLength(1);
      const reloaded = (await store.load({ topic: TOPICS.positions, partition: 0 })).states.get(COACH.vehicleId) as { rules: { held?: unknown[] } };
      expect(reloaded.rules.held).toBeUndefined();
    });

    it('a back-fill arriving a minute after the newer reports, in a later batch: no data_gap_moved', async () => {
      const { processor, publisher, setNow } = setup(new MemoryStateStore(), new FakePublisher(), libsPositionRules());
      await processor.handlePositions(0, positions([...before, ...after.slice(0, 3)], 0));
      await processor.handlePositions(0, positions([...blind, ...after.slice(3)], before.length + 3));
      setNow(START + 24 * 60 * 60_000);
      await processor.runTimers();
      expect(gapAlerts(publisher)).toEqual([]);
    });

    it('the back-fill newest first, in two later batches: every report fed in device-time order, none late', async () => {
      const store = new MemoryStateStore();
      const { processor, publisher, setNow } = setup(store, new FakePublisher(), libsPositionRules());
      const reversed = [...blind].reverse();
      await processor.handlePositions(0, positions([...before, ...after.slice(0, 3)], 0));
      await processor.handlePositions(0, positions(reversed.slice(0, 10), before.length + 3));
      await processor.handlePositions(0, positions([...reversed.slice(10), ...after.slice(3)], before.length + 13));
      setNow(START + 24 * 60 * 60_000);
      await processor.runTimers();
      expect(gapAlerts(publisher)).toEqual([]);
      const slot = (await store.load({ topic: TOPICS.positions, partition: 0 })).states.get(COACH.vehicleId) as { rules: VehicleRuleState };
      expect(slot.rules.ordering.held).toEqual([]);
      expect(slot.rules.rules.quality.counters).toMatchObject({ late: 0, valid: drive.length });
    });
  });

  it('quality.daily: the closed day goes out with the alerts before the checkpoint; a retried batch does not send it again', async () => {
    const flaky = new FlakyStore(new MemoryStateStore());
    const { processor, publisher, setNow } = setup(flaky, new FakePublisher(), libsPositionRules());
    // 23:57, 23:58 (+500 m), 23:59 (+1.5 km: incomplete), 00:00 (+500 m) closes the 14th.
    const day = meridianReports(COACH.vehicleId, '013800000000', chinaLocalToEpochMs(2025, 3, 14, 23, 57), [500, 1_500, 500], 30, 60_000).map((report) =>
      positionOf(report),
    );
    await processor.handlePositions(0, positions(day.slice(0, 3), 0));
    expect(publisher.of(TOPICS.qualityDaily)).toEqual([]);
    flaky.failNext = 1;
    await expect(processor.handlePositions(0, positions(day.slice(3), 3))).rejects.toThrow('redis connection lost');
    await processor.handlePositions(0, positions(day.slice(3), 3));
    const sent = publisher.of(TOPICS.qualityDaily);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      key: COACH.vehicleId,
      value: { date: '2025-03-14', final: true, received: 3, valid: 3, incompleteGaps: 1, computedAtMs: day[3]!.receivedAtMs },
    });
    const value = sent[0]!.value as { trackM: number; completeTrackM: number };
    expect(value.trackM).toBeCloseTo(2_000, 6);
    expect(value.completeTrackM).toBeCloseTo(500, 6);
    // The timer's snapshot of the open day (armed at the first tick, due within 10 min) is checkpointed: a restarted member does not send it again.
    setNow(day[3]!.receivedAtMs + 60_000);
    await processor.runTimers();
    expect(publisher.of(TOPICS.qualityDaily)).toHaveLength(1);
    setNow(day[3]!.receivedAtMs + 11 * 60_000);
    await processor.runTimers();
    expect(publisher.of(TOPICS.qualityDaily).map((entry) => entry.value)).toMatchObject([{ final: true }, { date: '2025-03-15', final: false, received: 1 }]);
    const restarted = setup(flaky, new FakePublisher(), libsPositionRules());
    await restarted.processor.assign([{ topic: TOPICS.positions, partition: 0 }]);
    restarted.setNow(day[3]!.receivedAtMs + 30 * 60_000);
    await restarted.processor.runTimers();
    expect(restarted.publisher.of(TOPICS.qualityDaily)).toEqual([]);
    expect(restarted.publisher.alerts().map((alert) => alert.rule)).toEqual(['offline']);
  });

  it('drops its view when a newer owner has moved the partition on (zombie fencing)', async () => {
    const store = new MemoryStateStore();
    const zombie = setup(store);
    await zombie.processor.handlePositions(0, positions(speedingTrip.slice(0, 2), 0));
    const owner = setup(store);
    await owner.processor.handlePositions(0, positions(speedingTrip.slice(0, 10), 0));
    await zombie.processor.handlePositions(0, positions(speedingTrip.slice(2, 4), 2));
    expect((await store.load({ topic: TOPICS.positions, partition: 0 })).lastOffset).toBe('9');
    expect(zombie.processor.vehiclesHeld).toBe(0);
    expect((await zombie.metrics.staleCheckpoints.get()).values[0]?.value).toBe(1);
  });
});

describe('DetectorProcessor — checkpoint cadence (every 5 s or 1,000 records per partition)', () => {
  const P0 = { topic: TOPICS.positions, partition: 0 };
  const cadence = { checkpoint: { intervalMs: 5_000, everyRecords: 1_000 } };
  const oneByOne = (from: number, to: number) => speedingTrip.slice(from, to).map((position, index) => positions([position], from + index));
  const key = (alert: AlertV1) => `${alert.alertId}@${alert.revision}`;

  it('writes one checkpoint per interval, of only the vehicles changed since, instead of one per batch; the bus commits only what is checkpointed', async () => {
    const everyBatch = new CountingStore(new MemoryStateStore());
    const before = setup(everyBatch);
    for (const batch of oneByOne(0, 20)) await before.processor.handlePositions(0, batch);
    expect(everyBatch.writes).toHaveLength(20);

    const counting = new CountingStore(new MemoryStateStore());
    const { processor, setNow, publisher } = setup(counting, new FakePublisher(), toyPositionRules(), cadence);
    await processor.assign([P0]);
    const outcomes = [];
    for (const [index, batch] of oneByOne(0, 20).entries()) {
      setNow(START + index * 200);
      outcomes.push(await processor.handlePositions(0, batch));
    }
    // 20 batches over 3.8 s: no checkpoint yet, nothing durable, yet every alert went out at once.
    expect(counting.writes).toHaveLength(0);
    expect(outcomes.every((outcome) => outcome.durableThrough === null)).toBe(true);
    expect(publisher.alerts()).toHaveLength(10);
    setNow(START + 5_000);
    expect(await processor.handlePositions(0, positions([speedingTrip[0]!], 20))).toEqual({ durableThrough: '20' });
    expect(counting.writes).toHaveLength(1);
    expect(counting.writes[0]).toMatchObject({ lastOffset: '20' });
    expect([...counting.writes[0]!.changed.keys()]).toEqual([COACH.vehicleId]);
  });

  it('checkpoints after everyRecords records, whatever the clock', async () => {
    const counting = new CountingStore(new MemoryStateStore());
    const { processor } = setup(counting, new FakePublisher(), toyPositionRules(), { checkpoint: { intervalMs: 60_000, everyRecords: 8 } });
    const outcomes = [];
    for (const batch of oneByOne(0, 20)) outcomes.push((await processor.handlePositions(0, batch)).durableThrough);
    expect(counting.writes.map((write) => write.lastOffset)).toEqual(['7', '15']);
    expect(outcomes.slice(6, 9)).toEqual([null, '7', '7']);
  });

  it('a quiet partition is checkpointed by flushDue once the interval passed, and the bus told it may commit', async () => {
    const counting = new CountingStore(new MemoryStateStore());
    const durable: Array<[PartitionRef, string]> = [];
    const { processor, setNow } = setup(counting, new FakePublisher(), toyPositionRules(), {
      ...cadence,
      onDurable: (ref, offset) => durable.push([ref, offset]),
    });
    await processor.assign([P0]);
    for (const batch of oneByOne(0, 3)) await processor.handlePositions(0, batch);
    setNow(START + 4_999);
    await processor.flushDue();
    expect(counting.writes).toHaveLength(0);
    setNow(START + 5_000);
    await processor.flushDue();
    await processor.flushDue();
    expect(counting.writes.map((write) => write.lastOffset)).toEqual(['2']);
    expect(durable).toEqual([[P0, '2']]);
  });

  it('crash between publish and checkpoint: the next owner replays from the checkpoint and re-derives the same alerts — none lost, none that differs', async () => {
    const reference = setup();
    for (const batch of oneByOne(0, 20)) await reference.processor.handlePositions(0, batch);
    const expected = new Map(reference.publisher.alerts().map((alert) => [key(alert), alert]));

    const store = new MemoryStateStore();
    const victim = setup(store, new FakePublisher(), toyPositionRules(), cadence);
    await victim.processor.assign([P0]);
    let committedThrough = -1;
    for (const [index, batch] of oneByOne(0, 12).entries()) {
      victim.setNow(START + (index < 4 ? 0 : 5_000));
      const { durableThrough } = await victim.processor.handlePositions(0, batch);
      if (durableThrough !== null) committedThrough = Number(durableThrough);
    }
    // Checkpointed through offset 4 (the first batch after the interval); 5..11 published, held in memory only. Then it dies.
    expect(committedThrough).toBe(4);
    expect(victim.publisher.alerts().map((alert) => alert.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const survivor = setup(store, new FakePublisher(), toyPositionRules(), cadence);
    await survivor.processor.assign([P0]);
    // The bus redelivers from the commit: everything after offset 4.
    for (const batch of oneByOne(committedThrough + 1, 20)) await survivor.processor.handlePositions(0, batch);
    const all = [...victim.publisher.alerts(), ...survivor.publisher.alerts()];
    expect(new Set(all.map(key))).toEqual(new Set(expected.keys()));
    // Re-published ones are the same records (downstream dedupes on alertId + revision).
    for (const alert of all) expect(alert).toEqual(expected.get(key(alert)));
    expect(survivor.publisher.alerts().map((alert) => alert.revision)).toEqual([5, 6, 7, 8, 9]);
  });

  it('a failed batch between checkpoints rebuilds from the checkpoint and the positions handled since: nothing lost, nothing applied twice', async () => {
    const store = new CountingStore(new MemoryStateStore());
    const publisher = new FakePublisher();
    const { processor, setNow } = setup(store, publisher, toyPositionRules(), cadence);
    for (const batch of oneByOne(0, 6)) await processor.handlePositions(0, batch);
    publisher.failNext = 1;
    await expect(processor.handlePositions(0, positions(speedingTrip.slice(6, 8), 6))).rejects.toThrow('broker unavailable');
    expect(await processor.handlePositions(0, positions(speedingTrip.slice(6, 8), 6))).toEqual({ durableThrough: null });
    setNow(START + 5_000);
    await processor.handlePositions(0, positions(speedingTrip.slice(8, 10), 8));
    expect(publisher.alerts().map((alert) => alert.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(store.writes.map((write) => write.lastOffset)).toEqual(['9']);
    const restarted = setup(store);
    await restarted.processor.handlePositions(0, positions(speedingTrip.slice(10, 11), 10));
    expect(restarted.publisher.alerts()).toEqual([]);
    expect(restarted.processor.vehiclesHeld).toBe(1);
  });

  it('checkpoints what changed since the last checkpoint on revoke, so the next owner replays nothing', async () => {
    const store = new MemoryStateStore();
    const first = setup(store, new FakePublisher(), toyPositionRules(), cadence);
    await first.processor.assign([P0]);
    for (const batch of oneByOne(0, 5)) await first.processor.handlePositions(0, batch);
    await first.processor.revoke([P0]);
    expect((await store.load(P0)).lastOffset).toBe('4');
  });
});
