import { apiCapability, type ApiCapability, type ApiRole } from '@roadwatch/contracts';
import { ownerAdmits, ownerScopeSql, type Owner, type OwnerColumns, type OwnerScope } from '@roadwatch/storage';

/**
 * What a caller may see, derived once from the verified token. Every repository turns it
 * into SQL conditions over the row's owner (`scope.sql(OWNER_OF.<kind>(…), params)`, the
 * owner of each resource kind defined once in libs/storage's `OWNER_OF`) and the live feed
 * into a predicate over the same owner (`admits`); nothing is filtered in a controller after
 * the fact.
 *
 * - `all`: everything.
 * - `region`: rows whose owner's region code starts with the prefix.
 * - `company`: rows whose owner is the company.
 */
export type ScopeKind = 'all' | 'region' | 'company';

export interface Principal {
  username: string;
  role: ApiRole;
  companyId?: string;
  regionCode?: string;
}

/**
 * What a role may call (names from the contract; the login response hands them to clients).
 * `wim` covers WIM records and the WIM station layer; `sites` the 货运源头单位 source-site
 * layer; `relays` the 接驳运输 relay registrations; `terminals.unregistered` the positions of
 * terminals no vehicle is bound to (they belong to no region or company, so only the monitoring
 * centre reads them, whatever an operator's region); `users.admin` user administration and the
 * audit log; `handling` a company's 待处理 list and its steps (view, handle, appeal), `handling.duty`
 * the monitoring centre's on-duty board of overdue items and appeal decisions (RULES §9).
 */
export type Capability = ApiCapability;

/**
 * The one scope definition per role, for every resource: which rows (`scope`: `all`, the
 * token's `regionCode` prefix when it carries one else all, or the token's `companyId`) and
 * which endpoints (`capabilities`). Whose a row is — its owner — is the resource kind's, in
 * libs/storage's `OWNER_OF`, whatever the role.
 */
export const ROLE_SCOPES: Record<ApiRole, { scope: 'all' | 'regionClaim' | 'company'; capabilities: readonly Capability[] }> = {
  // Every capability there is, in the contract's order: a capability added later is the admin's at once.
  admin: { scope: 'all', capabilities: apiCapability.options },
  operator: {
    scope: 'regionClaim',
    capabilities: [
      'vehicles',
      'alerts',
      'alerts.ack',
      'tracks',
      'wim',
      'sites',
      'reports',
      'cases',
      'live',
      'relays',
      'terminals.unregistered',
      'handling.duty',
      'reports.notice',
      'assessment.import',
      // 重点监管: officers read the list of their region and release entries.
      'key_supervision',
      'key_supervision.release',
      // 查岗: sends to the companies of its region, reads their answers
      'inspections',
      'inspections.send',
      'source_traces',
      // 布控线索 / targeting alerts (套牌, evasion, 大吨小标, exit and entrance weighings; §13–§14): officers read their region's leads and refer or dismiss them.
      'targeting',
      'targeting.decide',
      // issue #16: 大件 audit sheets of the region; area bans of the region, administered
      'permits',
      'area_bans',
      'area_bans.admin',
      // Issue #16 item 6: sends routes and areas to the terminals of its region's vehicles; reads them and the terminals' own alarms
      'terminal_geofences',
      'terminal_geofences.send',
    ],
  },
  // A company reads its own 重点监管 entries (and its vehicles'), never releases one.
  company: {
    scope: 'company',
    capabilities: [
      'vehicles',
      'alerts',
      'alerts.ack',
      'tracks',
      'sites',
      'reports',
      'cases',
      'live',
      'relays',
      'delivery',
      'handling',
      'key_supervision',
      // 查岗: reads and answers its own company's
      'inspections',
      'inspections.answer',
      'roster',
      // issue #16: its own permits' audit sheets; the area bans that bind it (read only)
      'permits',
      'area_bans',
      // Issue #16 item 6: what was sent to its own vehicles' terminals and their own area/route alarms (read only)
      'terminal_geofences',
    ],
  },
  enforcement: { scope: 'regionClaim', capabilities: ['wim', 'sites', 'cases', 'targeting', 'targeting.decide', 'source_traces', 'permits', 'area_bans'] },
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
    const rule = ROLE_SCOPES[principal.role].scope;
    if (rule === 'company') {
      // A company user without a company sees nothing rather than everything.
      return new Scope('company', principal.companyId ?? '\u0000none', principal);
    }
    if (rule === 'regionClaim' && principal.regionCode) {
      if (!REGION.test(principal.regionCode)) throw new Error(`regionCode "${principal.regionCode}" is not a division code`);
      return new Scope('region', principal.regionCode, principal);
    }
    return new Scope('all', '', principal);
  }

  can(capability: Capability): boolean {
    return ROLE_SCOPES[this.principal.role].capabilities.includes(capability);
  }

  /** Every capability of the caller's role, in the table's order (the login response's `capabilities`). */
  get capabilities(): Capability[] {
    return [...ROLE_SCOPES[this.principal.role].capabilities];
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
   * SQL condition over a row's owner (libs/storage's `OWNER_OF` for its resource kind);
   * appends its parameters to `params`. `TRUE` for `all`.
   */
  sql(owner: OwnerColumns, params: unknown[]): string {
    return ownerScopeSql(this.filter, owner, params);
  }

  /** The same rule in memory, for the live feed. */
  admits(owner: Owner): boolean {
    return ownerAdmits(this.filter, owner);
  }

  /** socket.io rooms that receive server-originated events (acks) about an owner. */
  static roomsFor(owner: Owner): string[] {
    const rooms = ['scope:all:'];
    if (owner.companyId) rooms.push(Scope.companyRoom(owner.companyId));
    if (owner.regionCode) for (let i = 1; i <= owner.regionCode.length; i += 1) rooms.push(`scope:region:${owner.regionCode.slice(0, i)}`);
    return rooms;
  }

  /** The room of one company's own users' sockets (what only they may hear, e.g. a 查岗 addressed to them). */
  static companyRoom(companyId: string): string {
    return `scope:company:${companyId}`;
  }

  get room(): string {
    return `scope:${this.key}`;
  }
}
