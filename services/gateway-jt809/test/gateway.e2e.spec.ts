import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { VehicleRegistry } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { hashPassword, ServiceMetrics } from '@roadwatch/runtime';
import { Jt809LowerPlatform } from '@roadwatch/simulator';
import { createPool, dropStorageSchema, LowerPlatformLinkRepository, LowerPlatformRepository, migrate } from '@roadwatch/storage';
import { startJt809Gateway, type RunningJt809Gateway } from '../src/gateway.service';
import { jt809Wire } from '../src/jt809-wire';

// Real TCP lower platforms → gateway-jt809 → real Kafka (read back) and real PostgreSQL.
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const quiet = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const schema = `rw_jt809gw_${randomBytes(4).toString('hex')}`;
const pool = createPool(DATABASE_URL, { schema, max: 4 });
const prefix = `t${Date.now().toString(36)}-${randomUUID().slice(0, 8)}.jt809gw.`;
const bus = new KafkaBus({
  brokers,
  clientId: 'jt809gw-e2e',
  topicPrefix: prefix,
  logger: quiet,
  backoff: { initialMs: 50, maxMs: 500 },
  consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 100 },
});
const metrics = new ServiceMetrics('gateway-jt809', { defaultMetrics: false });

const COMPANY_PLATFORM = 20_190_001;
const PROVIDER_PLATFORM = 20_110_002;
const BUS = { plate: '京A80901', plateColour: 2 };
const T0 = Date.UTC(2026, 11, 6, 2, 0, 0);

let gateway: RunningJt809Gateway;
const positions: PositionV1[] = [];
let closeReader: () => Promise<void> = async () => undefined;
const platforms: Jt809LowerPlatform[] = [];

const connect = async (accessCode: number, edition: '2011' | '2019', password = 's3cret'): Promise<Jt809LowerPlatform> => {
  const platform = await Jt809LowerPlatform.connect({
    host: '127.0.0.1',
    port: gateway.port,
    accessCode,
    userId: accessCode,
    password,
    edition,
    answerTimeoutMs: 20_000,
  });
  platforms.push(platform);
  return platform;
};

beforeAll(async () => {
  await migrate(pool, { partitioning: 'native' });
  await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('C809', '八零九客运', '110101')`);
  const registry = new LowerPlatformRepository(pool);
  const passwordHash = await hashPassword('s3cret');
  const base = { passwordHash, allowedSources: ['127.0.0.1'], encrypt: false, encryptKey: 0, m1: 0, ia1: 0, ic1: 0, enabled: true };
  await registry.upsert({
    ...base,
    accessCode: COMPANY_PLATFORM,
    name: '八零九客运监控平台',
    companyId: 'C809',
    userId: COMPANY_PLATFORM,
    protocolVersion: '2019',
  });
  await registry.upsert({
    ...base,
    accessCode: PROVIDER_PLATFORM,
    name: '某服务商平台',
    providerName: '某服务商',
    userId: PROVIDER_PLATFORM,
    protocolVersion: '2011',
  });
  await registry.upsert({ ...base, accessCode: 30_000_003, name: '停用平台', userId: 30_000_003, protocolVersion: '2011', enabled: false });
  await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 3 }]);
  const subscription = await bus.subscribe({
    groupId: `reader-${randomUUID()}`,
    topics: [TOPICS.positions],
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const message of batch.messages) positions.push(message.value as PositionV1);
    },
  });
  closeReader = () => subscription.close();
  const store = new LowerPlatformLinkRepository(pool);
  gateway = await startJt809Gateway({
    bus,
    wire: jt809Wire,
    platforms: store,
    store,
    vehicles: VehicleRegistry.fromFleet([
      { facts: { vehicleId: 'BUS-809', plate: BUS.plate, plateColour: BUS.plateColour, vehicleClass: 'long_distance_bus' } as never },
    ]),
    port: 0,
    host: '127.0.0.1',
    logger: quiet,
    metrics,
    requestPollMs: 100,
    subLinkRetryMs: 200,
  });
}, 60_000);

afterAll(async () => {
  for (const platform of platforms) await platform.close();
  await gateway?.close();
  await closeReader();
  await bus.close();
  await dropStorageSchema(pool, schema);
  await pool.end();
});

describe('gateway-jt809 over real TCP, Kafka and PostgreSQL', () => {
  it('logs a 2019 company platform in, opens the sub-link back, answers link tests, and puts its positions on Kafka tagged with it', async () => {
    const platform = await connect(COMPANY_PLATFORM, '2019');
    const answer = await platform.login();
    expect(answer.result).toBe(0);
    expect(answer.verifyCode).toBeGreaterThan(0);
    await vi.waitUntil(() => gateway.subLinkUp(COMPANY_PLATFORM), { timeout: 10_000, message: 'sub-link up' });
    expect(platform.subLinkReceived.map((m) => m.messageId)).toContain(0x9001);
    await platform.linkTest();
    platform.sendPosition(BUS, { deviceTimeMs: T0, latitudeDeg: 39.91, longitudeDeg: 116.39, speedKmh: 101, headingDeg: 90, mileageKm: 1_234 });
    platform.sendBackfill(BUS, [
      { deviceTimeMs: T0 - 20_000, latitudeDeg: 39.9, longitudeDeg: 116.38, speedKmh: 98 },
      { deviceTimeMs: T0 - 10_000, latitudeDeg: 39.905, longitudeDeg: 116.385, speedKmh: 99 },
    ]);
    await vi.waitUntil(() => positions.filter((p) => p.sourcePlatform === String(COMPANY_PLATFORM)).length >= 3, {
      timeout: 30_000,
      interval: 50,
      message: 'three forwarded positions on Kafka',
    });
    const forwarded = positions.filter((p) => p.sourcePlatform === String(COMPANY_PLATFORM));
    expect(forwarded.map((p) => [p.vehicleId, p.registered, p.source, p.deviceTimeMs, p.speedKmh])).toEqual([
      ['BUS-809', true, 'realtime', T0, 101],
      ['BUS-809', true, 'blind-area', T0 - 20_000, 98],
      ['BUS-809', true, 'blind-area', T0 - 10_000, 99],
    ]);
    expect(forwarded[0]).toMatchObject({
      plate: BUS.plate,
      plateColour: 2,
      latitudeDeg: 39.91,
      longitudeDeg: 116.39,
      mileageKm: 1_234,
      accOn: true,
      gnssFixed: true,
    });
    expect(gateway.loggedIn()).toContain(COMPANY_PLATFORM);
    // The vehicle is on the discovered list, pending review.
    await vi.waitUntil(async () => (await new LowerPlatformRepository(pool).discoveredVehicles({ accessCode: COMPANY_PLATFORM })).length === 1, {
      timeout: 10_000,
    });
    const [discovered] = await new LowerPlatformRepository(pool).discoveredVehicles({ accessCode: COMPANY_PLATFORM });
    expect(discovered).toMatchObject({ plate: BUS.plate, plateColour: 2, reviewStatus: 'pending' });
  });

  it.each([
    ['a wrong password', PROVIDER_PLATFORM, '2011', 'nope', 0x04],
    ['an unknown access code', 99_999, '2011', 's3cret', 0x02],
    ['a disabled platform', 30_000_003, '2011', 's3cret', 0x06],
  ] as const)('refuses %s with its 0x1002 result and closes the link', async (_what, accessCode, edition, password, result) => {
    const platform = await connect(accessCode, edition, password);
    expect((await platform.login()).result).toBe(result);
    await vi.waitUntil(() => platform.closed, { timeout: 10_000, message: 'link closed' });
    expect(gateway.loggedIn()).not.toContain(accessCode);
  });

  it('keeps a link whose frame is broken (bad CRC, garbage between frames) and reads the next one; another platform is not held up', async () => {
    const platform = await connect(PROVIDER_PLATFORM, '2011');
    expect((await platform.login()).result).toBe(0);
    const good = platform.frame(0x1200, {
      vehicle: { plate: '冀B80902', plateColor: 1 },
      dataType: 0x1202,
      data: {
        kind: 'position',
        position: {
          edition: '2011',
          encrypted: false,
          deviceTimeMs: T0,
          latitudeDeg: 38.04,
          longitudeDeg: 114.51,
          speedKmh: 60,
          recorderSpeedKmh: 60,
          mileageKm: 10,
          directionDeg: 0,
          altitudeM: 80,
          statusFlags: 3,
          status: {} as never,
          alarmFlags: 0,
          alarms: {} as never,
        },
      },
    });
    const broken = Uint8Array.from(good);
    broken[broken.length - 3] = broken[broken.length - 3]! ^ 0xff; // the CRC's first byte
    platform.write(Buffer.concat([Buffer.from([0x01, 0x02, 0x03]), broken, good]));
    await vi.waitUntil(() => positions.some((p) => p.sourcePlatform === String(PROVIDER_PLATFORM)), {
      timeout: 30_000,
      interval: 50,
      message: 'the good frame after the broken one',
    });
    const forwarded = positions.filter((p) => p.sourcePlatform === String(PROVIDER_PLATFORM));
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]).toMatchObject({ vehicleId: '冀B80902:1', registered: false, deviceTimeMs: T0 });
    expect(platform.closed).toBe(false);
    const counted = await metrics.registry.getSingleMetricAsString('roadwatch_jt809_decode_errors_total');
    expect(counted).toMatch(/kind="bad-crc",service="gateway-jt809"} 1/);
    expect(counted).toMatch(/kind="garbage",service="gateway-jt809"} 1/);
  });

  it('sends a queued 查岗 and 督办 over the 2019 platform’s sub-link; its 0x1301 (by serial) and 0x1401 answers are recorded, its 0x1402 alarm kept', async () => {
    const platform = platforms[0]!;
    await pool.query(
      `INSERT INTO inspections (inspection_id, question, sent_by, sent_at, window_seconds, addressing) VALUES ('I809', '请报告在岗人员', 'operator', now(), 600, 'companies')`,
    );
    await pool.query(
      `INSERT INTO inspection_recipients (inspection_id, company_id, sent_at, window_ends_at) VALUES ('I809', 'C809', now(), now() + interval '10 minutes')`,
    );
    const registry = new LowerPlatformRepository(pool);
    const nowMs = Date.now();
    await registry.createRequest({
      requestId: 'Q1',
      kind: 'inspection',
      accessCode: COMPANY_PLATFORM,
      inspectionId: 'I809',
      question: '请报告在岗人员',
      createdAtMs: nowMs,
      deadlineAtMs: nowMs + 600_000,
    });
    await registry.createRequest({
      requestId: 'S1',
      kind: 'supervision',
      accessCode: COMPANY_PLATFORM,
      alertId: 'A1',
      question: '督办',
      detail: { plate: BUS.plate, plateColour: 2, warnSrc: 3, warnType: 1, warnAtMs: T0, level: 0, supervisor: '张三', phone: '010', email: 'a@b.cn' },
      createdAtMs: nowMs,
      deadlineAtMs: nowMs + 1_800_000,
    });
    await vi.waitUntil(() => platform.subLinkReceived.some((m) => m.messageId === 0x9300) && platform.subLinkReceived.some((m) => m.messageId === 0x9400), {
      timeout: 15_000,
      message: '查岗 and 督办 on the sub-link',
    });
    const inspection = platform.subLinkReceived.find((m) => m.messageId === 0x9300)!;
    expect(inspection.messageId === 0x9300 && inspection.body.data).toMatchObject({
      kind: 'inspection-request',
      infoId: 1,
      question: '请报告在岗人员',
      answerTimeMin: 10,
    });
    const supervision = platform.subLinkReceived.find((m) => m.messageId === 0x9400)!;
    expect(supervision.messageId === 0x9400 && supervision.body.data).toMatchObject({
      kind: 'supervision-request',
      supervisionId: 2,
      level: 0,
      supervisor: '张三',
    });
    platform.answerInspection(inspection, '在岗3人');
    platform.answerSupervision(supervision, 0);
    platform.sendAlarm(BUS, { warnType: 0x0001, warnTimeMs: T0, infoId: 7, content: '超速报警' });
    await vi.waitUntil(async () => (await registry.requests({ accessCode: COMPANY_PLATFORM })).every((r) => r.answeredAtMs !== undefined), {
      timeout: 15_000,
      message: 'both answered',
    });
    const [answer] = (await pool.query(`SELECT answered_by, answer FROM inspection_recipients WHERE inspection_id = 'I809'`)).rows;
    expect(answer).toEqual({ answered_by: `jt809:${COMPANY_PLATFORM}`, answer: '在岗3人' });
    await vi.waitUntil(async () => (await registry.alarms({ accessCode: COMPANY_PLATFORM })).length === 1, { timeout: 10_000, message: 'the alarm kept' });
    expect((await registry.alarms({ accessCode: COMPANY_PLATFORM }))[0]).toMatchObject({
      plate: BUS.plate,
      warnType: 1,
      warnAtMs: T0,
      infoContent: '超速报警',
    });
  });
});
