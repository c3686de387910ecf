import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dropStorageSchema, migrate, type MigrateOptions } from './migrate';
import { PositionRepository } from './position.repository';
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
    insertMethods: ['unnest', 'copy'] as ('unnest' | 'copy')[],
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
      const repo = new PositionRepository(pool);
      expect(repo.insertMethod).toBe('copy');
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
