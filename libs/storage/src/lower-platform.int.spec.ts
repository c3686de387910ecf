import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectionRepository } from './inspection.repository';
import { LowerPlatformLinkRepository, LowerPlatformRepository, qualityBySource, type LowerPlatformInput } from './lower-platform.repository';
import { dropStorageSchema, migrate } from './migrate';
import { createPool } from './pool';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';
const T0 = Date.UTC(2026, 11, 6, 4, 0, 0);

const platform = (over: Partial<LowerPlatformInput> = {}): LowerPlatformInput => ({
  accessCode: 4_294_967_295,
  name: '甲运输监控平台',
  companyId: 'C1',
  providerName: undefined,
  userId: 10_001,
  passwordHash: 'scrypt$16384$8$1$c2FsdA==$a2V5',
  allowedSources: ['127.0.0.1', '10.0.0.0/8'],
  encrypt: true,
  encryptKey: 0x1234_5678,
  m1: 10_000_000,
  ia1: 20_000_000,
  ic1: 30_000_000,
  protocolVersion: '2019',
  enabled: true,
  ...over,
});

describe('LowerPlatformRepository on PostgreSQL (migration 0030)', () => {
  const schema = `rw_jt809_${randomBytes(4).toString('hex')}`;
  const pool = createPool(DATABASE_URL, { schema, max: 2 });
  const registry = new LowerPlatformRepository(pool);
  const link = new LowerPlatformLinkRepository(pool);

  beforeAll(async () => {
    await migrate(pool, { partitioning: 'native' });
    await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('C1', '甲运输', '110101'), ('C2', '乙运输', '110101')`);
  });
  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('keeps a platform with UINT32 codes and keys at their limits, and replaces it keeping created_at', async () => {
    const saved = await registry.upsert(platform());
    expect(saved).toMatchObject({ ...platform(), providerName: undefined });
    const again = await registry.upsert(platform({ name: '甲运输平台', enabled: false, allowedSources: [] }));
    expect(again).toMatchObject({ name: '甲运输平台', enabled: false, allowedSources: [], createdAtMs: saved.createdAtMs });
    expect(await registry.byAccessCode(4_294_967_295)).toEqual(again);
    expect(await registry.byAccessCode(1)).toBeUndefined();
  });

  it('refuses an access code beyond UINT32, a negative key and an unknown protocol version, writing nothing', async () => {
    await expect(registry.upsert(platform({ accessCode: 4_294_967_296 }))).rejects.toThrow(/access_code/);
    await expect(registry.upsert(platform({ accessCode: 7, m1: -1 }))).rejects.toThrow(/m1/);
    await expect(registry.upsert(platform({ accessCode: 7, protocolVersion: '2013' as never }))).rejects.toThrow(/protocol_version/);
    expect((await registry.list()).map((p) => p.accessCode)).toEqual([4_294_967_295]);
  });

  it('discovers a vehicle pending review, merging 0x1201 and 0x1600 declarations; a review changes only its status', async () => {
    await registry.upsert(platform({ accessCode: 100 }));
    await link.discoverVehicle({ accessCode: 100, plate: '京A12345', plateColour: 2, seenAtMs: T0, registration: { terminalId: 'T1' } });
    await link.discoverVehicle({ accessCode: 100, plate: '京A12345', plateColour: 2, seenAtMs: T0 - 60_000, staticInfo: { TRANS_TYPE: '030' } });
    const [vehicle] = await registry.discoveredVehicles({ accessCode: 100 });
    expect(vehicle).toEqual({
      accessCode: 100,
      plate: '京A12345',
      plateColour: 2,
      registration: { terminalId: 'T1' },
      staticInfo: { TRANS_TYPE: '030' },
      reviewStatus: 'pending',
      firstSeenAtMs: T0,
      // an older report does not move last-seen back
      lastSeenAtMs: T0,
    });
    expect(await registry.reviewVehicle({ accessCode: 100, plate: '京A12345', plateColour: 2 }, 'accepted')).toBe(true);
    expect(await registry.reviewVehicle({ accessCode: 100, plate: '京A99999', plateColour: 2 }, 'accepted')).toBe(false);
    expect((await registry.discoveredVehicles({ reviewStatus: 'accepted' })).map((v) => v.plate)).toEqual(['京A12345']);
  });

  it('stores a forwarded alarm once however often it is re-sent', async () => {
    const alarm = {
      accessCode: 100,
      plate: '京A12345',
      plateColour: 2,
      warnSrc: 1,
      warnType: 0x0001,
      warnAtMs: T0,
      infoId: 9,
      infoContent: '超速报警',
      receivedAtMs: T0 + 5,
    };
    await link.recordAlarm(alarm);
    await link.recordAlarm({ ...alarm, receivedAtMs: T0 + 10 });
    expect(await registry.alarms({ accessCode: 100 })).toEqual([alarm]);
  });

  it('numbers a platform’s requests, lists the unsent, and records the first answer — a 查岗 answer on the inspection’s company row too', async () => {
    const inspections = new InspectionRepository(pool);
    await inspections.send({
      inspectionId: 'I1',
      question: '请回复在岗人员',
      sentBy: 'operator',
      sentAtMs: T0,
      windowSeconds: 600,
      addressing: 'companies',
      companyIds: ['C1', 'C2'],
      scope: {},
    });
    const first = await link.byAccessCode(100);
    expect(first?.companyId).toBe('C1');
    const r1 = await registry.createRequest({
      requestId: 'R1',
      kind: 'inspection',
      accessCode: 100,
      inspectionId: 'I1',
      question: '请回复在岗人员',
      createdAtMs: T0,
      deadlineAtMs: T0 + 600_000,
    });
    const r2 = await registry.createRequest({
      requestId: 'R2',
      kind: 'supervision',
      accessCode: 100,
      alertId: 'A1',
      detail: { warnType: 1, vehicle: { plate: '京A12345', plateColour: 2 } },
      question: '督办',
      createdAtMs: T0 + 1,
      deadlineAtMs: T0 + 1_800_000,
    });
    expect([r1.infoId, r2.infoId]).toEqual([1, 2]);
    expect([r1.detail, r2.detail]).toEqual([undefined, { warnType: 1, vehicle: { plate: '京A12345', plateColour: 2 } }]);
    expect((await link.unsentRequests([100, 5])).map((r) => r.requestId)).toEqual(['R1', 'R2']);
    await link.markSent('R1', T0 + 50);
    expect((await link.unsentRequests([100])).map((r) => r.requestId)).toEqual(['R2']);

    const answered = await link.recordAnswer({
      accessCode: 100,
      kind: 'inspection',
      infoId: 1,
      answeredAtMs: T0 + 120_000,
      answer: { text: '在岗' },
      answerText: '在岗',
    });
    expect(answered).toMatchObject({ requestId: 'R1', sentAtMs: T0 + 50, answeredAtMs: T0 + 120_000, answer: { text: '在岗' } });
    // A second answer, or one of the wrong kind, or an unknown INFO_ID, records nothing.
    expect(
      await link.recordAnswer({ accessCode: 100, kind: 'inspection', infoId: 1, answeredAtMs: T0 + 130_000, answer: {}, answerText: 'x' }),
    ).toBeUndefined();
    expect(
      await link.recordAnswer({ accessCode: 100, kind: 'inspection', infoId: 2, answeredAtMs: T0 + 130_000, answer: {}, answerText: 'x' }),
    ).toBeUndefined();
    expect(
      await link.recordAnswer({ accessCode: 100, kind: 'supervision', infoId: 77, answeredAtMs: T0 + 130_000, answer: {}, answerText: 'x' }),
    ).toBeUndefined();

    const inspection = await inspections.get('I1', {});
    const byCompany = Object.fromEntries(inspection!.recipients.map((r) => [r.companyId, r]));
    expect(byCompany['C1']).toMatchObject({ answeredAtMs: T0 + 120_000, answeredBy: 'jt809:100', answer: '在岗' });
    expect(byCompany['C2']?.answeredAtMs).toBeUndefined();
  });

  it('splits 上线率, 轨迹完整率 and 数据合格率 by source: a platform’s forwarded vehicles (registered or not), the rest as jt808', async () => {
    await pool.query(
      `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) VALUES ('V1', '京A12345', 2, 'long_distance_bus', 'C1'), ('V2', '京B00002', 2, 'heavy_truck', 'C1'), ('V3', '京B00003', 2, 'heavy_truck', 'C2')`,
    );
    // 京A12345:2 was discovered from platform 100 (above): it is V1. An unregistered one forwarded too.
    await link.discoverVehicle({ accessCode: 100, plate: '冀C99999', plateColour: 1, seenAtMs: T0 });
    const day = (vehicleId: string, date: string, received: number, valid: number, trackM: number, completeTrackM: number) =>
      pool.query(
        `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
         VALUES ($1, $2::date, $3::int, $4::int, $3::int - $4::int, 0, 0, 0, $5, $6, 0, 0, true, now())`,
        [vehicleId, date, received, valid, trackM, completeTrackM],
      );
    await day('V1', '2026-12-05', 100, 99, 10_000, 9_000);
    await day('冀C99999:1', '2026-12-05', 50, 40, 1_000, 1_000);
    await day('V2', '2026-12-05', 200, 200, 5_000, 5_000);
    // Outside the range: not counted.
    await day('V3', '2026-11-30', 10, 10, 100, 100);
    const rows = await qualityBySource(pool, '2026-12-01', '2026-12-06');
    expect(rows).toEqual([
      { source: 'jt808', platformName: undefined, vehicles: 2, onlineVehicles: 1, received: 200, valid: 200, trackM: 5_000, completeTrackM: 5_000 },
      { source: '100', platformName: '甲运输监控平台', vehicles: 2, onlineVehicles: 2, received: 150, valid: 139, trackM: 11_000, completeTrackM: 10_000 },
    ]);
  });
});
