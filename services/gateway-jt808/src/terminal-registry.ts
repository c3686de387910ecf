import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

/** What a terminal declared in its 0x0100 registration. */
export interface TerminalRegistration {
  terminalId: string;
  plate: string;
  plateColour: number;
  manufacturerId: string;
  terminalModel: string;
  deviceId: string;
  provinceId: number;
  cityId: number;
}

/**
 * Registered terminals and the auth codes issued to them (0x0100 → 0x8100 → 0x0102).
 * A re-registration of a registered terminal returns the code it already has, so a
 * terminal that retransmits its 0x0100 gets the same answer.
 */
export interface TerminalRegistry {
  register(registration: TerminalRegistration): Promise<string>;
  /** True when `authCode` is the one issued to this terminal. */
  authenticate(terminalId: string, authCode: string): Promise<boolean>;
  /** 0x0003 logout (注销): the terminal must register again. */
  unregister(terminalId: string): Promise<void>;
  close(): Promise<void>;
}

const newAuthCode = (): string => randomBytes(8).toString('hex');

export class InMemoryTerminalRegistry implements TerminalRegistry {
  private readonly codes = new Map<string, string>();

  async register(registration: TerminalRegistration): Promise<string> {
    const existing = this.codes.get(registration.terminalId);
    if (existing) return existing;
    const code = newAuthCode();
    this.codes.set(registration.terminalId, code);
    return code;
  }

  async authenticate(terminalId: string, authCode: string): Promise<boolean> {
    return this.codes.get(terminalId) === authCode;
  }

  async unregister(terminalId: string): Promise<void> {
    this.codes.delete(terminalId);
  }

  /** For tests and the embedded demo: a terminal that registered in an earlier life. */
  preset(terminalId: string, authCode: string): void {
    this.codes.set(terminalId, authCode);
  }

  async close(): Promise<void> {}
}

/**
 * Auth codes in PostgreSQL, so that terminals need not re-register after a restart or
 * when they reconnect to another gateway instance. The gateway owns its one table and
 * creates it if absent (it is not part of the archive's schema).
 */
export class PostgresTerminalRegistry implements TerminalRegistry {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly table = 'gateway_terminal_registrations',
    private readonly ownsPool = true,
  ) {
    if (!/^[a-z_][a-z0-9_.]*$/.test(table)) throw new Error(`bad table name ${table}`);
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           terminal_id text PRIMARY KEY,
           auth_code text NOT NULL,
           plate text NOT NULL,
           plate_colour smallint NOT NULL,
           manufacturer_id text NOT NULL,
           terminal_model text NOT NULL,
           device_id text NOT NULL,
           province_id integer NOT NULL,
           city_id integer NOT NULL,
           registered_at timestamptz NOT NULL DEFAULT now()
         )`,
      )
      .then(() => undefined)
      .catch((error: unknown) => {
        this.ready = null;
        throw error;
      });
    return this.ready;
  }

  async register(r: TerminalRegistration): Promise<string> {
    await this.ensureTable();
    // Insert-or-keep: a retransmitted 0x0100 gets the code issued the first time.
    const result = await this.pool.query<{ auth_code: string }>(
      `INSERT INTO ${this.table} (terminal_id, auth_code, plate, plate_colour, manufacturer_id, terminal_model, device_id, province_id, city_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (terminal_id) DO UPDATE SET plate = EXCLUDED.plate, plate_colour = EXCLUDED.plate_colour,
         manufacturer_id = EXCLUDED.manufacturer_id, terminal_model = EXCLUDED.terminal_model, device_id = EXCLUDED.device_id
       RETURNING auth_code`,
      [r.terminalId, newAuthCode(), r.plate, r.plateColour, r.manufacturerId, r.terminalModel, r.deviceId, r.provinceId, r.cityId],
    );
    return result.rows[0]!.auth_code;
  }

  async authenticate(terminalId: string, authCode: string): Promise<boolean> {
    await this.ensureTable();
    const result = await this.pool.query(`SELECT 1 FROM ${this.table} WHERE terminal_id = $1 AND auth_code = $2`, [terminalId, authCode]);
    return (result.rowCount ?? 0) > 0;
  }

  async unregister(terminalId: string): Promise<void> {
    await this.ensureTable();
    await this.pool.query(`DELETE FROM ${this.table} WHERE terminal_id = $1`, [terminalId]);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
