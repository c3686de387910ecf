import type { StoragePool } from '@roadwatch/storage';

/**
 * The API's own tables, beside the storage migrations (which it runs first): users and
 * alert acknowledgements. Idempotent; an advisory lock keeps two instances starting
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
  // One row per acknowledgement (history); the newest is the alert's current ack.
  `CREATE TABLE IF NOT EXISTS alert_acks (
     alert_id    text NOT NULL,
     acked_at    timestamptz NOT NULL DEFAULT now(),
     by_username text NOT NULL,
     comment     text NOT NULL,
     PRIMARY KEY (alert_id, acked_at)
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
