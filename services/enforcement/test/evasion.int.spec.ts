import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PositionV1 } from '@roadwatch/contracts';
import { createLogger } from '@roadwatch/runtime';
import {
  createPool,
  dropStorageSchema,
  migrate,
  PositionRepository,
  RegistryRepository,
  TargetingRepository,
  WimRepository,
  type StoragePool,
} from '@roadwatch/storage';
import { aPosition, aWimRecord, infraEnv, uniqueName } from '@roadwatch/testing';
import { runEvasionJob } from '../src/index';

const env = infraEnv();
const logger = createLogger('enforcement-evasion-test', process.env['LOG_LEVEL'] ?? 'warn');
const MIN = 60_000;
const HOUR = 60 * MIN;
// Three slots of the same morning, hours apart so their passes never meet in one closure window.
const TA = Date.UTC(2026, 10, 23, 1, 0, 0);
const TB = TA + 3 * HOUR;
const TC = TA + 6 * HOUR;
const STATION = { latitudeDeg: 38.0, longitudeDeg: 114.5 };
// The road: due north through the station, ≈ 22 km; screen lines 3 km up and down stream.
const CORRIDOR: Array<[number, number]> = [
  [114.5, 37.9],
  [114.5, 38.1],
];
const STEP_MS = 30_000;
const STEP_DEG = 0.0025; // ≈ 278 m per 30 s: 33 km/h

/**
 * A truck driving north from 37.95° to 38.05° starting at `startMs`; a detour bends ≈ 1.75 km
 * east around the station (out of the corridor by far more than 200 m) and back before the
 * downstream line.
 */
const drive = (vehicleId: string, plate: string, startMs: number, detour = false): PositionV1[] =>
  Array.from({ length: 41 }, (_, i) => {
    const latitudeDeg = 37.95 + i * STEP_DEG;
    const bend = detour ? 0.02 * Math.max(0, 1 - Math.abs(latitudeDeg - 38.0) / 0.012) : 0;
    return aPosition({ vehicleId, plate, plateColour: 2, deviceTimeMs: startMs + i * STEP_MS, latitudeDeg, longitudeDeg: 114.5 + bend, speedKmh: 33 });
  });
/** When a northbound truck started at `startMs` is nearest the station (i = 20). */
const atStation = (startMs: number): number => startMs + 20 * STEP_MS;

describe('enforcement evasion job on PostgreSQL: heavy trucks’ passes through a station’s screen lines against its records', () => {
  const schema = uniqueName('evasion').replace(/[^a-z0-9_]/g, '_');
  let pool: StoragePool;
  let targeting: TargetingRepository;
  const settings = { windowMs: 2 * HOUR, settleMs: 10 * MIN };
  const leadsOf = async (vehicleId: string) => (await targeting.ofVehicle(vehicleId)).filter((l) => l.kind.startsWith('evasion'));

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 3, application: 'evasion-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输公司', regionCode: '130102' });
    const trucks = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8'];
    for (const t of trucks)
      await registry.upsertVehicle({ vehicleId: `冀A${t}:2`, plate: `冀A${t}`, plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'HB1' });
    // A coach is no heavy truck: never judged, even around the scale.
    await registry.upsertVehicle({ vehicleId: '冀ABUS:2', plate: '冀ABUS', plateColour: 2, vehicleClass: 'long_distance_bus', companyId: 'HB1' });
    await registry.upsertWimStation({ stationId: 'ST-G4-01', name: 'G4石家庄北治超站', regionCode: '130105', ...STATION, corridorPolyline: CORRIDOR });
    // The same place without a corridor: nothing judged there.
    await registry.upsertWimStation({ stationId: 'ST-NOROAD', name: '无走廊站', regionCode: '130105', ...STATION });

    const v = (t: string) => `冀A${t}:2`;
    const p = (t: string) => `冀A${t}`;
    await new PositionRepository(pool).insertMany([
      // Slot A: T1 through the lines and past the scale with no record of it while others were read → missed scale; T2 weighed → nothing.
      ...drive(v('T1'), p('T1'), TA),
      ...drive(v('T2'), p('T2'), TA + 2 * MIN),
      ...drive('冀ABUS:2', '冀ABUS', TA),
      // Slot B: T3 and T4 detour together, the only trucks: a closure → nothing.
      ...drive(v('T3'), p('T3'), TB, true),
      ...drive(v('T4'), p('T4'), TB + 5 * MIN, true),
      // Slot C: T5 detours alone while T6–T8 are weighed: 1 of 4 (25 % < 30 %) → detour.
      ...drive(v('T5'), p('T5'), TC, true),
      ...drive(v('T6'), p('T6'), TC + MIN),
      ...drive(v('T7'), p('T7'), TC + 2 * MIN),
      ...drive(v('T8'), p('T8'), TC + 3 * MIN),
    ]);
    const read = (plate: string, atMs: number, id: string) =>
      aWimRecord({ stationId: 'ST-G4-01', stationRecordId: id, plate, plateColour: 2, measuredAtMs: atMs });
    await new WimRepository(pool).insertMany([
      read('冀X11111', atStation(TA) - 2 * MIN, 'A-before'),
      read('冀X22222', atStation(TA) + 2 * MIN, 'A-after'),
      read(p('T2'), atStation(TA + 2 * MIN), 'A-T2'),
      read(p('T6'), atStation(TC + MIN), 'C-T6'),
      read(p('T7'), atStation(TC + 2 * MIN), 'C-T7'),
      read(p('T8'), atStation(TC + 3 * MIN), 'C-T8'),
    ]);
    targeting = new TargetingRepository(pool);
  });

  afterAll(async () => {
    if (pool) await dropStorageSchema(pool, schema);
    await pool?.end();
  });

  it('a pass not yet settled is left for a later run', async () => {
    // 5 min after T1's pass ended: inside the 10 min settle time.
    const r = await runEvasionJob({ pool, logger, nowMs: TA + 20 * MIN + 5 * MIN }, settings);
    expect(r.ran).toBe(true);
    expect(await leadsOf('冀AT1:2')).toEqual([]);
  });

  it('a truck crossing both screen lines with no record while others were read → evasion_missed_scale with the pass as evidence; its weighed neighbour and the coach → nothing', async () => {
    const r = await runEvasionJob({ pool, logger, nowMs: TA + HOUR }, settings);
    expect(r).toMatchObject({ ran: true, stations: 1 });
    const [lead, ...more] = await leadsOf('冀AT1:2');
    expect(more).toEqual([]);
    expect(lead).toMatchObject({ kind: 'evasion_missed_scale', stationId: 'ST-G4-01', regionCode: '130105', status: 'open' });
    const evidence = lead?.evidence as {
      pass: { direction: string; kind: string; startMs: number; endMs: number };
      track: unknown[];
      station: { stationId: string };
    };
    expect(evidence.station.stationId).toBe('ST-G4-01');
    expect(evidence.pass).toMatchObject({ direction: 'downstream', kind: 'through' });
    expect(evidence.pass.startMs).toBeGreaterThanOrEqual(TA);
    expect(evidence.pass.endMs).toBeLessThanOrEqual(TA + 20 * MIN);
    expect(evidence.track.length).toBeGreaterThan(10);
    expect(await leadsOf('冀AT2:2')).toEqual([]);
    expect(await leadsOf('冀ABUS:2')).toEqual([]);
  });

  it('the same period judged again rewrites the lead, never doubles it', async () => {
    await runEvasionJob({ pool, logger, nowMs: TA + HOUR + 5 * MIN }, settings);
    expect(await leadsOf('冀AT1:2')).toHaveLength(1);
  });

  it('two trucks detouring together (a closure) → nothing', async () => {
    await runEvasionJob({ pool, logger, nowMs: TB + HOUR }, settings);
    expect(await leadsOf('冀AT3:2')).toEqual([]);
    expect(await leadsOf('冀AT4:2')).toEqual([]);
  });

  it('one truck detouring while the others pass the scale → evasion_detour', async () => {
    await runEvasionJob({ pool, logger, nowMs: TC + HOUR }, settings);
    const leads = await leadsOf('冀AT5:2');
    expect(leads.map((l) => l.kind)).toEqual(['evasion_detour']);
    const evidence = leads[0]?.evidence as { pass: { kind: string; maxOutsideM: number }; closureShare: number };
    expect(evidence.pass.kind).toBe('detour');
    expect(evidence.pass.maxOutsideM).toBeGreaterThan(1_000);
    expect(evidence.closureShare).toBeCloseTo(0.25, 6);
    for (const t of ['T6', 'T7', 'T8']) expect(await leadsOf(`冀A${t}:2`)).toEqual([]);
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM targeting_alerts WHERE station_id = 'ST-NOROAD'`);
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
