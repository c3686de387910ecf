import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dropStorageSchema, migrate, type MigrateOptions } from './migrate';
import { PositionRepository, type PositionInsertMethod } from './position.repository';
import { positionsEvery } from '@roadwatch/testing';
import { createPool } from './pool';
import { describeStorageSuite, reportOf } from './testing/storage.suite';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';

/** Each run gets its own schema on the shared server, dropped afterwards with its pg_partman config. */
const realPostgres = (partitioning: NonNullable<MigrateOptions['partitioning']>) => async () => {
  const schema = `rw_storage_${partitioning}_${randomBytes(4).toString('hex')}`;
  const pool = createPool(DATABASE_URL, { schema, max: 4 });
  return {
    pool,
    schema,
    expectedMode: 'plain' as const,
    migrateOptions: { partitioning },
    insertMethods: ['unnest', 'copy-staged', 'copy'] as PositionInsertMethod[],
    defaultInsertMethod: 'copy' as const,
    async teardown() {
      await dropStorageSchema(pool, schema);
      await pool.end();
    },
  };
};

describeStorageSuite('storage on PostgreSQL with pg_partman', realPostgres('partman'));
describeStorageSuite('storage on PostgreSQL with hand-written partitions', realPostgres('native'));

describe('positions by binary COPY on a session that lost its staging table', () => {
  it('makes it again (a pooler handing out another server session, DISCARD TEMP): no 42P01', async () => {
    const schema = `rw_storage_copy_${randomBytes(4).toString('hex')}`;
    // One connection, so the DISCARD reaches the session the next COPY uses.
    const pool = createPool(DATABASE_URL, { schema, max: 1 });
    try {
      await migrate(pool, { partitioning: 'native' });
      const repo = new PositionRepository(pool, { insertMethod: 'copy-staged' });
      const now = Date.now() - 3_600_000;
      expect(await repo.insertMany(positionsEvery(1_000, 10, { ...reportOf('LOST:2'), deviceTimeMs: now }))).toBe(10);
      await pool.query('DISCARD TEMP');
      expect(await repo.insertMany(positionsEvery(1_000, 10, { ...reportOf('LOST:2'), deviceTimeMs: now + 10_000 }))).toBe(10);
      // A batch refused part-way rolls its transaction back, the table's first CREATE with it on a new session.
      await pool.query('DISCARD TEMP');
      await expect(
        repo.insertMany(positionsEvery(1_000, 3, { ...reportOf('LOST:2'), deviceTimeMs: now + 20_000 }, (i) => (i === 1 ? { satellites: 70_000 } : {}))),
      ).rejects.toMatchObject({
        code: '22003',
      });
      expect(await repo.insertMany(positionsEvery(1_000, 3, { ...reportOf('LOST:2'), deviceTimeMs: now + 20_000 }))).toBe(3);
      expect(await repo.count('LOST:2')).toBe(23);
    } finally {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });
});

describe('positions by binary COPY straight into the table', () => {
  const withPool = async (max: number, work: (pool: ReturnType<typeof createPool>) => Promise<void>): Promise<void> => {
    const schema = `rw_storage_direct_${randomBytes(4).toString('hex')}`;
    const pool = createPool(DATABASE_URL, { schema, max });
    try {
      await migrate(pool, { partitioning: 'native' });
      await work(pool);
    } finally {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  };
  /** Whether this (one-connection) pool's session has made the staging table: only the staging path makes it. */
  const staged = async (pool: ReturnType<typeof createPool>): Promise<boolean> =>
    (await pool.query<{ t: string | null }>(`SELECT to_regclass('pg_temp.rw_positions_copy')::text AS t`)).rows[0]!.t !== null;

  it('new reports skip the staging table; a redelivery or a repeat inside a batch falls back to it and lands once', async () => {
    await withPool(1, async (pool) => {
      const repo = new PositionRepository(pool);
      expect(repo.insertMethod).toBe('copy');
      const t = Date.now() - 3_600_000;
      const first = positionsEvery(1_000, 10, { ...reportOf('DIRECT:2'), deviceTimeMs: t });
      expect(await repo.insertMany(first)).toBe(10);
      expect(await staged(pool)).toBe(false);
      // Redelivered, newest first, with 5 new reports: 23505 on the COPY, then the staging path.
      const more = positionsEvery(1_000, 5, { ...reportOf('DIRECT:2'), deviceTimeMs: t + 10_000 });
      expect(await repo.insertMany([...more, ...first].reverse())).toBe(5);
      expect(await staged(pool)).toBe(true);
      // The same new report twice in one batch.
      const [twice] = positionsEvery(1_000, 1, { ...reportOf('DIRECT:2'), deviceTimeMs: t + 60_000 });
      expect(await repo.insertMany([twice!, twice!])).toBe(1);
      expect(await repo.count('DIRECT:2')).toBe(16);
    });
  });

  // In one order, as a redelivered partition comes: batches crossing in opposite orders may deadlock on
  // either path (40P01, which the bus's failure policy retries).
  it('writers racing over overlapping batches store every report once', async () => {
    await withPool(4, async (pool) => {
      const a = new PositionRepository(pool);
      const b = new PositionRepository(pool);
      const t = Date.now() - 3_600_000;
      const all = positionsEvery(1_000, 3_000, { ...reportOf('RACE:2'), deviceTimeMs: t });
      const results = await Promise.all([a.insertMany(all.slice(0, 2_000)), b.insertMany(all.slice(1_000)), a.insertMany(all.slice(500, 2_500))]);
      expect(results.reduce((sum, n) => sum + n, 0)).toBe(3_000);
      expect(await a.count('RACE:2')).toBe(3_000);
    });
  });

  it('stores what the staging path stores: fractional milliseconds, a fraction in an integer column, an int8 past 2^53, float4 rounding', async () => {
    await withPool(2, async (pool) => {
      const t = Date.now() - 3_600_000 + 0.1234;
      const odd = (vehicleId: string) =>
        positionsEvery(
          1_000,
          4,
          { ...reportOf(vehicleId), deviceTimeMs: t, receivedAtMs: t + 0.5 },
          (i) => [{}, { satellites: 12.5 }, { alarmFlags: 2 ** 53 + 2, plateColour: 1.5 }, { altitudeM: 0.1, speedKmh: 3.4028235e38 }][i]!,
        );
      const read = async (vehicleId: string) =>
        (
          await pool.query(
            `SELECT device_time::text, received_at::text, satellites, alarm_flags, plate_colour, altitude_m, speed_kmh FROM positions WHERE vehicle_id = $1 ORDER BY device_time`,
            [vehicleId],
          )
        ).rows.map((r) => ({ ...r }));
      expect(await new PositionRepository(pool, { insertMethod: 'copy-staged' }).insertMany(odd('ODD-S:2'))).toBe(4);
      expect(await new PositionRepository(pool).insertMany(odd('ODD-D:2'))).toBe(4);
      const direct = await read('ODD-D:2');
      expect(direct).toEqual(await read('ODD-S:2'));
      expect(direct[1]).toMatchObject({ satellites: 12 });
      expect(direct[2]).toMatchObject({ alarm_flags: String(2 ** 53 + 2), plate_colour: 2 });
    });
  });
});
