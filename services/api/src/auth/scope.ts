import type { ApiCapability, ApiRole } from '@roadwatch/contracts';
import { ownerScopeSql, type OwnerScope } from '@roadwatch/storage';

/**
 * What a caller may see, derived once from the verified token. Every repository turns it
 * into SQL conditions (`scopeSql`) and the live feed into a predicate (`admits`); nothing
 * is filtered in a controller after the fact.
 *
 * - `all`: admin (and an operator or enforcement user without a region).
 * - `region`: operator / enforcement — vehicles whose region code starts with the prefix.
 * - `company`: a transport company — its own vehicles only.
 */
export type ScopeKind = 'all' | 'region' | 'company';

export interface Principal {
  username: string;
  role: ApiRole;
  companyId?: string;
  regionCode?: string;
}

/**
 * What a role may call (names from the contract; this table is the only one — the login
 * response hands it to clients). `wim` covers WIM records and the WIM station layer;
 * `sites` the 货运源头单位 source-site layer (a company user: only its own company's sites);
 * `relays` the 接驳运输 relay registrations of the vehicles in scope (a company user: its own);
 * `terminals.unregistered` the positions of terminals no vehicle is bound to (they belong to no
 * region or company, so only the monitoring centre reads them, whatever an operator's region);
 * `users.admin` user administration and the audit log.
 */
export type Capability = ApiCapability;

const CAPABILITIES: Record<ApiRole, readonly Capability[]> = {
  admin: ['vehicles', 'alerts', 'alerts.ack', 'tracks', 'wim', 'sites', 'reports', 'cases', 'live', 'registry.admin', 'relays', 'terminals.unregistered', 'users.admin'],
  operator: ['vehicles', 'alerts', 'alerts.ack', 'tracks', 'wim', 'sites', 'reports', 'cases', 'live', 'relays', 'terminals.unregistered'],
  company: ['vehicles', 'alerts', 'alerts.ack', 'tracks', 'sites', 'reports', 'cases', 'live', 'relays'],
  enforcement: ['wim', 'sites', 'cases'],
};

/** Administrative-division codes are digits; anything else could smuggle LIKE wildcards. */
const REGION = /^\d{1,12}$/;

export class Scope {
  private constructor(
    readonly kind: ScopeKind,
    /** Company id (`company`) or region prefix (`region`). */
    readonly value: string,
    readonly principal: Principal,
  ) {}

  static of(principal: Principal): Scope {
    if (principal.role === 'company') {
      // A company user without a company sees nothing rather than everything.
      return new Scope('company', principal.companyId ?? '\u0000none', principal);
    }
    if (principal.role !== 'admin' && principal.regionCode) {
      if (!REGION.test(principal.regionCode)) throw new Error(`regionCode "${principal.regionCode}" is not a division code`);
      return new Scope('region', principal.regionCode, principal);
    }
    return new Scope('all', '', principal);
  }

  can(capability: Capability): boolean {
    return CAPABILITIES[this.principal.role].includes(capability);
  }

  /** Every capability of the caller's role, in the table's order (the login response's `capabilities`). */
  get capabilities(): Capability[] {
    return [...CAPABILITIES[this.principal.role]];
  }

  /** Stable key: two sockets with the same key see the same data. */
  get key(): string {
    return `${this.kind}:${this.value}`;
  }

  /** The scope as libs/storage's repositories take it. */
  get filter(): OwnerScope {
    if (this.kind === 'company') return { companyId: this.value };
    return this.kind === 'region' ? { regionPrefix: this.value } : {};
  }

  /**
   * SQL condition over a row's company and region columns (expressions); appends its
   * parameters to `params`. `TRUE` for `all`. The same condition libs/storage applies.
   */
  sql(columns: { companyId: string; regionCode: string }, params: unknown[]): string {
    return ownerScopeSql(this.filter, columns, params);
  }

  /** The same rule in memory, for the live feed. */
  admits(owner: { companyId?: string | undefined; regionCode?: string | undefined }): boolean {
    if (this.kind === 'all') return true;
    if (this.kind === 'company') return owner.companyId === this.value;
    return owner.regionCode !== undefined && owner.regionCode.startsWith(this.value);
  }

  /** socket.io rooms that receive server-originated events (acks) about an owner. */
  static roomsFor(owner: { companyId?: string | undefined; regionCode?: string | undefined }): string[] {
    const rooms = ['scope:all:'];
    if (owner.companyId) rooms.push(`scope:company:${owner.companyId}`);
    if (owner.regionCode) for (let i = 1; i <= owner.regionCode.length; i += 1) rooms.push(`scope:region:${owner.regionCode.slice(0, i)}`);
    return rooms;
  }

  get room(): string {
    return `scope:${this.key}`;
  }
}
