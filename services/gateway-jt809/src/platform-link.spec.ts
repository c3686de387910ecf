import { describe, expect, it, vi } from 'vitest';
import type { PositionV1 } from '@roadwatch/contracts';
import { VehicleRegistry } from '@roadwatch/domain';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import type { LowerPlatformRecord } from '@roadwatch/storage';
import type { InboundMessage, LinkGnssFix } from './link-messages';
import { Jt809Metrics } from './metrics';
import { PlatformLink, type LinkConnection, type LinkStore } from './platform-link';
import { jsonFrame, jsonWire, readJsonFrame } from './testing/json-wire';

const ACCESS_CODE = 20_190_001;
const T0 = Date.UTC(2026, 11, 6, 2, 0, 0);

const platform = (over: Partial<LowerPlatformRecord> = {}): LowerPlatformRecord => ({
  accessCode: ACCESS_CODE,
  name: '甲运输监控平台',
  companyId: 'C1',
  userId: 7,
  passwordHash: 'hash-of:s3cret',
  allowedSources: ['127.0.0.1'],
  encrypt: false,
  encryptKey: 0,
  m1: 0,
  ia1: 0,
  ic1: 0,
  protocolVersion: '2019',
  enabled: true,
  createdAtMs: 0,
  updatedAtMs: 0,
  ...over,
});

const fix = (over: Partial<LinkGnssFix> = {}): LinkGnssFix => ({
  deviceTimeMs: T0,
  latitudeDeg: 39.9,
  longitudeDeg: 116.4,
  speedKmh: 95,
  recorderSpeedKmh: 94,
  mileageKm: 12_345,
  headingDeg: 90,
  altitudeM: 50,
  statusFlags: 0x3,
  alarmFlags: 0,
  ...over,
});

const login: InboundMessage = { kind: 'login', userId: 7, password: 's3cret', downLinkIp: '127.0.0.1', downLinkPort: 9999 };
const bus: InboundMessage = { kind: 'position', vehicle: { plate: '京A12345', plateColour: 2 }, fix: fix() };

const setUp = (options: { publish?: (positions: PositionV1[]) => Promise<void>; platforms?: LowerPlatformRecord[]; remoteAddress?: string } = {}) => {
  const written: ReturnType<typeof readJsonFrame>[] = [];
  const connection: LinkConnection & { closedWith?: string; pauses: number; resumes: number } = {
    remoteAddress: options.remoteAddress ?? '127.0.0.1',
    write: (bytes) => written.push(readJsonFrame(bytes)),
    pause: () => (connection.pauses += 1),
    resume: () => (connection.resumes += 1),
    close: (reason) => (connection.closedWith = reason),
    pauses: 0,
    resumes: 0,
  };
  const published: PositionV1[] = [];
  const store = {
    discoverVehicle: vi.fn<LinkStore['discoverVehicle']>(async () => undefined),
    recordAlarm: vi.fn<LinkStore['recordAlarm']>(async () => undefined),
    recordAnswer: vi.fn<LinkStore['recordAnswer']>(async (answer) => (answer.infoId === 1 ? { requestId: 'R1' } : undefined)),
  };
  const onLoggedIn = vi.fn();
  const platforms = options.platforms ?? [platform()];
  const registry = VehicleRegistry.fromFleet([
    { facts: { vehicleId: 'V-BUS-1', plate: '京A12345', plateColour: 2, vehicleClass: 'long_distance_bus' } as never },
  ]);
  const link = new PlatformLink(connection, {
    wire: jsonWire,
    platforms: { byAccessCode: async (code) => platforms.find((p) => p.accessCode === code) },
    verifyPassword: async (password, hash) => hash === `hash-of:${password}`,
    vehicles: registry,
    publishPositions:
      options.publish ??
      (async (positions) => {
        published.push(...positions);
      }),
    store,
    nowMs: () => T0 + 1_000,
    logger: createLogger('test', 'silent'),
    metrics: new Jt809Metrics(new ServiceMetrics('test', { defaultMetrics: false })),
    onLoggedIn,
    onClosed: () => undefined,
    retryDelayMs: 1,
    maxRetryDelayMs: 2,
  });
  const send = (message: InboundMessage | { kind: 'garbage' }, over: { accessCode?: number; edition?: '2011' | '2019' } = {}) =>
    link.receive(jsonFrame({ accessCode: over.accessCode ?? ACCESS_CODE, edition: over.edition ?? '2019', message }));
  const settled = () => vi.waitUntil(() => !(link as unknown as { draining: boolean }).draining, { timeout: 2_000 });
  return { link, connection, written, published, store, onLoggedIn, send, settled };
};

describe('PlatformLink — one lower platform’s main link', () => {
  it('logs a registered platform in (0x1002 result 0 with a verify code), opens the sub-link, answers link tests', async () => {
    const t = setUp();
    t.send(login);
    t.send({ kind: 'link-test' });
    await t.settled();
    expect(t.written.map((w) => w.message)).toEqual([{ kind: 'login-response', result: 0, verifyCode: t.link.verifyCode }, { kind: 'link-test-response' }]);
    expect(t.link.verifyCode).toBeGreaterThan(0);
    expect(t.written[0]?.edition).toBe('2019');
    expect(t.onLoggedIn).toHaveBeenCalledWith(t.link, { downLinkIp: '127.0.0.1', downLinkPort: 9999, verifyCode: t.link.verifyCode });
    expect(t.connection.closedWith).toBeUndefined();
  });

  it.each([
    ['an unknown access code', { accessCode: 1 }, {}, 0x02, 'login-unknown-access-code'],
    ['a wrong password', {}, { password: 'nope' }, 0x04, 'login-wrong-password'],
    ['another user', {}, { userId: 8 }, 0x03, 'login-unknown-user'],
  ] as const)('refuses %s with its result code and closes', async (_what, frame, body, result, reason) => {
    const t = setUp();
    t.send({ ...login, ...body } as InboundMessage, frame);
    await t.settled();
    expect(t.written.map((w) => w.message)).toEqual([{ kind: 'login-response', result, verifyCode: 0 }]);
    expect(t.connection.closedWith).toBe(reason);
    expect(t.onLoggedIn).not.toHaveBeenCalled();
  });

  it('refuses a login from an address not allowed (0x01) and a disabled platform (0x06)', async () => {
    const stranger = setUp({ remoteAddress: '192.0.2.7' });
    stranger.send(login);
    await stranger.settled();
    expect(stranger.written[0]?.message).toMatchObject({ result: 0x01 });
    const disabled = setUp({ platforms: [platform({ enabled: false })] });
    disabled.send(login);
    await disabled.settled();
    expect(disabled.written[0]?.message).toMatchObject({ result: 0x06 });
  });

  it('answers an unknown platform in the edition its login reads as', async () => {
    const t = setUp();
    t.send(login, { accessCode: 5, edition: '2011' });
    await t.settled();
    expect(t.written[0]).toMatchObject({ edition: '2011', message: { result: 0x02 } });
  });

  it('serves nothing before a login: a position is not published', async () => {
    const t = setUp();
    t.send(bus);
    await t.settled();
    expect(t.published).toEqual([]);
    expect(t.written).toEqual([]);
  });

  it('puts positions on Kafka tagged with the platform, registered by plate; 0x1203 as blind-area; discovers each vehicle once', async () => {
    const t = setUp();
    t.send(login);
    t.send(bus);
    t.send({
      kind: 'back-fill',
      vehicle: { plate: '冀B00001 ', plateColour: 1 },
      fixes: [fix({ deviceTimeMs: T0 - 60_000 }), fix({ deviceTimeMs: T0 - 30_000 })],
    });
    t.send(bus);
    await t.settled();
    expect(t.published.map((p) => [p.vehicleId, p.registered, p.source, p.sourcePlatform, p.deviceTimeMs])).toEqual([
      ['V-BUS-1', true, 'realtime', String(ACCESS_CODE), T0],
      ['冀B00001:1', false, 'blind-area', String(ACCESS_CODE), T0 - 60_000],
      ['冀B00001:1', false, 'blind-area', String(ACCESS_CODE), T0 - 30_000],
      ['V-BUS-1', true, 'realtime', String(ACCESS_CODE), T0],
    ]);
    expect(t.published[0]).toMatchObject({
      plate: '京A12345',
      plateColour: 2,
      speedKmh: 95,
      recorderSpeedKmh: 94,
      accOn: true,
      gnssFixed: true,
      receivedAtMs: T0 + 1_000,
    });
    expect(t.store.discoverVehicle.mock.calls.map(([v]) => [v.plate, v.plateColour])).toEqual([
      ['京A12345', 2],
      ['冀B00001', 1],
    ]);
  });

  it('refuses an invalid position (latitude 95°) and keeps the others and the link', async () => {
    const t = setUp();
    t.send(login);
    t.send({ ...bus, fix: fix({ latitudeDeg: 95 }) } as InboundMessage);
    t.send({ kind: 'garbage' });
    t.send(bus);
    await t.settled();
    expect(t.published).toHaveLength(1);
    expect(t.connection.closedWith).toBeUndefined();
  });

  it('retries a publish Kafka refused, reading nothing meanwhile, and loses no position', async () => {
    let failures = 2;
    const published: PositionV1[] = [];
    const t = setUp({
      publish: async (positions) => {
        if (failures-- > 0) throw new Error('broker down');
        published.push(...positions);
      },
    });
    t.send(login);
    t.send(bus);
    t.send({ ...bus, fix: fix({ deviceTimeMs: T0 + 10_000 }) } as InboundMessage);
    await t.settled();
    expect(published.map((p) => p.deviceTimeMs)).toEqual([T0, T0 + 10_000]);
    expect(t.connection.pauses).toBeGreaterThan(0);
  });

  it('ignores a frame of another access code on a logged-in link', async () => {
    const t = setUp({ platforms: [platform(), platform({ accessCode: 42 })] });
    t.send(login);
    t.send(bus, { accessCode: 42 });
    await t.settled();
    expect(t.published).toEqual([]);
  });

  it('keeps 0x1402 alarms, 0x1201 / 0x1600 vehicles for review, and records 查岗 / 督办 answers by INFO_ID', async () => {
    const t = setUp();
    t.send(login);
    t.send({ kind: 'alarm', vehicle: { plate: '京A12345', plateColour: 2 }, warnSrc: 1, warnType: 1, warnAtMs: T0, infoId: 3, infoContent: '超速' });
    t.send({ kind: 'vehicle-registration', vehicle: { plate: '京A12345', plateColour: 2 }, registration: { terminalId: 'T1' } });
    t.send({ kind: 'static-info', vehicle: { plate: '京C1', plateColour: 2 }, staticInfo: { TRANS_TYPE: '030' } });
    t.send({ kind: 'inspection-answer', objectType: 2, objectId: 'C1', infoId: 1, infoContent: '在岗' });
    t.send({ kind: 'inspection-answer', objectType: 2, objectId: 'C1', infoId: 99, infoContent: '在岗' });
    t.send({ kind: 'supervision-answer', vehicle: { plate: '京A12345', plateColour: 2 }, supervisionId: 1, result: 1 });
    await t.settled();
    expect(t.store.recordAlarm).toHaveBeenCalledWith(
      expect.objectContaining({ accessCode: ACCESS_CODE, plate: '京A12345', warnType: 1, infoContent: '超速', receivedAtMs: T0 + 1_000 }),
    );
    expect(t.store.discoverVehicle.mock.calls.map(([v]) => [v.plate, v.registration, v.staticInfo])).toEqual([
      ['京A12345', { terminalId: 'T1' }, undefined],
      ['京C1', undefined, { TRANS_TYPE: '030' }],
    ]);
    expect(t.store.recordAnswer.mock.calls.map(([a]) => [a.kind, a.infoId, a.answerText])).toEqual([
      ['inspection', 1, '在岗'],
      ['inspection', 99, '在岗'],
      ['supervision', 1, '1'],
    ]);
  });

  it('a store failure loses that message only; logout is answered and closes', async () => {
    const t = setUp();
    t.store.recordAlarm.mockRejectedValueOnce(new Error('database down'));
    t.send(login);
    t.send({ kind: 'alarm', vehicle: { plate: '京A12345', plateColour: 2 }, warnSrc: 1, warnType: 1, warnAtMs: T0, infoId: 3, infoContent: '' });
    t.send({ kind: 'link-test' });
    t.send({ kind: 'logout', userId: 7, password: 's3cret' });
    await t.settled();
    expect(t.written.map((w) => w.message.kind)).toEqual(['login-response', 'link-test-response', 'logout-response']);
    expect(t.connection.closedWith).toBe('logout');
  });

  it('stops reading while 64 frames wait and reads again once they drain', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = setUp({ publish: () => gate });
    t.send(login);
    for (let i = 0; i < 70; i += 1) t.send({ ...bus, fix: fix({ deviceTimeMs: T0 + i * 1_000 }) } as InboundMessage);
    await vi.waitUntil(() => t.connection.pauses === 1);
    expect(t.connection.resumes).toBe(0);
    release();
    await t.settled();
    expect(t.connection.resumes).toBe(1);
  });
});
