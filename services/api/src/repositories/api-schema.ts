import type { StoragePool } from '@roadwatch/storage';

/** How long audit rows are kept at least (the retention the guard enforces). */
export const AUDIT_RETENTION_YEARS = 3;

/**
 * The API's own tables, beside the storage migrations (which run first): its users and the
 * audit log (acknowledgements of alerts are storage's, migration 0007). Idempotent; an
 * advisory lock keeps two instances starting together from racing on CREATE TABLE.
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
  // A token names the token version it was issued under; bumping it (disable, role, company,
  // region, password) ends every session of the user within the session bound.
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS token_version integer NOT NULL DEFAULT 0`,
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS must_change_password boolean NOT NULL DEFAULT false`,
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS password_changed_at timestamptz`,
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS last_sign_in_at timestamptz`,
  // Append-only: who did what to whom, and every sign-in. Never a password or its hash.
  `CREATE TABLE IF NOT EXISTS audit_log (
     audit_id       bigserial PRIMARY KEY,
     at             timestamptz NOT NULL DEFAULT now(),
     actor          text NOT NULL,
     action         text NOT NULL,
     target         text,
     outcome        text NOT NULL CHECK (outcome IN ('success', 'failure')),
     reason         text,
     client_address text,
     changes        jsonb
   )`,
  `CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)`,
  `CREATE INDEX IF NOT EXISTS audit_log_target_action ON audit_log (target, action, at)`,
  `CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, at)`,
  // Rows are never changed, and none is removed before its retention (3 years) is over —
  // not by the API, not by a mistaken statement.
  `CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION 'audit_log is append-only'; END IF;
     IF TG_OP = 'TRUNCATE' THEN RAISE EXCEPTION 'audit_log is append-only: no TRUNCATE'; END IF;
     IF OLD.at > now() - interval '${AUDIT_RETENTION_YEARS} years' THEN
       RAISE EXCEPTION 'audit_log rows are kept ${AUDIT_RETENTION_YEARS} years';
     END IF;
     RETURN OLD;
   END $$`,
  `DROP TRIGGER IF EXISTS audit_log_rows ON audit_log`,
  `CREATE TRIGGER audit_log_rows BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard()`,
  `DROP TRIGGER IF EXISTS audit_log_truncate ON audit_log`,
  `CREATE TRIGGER audit_log_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard()`,
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
