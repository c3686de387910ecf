import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { VehicleRegistry } from '@roadwatch/domain';
import { encodeFrame, escapeAndWrap, GeneralResult, unescapeFrame, xorChecksum, type Jt808FrameAnomaly, type Jt808Message } from '@roadwatch/jt808';
import type { KafkaBus } from '@roadwatch/messaging';
import { ServiceMetrics } from '@roadwatch/runtime';
import { createSimulatedFleet, locationReport, TestTerminal } from '@roadwatch/testing';
import type { FramePolicy } from '../src/frame-anomalies';
import { startGateway, type RunningGateway } from '../src/gateway.service';
import { InMemoryTerminalRegistrations } from '../src/terminal-registrations';
import { ensureGatewayTopics, isolatedKafkaBus, quiet, readTopic } from './helpers';

// Real terminals' anomalous frames over real TCP → gateway → real Kafka: a lenient gateway
// acknowledges each and publishes its position; a strict one refuses them.
const fleet = createSimulatedFleet(4);
const HEX_PHONE = '4EB6FB4AFD9E';
const ANOMALIES: readonly Jt808FrameAnomaly[] = ['bad-checksum', 'version-bit-on-2013-header', 'trailing-byte', 'stray-flag', 'bad-escape'];

/** A report whose speed names the anomaly it travels with, and raw items holding 0x7e and 0x7d 0xa0. */
const reportFor = (index: number) => ({
  ...locationReport({ latitudeDeg: 39.9 + index / 100, longitudeDeg: 116.3, speedKmh: 31 + index, deviceTimeMs: Date.UTC(2026, 10, 23, 9, 0, index) }),
  items: [
    { type: 'raw' as const, id: 0xe1, value: Uint8Array.of(0x7e) },
    { type: 'raw' as const, id: 0xe2, value: Uint8Array.of(0x7d, 0xa0) },
  ],
});

const replace = (frame: Uint8Array, from: readonly number[], to: readonly number[]): Uint8Array => {
  const hex = Buffer.from(frame).toString('hex');
  const at = hex.indexOf(Buffer.from(from).toString('hex'));
  if (at < 0 || at % 2 !== 0) throw new Error('pattern not in frame');
  return Uint8Array.from(Buffer.from(hex.slice(0, at) + Buffer.from(to).toString('hex') + hex.slice(at + from.length * 2), 'hex'));
};

/** The terminal's 0x0200 with `serial`, made to carry `anomaly` the way real terminals' frames do. */
function anomalousReport(terminal: TestTerminal, serial: number, anomaly: Jt808FrameAnomaly, index: number): Uint8Array {
  const frame = encodeFrame({ messageId: 0x0200, terminalPhone: terminal.phone, serial }, reportFor(index));
  const content = unescapeFrame(frame);
  const message = content.subarray(0, content.length - 1);
  const framed = (bytes: Uint8Array, check = xorChecksum(bytes)) => escapeAndWrap(Uint8Array.from([...bytes, check]));
  switch (anomaly) {
    case 'bad-checksum':
      return framed(message, xorChecksum(message) ^ 0x21);
    case 'version-bit-on-2013-header':
      return framed(Uint8Array.from(message, (byte, i) => (i === 2 ? byte | 0x40 : byte)));
    case 'trailing-byte':
      return framed(Uint8Array.from([...message, 0x00]));
    case 'stray-flag':
      return replace(frame, [0xe1, 0x01, 0x7d, 0x02], [0xe1, 0x01, 0x7e]);
    case 'bad-escape':
      return replace(frame, [0xe2, 0x02, 0x7d, 0x01, 0xa0], [0xe2, 0x02, 0x7d, 0xa0]);
    default:
      throw new Error(`no builder for ${anomaly}`);
  }
}

interface Running {
  gateway: RunningGateway;
  metrics: ServiceMetrics;
  registry: InMemoryTerminalRegistrations;
}

let bus: KafkaBus;
let positions: { values: PositionV1[]; close: () => Promise<void> };
const gateways = new Map<FramePolicy, Running>();
const terminals: TestTerminal[] = [];

const connect = async (policy: FramePolicy, phone: string): Promise<TestTerminal> => {
  const terminal = await TestTerminal.connect({ host: '127.0.0.1', port: gateways.get(policy)!.gateway.port, phone, answerTimeoutMs: 20_000, lenient: true });
  terminals.push(terminal);
  return terminal;
};

const answerTo = (terminal: TestTerminal, serial: number): Jt808Message | undefined =>
  terminal.received.find((m) => m.messageId === 0x8001 && m.body.answerSerial === serial && m.body.answerMessageId === 0x0200);

beforeAll(async () => {
  ({ bus } = isolatedKafkaBus('frames'));
  await ensureGatewayTopics(bus);
  for (const framePolicy of ['lenient', 'strict'] as const) {
    const metrics = new ServiceMetrics('gateway-jt808', { defaultMetrics: false });
    const registry = new InMemoryTerminalRegistrations();
    const gateway = await startGateway({
      bus,
      vehicles: VehicleRegistry.fromFleet(fleet),
      registrations: registry,
      metrics,
      port: 0,
      host: '127.0.0.1',
      logger: quiet,
      instanceId: `frames-${framePolicy}-${process.pid}`,
      commands: false,
      sweepIntervalMs: 50,
      framePolicy,
    });
    gateways.set(framePolicy, { gateway, metrics, registry });
  }
  positions = await readTopic<PositionV1>(bus, TOPICS.positions);
});

afterAll(async () => {
  for (const terminal of terminals) terminal.destroy();
  for (const { gateway } of gateways.values()) await gateway.close();
  await positions?.close();
  await bus?.close();
});

describe("real terminals' anomalous frames through the gateway, real TCP and real Kafka", () => {
  it('lenient (the default): each anomalous 0x0200 is acknowledged, its position reaches Kafka, and the terminal is counted per kind on /metrics and on its record', async () => {
    const vehicle = fleet[0]!;
    const terminal = await connect('lenient', vehicle.terminalPhone);
    await terminal.registerAndAuthenticate(vehicle.facts.plate, vehicle.facts.plateColour);
    const serials = ANOMALIES.map((anomaly, index) => {
      const serial = terminal.nextSerial();
      terminal.sendRaw(anomalousReport(terminal, serial, anomaly, index));
      return serial;
    });
    const answers = await Promise.all(serials.map((serial) => answerTo(terminal, serial) ?? terminal.waitForAnswer(serial)));
    expect(answers.map((m) => m.messageId === 0x8001 && m.body.result)).toEqual(ANOMALIES.map(() => GeneralResult.Ok));

    const mine = () => positions.values.filter((p) => p.vehicleId === vehicle.facts.vehicleId);
    await vi.waitUntil(() => mine().length >= ANOMALIES.length, { timeout: 30_000, interval: 20, message: 'the anomalous positions on Kafka' });
    expect(
      mine()
        .map((p) => p.speedKmh)
        .sort(),
    ).toEqual(ANOMALIES.map((_, index) => 31 + index));
    expect(mine().every((p) => p.registered && p.terminalId === vehicle.terminalPhone.replace(/^0+/, ''))).toBe(true);

    const { metrics, registry } = gateways.get('lenient')!;
    const text = (await metrics.render()).body;
    const terminalId = vehicle.terminalPhone.replace(/^0+/, '');
    for (const kind of ANOMALIES)
      expect(text).toContain(`roadwatch_gateway_frame_anomalies_total{terminal_id="${terminalId}",kind="${kind}",service="gateway-jt808"} 1`);
    // Written by the gateway's sweep (every 50 ms here), one write per terminal.
    const record = await vi.waitUntil(
      async () => {
        const r = await registry.frameAnomaliesOf(terminalId);
        return Object.keys(r?.counts ?? {}).length === ANOMALIES.length && r;
      },
      { timeout: 10_000, interval: 25, message: 'the terminal record' },
    );
    expect(record?.counts).toEqual(Object.fromEntries(ANOMALIES.map((kind) => [kind, 1])));
    expect(record?.lastKind).toBe('bad-escape');
  });

  it('lenient: a terminal whose phone is hex registers, authenticates and reports; answered in its own hex phone, kept as an unregistered terminal', async () => {
    const terminal = await connect('lenient', HEX_PHONE);
    await terminal.registerAndAuthenticate('京A00001', 2);
    const answer = await terminal.sendAndWait(0x0200, reportFor(9));
    expect(answer.messageId === 0x8001 && answer.body.result).toBe(GeneralResult.Ok);
    expect(answer.header.terminalPhone).toBe(HEX_PHONE);
    await vi.waitUntil(() => positions.values.some((p) => p.terminalId === HEX_PHONE), {
      timeout: 30_000,
      interval: 20,
      message: "the hex terminal's position",
    });
    expect(positions.values.find((p) => p.terminalId === HEX_PHONE)).toMatchObject({ vehicleId: `terminal:${HEX_PHONE}`, registered: false, speedKmh: 40 });
    const text = (await gateways.get('lenient')!.metrics.render()).body;
    expect(text).toMatch(
      new RegExp(`roadwatch_gateway_frame_anomalies_total\\{terminal_id="${HEX_PHONE}",kind="hex-terminal-id",service="gateway-jt808"\\} [3-9]`),
    );
  });

  it('strict: the same frames are refused — none answered 0x8001 result 0, none on Kafka — while a clean report behind them is', async () => {
    const vehicle = fleet[1]!;
    const terminal = await connect('strict', vehicle.terminalPhone);
    await terminal.registerAndAuthenticate(vehicle.facts.plate, vehicle.facts.plateColour);
    const serials = ANOMALIES.map((anomaly, index) => {
      const serial = terminal.nextSerial();
      terminal.sendRaw(anomalousReport(terminal, serial, anomaly, index));
      return serial;
    });
    // Messages are handled in order: once the clean report is answered, the frames before it were dealt with.
    const clean = await terminal.sendAndWait(0x0200, reportFor(20));
    expect(clean.messageId === 0x8001 && clean.body.result).toBe(GeneralResult.Ok);
    const mine = () => positions.values.filter((p) => p.vehicleId === vehicle.facts.vehicleId);
    await vi.waitUntil(() => mine().length >= 1, { timeout: 30_000, interval: 20, message: 'the clean position on Kafka' });
    expect(mine().map((p) => p.speedKmh)).toEqual([51]);
    const results = serials.map((serial) => answerTo(terminal, serial)).map((m) => (m?.messageId === 0x8001 ? m.body.result : 'none'));
    expect(results).not.toContain(GeneralResult.Ok);
    expect(results.filter((result) => result === GeneralResult.BadMessage).length).toBeGreaterThan(0);
    expect((await gateways.get('strict')!.metrics.render()).body).not.toContain('roadwatch_gateway_frame_anomalies_total{');
  });

  it("strict: a hex phone's registration is not answered", async () => {
    const terminal = await connect('strict', HEX_PHONE);
    terminal.send(0x0100, {
      edition: '2013',
      provinceId: 11,
      cityId: 100,
      manufacturerId: 'RW001',
      terminalModel: 'RW-T1',
      terminalId: 'T000001',
      plateColor: 2,
      plate: '京A00001',
    });
    // A heartbeat from a BCD phone on the same connection is answered (result 1, not
    // authenticated) after the registration before it was handled.
    const serial = 777;
    terminal.sendRaw(encodeFrame({ messageId: 0x0002, terminalPhone: '013900000777', serial }, {}));
    await vi.waitUntil(() => terminal.received.some((m) => m.messageId === 0x8001 && m.body.answerSerial === serial), {
      timeout: 20_000,
      interval: 20,
      message: 'the heartbeat answer',
    });
    expect(terminal.received.some((m) => m.messageId === 0x8100)).toBe(false);
  });
});
