import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { VehicleRegistry } from '@roadwatch/domain';
import { GeneralResult } from '@roadwatch/jt808';
import { KafkaBus } from '@roadwatch/messaging';
import { createSimulatedFleet, locationReport, TestTerminal } from '@roadwatch/testing';
import { startGateway, type RunningGateway } from '../src/gateway.service';
import { ensureGatewayTopics, isolatedKafkaBus, quiet, readTopic } from './helpers';

/**
 * Issue #10 item 11 and issue #13 item 3: with Kafka's producer stalled (every position publish
 * over the real Kafka waits for `release`), a reporting terminal gets a clear answer — 0x8001
 * result 1 within 1 s, so it keeps its positions for a 0x0704 — instead of waiting, and a new
 * terminal's register/auth is answered meanwhile. Once Kafka moves again, positions are
 * acknowledged (result 0) only after it stored them.
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
    maxAckWaitMs: 800,
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

describe('a stalled Kafka producer (real Kafka, producer held)', () => {
  it('answers every position 0x8001 result 1 within 1 s, registers and authenticates newcomers meanwhile, and acknowledges only what Kafka stored afterwards', async () => {
    const reporting = await Promise.all(reporters.map((v) => connect(v.terminalPhone)));
    await Promise.all(reporting.map((t, i) => t.registerAndAuthenticate(reporters[i]!.facts.plate, reporters[i]!.facts.plateColour)));

    // Every reporter reports every 100 ms for 1.5 s: the first positions go to the stalled
    // producer and time out, the later ones are shed at once.
    const answerMs: number[] = [];
    const results: number[] = [];
    for (let round = 0; round < 15; round++) {
      reporting.forEach((t, i) => {
        const sentAt = performance.now();
        const serial = t.sendLocation({
          latitudeDeg: 39.9 + i / 100,
          longitudeDeg: 116.4,
          speedKmh: 40,
          deviceTimeMs: Date.UTC(2026, 10, 23, 8, 0, 0) + round * 1000,
        });
        void t.waitForAnswer(serial, 5_000).then(
          (answer) => {
            answerMs.push(performance.now() - sentAt);
            if (answer.messageId === 0x8001) results.push(answer.body.result);
          },
          () => results.push(-1), // unanswered within 5 s
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // A 2013 and a 2019 terminal arrive now; neither waits for Kafka.
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
    expect(gateway.stats()).toMatchObject({ pausedSockets: 0, authenticated: reporters.length + 2 });

    const total = reporters.length * 15;
    await vi.waitUntil(() => results.length === total, { timeout: 10_000, interval: 20, message: `all ${total} positions answered` });
    expect(new Set(results)).toEqual(new Set([GeneralResult.Failed]));
    answerMs.sort((a, b) => a - b);
    expect(answerMs.at(-1)).toBeLessThan(1_000);
    const metrics = await gateway.metrics.registry.metrics();
    expect(metrics).toMatch(/roadwatch_gateway_shed_positions_total\{cause="ack-timeout"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/roadwatch_gateway_shed_positions_total\{cause="kafka"[^}]*\} [1-9]/);

    // Kafka moves again: what was handed to it is stored; a new position is acknowledged after it is.
    bus.release();
    await vi.waitUntil(() => gateway.stats().inFlightPositions === 0, { timeout: 30_000, interval: 20, message: 'the stalled publishes done' });
    const answer = await newcomer.sendAndWait(
      0x0200,
      locationReport({ latitudeDeg: 40.1, longitudeDeg: 116.5, speedKmh: 30, deviceTimeMs: Date.UTC(2026, 10, 23, 9, 0, 0) }),
      10_000,
    );
    expect(answer.messageId === 0x8001 && answer.body.result).toBe(GeneralResult.Ok);
    await vi.waitUntil(() => positions.values.some((p) => p.vehicleId === late.facts.vehicleId), {
      timeout: 30_000,
      interval: 20,
      message: 'the acknowledged position on Kafka',
    });
  });
});
