import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { VehicleRegistry } from '@roadwatch/domain';
import { GeneralResult } from '@roadwatch/jt808';
import { KafkaBus } from '@roadwatch/messaging';
import { createSimulatedFleet, TestTerminal } from '@roadwatch/testing';
import { startGateway, type RunningGateway } from '../src/gateway.service';
import { ensureGatewayTopics, isolatedKafkaBus, quiet, readTopic } from './helpers';

/**
 * Issue #10 item 11: a terminal's register/auth answer must not wait behind other terminals'
 * position traffic. Real Kafka, whose producer is held back (every position publish waits
 * for `release`) so back-pressure is engaged for as long as the test needs — the signal is
 * structural, not a wall-clock bound: register + authenticate must be answered while every
 * reporting terminal is paused and none of their positions has been acknowledged.
 */
class HeldProducerBus extends KafkaBus {
  private released!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.released = resolve));
  release(): void {
    this.released();
  }
  override async publish(...args: Parameters<KafkaBus['publish']>): Promise<void> {
    if (args[0] === TOPICS.positions) await this.gate;
    return super.publish(...args);
  }
}

const fleet = createSimulatedFleet(12);
const reporters = fleet.slice(0, 10);
const [late, lateToo] = fleet.slice(10) as [(typeof fleet)[0], (typeof fleet)[0]];
const MAX_IN_FLIGHT = 40;

let bus: HeldProducerBus;
let gateway: RunningGateway;
let positions: { values: PositionV1[]; close: () => Promise<void> };
const terminals: TestTerminal[] = [];

const connect = async (phone: string): Promise<TestTerminal> => {
  const terminal = await TestTerminal.connect({ host: '127.0.0.1', port: gateway.port, phone, answerTimeoutMs: 10_000 });
  terminals.push(terminal);
  return terminal;
};

beforeAll(async () => {
  ({ bus } = isolatedKafkaBus('registration', HeldProducerBus));
  await ensureGatewayTopics(bus);
  gateway = await startGateway({
    bus,
    vehicles: VehicleRegistry.fromFleet(fleet),
    port: 0,
    host: '127.0.0.1',
    logger: quiet,
    instanceId: `registration-${process.pid}`,
    commands: false,
    maxInFlightPositions: MAX_IN_FLIGHT,
    publishMaxBatch: 10,
    publishLingerMs: 1,
  });
  positions = await readTopic<PositionV1>(bus, TOPICS.positions);
});

afterAll(async () => {
  bus?.release();
  for (const terminal of terminals) terminal.destroy();
  await gateway?.close();
  await positions?.close();
  await bus?.close();
});

describe('registration while Kafka is behind (real Kafka, producer held)', () => {
  it('answers a new terminal’s register and authenticate while every reporting terminal is paused behind back-pressure, then stores every position', async () => {
    const sent = new Map<string, number>(); // vehicleId → positions sent
    const acked: number[] = [];
    const reporting = await Promise.all(reporters.map((v) => connect(v.terminalPhone)));
    await Promise.all(reporting.map((t, i) => t.registerAndAuthenticate(reporters[i]!.facts.plate, reporters[i]!.facts.plateColour)));
    for (const t of reporting) t.onMessage((m) => m.messageId === 0x8001 && m.body.answerMessageId === 0x0200 && acked.push(m.body.answerSerial));

    // Every reporter keeps reporting until its socket is paused (Kafka holds every publish).
    let second = 0;
    while (gateway.stats().pausedSockets < reporters.length) {
      second++;
      reporting.forEach((t, i) => {
        if (gateway.stats().pausedSockets >= reporters.length) return;
        t.sendLocation({ latitudeDeg: 39.9 + i / 100, longitudeDeg: 116.4, speedKmh: 40, deviceTimeMs: Date.UTC(2026, 10, 23, 8, 0, 0) + second * 1000 });
        sent.set(reporters[i]!.facts.vehicleId, (sent.get(reporters[i]!.facts.vehicleId) ?? 0) + 1);
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (second > 2_000) throw new Error(`back-pressure never engaged: ${JSON.stringify(gateway.stats())}`);
    }
    expect(gateway.stats().inFlightPositions).toBeGreaterThan(MAX_IN_FLIGHT);

    // A 2013 and a 2019 terminal arrive now; neither may wait for Kafka's backlog.
    const newcomer = await connect(late.terminalPhone);
    await newcomer.registerAndAuthenticate(late.facts.plate, late.facts.plateColour);
    const newcomer2019 = await TestTerminal.connect({
      host: '127.0.0.1',
      port: gateway.port,
      phone: lateToo.terminalPhone,
      edition: '2019',
      answerTimeoutMs: 10_000,
    });
    terminals.push(newcomer2019);
    const code = await newcomer2019.register(lateToo.facts.plate, lateToo.facts.plateColour);
    expect(await newcomer2019.authenticate(code)).toBe(GeneralResult.Ok);
    // Answered while the backlog was still there: every reporter paused, no position acknowledged.
    expect(gateway.stats()).toMatchObject({ pausedSockets: reporters.length, authenticated: reporters.length + 2 });
    expect(acked).toHaveLength(0);

    // The newcomer's own positions do wait for Kafka, like everyone's.
    const serial = newcomer.sendLocation({ latitudeDeg: 40.1, longitudeDeg: 116.5, speedKmh: 30, deviceTimeMs: Date.UTC(2026, 10, 23, 9, 0, 0) });
    const newcomerAck = newcomer.waitForAnswer(serial, 60_000);
    await vi.waitUntil(() => gateway.stats().pausedSockets === reporters.length + 1, {
      timeout: 10_000,
      interval: 20,
      message: 'the authenticated newcomer paused by back-pressure',
    });

    bus.release();
    expect((await newcomerAck).messageId).toBe(0x8001);
    const total = [...sent.values()].reduce((sum, n) => sum + n, 0);
    await vi.waitUntil(() => acked.length === total, { timeout: 60_000, interval: 20, message: `all ${total} positions acknowledged` });
    await vi.waitUntil(() => positions.values.length >= total + 1, { timeout: 60_000, interval: 20, message: 'every position on Kafka' });
    for (const [vehicleId, count] of sent) expect(positions.values.filter((p) => p.vehicleId === vehicleId).length).toBeGreaterThanOrEqual(count);
    expect(positions.values.some((p) => p.vehicleId === late.facts.vehicleId)).toBe(true);
    await vi.waitUntil(() => gateway.stats().pausedSockets === 0 && gateway.stats().inFlightPositions === 0, {
      timeout: 10_000,
      interval: 20,
      message: 'back-pressure released',
    });
  });
});
