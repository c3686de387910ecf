import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository } from './audit.repository';
import { DEFAULT_MIGRATIONS_DIR, dropStorageSchema, loadMigrations, migrate } from './migrate';
import { createPool, type StoragePool } from './pool';
import { UserRepository } from './user.repository';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';

/**
 * What services/api ran at start-up before `users` and `audit_log` became migration 0014
 * (its `migrateApi`, as on main before the move), so a deployment's database looks like this
 * when 0014 first meets it.
 */
const API_CREATED = [
  `CREATE TABLE IF NOT EXISTS users (
     username text PRIMARY KEY, password_hash text NOT NULL,
     role text NOT NULL CHECK (role IN ('admin', 'operator', 'company', 'enforcement')),
     company_id text, region_code text CHECK (region_code ~ '^[0-9]{1,12}$'), display_name text,
     disabled boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
     CHECK (role <> 'company' OR company_id IS NOT NULL))`,
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS token_version integer NOT NULL DEFAULT 0`,
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS must_change_password boolean NOT NULL DEFAULT false`,
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS password_changed_at timestamptz`,
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS last_sign_in_at timestamptz`,
  `CREATE TABLE IF NOT EXISTS audit_log (
     audit_id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), actor text NOT NULL, action text NOT NULL, target text,
     outcome text NOT NULL CHECK (outcome IN ('success', 'failure')), reason text, client_address text, changes jsonb)`,
  `CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)`,
  `CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION 'audit_log is append-only'; END IF;
     IF TG_OP = 'TRUNCATE' THEN RAISE EXCEPTION 'audit_log is append-only: no TRUNCATE'; END IF;
     IF OLD.at > now() - interval '3 years' THEN RAISE EXCEPTION 'audit_log rows are kept 3 years'; END IF;
     RETURN OLD;
   END $$`,
  `CREATE TRIGGER audit_log_rows BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard()`,
];

describe('migration 0014 (users, audit_log) over a database where the API already made them', () => {
  const schema = `rw_users_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;
  let before: string;

  beforeAll(async () => {
    pool = createPool(DATABASE_URL, { schema, max: 2 });
    // The migrations as they were before 0014, then the API's own start-up.
    before = mkdtempSync(join(tmpdir(), 'rw-migrations-'));
    for (const m of loadMigrations().filter((m) => m.id < '0014')) copyFileSync(join(DEFAULT_MIGRATIONS_DIR, `${m.id}.sql`), join(before, `${m.id}.sql`));
    await migrate(pool, { migrationsDir: before, partitioning: 'native' });
    for (const statement of API_CREATED) await pool.query(statement);
    await new UserRepository(pool).upsert({ username: 'old-admin', passwordHash: 'scrypt$old', role: 'admin', displayName: '老管理员' });
    await new AuditRepository(pool).record({ actor: 'old-admin', action: 'auth.sign_in', target: 'old-admin', outcome: 'success', clientAddress: '10.0.0.1' });
  });
  afterAll(async () => {
    rmSync(before, { recursive: true, force: true });
    if (pool) {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });

  it('applies 0014 without an error, keeps the users and audit entries, and adds what the API had not', async () => {
    const result = await migrate(pool, { partitioning: 'native' });
    // 0014 first, then every later migration in order (they came after it).
    expect(result.applied).toEqual(
      loadMigrations()
        .filter((m) => m.id >= '0014')
        .map((m) => m.id),
    );
    expect(result.applied[0]).toBe('0014_users_audit');
    const user = await new UserRepository(pool).get('old-admin');
    expect(user).toMatchObject({
      username: 'old-admin',
      password_hash: 'scrypt$old',
      role: 'admin',
      display_name: '老管理员',
      token_version: 0,
      disabled: false,
    });
    expect((await new AuditRepository(pool).list({ limit: 10, offset: 0 })).map((a) => [a.actor, a.action, a.clientAddress])).toEqual([
      ['old-admin', 'auth.sign_in', '10.0.0.1'],
    ]);
    const indexes = await pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'audit_log' ORDER BY 1`, [
      schema,
    ]);
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['audit_log_actor', 'audit_log_at', 'audit_log_pkey', 'audit_log_target_action']);
    // A second run changes nothing.
    expect((await migrate(pool, { partitioning: 'native' })).applied).toEqual([]);
  });

  it('the audit log stays append-only: one trigger each for rows and TRUNCATE, refusing UPDATE, DELETE and TRUNCATE', async () => {
    const triggers = await pool.query<{ tgname: string }>(
      `SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = 'audit_log' AND NOT t.tgisinternal ORDER BY 1`,
      [schema],
    );
    expect(triggers.rows.map((r) => r.tgname)).toEqual(['audit_log_rows', 'audit_log_truncate']);
    await expect(pool.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/kept 3 years/);
    await expect(pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/no TRUNCATE/);
    expect((await new AuditRepository(pool).list({ limit: 10, offset: 0 })).length).toBe(1);
  });
});
