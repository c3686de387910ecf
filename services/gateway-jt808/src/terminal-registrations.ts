import { randomBytes } from 'node:crypto';
import { RegistryRepository, type StoragePool, type TerminalSelfRegistration } from '@roadwatch/storage';

/** What a terminal declared in its 0x0100 registration (its id without leading zeros). */
export type TerminalRegistration = TerminalSelfRegistration;

/**
 * Registered terminals and the auth codes issued to them (0x0100 → 0x8100 → 0x0102).
 * A re-registration of a registered terminal returns the code it already has, so a
 * terminal that retransmits its 0x0100 gets the same answer.
 */
export interface TerminalRegistrations {
  register(registration: TerminalRegistration): Promise<string>;
  /** True when `authCode` is the one issued to this terminal. */
  authenticate(terminalId: string, authCode: string): Promise<boolean>;
  /** 0x0003 logout (注销): the terminal must register again. */
  unregister(terminalId: string): Promise<void>;
  /**
   * Adds accepted frame anomalies (`{ kind: count }`) to the terminal's record, with the last
   * kind and when; false when the registry has no such terminal.
   */
  recordFrameAnomalies(terminalId: string, counts: Readonly<Record<string, number>>, lastKind: string, atMs: number): Promise<boolean>;
  /** The terminal's frame-anomaly counters, or null when the registry has no such terminal. */
  frameAnomaliesOf(terminalId: string): Promise<FrameAnomalyRecord | null>;
  close(): Promise<void>;
}

export interface FrameAnomalyRecord {
  counts: Record<string, number>;
  lastKind: string | null;
  lastAtMs: number | null;
}

const newAuthCode = (): string => randomBytes(8).toString('hex');

export class InMemoryTerminalRegistrations implements TerminalRegistrations {
  private readonly codes = new Map<string, string>();
  private readonly anomalies = new Map<string, FrameAnomalyRecord>();

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

  async recordFrameAnomalies(terminalId: string, counts: Readonly<Record<string, number>>, lastKind: string, atMs: number): Promise<boolean> {
    // Like the table: only terminals the registry knows (a logged-out one keeps its record).
    if (!this.codes.has(terminalId) && !this.anomalies.has(terminalId)) return false;
    const record = this.anomalies.get(terminalId) ?? { counts: {}, lastKind: null, lastAtMs: null };
    for (const [kind, count] of Object.entries(counts)) record.counts[kind] = (record.counts[kind] ?? 0) + count;
    this.anomalies.set(terminalId, { counts: record.counts, lastKind, lastAtMs: atMs });
    return true;
  }

  async frameAnomaliesOf(terminalId: string): Promise<FrameAnomalyRecord | null> {
    const record = this.anomalies.get(terminalId);
    if (record) return { ...record, counts: { ...record.counts } };
    return this.codes.has(terminalId) ? { counts: {}, lastKind: null, lastAtMs: null } : null;
  }

  /** For tests and the embedded demo: a terminal that registered in an earlier life. */
  preset(terminalId: string, authCode: string): void {
    this.codes.set(terminalId, authCode);
  }

  async close(): Promise<void> {}
}

/**
 * Auth codes in the registry's `terminals` table (libs/storage; migrated by whoever runs
 * `migrate`, the gateway's main included), so that terminals need not re-register after a
 * restart or when they reconnect to another gateway instance, and administrators see which
 * terminals registered, what they declared and when they last authenticated.
 */
export class PostgresTerminalRegistrations implements TerminalRegistrations {
  private readonly registry: RegistryRepository;

  constructor(
    private readonly pool: StoragePool,
    private readonly ownsPool = true,
  ) {
    this.registry = new RegistryRepository(pool);
  }

  register(registration: TerminalRegistration): Promise<string> {
    return this.registry.registerTerminal(registration, newAuthCode());
  }

  authenticate(terminalId: string, authCode: string): Promise<boolean> {
    return this.registry.authenticateTerminal(terminalId, authCode);
  }

  unregister(terminalId: string): Promise<void> {
    return this.registry.unregisterTerminal(terminalId);
  }

  recordFrameAnomalies(terminalId: string, counts: Readonly<Record<string, number>>, lastKind: string, atMs: number): Promise<boolean> {
    return this.registry.recordFrameAnomalies(terminalId, counts, lastKind, atMs);
  }

  frameAnomaliesOf(terminalId: string): Promise<FrameAnomalyRecord | null> {
    return this.registry.frameAnomaliesOf(terminalId);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
