import type { ApiRole } from '@roadwatch/contracts';
import type { Queryable } from './sql';

/** A row of `users` (migration 0014) as it is stored; the password only as its hash. */
export interface UserRow {
  username: string;
  password_hash: string;
  role: ApiRole;
  company_id: string | null;
  region_code: string | null;
  display_name: string | null;
  disabled: boolean;
  token_version: number;
  must_change_password: boolean;
  password_changed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  last_sign_in_at: Date | null;
}

/** A user as written: the password already hashed (hashing is the API's). */
export interface UserWrite {
  username: string;
  passwordHash: string;
  role: ApiRole;
  companyId?: string | undefined;
  regionCode?: string | undefined;
  displayName?: string | undefined;
}

/** The fields an admin edits. */
export interface UserProfile {
  role: ApiRole;
  companyId?: string | undefined;
  regionCode?: string | undefined;
  displayName?: string | undefined;
}

export interface UserListFilter {
  role?: ApiRole | undefined;
  companyId?: string | undefined;
  disabled?: boolean | undefined;
  limit: number;
  offset: number;
}

/**
 * The `users` table. Every method runs on the Queryable it was built over — the pool, or the
 * transaction a caller opened to record the change in the audit log with it.
 */
export class UserRepository {
  constructor(private readonly db: Queryable) {}

  /** Created, or put back as given (clears must-change; the token version, so the sessions, stay). */
  async upsert(user: UserWrite): Promise<void> {
    await this.db.query(
      `INSERT INTO users (username, password_hash, role, company_id, region_code, display_name)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
         company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code, display_name = EXCLUDED.display_name,
         must_change_password = false, updated_at = now()`,
      [user.username, user.passwordHash, user.role, user.companyId ?? null, user.regionCode ?? null, user.displayName ?? null],
    );
  }

  /** Inserts a user flagged must-change unless the name is taken; the new row, or undefined. */
  async insertNew(user: UserWrite): Promise<UserRow | undefined> {
    const { rows } = await this.db.query<UserRow>(
      `INSERT INTO users (username, password_hash, role, company_id, region_code, display_name, must_change_password)
       VALUES ($1, $2, $3, $4, $5, $6, true) ON CONFLICT (username) DO NOTHING RETURNING *`,
      [user.username, user.passwordHash, user.role, user.companyId ?? null, user.regionCode ?? null, user.displayName ?? null],
    );
    return rows[0];
  }

  /** The row; `forUpdate` locks it until the caller's transaction ends. */
  async get(username: string, forUpdate = false): Promise<UserRow | undefined> {
    const { rows } = await this.db.query<UserRow>(`SELECT * FROM users WHERE username = $1${forUpdate ? ' FOR UPDATE' : ''}`, [username]);
    return rows[0];
  }

  /** What a signed-in user's every request is checked against — not the password hash, which that check never needs. */
  async sessionState(username: string): Promise<Pick<UserRow, 'token_version' | 'disabled' | 'must_change_password'> | undefined> {
    const { rows } = await this.db.query<Pick<UserRow, 'token_version' | 'disabled' | 'must_change_password'>>(
      `SELECT token_version, disabled, must_change_password FROM users WHERE username = $1`,
      [username],
    );
    return rows[0];
  }

  async list(filter: UserListFilter): Promise<UserRow[]> {
    const params: unknown[] = [];
    const conditions = ['TRUE'];
    const add = (column: string, value: unknown): void => {
      if (value === undefined) return;
      params.push(value);
      conditions.push(`${column} = $${params.length}`);
    };
    add('role', filter.role);
    add('company_id', filter.companyId);
    add('disabled', filter.disabled);
    params.push(filter.limit, filter.offset);
    const { rows } = await this.db.query<UserRow>(
      `SELECT * FROM users WHERE ${conditions.join(' AND ')} ORDER BY username LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows;
  }

  async recordSignIn(username: string): Promise<void> {
    await this.db.query(`UPDATE users SET last_sign_in_at = now() WHERE username = $1`, [username]);
  }

  /** Replaces the profile; `endSessions` bumps the token version. Undefined when there is no such user. */
  async updateProfile(username: string, profile: UserProfile, endSessions: boolean): Promise<UserRow | undefined> {
    const { rows } = await this.db.query<UserRow>(
      `UPDATE users SET role = $2, company_id = $3, region_code = $4, display_name = $5, updated_at = now(),
         token_version = token_version + $6 WHERE username = $1 RETURNING *`,
      [username, profile.role, profile.companyId ?? null, profile.regionCode ?? null, profile.displayName ?? null, endSessions ? 1 : 0],
    );
    return rows[0];
  }

  /** Disables or enables; either way the user's sessions end. */
  async setDisabled(username: string, disabled: boolean): Promise<UserRow | undefined> {
    const { rows } = await this.db.query<UserRow>(
      `UPDATE users SET disabled = $2, updated_at = now(), token_version = token_version + 1 WHERE username = $1 RETURNING *`,
      [username, disabled],
    );
    return rows[0];
  }

  /**
   * A new password hash; the user's sessions end. `mustChange`: set by an admin (the user must
   * change it at next sign-in) or by the user (cleared). `onlyEnabled`: a disabled user's row
   * is left alone (undefined).
   */
  async setPassword(username: string, passwordHash: string, options: { mustChange: boolean; onlyEnabled: boolean }): Promise<UserRow | undefined> {
    const { rows } = await this.db.query<UserRow>(
      `UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now(), updated_at = now(), token_version = token_version + 1
       WHERE username = $1${options.onlyEnabled ? ' AND NOT disabled' : ''} RETURNING *`,
      [username, passwordHash, options.mustChange],
    );
    return rows[0];
  }
}
