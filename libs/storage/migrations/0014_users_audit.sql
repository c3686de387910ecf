-- The API's users and its audit log, created until now by the API itself at start-up
-- (services/api `migrateApi`). Idempotent: on a database where the API already made them,
-- every statement finds them as they are and changes nothing.

CREATE TABLE IF NOT EXISTS users (
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
);
-- A token names the token version it was issued under; bumping it (disable, role, company,
-- region, password) ends every session of the user within the session bound.
ALTER TABLE users ADD COLUMN IF NOT EXISTS token_version integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN IF NOT EXISTS must_change_password boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN IF NOT EXISTS password_changed_at timestamptz;
ALTER TABLE users ADD COLUMN IF NOT EXISTS last_sign_in_at timestamptz;

-- Append-only: who did what to whom, and every sign-in. Never a password or its hash.
CREATE TABLE IF NOT EXISTS audit_log (
  audit_id       bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  actor          text NOT NULL,
  action         text NOT NULL,
  target         text,
  outcome        text NOT NULL CHECK (outcome IN ('success', 'failure')),
  reason         text,
  client_address text,
  changes        jsonb
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE INDEX IF NOT EXISTS audit_log_target_action ON audit_log (target, action, at);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, at);

-- Rows are never changed, and none is removed before its retention (3 years, AUDIT_RETENTION_YEARS
-- of libs/storage) is over — not by the API, not by a mistaken statement.
CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION 'audit_log is append-only'; END IF;
  IF TG_OP = 'TRUNCATE' THEN RAISE EXCEPTION 'audit_log is append-only: no TRUNCATE'; END IF;
  IF OLD.at > now() - interval '3 years' THEN
    RAISE EXCEPTION 'audit_log rows are kept 3 years';
  END IF;
  RETURN OLD;
END $$;
DROP TRIGGER IF EXISTS audit_log_rows ON audit_log;
CREATE TRIGGER audit_log_rows BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
DROP TRIGGER IF EXISTS audit_log_truncate ON audit_log;
CREATE TRIGGER audit_log_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
