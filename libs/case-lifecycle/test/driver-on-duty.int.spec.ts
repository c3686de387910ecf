import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEventV1 } from '@roadwatch/contracts';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_PENALTY_CONFIG } from '@roadwatch/rules';
import {
  createPool,
  DriverCardEventRepository,
  DriverDutyReadModel,
  DriverShiftRepository,
  dropStorageSchema,
  migrate,
  RegistryRepository,
  type DriverCardEventRecord,
  type StoragePool,
  type VehicleRecord,
} from '@roadwatch/storage';
import { infraEnv, overloadViolationOf, uniqueName } from '@roadwatch/testing';
import { CaseProposer, CaseUnitOfWork, driverOnDutyOf, OpenCaseUseCase, UNIDENTIFIED } from '../src/index';

const env = infraEnv();
const H = 3_600_000;
const NOW = Date.UTC(2025, 5, 16, 2, 0, 0);

describe('the case names the driver on duty (RULES.md §13, §15): IC card, else roster; two → none; his 12-month history', () => {
  const schema = uniqueName('driver_duty').replace(/[^a-z0-9_]/g, '_');
  let pool: StoragePool;
  let open: OpenCaseUseCase;
  let cards: DriverCardEventRepository;
  let shifts: DriverShiftRepository;
  const truck = (n: string, companyId = 'HB1'): VehicleRecord => ({
    vehicleId: `冀A${n}:2`,
    plate: `冀A${n}`,
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId,
    regionCode: '130102',
    axleCount: 6,
    isCombination: true,
  });
  const [A, B, C, D] = [truck('10001'), truck('10002'), truck('10003'), truck('10004')];
  const signIn = (v: VehicleRecord, atMs: number, qualificationNo: string): DriverCardEventRecord => ({
    terminalId: `T-${v.plate}`,
    vehicleId: v.vehicleId,
    reportedAtMs: atMs,
    event: 'sign_in',
    driverName: '某司机',
    qualificationNo,
    issuingAuthority: '河北省交通运输厅',
    cardValidUntil: '2030-01-01',
  });
  const signOut = (v: VehicleRecord, atMs: number): DriverCardEventRecord => ({
    terminalId: `T-${v.plate}`,
    vehicleId: v.vehicleId,
    reportedAtMs: atMs,
    event: 'sign_out',
  });
  const driverParty = (events: CaseEventV1[]) => events.find((e) => e.type === 'party_named' && e.party === 'driver')!.details;
  const driverPenalty = (events: CaseEventV1[]) => events.find((e) => e.type === 'penalty_proposed' && e.party === 'driver')!.details;
  const openFor = async (v: VehicleRecord, recordId: string, measuredAtMs: number) =>
    open.execute({ violation: overloadViolationOf({ stationId: 'ST-D', recordId, plate: v.plate, measuredAtMs, grossKg: 60_000, vehicle: v }), nowMs: NOW });

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'driver-duty-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输有限公司', regionCode: '130102' });
    await registry.upsertCompany({ companyId: 'HB2', name: '另一运输公司', regionCode: '130102' });
    for (const v of [A, B, C, D]) await registry.upsertVehicle(v);
    await registry.upsertDriver({ driverId: 'D1', name: '张三', companyId: 'HB1', qualificationNo: 'Q-D1' });
    await registry.upsertDriver({ driverId: 'D2', name: '李四', companyId: 'HB1', qualificationNo: 'Q-D2' });
    await registry.upsertDriver({ driverId: 'X9', name: '王五', companyId: 'HB2', qualificationNo: 'Q-X9' });
    cards = new DriverCardEventRepository(pool);
    shifts = new DriverShiftRepository(pool);
    open = new OpenCaseUseCase(
      new CaseUnitOfWork(pool),
      new CaseProposer({
        penaltyConfig: DEFAULT_PENALTY_CONFIG,
        overloadConfig: DEFAULT_OVERLOAD_CONFIG,
        stationSourceSites: {},
        driverOf: driverOnDutyOf({ duty: new DriverDutyReadModel(pool), registry }),
      }),
    );
  });

  afterAll(async () => {
    if (pool) {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });

  it('stores card reports idempotently, in any order, resolving the driver by qualification number within the vehicle company only', async () => {
    // Stored out of order: the sign-out before the sign-in it ends.
    expect(await cards.insertMany([signOut(A, NOW - 3 * H), signIn(A, NOW - 5 * H, 'Q-D1'), signIn(D, NOW - 5 * H, 'Q-X9')])).toBe(3);
    expect(await cards.insertMany([signIn(A, NOW - 5 * H, 'Q-D1')])).toBe(0);
    const { rows } = await pool.query(`SELECT vehicle_id, event, driver_id FROM driver_card_events ORDER BY vehicle_id, reported_at`);
    expect(rows).toEqual([
      { vehicle_id: A.vehicleId, event: 'sign_in', driver_id: 'D1' },
      { vehicle_id: A.vehicleId, event: 'sign_out', driver_id: null },
      // Another company's driver's card names nobody on HB1's truck.
      { vehicle_id: D.vehicleId, event: 'sign_in', driver_id: null },
    ]);
  });

  it('the roster refuses a shift overlapping another of the vehicle; [a, b) then [b, c) is no overlap', async () => {
    const base = { companyId: 'HB1', vehicleId: A.vehicleId };
    expect(await shifts.save({ ...base, shiftId: 'S1', driverId: 'D2', startsAtMs: NOW - 10 * H, endsAtMs: NOW + 2 * H })).toEqual({ saved: true });
    const refused = await shifts.save({ ...base, shiftId: 'S2', driverId: 'D1', startsAtMs: NOW + H, endsAtMs: NOW + 5 * H });
    expect(refused).toMatchObject({ saved: false, overlapping: { shiftId: 'S1' } });
    expect(await shifts.save({ ...base, shiftId: 'S2', driverId: 'D1', startsAtMs: NOW + 2 * H, endsAtMs: NOW + 5 * H })).toEqual({ saved: true });
    // Editing a shift does not collide with itself.
    expect(await shifts.save({ ...base, shiftId: 'S2', driverId: 'D1', startsAtMs: NOW + 2 * H, endsAtMs: NOW + 6 * H })).toEqual({ saved: true });
    expect((await shifts.find({ vehicleId: A.vehicleId, limit: 10, offset: 0 })).map((s) => s.shiftId)).toEqual(['S1', 'S2']);
  });

  it('a card sign-in covering the weighing names the driver, with the evidence, over the roster', async () => {
    const opened = await openFor(A, 'card', NOW - 4 * H);
    expect(driverParty(opened.events)).toMatchObject({
      identified: true,
      partyRef: 'D1',
      name: '张三',
      licenceNo: 'Q-D1',
      evidence: { source: 'ic_card', signIns: [{ driverId: 'D1', signInAtMs: NOW - 5 * H }] },
      candidates: [{ driverId: 'D1', name: '张三' }],
    });
    expect(driverParty(opened.events)['evidence']).toMatchObject({ zh: expect.stringContaining('IC 卡签到'), en: expect.stringContaining('sign-in') });
  });

  it('after the sign-out the roster names the driver; at the sign-out instant the card no longer covers', async () => {
    for (const [recordId, at] of [
      ['roster', NOW - 2 * H],
      ['signout-instant', NOW - 3 * H],
    ] as const) {
      const opened = await openFor(A, recordId, at);
      expect(driverParty(opened.events)).toMatchObject({
        identified: true,
        partyRef: 'D2',
        name: '李四',
        evidence: { source: 'roster', shifts: [{ shiftId: 'S1', driverId: 'D2' }] },
      });
    }
  });

  it('two cards signed in → no driver named, both listed as candidates; an unknown card names nobody', async () => {
    await cards.insertMany([signIn(B, NOW - 6 * H, 'Q-D1'), signIn(B, NOW - 5 * H, 'Q-D2')]);
    const two = driverParty((await openFor(B, 'two', NOW - H)).events);
    expect(two).toMatchObject({ identified: false, name: UNIDENTIFIED, candidates: [{ driverId: 'D1' }, { driverId: 'D2' }] });
    expect(two['partyRef']).toBeUndefined();
    const unknown = driverParty((await openFor(D, 'unknown', NOW - H)).events);
    expect(unknown).toMatchObject({ identified: false, name: UNIDENTIFIED });
    expect(unknown['candidates']).toBeUndefined();
  });

  it("the driver's confirmed violations of the trailing 12 months count, on whichever vehicle: his history comes from the cases that named him", async () => {
    await cards.insertMany([signIn(C, NOW - 30 * 24 * H, 'Q-D1'), signIn(C, NOW - H / 2, 'Q-D2')]);
    // D1 on C a month ago: his case on A came later, so it is no prior of that one.
    await cards.insertMany([signOut(C, NOW - 29 * 24 * H)]);
    const d2 = driverPenalty((await openFor(C, 'history-d2', NOW)).events);
    // D2 was named by the two roster cases on A (and not by B's, where nobody was named).
    expect(d2['repeat']).toMatchObject({ count: 3 });
    const d1Earlier = driverPenalty((await openFor(C, 'history-d1', NOW - 29 * 24 * H - H)).events);
    expect(d1Earlier['repeat']).toMatchObject({ count: 1 });
  });
});
