import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropStorageSchema, migrate } from './migrate';
import { createPool, type StoragePool } from './pool';
import { TamperingRepository } from './tampering.repository';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';
const STEP_MS = 30_000;
const GAP_MS = 5 * 60_000;
const VEHICLES = 40;
const REPORTS = 24 * 120; // a day of 30 s reports
/** The fleet's first report: on the hour, 25 h ago (inside the partitions the schema keeps ahead and behind). */
const T0 = Math.floor((Date.now() - 25 * 3_600_000) / 3_600_000) * 3_600_000;
const at = (step: number): number => T0 + step * STEP_MS;

/**
 * The tampering job's network-outage look (RULES §12, §15: ≥ 5 vehicles gapping in the same
 * 0.05° cell or a neighbour): every vehicle's gaps between fixed reports in a window, read by
 * `TamperingRepository.gapsBetween` over a day of a fleet (40 vehicles, 30 s
 * reports). The gaps are exactly those of the fixed reports (a not-fixed report does not end a
 * gap; exactly 5 min is none).
 */
describe('TamperingRepository.gapsBetween on PostgreSQL', () => {
  const schema = `rw_gaps_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;

  beforeAll(async () => {
    pool = createPool(DATABASE_URL, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
    // V0–V5 gap together from step 1599 to 1631 (16 min); V6 reports not-fixed over steps 1650–1670
    // (a 10.5 min gap of fixed reports); V7 misses steps 1700–1708 (exactly 5 min: no gap).
    await pool.query(
      `INSERT INTO positions (vehicle_id, device_time, terminal_id, registered, latitude_deg, longitude_deg, speed_kmh, heading_deg, acc_on,
                              gnss_fixed, source, received_at)
       SELECT 'V' || v, to_timestamp(($1::float8 + s * $2::float8) / 1000.0), 'T' || v, true, 30 + (v % 20) * 0.1 + s * 1e-5,
              110 + (v / 20) * 0.1, 60, 0, true, NOT (v = 6 AND s BETWEEN 1650 AND 1670), 'realtime', to_timestamp(($1::float8 + s * $2::float8 + 800) / 1000.0)
       FROM generate_series(0, $3::int - 1) v, generate_series(0, $4::int - 1) s
       WHERE NOT (v < 6 AND s BETWEEN 1600 AND 1630) AND NOT (v = 7 AND s BETWEEN 1700 AND 1708)`,
      [T0, STEP_MS, VEHICLES, REPORTS],
    );
  });

  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('finds exactly the gaps of fixed reports overlapping the window, where each started', async () => {
    const gaps = await new TamperingRepository(pool).gapsBetween(at(1540), at(1780), GAP_MS);
    const byVehicle = [...gaps].sort((a, b) => a.vehicleId.localeCompare(b.vehicleId, 'en', { numeric: true }));
    expect(byVehicle.map((g) => [g.vehicleId, g.startMs, g.endMs])).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((v) => [`V${v}`, at(1599), at(1631)]),
      ['V6', at(1649), at(1671)],
    ]);
    expect(byVehicle[1]).toMatchObject({ latitudeDeg: expect.closeTo(30.1 + 1599e-5, 9), longitudeDeg: 110 });
    // A window ending before the shared gap starts, or starting after V6's ends, does not see them.
    expect((await new TamperingRepository(pool).gapsBetween(at(1540), at(1598), GAP_MS)).length).toBe(0);
    expect((await new TamperingRepository(pool).gapsBetween(at(1672), at(1780), GAP_MS)).length).toBe(0);
  });
});
