import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { positionV1, TOPICS, type CommandResultV1, type PositionV1, type TerminalAreaAlarmV1, type TerminalCommandV1 } from '@roadwatch/contracts';
import { VehicleRegistry, vehicleIdOf } from '@roadwatch/domain';
import { ALARM_BITS, encodeFrames, GeneralResult, type Jt808Message } from '@roadwatch/jt808';
import { InProcessBus, type Bus } from '@roadwatch/messaging';
import { InMemoryConnectionDirectory } from './connection-directory';
import { InMemoryTerminalRegistrations } from './terminal-registrations';
import { startGateway, type GatewayOptions, type RunningGateway } from './gateway.service';
import { TestTerminal, locationReport } from '@roadwatch/testing';

const quiet = pino({ level: 'silent' });
const originalWrite = Socket.prototype.write;
const KNOWN_PHONE = '013800000001';
const facts = { vehicleId: vehicleIdOf('京A12345', 2), plate: '京A12345', plateColour: 2, vehicleClass: 'tour_coach' as const };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Reads a topic of the bus from the beginning into an array. */
const collect = async <T>(bus: Bus, topic: typeof TOPICS.positions | typeof TOPICS.commandResults | typeof TOPICS.terminalAreaAlarms): Promise<T[]> => {
  const seen: T[] = [];
  const subscription = await bus.subscribe({
    groupId: `reader-${Math.random()}`,
    topics: [topic],
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const message of batch.messages) seen.push(message.value as T);
    },
  });
  cleanups.push(() => subscription.close());
  return seen;
};

const start = async (overrides: Partial<GatewayOptions> = {}): Promise<{ gateway: RunningGateway; bus: InProcessBus }> => {
  const bus = new InProcessBus({ topicPrefix: `t${Math.random().toString(36).slice(2)}.`, logger: quiet });
  const directory = new VehicleRegistry([{ terminalId: KNOWN_PHONE, facts }]);
  const gateway = await startGateway({ bus, vehicles: directory, port: 0, host: '127.0.0.1', logger: quiet, publishLingerMs: 1, ...overrides });
  cleanups.push(async () => {
    await gateway.close();
    await bus.close();
  });
  return { gateway, bus: (overrides.bus as InProcessBus | undefined) ?? bus };
};

const terminal = async (gateway: RunningGateway, phone: string, edition: '2013' | '2019' = '2013'): Promise<TestTerminal> => {
  const t = await TestTerminal.connect({ host: '127.0.0.1', port: gateway.port, phone, edition, answerTimeoutMs: 2_000 });
  cleanups.push(() => t.destroy());
  return t;
};

const at = (i: number) => ({ latitudeDeg: 39.9 + i / 1000, longitudeDeg: 116.4, speedKmh: 72.5, deviceTimeMs: Date.UTC(2026, 10, 23, 8, 0, i) });

/** A bus whose position publishes wait until released (or fail), to watch ack ordering. */
class GatedBus extends InProcessBus {
  gate: { promise: Promise<void>; open: () => void; fail: (error: Error) => void } = GatedBus.newGate();
  static newGate() {
    let open!: () => void;
    let fail!: (error: Error) => void;
    const promise = new Promise<void>((resolve, reject) => {
      open = resolve;
      fail = reject;
    });
    promise.catch(() => undefined);
    return { promise, open, fail };
  }
  override async publish(...args: Parameters<InProcessBus['publish']>): Promise<void> {
    if (args[0] === TOPICS.positions) await this.gate.promise;
    return super.publish(...args);
  }
}

describe('gateway-jt808 sessions (in-process bus)', () => {
  it('registers, authenticates and publishes a 0x0200 as positionV1 — answering 0x8001 only after the publish resolved', async () => {
    const bus = new GatedBus({ topicPrefix: 'gated.', logger: quiet });
    const { gateway } = await start({ bus });
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate('京A12345', 2);

    const alarmFlags = (1 << ALARM_BITS.overspeed) | (1 << ALARM_BITS.fatigueDriving);
    const serial = t.sendLocation({ ...at(1), alarmFlags, mileageKm: 1234.5 });
    const answer = t.waitForAnswer(serial, 3_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.received.filter((m) => m.messageId === 0x8001 && m.body.answerSerial === serial)).toHaveLength(0);
    expect(positions).toHaveLength(0);

    bus.gate.open();
    const ack = await answer;
    expect(ack.messageId === 0x8001 && ack.body.result).toBe(GeneralResult.Ok);
    await vi.waitUntil(() => positions.length === 1, { timeout: 3_000, interval: 5 });
    expect(positions[0]).toMatchObject({
      vehicleId: facts.vehicleId,
      terminalId: '13800000001',
      plate: '京A12345',
      plateColour: 2,
      registered: true,
      source: 'realtime',
      speedKmh: 72.5,
      alarmFlags,
      accOn: true,
      gnssFixed: true,
      mileageKm: 1234.5,
      deviceTimeMs: at(1).deviceTimeMs,
    });
    expect(positions[0]!.receivedAtMs).toBeGreaterThan(Date.now() - 10_000);
  });

  it('sends the 0x8001 answers one publish released in one write per socket, only after the publish resolved', async () => {
    const bus = new GatedBus({ topicPrefix: 'coalesce.', logger: quiet });
    const { gateway } = await start({ bus, publishLingerMs: 20 });
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    // Count the gateway's writes to this terminal's socket (the server side: local port = the gateway's).
    const writes: number[] = [];
    const write = vi.spyOn(Socket.prototype, 'write');
    cleanups.push(() => write.mockRestore());
    write.mockImplementation(function (this: Socket, ...args: Parameters<Socket['write']>) {
      if (this.localPort === gateway.port) writes.push((args[0] as Uint8Array).length);
      return Reflect.apply(originalWrite, this, args) as boolean;
    });
    // Ten reports and a 0x0704 batch in one chunk, as a terminal flushing its queue sends them.
    const serials: number[] = [];
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 10; i++) {
      const { serial, frame } = t.encode(0x0200, locationReport(at(i)));
      serials.push(serial);
      frames.push(frame);
    }
    const batch = t.encode(0x0704, { batchType: 0, blindAreaBackfill: false, locations: [locationReport(at(20)), locationReport(at(21))] });
    serials.push(batch.serial);
    frames.push(batch.frame);
    t.sendRaw(Buffer.concat(frames));
    await vi.waitUntil(() => gateway.stats().inFlightPositions === 12, { timeout: 3_000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes).toEqual([]);

    const answers = Promise.all(serials.map((serial) => t.waitForAnswer(serial)));
    bus.gate.open();
    const acks = await answers;
    expect(acks.map((ack) => ack.messageId === 0x8001 && ack.body.result)).toEqual(serials.map(() => GeneralResult.Ok));
    // Eleven 0x8001 frames, one write.
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBeGreaterThan(11 * 18);
  });

  it('parses each position with positionV1 once, as it is mapped — not again in the bus', async () => {
    const { gateway, bus } = await start();
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    const parse = vi.spyOn(positionV1, 'safeParse');
    cleanups.push(() => parse.mockRestore());
    await t.waitForAnswer(t.sendLocation(at(1)));
    await t.waitForAnswer(t.sendBatch([at(2), at(3)]));
    expect(parse).toHaveBeenCalledTimes(3);
    parse.mockRestore();
    // What went out unparsed is what a consumer reads and accepts.
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    await vi.waitUntil(() => positions.length === 3, { timeout: 3_000, interval: 5 });
    expect(positions.map((p) => p.deviceTimeMs)).toEqual([at(1).deviceTimeMs, at(2).deviceTimeMs, at(3).deviceTimeMs]);
  });

  it('sends no 0x8001 when the publish failed, so the terminal retransmits', async () => {
    const bus = new GatedBus({ topicPrefix: 'fail.', logger: quiet });
    const { gateway } = await start({ bus });
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    const serial = t.sendLocation(at(1));
    bus.gate.fail(new Error('broker down'));
    await expect(t.waitForAnswer(serial, 300)).rejects.toThrow(/no answer/);
    bus.gate = GatedBus.newGate();
    bus.gate.open();
    // The retransmission (same serial, as terminals do) is stored and acknowledged.
    const { frame } = t.encode(0x0200, locationReport(at(1)), serial);
    const answer = t.waitForAnswer(serial);
    t.sendRaw(frame);
    expect((await answer).messageId).toBe(0x8001);
  });

  it('refuses everything but register/auth before authentication (0x8001 result 1) and stores nothing', async () => {
    const { gateway, bus } = await start();
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE);
    const answer = await t.sendAndWait(0x0200, locationReport(at(1)));
    expect(answer.messageId === 0x8001 && answer.body.result).toBe(GeneralResult.Failed);
    const heartbeat = await t.sendAndWait(0x0002, {});
    expect(heartbeat.messageId === 0x8001 && heartbeat.body.result).toBe(GeneralResult.Failed);
    expect(await t.authenticate('wrong-code')).toBe(GeneralResult.Failed);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(positions).toHaveLength(0);
  });

  it('publishes every 0x0704 item (batch / blind-area), one 0x8001 for the batch, driver from the last 0x0702', async () => {
    const { gateway, bus } = await start();
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE, '2019');
    await t.registerAndAuthenticate();
    const login = await t.sendAndWait(0x0702, {
      cardStatus: 1,
      signedOn: true,
      eventTimeMs: Date.UTC(2026, 10, 23, 7, 0, 0),
      readResult: 0,
      card: {
        driverName: '张三',
        qualificationCode: 'QC110101199001011234',
        issuingAuthority: '北京市交通委',
        certificateExpiry: '2030-01-01',
        driverIdNumber: '110101199001011234',
      },
    });
    expect(login.messageId).toBe(0x8001);
    const batch = await t.sendAndWait(0x0704, { batchType: 0, blindAreaBackfill: false, locations: [at(1), at(2), at(3)].map(locationReport) });
    expect(batch.messageId === 0x8001 && batch.body.result).toBe(GeneralResult.Ok);
    const blind = await t.sendAndWait(0x0704, { batchType: 1, blindAreaBackfill: true, locations: [at(4), at(5)].map(locationReport) });
    expect(blind.messageId === 0x8001 && blind.body.result).toBe(GeneralResult.Ok);
    await vi.waitUntil(() => positions.length === 5, { timeout: 3_000, interval: 5 });
    expect(positions.map((p) => p.source).sort()).toEqual(['batch', 'batch', 'batch', 'blind-area', 'blind-area']);
    expect(new Set(positions.map((p) => p.driverId))).toEqual(new Set(['QC110101199001011234']));
    expect(positions.every((p) => p.terminalId === '13800000001' && p.vehicleId === facts.vehicleId)).toBe(true);
  });

  it('stamps receivedAtMs with the platform clock it is given; a report dated 2099 and weeks-old back-fill are acknowledged and published as sent', async () => {
    const clockMs = Date.UTC(2026, 10, 23, 0, 10, 0);
    const startedAt = Date.now();
    const { gateway, bus } = await start({ now: () => clockMs + (Date.now() - startedAt) });
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    const y2099 = { ...at(1), deviceTimeMs: Date.UTC(2099, 0, 1, 0, 0, 0) };
    const future = await t.sendAndWait(0x0200, locationReport(y2099));
    expect(future.messageId === 0x8001 && future.body.result).toBe(GeneralResult.Ok);
    const weeksAgo = Date.UTC(2026, 10, 2, 0, 0, 0);
    const old = await t.sendAndWait(0x0704, { batchType: 1, blindAreaBackfill: true, locations: [{ ...at(2), deviceTimeMs: weeksAgo }].map(locationReport) });
    expect(old.messageId === 0x8001 && old.body.result).toBe(GeneralResult.Ok);
    await vi.waitUntil(() => positions.length === 2, { timeout: 3_000, interval: 5 });
    expect(positions.map((p) => p.deviceTimeMs)).toEqual([y2099.deviceTimeMs, weeksAgo]);
    for (const p of positions) {
      expect(p.receivedAtMs).toBeGreaterThanOrEqual(clockMs);
      expect(p.receivedAtMs).toBeLessThan(clockMs + 60_000);
    }
  });

  it('asks for a lost sub-package with 0x8003, and the resent packet completes the 0x0704 batch', async () => {
    const { gateway, bus } = await start({ sweepIntervalMs: 100 });
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE, '2019');
    await t.registerAndAuthenticate();
    const locations = Array.from({ length: 30 }, (_, i) => locationReport(at(i)));
    const firstSerial = t.nextSerial();
    const frames = encodeFrames(
      { messageId: 0x0704, terminalPhone: t.phone, serial: firstSerial, edition: '2019', protocolVersion: 1 },
      { batchType: 1, blindAreaBackfill: true, locations },
      400,
    );
    expect(frames.length).toBeGreaterThanOrEqual(3);
    const answered = t.waitForAnswer(firstSerial, 5_000);
    frames.forEach((frame, i) => i !== 1 && t.sendRaw(frame)); // packet 2 is lost on the way
    await vi.waitUntil(() => t.received.some((m) => m.messageId === 0x8003), { timeout: 4_000, interval: 5 });
    const request = t.received.find((m) => m.messageId === 0x8003);
    expect(request?.messageId === 0x8003 && request.body).toEqual({ firstSerial, packetIndexes: [2] });
    expect(positions).toHaveLength(0);
    t.sendRaw(frames[1]!);
    const answer = await answered;
    expect(answer.messageId === 0x8001 && answer.body).toMatchObject({ answerMessageId: 0x0704, result: GeneralResult.Ok });
    await vi.waitUntil(() => positions.length === 30, { timeout: 3_000, interval: 5 });
    expect(positions.every((p) => p.source === 'blind-area')).toBe(true);
  });

  it('keeps the positions of a terminal missing from the vehicle registry, flagged unregistered', async () => {
    const { gateway, bus } = await start();
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, '013999999999');
    await t.registerAndAuthenticate('京Z99999', 1);
    await t.sendAndWait(0x0200, locationReport(at(1)));
    await vi.waitUntil(() => positions.length === 1, { timeout: 3_000, interval: 5 });
    expect(positions[0]).toMatchObject({ vehicleId: 'terminal:13999999999', registered: false, terminalId: '13999999999' });
    expect(positions[0]!.plate).toBeUndefined();
  });

  it('answers a position that fails positionV1 with result 2 and publishes nothing for it', async () => {
    const { gateway, bus } = await start();
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    const answer = await t.sendAndWait(0x0200, locationReport({ ...at(1), latitudeDeg: 95 }));
    expect(answer.messageId === 0x8001 && answer.body.result).toBe(GeneralResult.BadMessage);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(positions).toHaveLength(0);
  });

  it('counts malformed frames, answers what it can, and drops a connection that sends only garbage', async () => {
    const { gateway } = await start();
    const good = await terminal(gateway, KNOWN_PHONE);
    await good.registerAndAuthenticate();
    // A frame with a bad check code: counted, not answered, the session goes on.
    const { frame } = good.encode(0x0200, locationReport(at(1)));
    const corrupt = frame.slice();
    corrupt[corrupt.length - 2] = (corrupt[corrupt.length - 2] ?? 0) ^ 0x55;
    good.sendRaw(corrupt);
    expect((await good.sendAndWait(0x0200, locationReport(at(2)))).messageId).toBe(0x8001);

    const garbage = await terminal(gateway, '013700000000');
    for (let i = 0; i < 40 && !garbage.isClosed; i++) {
      garbage.sendRaw(Buffer.from(`GET / HTTP/1.1 ${'x'.repeat(900)}\r\n`));
      garbage.sendRaw(Uint8Array.from([0x7e, 0x01, 0x02, 0x7d, 0x09, 0x7e]));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await garbage.closed;
    const metrics = await gateway.metrics.registry.metrics();
    expect(metrics).toMatch(/roadwatch_gateway_decode_errors_total\{[^}]*kind="bad-checksum"/);
    expect(metrics).toMatch(/roadwatch_gateway_disconnects_total\{[^}]*reason="garbage"/);
    // The good terminal is unaffected.
    expect((await good.sendAndWait(0x0002, {})).messageId).toBe(0x8001);
  });

  it('replaces the old connection when a terminal reconnects on a new socket', async () => {
    const { gateway } = await start();
    const first = await terminal(gateway, KNOWN_PHONE);
    const code = await first.register();
    expect(await first.authenticate(code)).toBe(0);
    const second = await terminal(gateway, KNOWN_PHONE);
    expect(await second.authenticate(code)).toBe(0);
    await first.closed;
    expect(gateway.stats()).toMatchObject({ connections: 1, authenticated: 1 });
    expect((await second.sendAndWait(0x0002, {})).messageId).toBe(0x8001);
  });

  it('sheds positions at once (0x8001 result 1) while too many await the bus, and acknowledges again once it caught up', async () => {
    const bus = new GatedBus({ topicPrefix: 'shed.', logger: quiet });
    const { gateway } = await start({ bus, maxInFlightPositions: 5, publishMaxBatch: 100, maxAckWaitMs: 60_000 });
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    const waiting = Array.from({ length: 6 }, (_, i) => t.waitForAnswer(t.sendLocation(at(i)), 5_000));
    await vi.waitUntil(() => gateway.stats().inFlightPositions === 6, { timeout: 3_000, interval: 5 });
    // Above the bound: answered at once with failure, not queued, the socket still read.
    const shed = await t.sendAndWait(0x0200, locationReport(at(10)), 1_000);
    expect(shed.messageId === 0x8001 && shed.body.result).toBe(GeneralResult.Failed);
    expect(gateway.stats()).toMatchObject({ inFlightPositions: 6, pausedSockets: 0 });
    expect(await gateway.metrics.registry.metrics()).toMatch(/roadwatch_gateway_shed_positions_total\{cause="kafka"[^}]*\} 1\b/);
    bus.gate.open();
    const acks = await Promise.all(waiting);
    expect(acks.map((ack) => ack.messageId === 0x8001 && ack.body.result)).toEqual(acks.map(() => GeneralResult.Ok));
    const again = await t.sendAndWait(0x0200, locationReport(at(11)), 1_000);
    expect(again.messageId === 0x8001 && again.body.result).toBe(GeneralResult.Ok);
  });

  it('answers 0x8001 result 1 when the bus does not acknowledge within maxAckWaitMs, sheds new positions meanwhile, and never a late 0 after it', async () => {
    const bus = new GatedBus({ topicPrefix: 'late.', logger: quiet });
    const { gateway } = await start({ bus, maxAckWaitMs: 300 });
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    const sentAt = performance.now();
    const late = await t.sendAndWait(0x0200, locationReport(at(1)), 2_000);
    const waitedMs = performance.now() - sentAt;
    expect(late.messageId === 0x8001 && late.body.result).toBe(GeneralResult.Failed);
    expect(waitedMs).toBeGreaterThanOrEqual(300);
    // Kafka still holds the first one, for longer than half the bound: the next is shed at once.
    const shed = await t.sendAndWait(0x0200, locationReport(at(2)), 2_000);
    expect(shed.messageId === 0x8001 && shed.body.result).toBe(GeneralResult.Failed);
    const metrics = await gateway.metrics.registry.metrics();
    expect(metrics).toMatch(/roadwatch_gateway_shed_positions_total\{cause="ack-timeout"[^}]*\} 1\b/);
    expect(metrics).toMatch(/roadwatch_gateway_shed_positions_total\{cause="kafka"[^}]*\} 1\b/);
    // Kafka takes the held one after all: stored (the terminal's re-send will be a duplicate), but not answered twice.
    bus.gate.open();
    await vi.waitUntil(() => positions.length === 1 && gateway.stats().inFlightPositions === 0, { timeout: 3_000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lateSerial = late.messageId === 0x8001 ? late.body.answerSerial : -1;
    expect(t.received.filter((m) => m.messageId === 0x8001 && m.body.answerSerial === lateSerial)).toHaveLength(1);
    const ok = await t.sendAndWait(0x0200, locationReport(at(3)), 2_000);
    expect(ok.messageId === 0x8001 && ok.body.result).toBe(GeneralResult.Ok);
  });

  it('sheds positions while the event loop runs late, pauses reporters when far behind, serves a registering one meanwhile, and answers every position', async () => {
    const { gateway, bus } = await start({ maxEventLoopDelayMs: 100 });
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const reporter = await terminal(gateway, KNOWN_PHONE);
    await reporter.registerAndAuthenticate();
    const newcomer = await terminal(gateway, '013800000009');
    const acks = Array.from({ length: 5 }, (_, i) => reporter.waitForAnswer(reporter.sendLocation(at(i)), 10_000));
    const registered = newcomer.register();
    // The process is busy for 400 ms (as when it is short of CPU): the frames above wait in
    // the kernel, and the loop is late when it reads them.
    const busyUntil = performance.now() + 400;
    while (performance.now() < busyUntil);
    expect(await newcomer.authenticate(await registered)).toBe(GeneralResult.Ok);
    const answers = await Promise.all(acks);
    // Read while the loop was late: shed, the terminal told at once (it keeps them for a 0x0704).
    expect(answers.map((answer) => answer.messageId === 0x8001 && answer.body.result)).toEqual(answers.map(() => GeneralResult.Failed));
    const metrics = await gateway.metrics.registry.metrics();
    expect(metrics).toMatch(/roadwatch_gateway_shed_positions_total\{cause="event-loop"[^}]*\} 5\b/);
    expect(metrics).toMatch(/roadwatch_gateway_backpressure_pauses_total\{[^}]*cause="event-loop"[^}]*\} [1-9]/);
    await vi.waitUntil(() => gateway.stats().pausedSockets === 0 && !gateway.stats().eventLoopBehind, { timeout: 3_000, interval: 5 });
    expect(positions).toHaveLength(0);
    // Caught up: acknowledged and published again.
    const ok = await reporter.sendAndWait(0x0200, locationReport(at(9)), 2_000);
    expect(ok.messageId === 0x8001 && ok.body.result).toBe(GeneralResult.Ok);
    await vi.waitUntil(() => positions.length === 1, { timeout: 3_000, interval: 5 });
  });

  it('closes idle connections', async () => {
    const { gateway } = await start({ idleTimeoutMs: 100 });
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.closed;
    await vi.waitUntil(() => gateway.stats().connections === 0, { timeout: 3_000, interval: 5 });
  });
});

describe('gateway-jt808 slow and abusive connections (in-process bus, real TCP)', () => {
  const disconnects = async (gateway: RunningGateway): Promise<Record<string, number>> => {
    const metric = await gateway.metrics.registry.getSingleMetric('roadwatch_gateway_disconnects_total')?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels.reason), v.value]));
  };
  const heartbeatFrame = (t: TestTerminal, serial?: number): Uint8Array => t.encode(0x0002, {}, serial).frame;
  /** Bytes without 0x7e: the de-framer drops them as garbage outside any frame. */
  const junk = (bytes: number): Buffer => Buffer.alloc(bytes, 0x41);

  it('closes a connection that trickles one byte a second when the auth deadline passes, not before', { timeout: 15_000 }, async () => {
    const { gateway } = await start({ limits: { authDeadlineMs: 2_500 } });
    const t = await terminal(gateway, KNOWN_PHONE);
    const openedAt = Date.now();
    // A valid 0x0100, one byte a second: never complete, never garbage, never idle (180 s).
    const { frame } = t.encode(0x0100, {
      edition: '2013',
      provinceId: 11,
      cityId: 100,
      manufacturerId: 'RWTST',
      terminalModel: 'SIM-1',
      terminalId: '0000001',
      plateColor: 2,
      plate: '京A12345',
    });
    let sent = 0;
    const trickle = setInterval(() => !t.isClosed && sent < frame.length && t.sendRaw(frame.subarray(sent, ++sent)), 1_000);
    cleanups.push(() => clearInterval(trickle));
    await t.closed;
    const openForMs = Date.now() - openedAt;
    expect(openForMs).toBeGreaterThanOrEqual(2_500 - 50);
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThan(frame.length);
    expect((await disconnects(gateway))['auth-deadline']).toBe(1);
    await vi.waitUntil(() => gateway.stats().connections === 0, { timeout: 3_000, interval: 5 });
  });

  it('closes a terminal that registered and never authenticated; an authenticated one outlives the deadline', { timeout: 15_000 }, async () => {
    const { gateway } = await start({ limits: { authDeadlineMs: 800 } });
    const registeredOnly = await terminal(gateway, '013800000002');
    const authenticated = await terminal(gateway, KNOWN_PHONE);
    expect(await registeredOnly.register()).toMatch(/^[0-9a-f]{16}$/);
    await authenticated.registerAndAuthenticate();
    await registeredOnly.closed;
    // Well past the deadline the authenticated terminal is still served.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(authenticated.isClosed).toBe(false);
    const answer = await authenticated.sendAndWait(0x0002, {});
    expect(answer.messageId === 0x8001 && answer.body.result).toBe(GeneralResult.Ok);
    expect(await disconnects(gateway)).toEqual({ 'auth-deadline': 1 });
    expect(gateway.stats()).toMatchObject({ connections: 1, authenticated: 1 });
  });

  it('closes an authenticated terminal that interleaves garbage with valid frames past the junk limit, which the garbage rules never catch', async () => {
    const { gateway } = await start({ limits: { maxJunkBytesPerWindow: 4_096, junkWindowMs: 60_000 } });
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    // 900 junk bytes then a heartbeat: each heartbeat resets "errors in a row" and "bytes
    // since a valid frame", so 16 errors or 16 KiB are never reached.
    let answered = 0;
    for (let i = 0; i < 12 && !t.isClosed; i++) {
      t.sendRaw(junk(900));
      // The test terminal drops its waiters when the socket closes; the close ends the wait.
      const answer = await Promise.race([t.sendAndWait(0x0002, {}, 2_000), t.closed.then(() => null)]);
      if (answer === null) break;
      answered++;
    }
    await t.closed;
    expect(answered).toBe(4); // 4 × 900 is under 4 KiB; the fifth run of junk is over
    const reasons = await disconnects(gateway);
    expect(reasons['junk-rate']).toBe(1);
    expect(reasons['garbage']).toBeUndefined();
  });

  it('counts junk per window: the same junk spread over windows is let through', async () => {
    const { gateway } = await start({ limits: { maxJunkBytesPerWindow: 2_048, junkWindowMs: 150 } });
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    for (let i = 0; i < 4; i++) {
      t.sendRaw(junk(1_500));
      expect((await t.sendAndWait(0x0002, {})).messageId).toBe(0x8001);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(t.isClosed).toBe(false);
    // More than the limit inside one window is not.
    t.sendRaw(junk(2_100));
    await t.closed;
    expect((await disconnects(gateway))['junk-rate']).toBe(1);
  });

  it('never counts an honest terminal as junk: escaped bytes, frames split byte by byte, many frames in one chunk, a sub-packaged batch', async () => {
    const { gateway, bus } = await start({ limits: { maxJunkBytesPerWindow: 1_024, junkWindowMs: 60_000 } });
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE, '2019');
    await t.registerAndAuthenticate();
    // Serials 0x7e7e / 0x7d7d are escaped on the wire (7d 02 / 7d 01): the frame is longer than its content.
    for (const serial of [0x7e7e, 0x7d7d, 0x7e7d]) {
      const answer = t.waitForAnswer(serial);
      t.sendRaw(heartbeatFrame(t, serial));
      expect((await answer).messageId).toBe(0x8001);
    }
    // One frame a byte per write.
    const split = t.encode(0x0200, locationReport(at(1)));
    const splitAnswer = t.waitForAnswer(split.serial);
    for (let i = 0; i < split.frame.length; i++) {
      t.sendRaw(split.frame.subarray(i, i + 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await splitAnswer).messageId).toBe(0x8001);
    // 200 frames (≈ 12 KB, far over the junk limit) in one write.
    const many = Array.from({ length: 200 }, (_, i) => t.encode(0x0200, locationReport(at(i + 2))));
    const manyAnswers = Promise.all(many.map((m) => t.waitForAnswer(m.serial)));
    t.sendRaw(Buffer.concat(many.map((m) => m.frame)));
    await manyAnswers;
    // A 0x0704 in sub-packages: no message until the last packet, credited then.
    const firstSerial = t.nextSerial();
    const packets = encodeFrames(
      { messageId: 0x0704, terminalPhone: t.phone, serial: firstSerial, edition: '2019', protocolVersion: 1 },
      { batchType: 0, blindAreaBackfill: false, locations: Array.from({ length: 20 }, (_, i) => locationReport(at(300 + i))) },
      300,
    );
    expect(packets.length).toBeGreaterThanOrEqual(2);
    const batchAnswer = t.waitForAnswer(firstSerial);
    for (const packet of packets) t.sendRaw(packet);
    expect((await batchAnswer).messageId).toBe(0x8001);
    await vi.waitUntil(() => positions.length === 221, { timeout: 3_000, interval: 5 });
    expect(t.isClosed).toBe(false);
    expect(await disconnects(gateway)).toEqual({});
  });

  it('closes a connection whose messages pile up behind a registration that is not answered yet', async () => {
    let releaseRegistry!: () => void;
    const held = new Promise<void>((resolve) => (releaseRegistry = resolve));
    const slowRegistry = new (class extends InMemoryTerminalRegistrations {
      override async register(registration: Parameters<InMemoryTerminalRegistrations['register']>[0]): Promise<string> {
        await held;
        return super.register(registration);
      }
    })();
    cleanups.push(() => releaseRegistry());
    const { gateway } = await start({ registrations: slowRegistry, limits: { maxQueuedMessages: 100 } });
    const t = await terminal(gateway, KNOWN_PHONE);
    const registration = t.encode(0x0100, {
      edition: '2013',
      provinceId: 11,
      cityId: 100,
      manufacturerId: 'RWTST',
      terminalModel: 'SIM-1',
      terminalId: '0000001',
      plateColor: 2,
      plate: '京A12345',
    });
    t.sendRaw(Buffer.concat([registration.frame, ...Array.from({ length: 150 }, () => heartbeatFrame(t))]));
    await t.closed;
    expect((await disconnects(gateway))['queue-overflow']).toBe(1);
  });
});

describe('gateway-jt808 downlink (in-process bus)', () => {
  const command = (terminalId: string, cmd: TerminalCommandV1['command'], commandId = `cmd-${Math.random()}`): TerminalCommandV1 => ({
    v: 1,
    commandId,
    terminalId,
    issuedAtMs: Date.now(),
    command: cmd,
  });

  const answerCommands = (t: TestTerminal): void => {
    t.onMessage((message: Jt808Message) => {
      if (message.messageId === 0x8300 || message.messageId === 0x8103) {
        t.send(0x0001, { answerSerial: message.header.serial, answerMessageId: message.messageId, result: 0 });
      } else if (message.messageId === 0x8201) {
        t.send(0x0201, { answerSerial: message.header.serial, location: locationReport(at(9)) });
      }
    });
  };

  it('closes as idle a terminal that sends nothing while the gateway keeps writing to it; one that heartbeats stays', async () => {
    const { gateway, bus } = await start({ idleTimeoutMs: 400 });
    const silent = await terminal(gateway, KNOWN_PHONE);
    await silent.registerAndAuthenticate();
    const beating = await terminal(gateway, '13800000002');
    await beating.registerAndAuthenticate();
    let silentClosed = false;
    let beatingClosed = false;
    const unexpected: unknown[] = [];
    silent.closed.then(() => (silentClosed = true)).catch((error: unknown) => unexpected.push(error));
    beating.closed.then(() => (beatingClosed = true)).catch((error: unknown) => unexpected.push(error));
    // A text command to the silent one every 100 ms: the gateway writes to it four times per idle timeout.
    for (let round = 0; round < 15 && !silentClosed; round += 1) {
      await bus.publish(TOPICS.terminalCommands, [
        { key: KNOWN_PHONE, value: command(KNOWN_PHONE, { type: 'text', text: '请注意', tts: false, display: true, urgent: false }) },
      ]);
      expect((await beating.sendAndWait(0x0002, {})).messageId).toBe(0x8001);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(silent.received.filter((message) => message.messageId === 0x8300).length).toBeGreaterThanOrEqual(2);
    expect(silentClosed).toBe(true);
    expect(beatingClosed).toBe(false);
    expect(unexpected).toEqual([]);
    const metric = await gateway.metrics.registry.getSingleMetric('roadwatch_gateway_disconnects_total')?.get();
    expect(metric?.values.find((value) => value.labels.reason === 'idle')?.value).toBe(1);
  });

  it('sends text, location query and parameters to the connected terminal and reports its answers', async () => {
    const { gateway, bus } = await start();
    const results = await collect<CommandResultV1>(bus, TOPICS.commandResults);
    const t = await terminal(gateway, KNOWN_PHONE, '2019');
    await t.registerAndAuthenticate();
    answerCommands(t);
    await bus.publish(TOPICS.terminalCommands, [
      { key: KNOWN_PHONE, value: command(KNOWN_PHONE, { type: 'text', text: '前方拥堵，请减速慢行', tts: true, display: true, urgent: false }, 'c-text') },
      { key: KNOWN_PHONE, value: command('13800000001', { type: 'location_query' }, 'c-query') },
      { key: KNOWN_PHONE, value: command(KNOWN_PHONE, { type: 'set_params', params: [{ id: 0x0029, value: 10 }] }, 'c-params') },
    ]);
    await vi.waitUntil(() => results.filter((r) => r.status !== 'sent').length === 3, { timeout: 3_000, interval: 5 });
    const final = Object.fromEntries(results.filter((r) => r.status !== 'sent').map((r) => [r.commandId, r]));
    expect(final['c-text']).toMatchObject({ status: 'acknowledged', terminalId: '13800000001' });
    expect(final['c-params']).toMatchObject({ status: 'acknowledged' });
    expect(final['c-query']).toMatchObject({ status: 'answered', answer: { latitudeDeg: at(9).latitudeDeg } });
    const text = t.received.find((m) => m.messageId === 0x8300);
    expect(text?.messageId === 0x8300 && text.body.text).toBe('前方拥堵，请减速慢行');
    expect(results.filter((r) => r.status === 'sent')).toHaveLength(3);
  });

  it('sends routes and areas in the terminal’s edition (2019 with names), and records an unsupported answer as such', async () => {
    const { gateway, bus } = await start();
    const results = await collect<CommandResultV1>(bus, TOPICS.commandResults);
    const t = await terminal(gateway, KNOWN_PHONE, '2019');
    await t.registerAndAuthenticate();
    // This terminal takes areas and refuses routes (0x0001 result 3, 不支持), as some do.
    t.onMessage((message: Jt808Message) => {
      if (message.messageId === 0x8600 || message.messageId === 0x8604 || message.messageId === 0x8606) {
        t.send(0x0001, { answerSerial: message.header.serial, answerMessageId: message.messageId, result: message.messageId === 0x8606 ? 3 : 0 });
      }
    });
    const vertices = [
      { latitudeDeg: 39.9, longitudeDeg: 116.3 },
      { latitudeDeg: 39.95, longitudeDeg: 116.3 },
      { latitudeDeg: 39.95, longitudeDeg: 116.4 },
    ];
    await bus.publish(TOPICS.terminalCommands, [
      { key: KNOWN_PHONE, value: command(KNOWN_PHONE, { type: 'set_route', geofenceId: 11, name: '班线一', points: vertices, widthM: 200 }, 'c-route') },
      { key: KNOWN_PHONE, value: command(KNOWN_PHONE, { type: 'set_polygon_area', geofenceId: 12, name: '危化品禁行区', vertices }, 'c-polygon') },
      {
        key: KNOWN_PHONE,
        value: command(KNOWN_PHONE, { type: 'set_circle_area', geofenceId: 13, name: '站场', center: vertices[0]!, radiusM: 500 }, 'c-circle'),
      },
    ]);
    await vi.waitUntil(() => results.filter((r) => r.status !== 'sent').length === 3, { timeout: 3_000, interval: 5 });
    const final = Object.fromEntries(results.filter((r) => r.status !== 'sent').map((r) => [r.commandId, r.status]));
    expect(final).toEqual({ 'c-route': 'unsupported', 'c-polygon': 'acknowledged', 'c-circle': 'acknowledged' });
    const polygon = t.received.find((m) => m.messageId === 0x8604);
    expect(polygon?.messageId === 0x8604 && [polygon.body.areaId, polygon.body.name, polygon.body.vertices]).toEqual([12, '危化品禁行区', vertices]);
    const route = t.received.find((m) => m.messageId === 0x8606);
    expect(route?.messageId === 0x8606 && [route.body.routeId, route.body.name, route.body.points.map((p) => p.segmentWidthM)]).toEqual([
      11,
      '班线一',
      [200, 200, 200],
    ]);
    const circle = t.received.find((m) => m.messageId === 0x8600);
    expect(circle?.messageId === 0x8600 && circle.body.areas.map((a) => [a.areaId, a.radiusM, a.name])).toEqual([[13, 500, '站场']]);
    expect(t.errors).toEqual([]);
  });

  it('publishes the terminal’s own area/route alarms with the position, and answers 0x8001 only after both', async () => {
    const { gateway, bus } = await start();
    const alarms = await collect<TerminalAreaAlarmV1>(bus, TOPICS.terminalAreaAlarms);
    const positions = await collect<PositionV1>(bus, TOPICS.positions);
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    const report = locationReport({ ...at(1), alarmFlags: 1 << ALARM_BITS.routeInOut });
    const answer = await t.sendAndWait(0x0200, { ...report, items: [{ type: 'area-in-out', id: 0x12, locationType: 4, areaId: 11, direction: 'out' }] });
    expect(answer.messageId === 0x8001 && answer.body.result).toBe(GeneralResult.Ok);
    await vi.waitUntil(() => alarms.length === 1 && positions.length === 1, { timeout: 3_000, interval: 5 });
    expect(alarms[0]).toMatchObject({ kind: 'route_in_out', areaType: 'route', areaId: 11, direction: 'out', deviceTimeMs: positions[0]!.deviceTimeMs });
    // A report without bits 20–23 publishes no alarm.
    await t.sendAndWait(0x0200, locationReport({ ...at(2), alarmFlags: 1 << ALARM_BITS.overspeed }));
    await vi.waitUntil(() => positions.length === 2, { timeout: 3_000, interval: 5 });
    expect(alarms).toHaveLength(1);
  });

  it('reports undeliverable for a terminal no instance holds, once, and leaves a terminal held by another instance to it', async () => {
    const shared = new InMemoryConnectionDirectory();
    const bus = new InProcessBus({ topicPrefix: 'multi.', logger: quiet });
    const { gateway: a } = await start({ bus, connections: shared, instanceId: 'a' });
    const { gateway: b } = await start({ bus, connections: shared, instanceId: 'b' });
    const results = await collect<CommandResultV1>(bus, TOPICS.commandResults);
    const onB = await terminal(b, KNOWN_PHONE);
    await onB.registerAndAuthenticate();
    answerCommands(onB);
    await bus.publish(TOPICS.terminalCommands, [
      { key: KNOWN_PHONE, value: command(KNOWN_PHONE, { type: 'text', text: 'hello', tts: false, display: true, urgent: false }, 'held-by-b') },
      { key: '13000000000', value: command('13000000000', { type: 'location_query' }, 'nobody') },
    ]);
    await vi.waitUntil(() => results.some((r) => r.commandId === 'held-by-b' && r.status === 'acknowledged') && results.some((r) => r.commandId === 'nobody'), {
      timeout: 3_000,
      interval: 5,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(results.filter((r) => r.commandId === 'nobody').map((r) => r.status)).toEqual(['undeliverable']);
    expect(results.filter((r) => r.commandId === 'held-by-b').map((r) => r.status)).toEqual(['sent', 'acknowledged']);
    expect(a.stats().authenticated).toBe(0);
  });

  it('reports failed when the terminal does not answer in time', async () => {
    const { gateway, bus } = await start({ commandAnswerTimeoutMs: 100 });
    const results = await collect<CommandResultV1>(bus, TOPICS.commandResults);
    const t = await terminal(gateway, KNOWN_PHONE);
    await t.registerAndAuthenticate();
    await bus.publish(TOPICS.terminalCommands, [{ key: KNOWN_PHONE, value: command(KNOWN_PHONE, { type: 'location_query' }, 'silent') }]);
    await vi.waitUntil(() => results.some((r) => r.status === 'failed'), { timeout: 3_000, interval: 5 });
    expect(results.find((r) => r.status === 'failed')?.reason).toMatch(/no answer/);
  });
});
