import type { StoragePool } from '@roadwatch/storage';

/**
 * The API's own table, beside the storage migrations (which run first): its users
 * (acknowledgements of alerts are storage's, migration 0007). Idempotent; an advisory lock keeps two instances starting
 * together from racing on CREATE TABLE.
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS users (
     username      text PRIMARY KEY,
     password_hash text NOT NULL,
     role          text NOT NULL CHECK (role IN ('admin', 'operator', 'company', 'enforcement')),
     company_id    text,
     region_code   text CHECK (region_code ~ '^[0-9]{1,12}$'),
     display_name  text,
     disabled      boolean NOT NULL DEFAULT false,
     created_at    timestamptz NOT NULL DEFAULT now(),
     updated_at    timestamptz NOT NULL DEFAULT now(),
     CHECK (role <> 'company' OR company_id IS NOT NULL)
   )`,
];

export async function migrateApi(pool: StoragePool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('roadwatch-api-schema:' || current_schema()))`);
    for (const statement of STATEMENTS) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
