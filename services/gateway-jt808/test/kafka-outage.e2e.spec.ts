import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import type { KafkaBus } from '@roadwatch/messaging';
import { createSimulatedFleet, dedicatedKafka, locationReport, TestTerminal } from '@roadwatch/testing';
import { startGateway, type RunningGateway } from '../src/gateway.service';
import { VehicleRegistry } from '@roadwatch/domain';
import { ensureGatewayTopics, isolatedKafkaBus, quiet, readTopic } from './helpers';

/**
 * The promise behind "0x8001 only after Kafka acknowledged": kill the broker while
 * terminals report, bring it back, and every position a terminal got an 0x8001 for is on
 * Kafka. Terminals behave like real ones: they keep reporting while the platform is
 * silent and retransmit an unanswered message (same serial, same content) with a growing
 * timeout.
 *
 * The broker killed (SIGKILL) and restarted is a private one (dedicatedKafka, port 19492, its
 * own data dir), never the shared broker the other tests use: so this runs in the integration
 * project beside them rather than alone after everything.
 */
const TERMINALS = 12;
const REPORT_EVERY_MS = 50;
const fleet = createSimulatedFleet(TERMINALS, 5);

class RetransmittingTerminal {
  readonly acked = new Set<number>();
  /** deviceTimeMs → when the 0x8001 came. */
  readonly ackedAt = new Map<number, number>();
  private readonly unanswered = new Map<number, { frame: Uint8Array; deviceTimeMs: number; nextRetryAt: number; attempt: number }>();
  private seq = 0;
  retransmissions = 0;

  constructor(readonly terminal: TestTerminal) {
    terminal.onMessage((message) => {
      if (message.messageId !== 0x8001 || message.body.answerMessageId !== 0x0200) return;
      const pending = this.unanswered.get(message.body.answerSerial);
      if (!pending || message.body.result !== 0) return;
      this.unanswered.delete(message.body.answerSerial);
      this.acked.add(pending.deviceTimeMs);
      this.ackedAt.set(pending.deviceTimeMs, Date.now());
    });
  }

  get pending(): number {
    return this.unanswered.size;
  }

  report(): void {
    const deviceTimeMs = Date.UTC(2026, 0, 1) + this.seq++ * 1000;
    const { serial, frame } = this.terminal.encode(0x0200, locationReport({ latitudeDeg: 39.9, longitudeDeg: 116.4, deviceTimeMs }));
    this.unanswered.set(serial, { frame, deviceTimeMs, nextRetryAt: Date.now() + 2_000, attempt: 1 });
    this.terminal.sendRaw(frame);
  }

  retransmitDue(now: number): void {
    for (const pending of this.unanswered.values()) {
      if (pending.nextRetryAt > now) continue;
      pending.attempt++;
      pending.nextRetryAt = now + Math.min(2_000 * 2 ** pending.attempt, 16_000);
      this.retransmissions++;
      this.terminal.sendRaw(pending.frame);
    }
  }
}

const broker = dedicatedKafka('gateway-kafka-outage', 19492);

let bus: KafkaBus | undefined;
let gateway: RunningGateway | undefined;
const clients: RetransmittingTerminal[] = [];

beforeAll(() => broker.start(), 180_000);

afterAll(async () => {
  for (const client of clients) client.terminal.destroy();
  await gateway?.close();
  await bus?.close();
  await broker.stop();
}, 120_000);

it('every position acknowledged with 0x8001 is on Kafka after the broker was killed and restarted', async () => {
  ({ bus } = isolatedKafkaBus('outage', undefined, [broker.brokers]));
  await ensureGatewayTopics(bus);
  // A small in-flight bound, so shedding (0x8001 result 1, retransmitted by the terminals) is part of the run.
  gateway = await startGateway({
    bus,
    vehicles: VehicleRegistry.fromFleet(fleet),
    port: 0,
    host: '127.0.0.1',
    logger: quiet,
    commands: false,
    maxInFlightPositions: 500,
  });
  for (const vehicle of fleet) {
    const terminal = await TestTerminal.connect({ host: '127.0.0.1', port: gateway.port, phone: vehicle.terminalPhone, answerTimeoutMs: 20_000 });
    await terminal.registerAndAuthenticate();
    clients.push(new RetransmittingTerminal(terminal));
  }
  let sending = true;
  const loop = setInterval(() => {
    const now = Date.now();
    for (const client of clients) {
      if (sending) client.report();
      client.retransmitDue(now);
    }
  }, REPORT_EVERY_MS);
  const ackedTotal = () => clients.reduce((sum, client) => sum + client.acked.size, 0);
  try {
    await vi.waitUntil(() => ackedTotal() > 200, { timeout: 30_000, interval: 20, message: 'acks before the outage' });
    const killStartedAt = Date.now();
    await broker.kill();
    const killedAt = Date.now();
    const ackedAtKill = ackedTotal();
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    // Whatever was acked during the outage must have been written before the broker died.
    const ackedDuringOutage = ackedTotal() - ackedAtKill;
    const maxPaused = gateway.stats().pausedSockets;
    await broker.start();
    await vi.waitUntil(() => ackedTotal() > ackedAtKill + 200, { timeout: 120_000, interval: 20, message: 'acks after the restart' });
    sending = false;
    await vi.waitUntil(() => clients.every((client) => client.pending === 0), { timeout: 120_000, interval: 20, message: 'every retransmission acknowledged' });
    clearInterval(loop);

    const expected = new Set(clients.flatMap((client, i) => [...client.acked].map((t) => `${fleet[i]!.facts.vehicleId}@${t}`)));
    const stored = await readTopic<PositionV1>(bus, TOPICS.positions);
    try {
      await vi.waitUntil(
        () => {
          const seen = new Set(stored.values.map((p) => `${p.vehicleId}@${p.deviceTimeMs}`));
          return [...expected].every((key) => seen.has(key));
        },
        { timeout: 60_000, interval: 20, message: 'every acknowledged position read back from Kafka' },
      );
    } catch (error) {
      const seen = new Set(stored.values.map((p) => `${p.vehicleId}@${p.deviceTimeMs}`));
      const missing = clients.flatMap((client, i) => [...client.ackedAt].filter(([t]) => !seen.has(`${fleet[i]!.facts.vehicleId}@${t}`)).map(([, at]) => at));
      console.log(
        JSON.stringify({
          acknowledged: expected.size,
          onKafka: stored.values.length,
          missing: missing.length,
          killStartedAt,
          killedAt,
          missingAckedAt: [Math.min(...missing), Math.max(...missing)],
        }),
      );
      throw error;
    } finally {
      await stored.close();
    }
    const retransmissions = clients.reduce((sum, client) => sum + client.retransmissions, 0);
    console.log(
      JSON.stringify({
        acknowledged: expected.size,
        onKafka: stored.values.length,
        duplicatesOnKafka: stored.values.length - expected.size,
        ackedDuringOutage,
        retransmissions,
        pausedSocketsDuringOutage: maxPaused,
      }),
    );
    expect(retransmissions).toBeGreaterThan(0);
  } finally {
    clearInterval(loop);
  }
  // As generous as the failure project gave it: a broker's restart on a loaded box takes its time.
}, 300_000);
