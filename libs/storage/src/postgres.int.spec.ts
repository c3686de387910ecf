import { randomBytes } from 'node:crypto';
import { dropStorageSchema, type MigrateOptions } from './migrate';
import { createPool } from './pool';
import { describeStorageSuite } from './testing/storage.suite';

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
    async teardown() {
      await dropStorageSchema(pool, schema);
      await pool.end();
    },
  };
};

describeStorageSuite('storage on PostgreSQL with pg_partman', realPostgres('partman'));
describeStorageSuite('storage on PostgreSQL with hand-written partitions', realPostgres('native'));
