import type { ApiRole, UpdateUserRequest, UserItem } from '@roadwatch/contracts';
import { inTransaction, type Queryable, type StoragePool } from '@roadwatch/storage';
import type { AuditContext, AuditEntry, AuditRepository } from './audit.repository';
import { hashPassword, verifyPassword } from './passwords';
import type { Principal } from './scope';

export interface NewUser {
  username: string;
  password: string;
  role: ApiRole;
  companyId?: string;
  regionCode?: string;
  displayName?: string;
}

interface UserRow {
  username: string;
  password_hash: string;
  role: ApiRole;
  company_id: string | null;
  region_code: string | null;
  display_name: string | null;
  disabled: boolean;
  token_version: number;
  must_change_password: boolean;
  created_at: Date;
  updated_at: Date;
  last_sign_in_at: Date | null;
}

/** What every request of a signed-in user is checked against (cached for at most the session bound). */
export interface SessionState {
  tokenVersion: number;
  disabled: boolean;
  mustChangePassword: boolean;
}

export type SignInFailure = 'unknown_user' | 'wrong_password' | 'disabled';

export type Authentication =
  | { ok: true; principal: Principal & { displayName?: string }; tokenVersion: number; mustChangePassword: boolean }
  | { ok: false; reason: SignInFailure };

/** The fields an admin edits, as the audit log names them. */
const EDITABLE = ['role', 'companyId', 'regionCode', 'displayName'] as const;
/** Changing any of these changes what the user may see: their tokens end. */
const SCOPING: ReadonlySet<string> = new Set(['role', 'companyId', 'regionCode']);

const itemOf = (row: UserRow): UserItem => {
  const item: UserItem = {
    username: row.username,
    role: row.role,
    disabled: row.disabled,
    mustChangePassword: row.must_change_password,
    createdAtMs: row.created_at.getTime(),
    updatedAtMs: row.updated_at.getTime(),
  };
  if (row.company_id !== null) item.companyId = row.company_id;
  if (row.region_code !== null) item.regionCode = row.region_code;
  if (row.display_name !== null) item.displayName = row.display_name;
  if (row.last_sign_in_at !== null) item.lastSignInAtMs = row.last_sign_in_at.getTime();
  return item;
};

const principalOf = (row: UserRow): Principal & { displayName?: string } => {
  const principal: Principal & { displayName?: string } = { username: row.username, role: row.role };
  if (row.company_id) principal.companyId = row.company_id;
  if (row.region_code) principal.regionCode = row.region_code;
  if (row.display_name) principal.displayName = row.display_name;
  return principal;
};

// Verifying against a fixed hash when the user is unknown keeps the timing of "no such
// user" and "wrong password" alike.
let dummyHash: Promise<string> | undefined;

/**
 * The `users` table. Every admin write runs in one transaction with its audit entry, so a
 * change is never made without its record (nor recorded without being made).
 */
export class UsersRepository {
  constructor(
    private readonly pool: StoragePool,
    private readonly audit: AuditRepository,
  ) {}

  /** Standalone demo and test users: created, or put back as given (their sessions stay valid). */
  async upsert(user: NewUser): Promise<void> {
    await this.pool.query(
      `INSERT INTO users (username, password_hash, role, company_id, region_code, display_name)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
         company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code, display_name = EXCLUDED.display_name,
         must_change_password = false, updated_at = now()`,
      [user.username, await hashPassword(user.password), user.role, user.companyId ?? null, user.regionCode ?? null, user.displayName ?? null],
    );
  }

  /**
   * The first admin of a cluster (`API_BOOTSTRAP_ADMIN`): created once, flagged must-change;
   * when the user exists nothing changes — a restart never resets a password that was changed.
   * True when it was created.
   */
  async bootstrap(user: NewUser): Promise<boolean> {
    const hash = await hashPassword(user.password);
    return inTransaction(this.pool, async (db) => {
      const { rowCount } = await db.query(
        `INSERT INTO users (username, password_hash, role, display_name, must_change_password) VALUES ($1, $2, $3, $4, true) ON CONFLICT (username) DO NOTHING`,
        [user.username, hash, user.role, user.displayName ?? null],
      );
      if (rowCount !== 1) return false;
      await this.audit.record({ actor: 'system', action: 'user.bootstrap', target: user.username, outcome: 'success', changes: { role: { after: user.role } } }, db);
      return true;
    });
  }

  /** Checks a user name and password; on failure, why (for the audit log only — the caller answers alike). */
  async authenticate(username: string, password: string): Promise<Authentication> {
    const row = await this.row(this.pool, username);
    if (!row) {
      dummyHash ??= hashPassword('not-a-user');
      await verifyPassword(password, await dummyHash);
      return { ok: false, reason: 'unknown_user' };
    }
    if (!(await verifyPassword(password, row.password_hash))) return { ok: false, reason: 'wrong_password' };
    if (row.disabled) return { ok: false, reason: 'disabled' };
    return { ok: true, principal: principalOf(row), tokenVersion: row.token_version, mustChangePassword: row.must_change_password };
  }

  /** A successful sign-in: its time on the user and its audit entry. */
  async signedIn(username: string, clientAddress: string): Promise<void> {
    await inTransaction(this.pool, async (db) => {
      await db.query(`UPDATE users SET last_sign_in_at = now() WHERE username = $1`, [username]);
      await this.audit.record({ actor: username, action: 'auth.sign_in', target: username, outcome: 'success', clientAddress }, db);
    });
  }

  async sessionState(username: string): Promise<SessionState | null> {
    const { rows } = await this.pool.query<{ token_version: number; disabled: boolean; must_change_password: boolean }>(
      `SELECT token_version, disabled, must_change_password FROM users WHERE username = $1`,
      [username],
    );
    const row = rows[0];
    return row ? { tokenVersion: row.token_version, disabled: row.disabled, mustChangePassword: row.must_change_password } : null;
  }

  async list(filter: { role?: ApiRole | undefined; companyId?: string | undefined; disabled?: boolean | undefined; limit: number; offset: number }): Promise<UserItem[]> {
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
    const { rows } = await this.pool.query<UserRow>(
      `SELECT * FROM users WHERE ${conditions.join(' AND ')} ORDER BY username LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(itemOf);
  }

  async get(username: string): Promise<UserItem | undefined> {
    const row = await this.row(this.pool, username);
    return row ? itemOf(row) : undefined;
  }

  /** Creates a user flagged must-change; undefined when the name is taken. */
  async create(user: NewUser, by: AuditContext): Promise<UserItem | undefined> {
    const hash = await hashPassword(user.password);
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<UserRow>(
        `INSERT INTO users (username, password_hash, role, company_id, region_code, display_name, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, true) ON CONFLICT (username) DO NOTHING RETURNING *`,
        [user.username, hash, user.role, user.companyId ?? null, user.regionCode ?? null, user.displayName ?? null],
      );
      const row = rows[0];
      if (!row) return undefined;
      const item = itemOf(row);
      const changes: NonNullable<AuditEntry['changes']> = {};
      for (const field of EDITABLE) if (item[field] !== undefined) changes[field] = { after: item[field] };
      await this.audit.record({ ...by, action: 'user.create', target: user.username, outcome: 'success', changes }, db);
      return item;
    });
  }

  /**
   * Replaces role, company, region and display name. A change to any of the first three ends
   * the user's sessions (token version). Undefined when there is no such user.
   */
  async update(username: string, fields: UpdateUserRequest, by: AuditContext): Promise<UserItem | undefined> {
    return this.change(username, 'user.update', by, async (db, before) => {
      const changes: NonNullable<AuditEntry['changes']> = {};
      for (const field of EDITABLE) {
        if (before[field] !== fields[field]) changes[field] = { ...(before[field] !== undefined ? { before: before[field] } : {}), ...(fields[field] !== undefined ? { after: fields[field] } : {}) };
      }
      const endsSessions = Object.keys(changes).some((field) => SCOPING.has(field));
      const { rows } = await db.query<UserRow>(
        `UPDATE users SET role = $2, company_id = $3, region_code = $4, display_name = $5, updated_at = now(),
           token_version = token_version + $6 WHERE username = $1 RETURNING *`,
        [username, fields.role, fields.companyId ?? null, fields.regionCode ?? null, fields.displayName ?? null, endsSessions ? 1 : 0],
      );
      return { row: rows[0] as UserRow, changes };
    });
  }

  /** Disables (ending every session) or enables a user. */
  async setDisabled(username: string, disabled: boolean, by: AuditContext): Promise<UserItem | undefined> {
    return this.change(username, disabled ? 'user.disable' : 'user.enable', by, async (db, before) => {
      const { rows } = await db.query<UserRow>(
        `UPDATE users SET disabled = $2, updated_at = now(), token_version = token_version + 1 WHERE username = $1 RETURNING *`,
        [username, disabled],
      );
      const changes: NonNullable<AuditEntry['changes']> = before.disabled === disabled ? {} : { disabled: { before: before.disabled, after: disabled } };
      return { row: rows[0] as UserRow, changes };
    });
  }

  /** An admin sets a new password: the user's sessions end and the user must change it at next sign-in. */
  async resetPassword(username: string, password: string, by: AuditContext): Promise<UserItem | undefined> {
    const hash = await hashPassword(password);
    return this.change(username, 'user.reset_password', by, async (db, before) => {
      const { rows } = await db.query<UserRow>(
        `UPDATE users SET password_hash = $2, must_change_password = true, password_changed_at = now(), updated_at = now(), token_version = token_version + 1
         WHERE username = $1 RETURNING *`,
        [username, hash],
      );
      return { row: rows[0] as UserRow, changes: { mustChangePassword: { before: before.mustChangePassword, after: true } } };
    });
  }

  /**
   * The user's own change: the current password must match. Ends the user's other sessions
   * (token version) and clears must-change. The new session state, or why it was refused.
   */
  async changeOwnPassword(username: string, currentPassword: string, newPassword: string, clientAddress: string): Promise<Authentication> {
    const checked = await this.authenticate(username, currentPassword);
    const by = { actor: username, clientAddress, action: 'auth.change_password' as const, target: username };
    if (!checked.ok) {
      await this.audit.record({ ...by, outcome: 'failure', reason: checked.reason });
      return checked;
    }
    const hash = await hashPassword(newPassword);
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<UserRow>(
        `UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = now(), updated_at = now(), token_version = token_version + 1
         WHERE username = $1 AND NOT disabled RETURNING *`,
        [username, hash],
      );
      const row = rows[0];
      if (!row) return { ok: false, reason: 'disabled' } as const;
      await this.audit.record({ ...by, outcome: 'success', changes: { mustChangePassword: { before: checked.mustChangePassword, after: false } } }, db);
      return { ok: true, principal: principalOf(row), tokenVersion: row.token_version, mustChangePassword: false } as const;
    });
  }

  /** Locks the row, applies the change, records it with the same transaction. */
  private async change(
    username: string,
    action: AuditEntry['action'],
    by: AuditContext,
    apply: (db: Queryable, before: UserItem) => Promise<{ row: UserRow; changes: NonNullable<AuditEntry['changes']> }>,
  ): Promise<UserItem | undefined> {
    return inTransaction(this.pool, async (db) => {
      const before = await this.row(db, username, true);
      if (!before) return undefined;
      const { row, changes } = await apply(db, itemOf(before));
      await this.audit.record({ ...by, action, target: username, outcome: 'success', changes }, db);
      return itemOf(row);
    });
  }

  private async row(db: Queryable, username: string, forUpdate = false): Promise<UserRow | undefined> {
    const { rows } = await db.query<UserRow>(`SELECT * FROM users WHERE username = $1${forUpdate ? ' FOR UPDATE' : ''}`, [username]);
    return rows[0];
  }
}
