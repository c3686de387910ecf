import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type CommandResultV1, type PositionV1, type TerminalCommandV1 } from '@roadwatch/contracts';
import { GeneralResult } from '@roadwatch/jt808';
import type { KafkaBus } from '@roadwatch/messaging';
import { createSimulatedFleet, locationReport, TestTerminal } from '@roadwatch/testing';
import { startGateway, type RunningGateway } from '../src/gateway.service';
import { VehicleRegistry } from '@roadwatch/domain';
import { ensureGatewayTopics, isolatedKafkaBus, quiet, readTopic } from './helpers';

// Real TCP terminals → gateway → real Kafka, read back from Kafka.
const fleet = createSimulatedFleet(4);
const [v2013, v2019, vBatch] = fleet as [(typeof fleet)[0], (typeof fleet)[0], (typeof fleet)[0]];

let bus: KafkaBus;
let gateway: RunningGateway;
let positions: { values: PositionV1[]; close: () => Promise<void> };
let results: { values: CommandResultV1[]; close: () => Promise<void> };
const terminals: TestTerminal[] = [];

const connect = async (phone: string, edition: '2013' | '2019' = '2013'): Promise<TestTerminal> => {
  const terminal = await TestTerminal.connect({ host: '127.0.0.1', port: gateway.port, phone, edition, answerTimeoutMs: 20_000 });
  terminals.push(terminal);
  return terminal;
};

const report = (i: number) => ({
  latitudeDeg: 39.9 + i / 1000,
  longitudeDeg: 116.3 + i / 1000,
  speedKmh: 50 + i,
  deviceTimeMs: Date.UTC(2026, 10, 23, 9, 0, i),
});

beforeAll(async () => {
  ({ bus } = isolatedKafkaBus('gateway'));
  await ensureGatewayTopics(bus);
  gateway = await startGateway({
    bus,
    vehicles: VehicleRegistry.fromFleet(fleet),
    port: 0,
    host: '127.0.0.1',
    logger: quiet,
    instanceId: `e2e-${process.pid}`,
  });
  positions = await readTopic<PositionV1>(bus, TOPICS.positions);
  results = await readTopic<CommandResultV1>(bus, TOPICS.commandResults);
});

afterAll(async () => {
  for (const terminal of terminals) terminal.destroy();
  await gateway?.close();
  await positions?.close();
  await results?.close();
  await bus?.close();
});

describe('gateway-jt808 over real TCP and real Kafka', () => {
  it('puts the positions of a 2013 and a 2019 terminal on telemetry.positions, keyed and enriched from the vehicle registry', async () => {
    const t2013 = await connect(v2013.terminalPhone, '2013');
    const t2019 = await connect(v2019.terminalPhone, '2019');
    await t2013.registerAndAuthenticate(v2013.facts.plate, v2013.facts.plateColour);
    await t2019.registerAndAuthenticate(v2019.facts.plate, v2019.facts.plateColour);
    const a = await t2013.sendAndWait(0x0200, locationReport(report(1)));
    const b = await t2019.sendAndWait(0x0200, locationReport({ ...report(2), alarmFlags: 1 }));
    expect([a, b].map((m) => m.messageId === 0x8001 && m.body.result)).toEqual([GeneralResult.Ok, GeneralResult.Ok]);
    await vi.waitUntil(() => positions.values.filter((p) => p.registered && p.source === 'realtime').length >= 2, {
      timeout: 30_000,
      interval: 20,
      message: 'two positions on Kafka',
    });
    const byVehicle = new Map(positions.values.map((p) => [p.vehicleId, p]));
    expect(byVehicle.get(v2013.facts.vehicleId)).toMatchObject({
      plate: v2013.facts.plate,
      plateColour: 2,
      registered: true,
      deviceTimeMs: report(1).deviceTimeMs,
    });
    expect(byVehicle.get(v2019.facts.vehicleId)).toMatchObject({ plate: v2019.facts.plate, alarmFlags: 1, registered: true });
    // The same SIM has one id whether the header carried it in 12 or 20 digits.
    expect(byVehicle.get(v2019.facts.vehicleId)?.terminalId).toBe(v2019.terminalPhone.replace(/^0+/, ''));
  });

  it('publishes every item of a 0x0704 batch and a blind-area back-fill', async () => {
    const t = await connect(vBatch.terminalPhone, '2019');
    await t.registerAndAuthenticate();
    const batch = await t.sendAndWait(0x0704, { batchType: 0, blindAreaBackfill: false, locations: [10, 11, 12, 13].map((i) => locationReport(report(i))) });
    const blind = await t.sendAndWait(0x0704, { batchType: 1, blindAreaBackfill: true, locations: [14, 15].map((i) => locationReport(report(i))) });
    expect([batch, blind].every((m) => m.messageId === 0x8001 && m.body.result === 0)).toBe(true);
    const mine = () => positions.values.filter((p) => p.vehicleId === vBatch.facts.vehicleId);
    await vi.waitUntil(() => mine().length >= 6, { timeout: 30_000, interval: 20, message: 'six batch positions' });
    expect(
      mine()
        .map((p) => p.source)
        .sort(),
    ).toEqual(['batch', 'batch', 'batch', 'batch', 'blind-area', 'blind-area']);
  });

  it('keeps an unregistered terminal’s positions, flagged', async () => {
    const t = await connect('014000000042');
    await t.registerAndAuthenticate('京X00042', 1);
    await t.sendAndWait(0x0200, locationReport(report(20)));
    await vi.waitUntil(() => positions.values.some((p) => p.terminalId === '14000000042'), { timeout: 30_000, interval: 20, message: 'unregistered position' });
    expect(positions.values.find((p) => p.terminalId === '14000000042')).toMatchObject({ vehicleId: 'terminal:14000000042', registered: false });
  });

  it('survives malformed input and disconnects a client that sends only garbage', async () => {
    const garbage = await connect('014000000666');
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 131 + 7) & 0xff;
    for (let i = 0; i < 10 && !garbage.isClosed; i++) {
      garbage.sendRaw(noise);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await garbage.closed;
    // Still serving.
    const t = await connect(v2013.terminalPhone);
    await t.registerAndAuthenticate();
    expect((await t.sendAndWait(0x0002, {})).messageId).toBe(0x8001);
  });

  it('answers a message whose strings hold a NUL or a control character 0x8001 result 2, keeps it off Kafka, and keeps the connection', async () => {
    const vehicle = fleet[3]!;
    const t = await connect(vehicle.terminalPhone);
    const registration = {
      edition: '2013' as const,
      provinceId: 11,
      cityId: 100,
      manufacturerId: 'RWTST',
      terminalModel: 'SIM-1',
      terminalId: 'T000042',
      plateColor: 2,
    };
    // A NUL inside the plate: refused, not registered. Trailing 0x00 padding would be fine (libs/jt808 strings.spec).
    const badRegister = await t.sendAndWait(0x0100, { ...registration, plate: '京A\u00001234' });
    expect(badRegister.messageId === 0x8001 && badRegister.body).toMatchObject({ answerMessageId: 0x0100, result: GeneralResult.BadMessage });
    const badModel = await t.sendAndWait(0x0100, { ...registration, terminalModel: 'SIM\u001b1', plate: vehicle.facts.plate });
    expect(badModel.messageId === 0x8001 && badModel.body.result).toBe(GeneralResult.BadMessage);
    // Same connection: a clean registration and authentication go through.
    await t.registerAndAuthenticate(vehicle.facts.plate, vehicle.facts.plateColour);
    const identity = (qualificationCode: string, driverName = '张三') =>
      t.sendAndWait(0x0702, {
        cardStatus: 1,
        signedOn: true,
        eventTimeMs: Date.UTC(2026, 10, 23, 1, 0, 0),
        readResult: 0,
        card: { driverName, qualificationCode, issuingAuthority: '北京市交通委', certificateExpiry: '2030-01-01', driverIdNumber: null },
      });
    expect((await identity('Q-GOOD-1')).body).toMatchObject({ result: GeneralResult.Ok });
    expect((await identity('Q\u001bBAD')).body).toMatchObject({ answerMessageId: 0x0702, result: GeneralResult.BadMessage });
    expect((await identity('Q-BAD-2', '张\u0000三')).body).toMatchObject({ result: GeneralResult.BadMessage });
    const position = await t.sendAndWait(0x0200, locationReport(report(30)));
    expect(position.messageId === 0x8001 && position.body.result).toBe(GeneralResult.Ok);
    await vi.waitUntil(() => positions.values.some((p) => p.vehicleId === vehicle.facts.vehicleId), {
      timeout: 30_000,
      interval: 20,
      message: 'the position after the refused messages',
    });
    // The refused card reads changed nothing: the driver is still the last good one.
    expect(positions.values.filter((p) => p.vehicleId === vehicle.facts.vehicleId).map((p) => p.driverId)).toEqual(['Q-GOOD-1']);
  });

  it('delivers a command to the connected terminal and publishes its answer; an offline terminal’s command is undeliverable', async () => {
    const t = await connect(v2019.terminalPhone, '2019');
    await t.registerAndAuthenticate();
    t.onMessage((message) => {
      if (message.messageId === 0x8300) t.send(0x0001, { answerSerial: message.header.serial, answerMessageId: 0x8300, result: 0 });
      if (message.messageId === 0x8201) t.send(0x0201, { answerSerial: message.header.serial, location: locationReport(report(30)) });
    });
    const command = (commandId: string, terminalId: string, cmd: TerminalCommandV1['command']): TerminalCommandV1 => ({
      v: 1,
      commandId,
      terminalId,
      issuedAtMs: Date.now(),
      command: cmd,
    });
    const id = v2019.terminalPhone.replace(/^0+/, '');
    await bus.publish(TOPICS.terminalCommands, [
      { key: id, value: command('e2e-text', id, { type: 'text', text: '请注意休息', tts: true, display: true, urgent: true }) },
      { key: id, value: command('e2e-query', id, { type: 'location_query' }) },
      { key: '14000000999', value: command('e2e-offline', '14000000999', { type: 'location_query' }) },
    ]);
    const final = (commandId: string) => results.values.find((r) => r.commandId === commandId && r.status !== 'sent');
    await vi.waitUntil(() => ['e2e-text', 'e2e-query', 'e2e-offline'].every((c) => final(c) !== undefined), {
      timeout: 60_000,
      interval: 20,
      message: 'three command results',
    });
    expect(final('e2e-text')).toMatchObject({ status: 'acknowledged', terminalId: id });
    expect(final('e2e-query')).toMatchObject({ status: 'answered', answer: { latitudeDeg: report(30).latitudeDeg } });
    expect(final('e2e-offline')).toMatchObject({ status: 'undeliverable' });
    const text = t.received.find((m) => m.messageId === 0x8300);
    expect(text?.messageId === 0x8300 && text.body).toMatchObject({ text: '请注意休息', tts: true, emergency: true });
  });
});
