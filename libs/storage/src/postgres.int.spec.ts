import { randomBytes } from 'node:crypto';
import type { MigrateOptions } from './migrate';
import { createPool } from './pool';
import { describeStorageSuite } from './testing/storage-suite';

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
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      const partman = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_partman'`);
      if (partman.rowCount) {
        await pool.query(`DELETE FROM partman.part_config WHERE parent_table LIKE $1`, [`${schema}.%`]);
        const templates = await pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'partman' AND tablename LIKE $1`, [`template_${schema}_%`]);
        for (const t of templates.rows) await pool.query(`DROP TABLE IF EXISTS partman.${t.tablename}`);
      }
      await pool.end();
    },
  };
};

describeStorageSuite('storage on PostgreSQL with pg_partman', realPostgres('partman'));
describeStorageSuite('storage on PostgreSQL with hand-written partitions', realPostgres('native'));
