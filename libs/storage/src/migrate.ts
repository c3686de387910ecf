import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { assertIdentifier, type StoragePool } from './pool';
import { SERIES, resolveSettings, type StorageSettings, type StorageSettingsInput } from './settings';

export type StorageMode = 'timescaledb' | 'plain';
export type Partitioner = 'partman' | 'native';

export interface MigrateOptions {
  /** 'auto' (default) uses TimescaleDB when the server can load it; 'off' forces plain mode. */
  timescale?: 'auto' | 'require' | 'off';
  /** Plain mode: 'auto' (default) prefers pg_partman when installable, 'native' forces the hand-written upkeep. */
  partitioning?: 'auto' | 'partman' | 'native';
  settings?: StorageSettingsInput;
  migrationsDir?: string;
}

export interface StorageMeta {
  mode: StorageMode;
  partitioner: Partitioner | null;
  partmanSchema: string | null;
  settings: StorageSettings;
}

export interface MigrateResult extends StorageMeta {
  schema: string;
  applied: string[];
}

/** One lock for every schema of the database: CREATE EXTENSION and pg_partman's config are database-wide. */
const MIGRATION_LOCK_KEY = 7_370_281_808;

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

interface MigrationFile {
  id: string;
  sql: string;
  checksum: string;
}

export const loadMigrations = (dir = DEFAULT_MIGRATIONS_DIR): MigrationFile[] =>
  readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { id: name.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16) };
    });

/** Keeps the lines of `-- @<mode>` … `-- @end` blocks that match the mode, drops the others. */
export const renderForMode = (sql: string, mode: StorageMode): string => {
  const out: string[] = [];
  let block: string | null = null;
  for (const line of sql.split('\n')) {
    const marker = /^--\s*@(timescaledb|plain|end)\s*$/.exec(line.trim());
    if (marker) {
      block = marker[1] === 'end' ? null : (marker[1] ?? null);
      continue;
    }
    if (block === null || block === mode) out.push(line);
  }
  return out.join('\n');
};

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function detectTimescale(client: pg.PoolClient, wanted: MigrateOptions['timescale']): Promise<boolean> {
  if (wanted === 'off') return false;
  const { rows } = await client.query<{ installed: boolean; available: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed,
            EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available`,
  );
  const probe = rows[0];
  if (probe?.installed) return true;
  if (probe?.available) {
    // Available is not loadable: a server without it in shared_preload_libraries refuses.
    await client.query('SAVEPOINT rw_tsdb');
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb SCHEMA public');
      await client.query('RELEASE SAVEPOINT rw_tsdb');
      return true;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT rw_tsdb');
      if (wanted === 'require') throw new Error(`storage: TimescaleDB required but not loadable: ${errorMessage(error)}`);
    }
  }
  if (wanted === 'require') throw new Error('storage: TimescaleDB required but the server does not offer it');
  return false;
}

async function detectPartman(client: pg.PoolClient, wanted: MigrateOptions['partitioning']): Promise<string | null> {
  if (wanted === 'native') return null;
  const installed = await client.query<{ nspname: string }>(
    `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_partman'`,
  );
  if (installed.rows[0]) return installed.rows[0].nspname;
  const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman'`);
  if (available.rowCount) {
    await client.query('SAVEPOINT rw_partman');
    try {
      await client.query('CREATE SCHEMA IF NOT EXISTS partman');
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman');
      await client.query('RELEASE SAVEPOINT rw_partman');
      return 'partman';
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT rw_partman');
      if (wanted === 'partman') throw new Error(`storage: pg_partman required but not installable: ${errorMessage(error)}`);
    }
  }
  if (wanted === 'partman') throw new Error('storage: pg_partman required but the server does not offer it');
  return null;
}

export async function readMeta(db: pg.Pool | pg.PoolClient): Promise<StorageMeta> {
  const { rows } = await db.query<{ mode: StorageMode; partitioner: Partitioner | null; partman_schema: string | null; settings: StorageSettings }>(
    'SELECT mode, partitioner, partman_schema, settings FROM storage_meta',
  );
  const row = rows[0];
  if (!row) throw new Error('storage: schema not migrated (no storage_meta row); run migrate() first');
  return { mode: row.mode, partitioner: row.partitioner, partmanSchema: row.partman_schema, settings: resolveSettings({}, row.settings) };
}

/**
 * Applies the numbered migrations under libs/storage/migrations once each, in order, each
 * in its own transaction, then (re)applies the configurable policies: TimescaleDB chunk
 * intervals, compression, retention and refresh policies, or on plain PostgreSQL the
 * partition set-up (pg_partman, else the hand-written functions) and its retention.
 *
 * The mode is decided once per schema and recorded in storage_meta.
 */
export async function migrate(pool: StoragePool, options: MigrateOptions = {}): Promise<MigrateResult> {
  const { embedded, schema } = pool.roadwatch;
  assertIdentifier(schema);
  const client = await pool.connect();
  const locked = !embedded;
  try {
    if (locked) await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET search_path TO ${schema}, public`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id text PRIMARY KEY, checksum text NOT NULL, mode text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    await client.query(`CREATE TABLE IF NOT EXISTS storage_meta (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      mode text NOT NULL, partitioner text, partman_schema text, settings jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);

    const existing = await client.query<{ mode: StorageMode; partitioner: Partitioner | null; partman_schema: string | null; settings: StorageSettings }>(
      'SELECT mode, partitioner, partman_schema, settings FROM storage_meta',
    );
    const previous = existing.rows[0];
    const settings = resolveSettings(options.settings, previous ? resolveSettings({}, previous.settings) : undefined);

    await client.query('BEGIN');
    let mode: StorageMode;
    let partmanSchema: string | null = null;
    try {
      mode = previous?.mode ?? ((await detectTimescale(client, options.timescale)) ? 'timescaledb' : 'plain');
      if (mode === 'plain') {
        partmanSchema = previous ? previous.partman_schema : await detectPartman(client, options.partitioning);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    const partitioner: Partitioner | null = mode === 'plain' ? (partmanSchema ? 'partman' : 'native') : null;

    const done = new Map(
      (await client.query<{ id: string; checksum: string }>('SELECT id, checksum FROM schema_migrations')).rows.map((r) => [r.id, r.checksum]),
    );
    const applied: string[] = [];
    for (const migration of loadMigrations(options.migrationsDir)) {
      const checksum = done.get(migration.id);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `storage: migration ${migration.id} changed after it was applied (checksum ${checksum} → ${migration.checksum}); add a new migration instead`,
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(renderForMode(migration.sql, mode));
        await client.query('INSERT INTO schema_migrations (id, checksum, mode) VALUES ($1, $2, $3)', [migration.id, migration.checksum, mode]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`storage: migration ${migration.id} failed (${mode}): ${errorMessage(error)}`, { cause: error });
      }
      applied.push(migration.id);
    }

    await client.query(
      `INSERT INTO storage_meta (mode, partitioner, partman_schema, settings) VALUES ($1, $2, $3, $4)
       ON CONFLICT (singleton) DO UPDATE SET partitioner = EXCLUDED.partitioner, partman_schema = EXCLUDED.partman_schema,
         settings = EXCLUDED.settings, updated_at = now()`,
      [mode, partitioner, partmanSchema, JSON.stringify(settings)],
    );

    if (mode === 'timescaledb') await configureTimescale(client, schema, settings);
    else await configurePartitions(client, schema, settings, partmanSchema);

    return { schema, mode, partitioner, partmanSchema, settings, applied };
  } finally {
    if (locked) await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/**
 * The time series whose table the schema has: one migrated with an older set of migrations
 * (a test's, or a deployment's before 0011) lacks the later ones.
 */
export async function presentSeries(client: pg.PoolClient, schema: string): Promise<Array<(typeof SERIES)[number]>> {
  const { rows } = await client.query<{ t: string | null }>(
    'SELECT to_regclass(u.t)::text AS t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY u.i',
    [SERIES.map((series) => `${schema}.${series.table}`)],
  );
  return SERIES.filter((_, i) => rows[i]?.t != null);
}

/** Policies are idempotent: removed and added again, so changed settings take effect. */
async function configureTimescale(client: pg.PoolClient, schema: string, settings: StorageSettings): Promise<void> {
  const series = await presentSeries(client, schema);
  await client.query('BEGIN');
  try {
    for (const { table: name, key } of series) {
      const table = `${schema}.${name}`;
      const s = settings[key];
      await client.query('SELECT set_chunk_time_interval($1::regclass, $2::interval)', [table, s.chunkInterval]);
      await client.query('SELECT remove_compression_policy($1::regclass, if_exists => true)', [table]);
      await client.query('SELECT add_compression_policy($1::regclass, compress_after => $2::interval)', [table, s.compressAfter]);
      await client.query('SELECT remove_retention_policy($1::regclass, if_exists => true)', [table]);
      await client.query('SELECT add_retention_policy($1::regclass, drop_after => $2::interval)', [table, s.retention]);
    }
    const cagg = `${schema}.vehicle_daily`;
    await client.query('SELECT remove_continuous_aggregate_policy($1::regclass, if_exists => true)', [cagg]);
    await client.query(
      `SELECT add_continuous_aggregate_policy($1::regclass, start_offset => $2::interval, end_offset => INTERVAL '1 hour',
         schedule_interval => INTERVAL '1 hour')`,
      [cagg, settings.dailyRefreshLookback],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function configurePartitions(client: pg.PoolClient, schema: string, settings: StorageSettings, partmanSchema: string | null): Promise<void> {
  for (const series of await presentSeries(client, schema)) {
    const table = `${schema}.${series.table}`;
    const s = settings[series.key];
    await client.query('BEGIN');
    try {
      if (partmanSchema) {
        const partman = assertIdentifier(partmanSchema);
        const known = await client.query(`SELECT 1 FROM ${partman}.part_config WHERE parent_table = $1`, [table]);
        if (!known.rowCount) {
          await client.query(
            `SELECT ${partman}.create_parent(p_parent_table => $1, p_control => $2, p_type => 'native',
               p_interval => $3, p_premake => $4)`,
            [table, series.timeColumn, s.chunkInterval, settings.premakePartitions],
          );
        }
        // ignore_default_data: pg_partman 4.x otherwise creates children up to the newest time in
        // the default partition — a terminal's report dated 2099 (stored, flagged) made maintenance
        // create daily partitions until 2099 (pg_partman issue #462).
        await client.query(
          `UPDATE ${partman}.part_config SET retention = $2, retention_keep_table = false, retention_keep_index = false,
             premake = $3, infinite_time_partitions = true, ignore_default_data = true WHERE parent_table = $1`,
          [table, s.retention, settings.premakePartitions],
        );
      } else {
        await client.query('SELECT rw_ensure_partitions($1::regclass, $2::interval, $3)', [table, s.chunkInterval, settings.premakePartitions]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
}

/**
 * Drops a schema `migrate` built, and what pg_partman keeps about its tables outside it
 * (config rows and template tables in partman's own schema) — otherwise they pile up
 * there. For tests and decommissioning; the pool is left open.
 */
export async function dropStorageSchema(pool: StoragePool, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`storage: "${schema}" is not a plain schema name`);
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const partman = await pool.query<{ nspname: string }>(
    `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_partman'`,
  );
  const partmanSchema = partman.rows[0]?.nspname;
  if (!partmanSchema) return;
  await pool.query(`DELETE FROM "${partmanSchema}".part_config WHERE parent_table LIKE $1`, [`${schema}.%`]);
  const templates = await pool.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE $2`, [
    partmanSchema,
    `template_${schema}_%`,
  ]);
  for (const { tablename } of templates.rows) await pool.query(`DROP TABLE IF EXISTS "${partmanSchema}"."${tablename}"`);
}
