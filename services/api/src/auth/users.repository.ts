import type { ApiRole, UpdateUserRequest, UserItem } from '@roadwatch/contracts';
import {
  AuditRepository,
  inTransaction,
  UserRepository,
  type AuditContext,
  type AuditEntry,
  type Queryable,
  type StoragePool,
  type UserRow,
  type UserWrite,
} from '@roadwatch/storage';
import { hashPassword, verifyPassword } from '@roadwatch/runtime';
import type { Principal } from './scope';

export interface NewUser {
  username: string;
  password: string;
  role: ApiRole;
  companyId?: string;
  regionCode?: string;
  displayName?: string;
}

/** What every request of a signed-in user is checked against (cached for at most the session bound). */
export interface SessionState {
  tokenVersion: number;
  disabled: boolean;
  mustChangePassword: boolean;
}

export type SignInFailure = 'unknown_user' | 'wrong_password' | 'disabled';

export type Authentication =
  { ok: true; principal: Principal & { displayName?: string }; tokenVersion: number; mustChangePassword: boolean } | { ok: false; reason: SignInFailure };

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
  private readonly users: UserRepository;

  constructor(
    private readonly pool: StoragePool,
    private readonly audit: AuditRepository,
  ) {
    this.users = new UserRepository(pool);
  }

  /** Standalone demo and test users: created, or put back as given (their sessions stay valid). */
  async upsert(user: NewUser): Promise<void> {
    await this.users.upsert(await this.writeOf(user));
  }

  /**
   * The first admin of a cluster (`API_BOOTSTRAP_ADMIN`): created once, flagged must-change;
   * when the user exists nothing changes — a restart never resets a password that was changed.
   * True when it was created.
   */
  async bootstrap(user: NewUser): Promise<boolean> {
    const write = await this.writeOf({ username: user.username, password: user.password, role: user.role, displayName: user.displayName });
    return inTransaction(this.pool, async (db) => {
      if (!(await new UserRepository(db).insertNew(write))) return false;
      await this.audit.record(
        { actor: 'system', action: 'user.bootstrap', target: user.username, outcome: 'success', changes: { role: { after: user.role } } },
        db,
      );
      return true;
    });
  }

  /** Checks a user name and password; on failure, why (for the audit log only — the caller answers alike). */
  async authenticate(username: string, password: string): Promise<Authentication> {
    const row = await this.users.get(username);
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
      await new UserRepository(db).recordSignIn(username);
      await this.audit.record({ actor: username, action: 'auth.sign_in', target: username, outcome: 'success', clientAddress }, db);
    });
  }

  async sessionState(username: string): Promise<SessionState | null> {
    const row = await this.users.sessionState(username);
    return row ? { tokenVersion: row.token_version, disabled: row.disabled, mustChangePassword: row.must_change_password } : null;
  }

  async list(filter: {
    role?: ApiRole | undefined;
    companyId?: string | undefined;
    disabled?: boolean | undefined;
    limit: number;
    offset: number;
  }): Promise<UserItem[]> {
    return (await this.users.list(filter)).map(itemOf);
  }

  async get(username: string): Promise<UserItem | undefined> {
    const row = await this.users.get(username);
    return row ? itemOf(row) : undefined;
  }

  /** Creates a user flagged must-change; undefined when the name is taken. */
  async create(user: NewUser, by: AuditContext): Promise<UserItem | undefined> {
    const write = await this.writeOf(user);
    return inTransaction(this.pool, async (db) => {
      const row = await new UserRepository(db).insertNew(write);
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
        if (before[field] !== fields[field])
          changes[field] = {
            ...(before[field] !== undefined ? { before: before[field] } : {}),
            ...(fields[field] !== undefined ? { after: fields[field] } : {}),
          };
      }
      const endsSessions = Object.keys(changes).some((field) => SCOPING.has(field));
      return { row: await new UserRepository(db).updateProfile(username, fields, endsSessions), changes };
    });
  }

  /** Disables (ending every session) or enables a user. */
  async setDisabled(username: string, disabled: boolean, by: AuditContext): Promise<UserItem | undefined> {
    return this.change(username, disabled ? 'user.disable' : 'user.enable', by, async (db, before) => {
      const row = await new UserRepository(db).setDisabled(username, disabled);
      const changes: NonNullable<AuditEntry['changes']> = before.disabled === disabled ? {} : { disabled: { before: before.disabled, after: disabled } };
      return { row, changes };
    });
  }

  /** An admin sets a new password: the user's sessions end and the user must change it at next sign-in. */
  async resetPassword(username: string, password: string, by: AuditContext): Promise<UserItem | undefined> {
    const hash = await hashPassword(password);
    return this.change(username, 'user.reset_password', by, async (db, before) => {
      const row = await new UserRepository(db).setPassword(username, hash, { mustChange: true, onlyEnabled: false });
      return { row, changes: { mustChangePassword: { before: before.mustChangePassword, after: true } } };
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
      const row = await new UserRepository(db).setPassword(username, hash, { mustChange: false, onlyEnabled: true });
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
    apply: (db: Queryable, before: UserItem) => Promise<{ row: UserRow | undefined; changes: NonNullable<AuditEntry['changes']> }>,
  ): Promise<UserItem | undefined> {
    return inTransaction(this.pool, async (db) => {
      const before = await new UserRepository(db).get(username, true);
      if (!before) return undefined;
      const { row, changes } = await apply(db, itemOf(before));
      // The row is locked: it cannot have gone since it was read.
      if (!row) throw new Error(`users: ${username} vanished inside its own transaction`);
      await this.audit.record({ ...by, action, target: username, outcome: 'success', changes }, db);
      return itemOf(row);
    });
  }

  private async writeOf(user: NewUser): Promise<UserWrite> {
    return {
      username: user.username,
      passwordHash: await hashPassword(user.password),
      role: user.role,
      companyId: user.companyId,
      regionCode: user.regionCode,
      displayName: user.displayName,
    };
  }
}
