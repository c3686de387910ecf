import type { ApiRole } from '@roadwatch/contracts';
import type { StoragePool } from '@roadwatch/storage';
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
}

// Verifying against a fixed hash when the user is unknown keeps the timing of "no such
// user" and "wrong password" alike.
let dummyHash: Promise<string> | undefined;

export class UsersRepository {
  constructor(private readonly pool: StoragePool) {}

  async upsert(user: NewUser): Promise<void> {
    await this.pool.query(
      `INSERT INTO users (username, password_hash, role, company_id, region_code, display_name)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
         company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code, display_name = EXCLUDED.display_name, updated_at = now()`,
      [user.username, await hashPassword(user.password), user.role, user.companyId ?? null, user.regionCode ?? null, user.displayName ?? null],
    );
  }

  /** The principal for a correct username + password, else null. */
  async authenticate(username: string, password: string): Promise<(Principal & { displayName?: string }) | null> {
    const { rows } = await this.pool.query<UserRow>(`SELECT * FROM users WHERE username = $1 AND NOT disabled`, [username]);
    const row = rows[0];
    if (!row) {
      dummyHash ??= hashPassword('not-a-user');
      await verifyPassword(password, await dummyHash);
      return null;
    }
    if (!(await verifyPassword(password, row.password_hash))) return null;
    const principal: Principal & { displayName?: string } = { username: row.username, role: row.role };
    if (row.company_id) principal.companyId = row.company_id;
    if (row.region_code) principal.regionCode = row.region_code;
    if (row.display_name) principal.displayName = row.display_name;
    return principal;
  }
}
