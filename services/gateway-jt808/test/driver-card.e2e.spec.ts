import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type DriverCardEventV1 } from '@roadwatch/contracts';
import { GeneralResult, IcCardStatus, type DriverIdentity } from '@roadwatch/jt808';
import type { KafkaBus } from '@roadwatch/messaging';
import { createSimulatedFleet, TestTerminal } from '@roadwatch/testing';
import { VehicleRegistry } from '@roadwatch/domain';
import { startGateway, type RunningGateway } from '../src/gateway.service';
import { isolatedKafkaBus, quiet, readTopic } from './helpers';

// Real TCP terminals → gateway → real Kafka: 0x0702 driver identity on drivers.card-events.
const fleet = createSimulatedFleet(2);
const [v2013, v2019] = fleet as [(typeof fleet)[0], (typeof fleet)[0]];
const AT = Date.UTC(2026, 10, 23, 1, 0, 0);

let bus: KafkaBus;
let gateway: RunningGateway;
let cards: { values: DriverCardEventV1[]; close: () => Promise<void> };
const terminals: TestTerminal[] = [];

const signIn = (qualificationCode: string, driverIdNumber: string | null, eventTimeMs = AT, driverName = '张三'): DriverIdentity => ({
  cardStatus: IcCardStatus.Inserted,
  signedOn: true,
  eventTimeMs,
  readResult: 0,
  card: { driverName, qualificationCode, issuingAuthority: '河北省交通运输厅', certificateExpiry: '2030-02-28', driverIdNumber },
});

beforeAll(async () => {
  ({ bus } = isolatedKafkaBus('driver-card'));
  await bus.ensureTopics(
    [TOPICS.positions, TOPICS.terminalCommands, TOPICS.commandResults, TOPICS.driverCardEvents].map((topic) => ({ topic, partitions: 3 })),
  );
  gateway = await startGateway({
    bus,
    vehicles: VehicleRegistry.fromFleet(fleet),
    port: 0,
    host: '127.0.0.1',
    logger: quiet,
    instanceId: `e2e-card-${process.pid}`,
  });
  cards = await readTopic<DriverCardEventV1>(bus, TOPICS.driverCardEvents);
});

afterAll(async () => {
  for (const terminal of terminals) terminal.destroy();
  await gateway?.close();
  await cards?.close();
  await bus?.close();
});

describe('0x0702 driver identity over real TCP and real Kafka', () => {
  it('answers each report 0x8001 after Kafka has it, with the bound vehicle; 2013 and 2019 bodies; a sign-out and a failed read', async () => {
    const t2013 = await TestTerminal.connect({ host: '127.0.0.1', port: gateway.port, phone: v2013.terminalPhone, edition: '2013', answerTimeoutMs: 20_000 });
    const t2019 = await TestTerminal.connect({ host: '127.0.0.1', port: gateway.port, phone: v2019.terminalPhone, edition: '2019', answerTimeoutMs: 20_000 });
    terminals.push(t2013, t2019);
    await t2013.registerAndAuthenticate(v2013.facts.plate, v2013.facts.plateColour);
    await t2019.registerAndAuthenticate(v2019.facts.plate, v2019.facts.plateColour);
    const answers = [
      await t2013.sendAndWait(0x0702, signIn('Q-2013', null)),
      await t2019.sendAndWait(0x0702, signIn('Q-2019', '130102199001011234', AT + 1_000, '李四')),
      await t2013.sendAndWait(0x0702, { cardStatus: IcCardStatus.Inserted, signedOn: true, eventTimeMs: AT + 2_000, readResult: 2, card: null }),
      await t2013.sendAndWait(0x0702, { cardStatus: IcCardStatus.Removed, signedOn: false, eventTimeMs: AT + 3_000, readResult: null, card: null }),
    ];
    expect(answers.map((m) => m.messageId === 0x8001 && m.body)).toEqual(
      answers.map(() => expect.objectContaining({ answerMessageId: 0x0702, result: GeneralResult.Ok })),
    );
    await vi.waitUntil(() => cards.values.length >= 4, { timeout: 30_000, interval: 20, message: 'four card events on Kafka' });
    const of2013 = cards.values.filter((c) => c.vehicleId === v2013.facts.vehicleId).sort((a, b) => a.reportedAtMs - b.reportedAtMs);
    expect(of2013.map((c) => [c.event, c.reportedAtMs - AT, c.readResult])).toEqual([
      ['sign_in', 0, 0],
      ['read_failed', 2_000, 2],
      ['sign_out', 3_000, undefined],
    ]);
    expect(of2013[0]).toMatchObject({
      registered: true,
      plate: v2013.facts.plate,
      driverName: '张三',
      qualificationNo: 'Q-2013',
      issuingAuthority: '河北省交通运输厅',
      cardValidUntil: '2030-02-28',
    });
    expect(of2013[0]!.idCardNo).toBeUndefined();
    expect(cards.values.find((c) => c.vehicleId === v2019.facts.vehicleId)).toMatchObject({
      event: 'sign_in',
      driverName: '李四',
      qualificationNo: 'Q-2019',
      idCardNo: '130102199001011234',
    });
  });

  it('refuses a card whose strings hold a control character (0x8001 result 2), publishes nothing of it, and keeps serving', async () => {
    const t = await TestTerminal.connect({ host: '127.0.0.1', port: gateway.port, phone: v2013.terminalPhone, edition: '2013', answerTimeoutMs: 20_000 });
    terminals.push(t);
    await t.registerAndAuthenticate(v2013.facts.plate, v2013.facts.plateColour);
    const bad = await t.sendAndWait(0x0702, signIn('Q\u001bBAD', null, AT + 10_000));
    expect(bad.messageId === 0x8001 && bad.body).toMatchObject({ answerMessageId: 0x0702, result: GeneralResult.BadMessage });
    const good = await t.sendAndWait(0x0702, signIn('Q-AFTER', null, AT + 11_000));
    expect(good.messageId === 0x8001 && good.body.result).toBe(GeneralResult.Ok);
    await vi.waitUntil(() => cards.values.some((c) => c.qualificationNo === 'Q-AFTER'), {
      timeout: 30_000,
      interval: 20,
      message: 'the card after the refused one',
    });
    expect(cards.values.some((c) => c.reportedAtMs === AT + 10_000)).toBe(false);
  });
});
