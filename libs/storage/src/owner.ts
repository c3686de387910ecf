import { escapeLike } from './sql';
/**
 * Who owns a row — the one definition every scoped query (and the API's live feed) uses.
 *
 * A caller's scope (`OwnerScope`) is one of: everything, one company, or a region-code prefix.
 * A row is admitted when its owner's company is the scope's company, or its owner's region
 * code starts with the scope's prefix. What "the owner" of a row is depends only on the kind
 * of resource, never on the endpoint or the role asking:
 *
 * | resource kind | company | region |
 * |---|---|---|
 * | `company` (a company's own row) | the company | the company's `region_code` |
 * | `vehicle` (vehicles, tracks, report rows, live positions) | the vehicle's company | the vehicle's own `region_code`, else its company's |
 * | `vehicleRecord` (alerts, relay registrations, live alerts) | the vehicle's (registry, now), else the record's copy | the vehicle's region (as above), else the record's copy |
 * | `weighing` (WIM records, the 一超四罚 case opened from one) | the vehicle's (as `vehicleRecord`) | the region of the station that weighed it (属地: its 公路管理机构 decides the case, 超限规定 第44条), else the vehicle's |
 * | `place` (WIM stations, source sites) | the company running it (a source site's; a station has none) | the place's own `region_code` |
 * | `targeting` (布控线索, enforcement's leads) | none: a lead is never a company's, even the victim's | the lead's `region_code` (where it was weighed or seen) |
 * | `route` (approved routes, issue #16) | the route's company | the route's own `region_code`, else its company's |
 *
 * A row whose owner has no region is admitted by no region scope; one without a company by
 * no company scope.
 */

/** SQL expressions naming a row's owning company and region code. */
export interface OwnerColumns {
  companyId: string;
  regionCode: string;
}

/** A row's owner as plain data (the live feed's in-memory side of the same rule). */
export interface Owner {
  companyId?: string | undefined;
  regionCode?: string | undefined;
}

/**
 * Who may see a row, as the API derives it from a token: one company's rows, or rows whose
 * region code starts with a prefix. Both absent: everything.
 */
export interface OwnerScope {
  companyId?: string | undefined;
  regionPrefix?: string | undefined;
}

const coalesce = (...expressions: string[]): string => (expressions.length === 1 ? (expressions[0] as string) : `COALESCE(${expressions.join(', ')})`);

/** The table above, as expressions over the aliases a query joins. */
export const OWNER_OF = {
  /** `c`: companies. */
  company: (c: string): OwnerColumns => ({ companyId: `${c}.company_id`, regionCode: `${c}.region_code` }),
  /** `v`: vehicles; `vc`: companies joined ON vc.company_id = v.company_id. */
  vehicle: (v: string, vc: string): OwnerColumns => ({ companyId: `${v}.company_id`, regionCode: coalesce(`${v}.region_code`, `${vc}.region_code`) }),
  /** The vehicle's owner (`OWNER_OF.vehicle`, NULL when it is not registered), else the record's own copy. */
  vehicleRecord: (vehicle: OwnerColumns, copy: OwnerColumns): OwnerColumns => ({
    companyId: coalesce(vehicle.companyId, copy.companyId),
    regionCode: coalesce(vehicle.regionCode, copy.regionCode),
  }),
  /** `s`: the weighing's wim_stations row (LEFT JOIN); `vehicle`: the weighed vehicle's owner. */
  weighing: (s: string, vehicle: OwnerColumns): OwnerColumns => ({
    companyId: vehicle.companyId,
    regionCode: coalesce(`${s}.region_code`, vehicle.regionCode),
  }),
  /** `p`: the place; `companyColumn`: its operating company's column, or none (a WIM station). */
  place: (p: string, companyColumn?: string): OwnerColumns => ({
    companyId: companyColumn ? `${p}.${companyColumn}` : 'NULL::text',
    regionCode: `${p}.region_code`,
  }),
  /** `t`: targeting_alerts. No company owns a lead: a company scope admits none. */
  targeting: (t: string): OwnerColumns => ({ companyId: 'NULL::text', regionCode: `${t}.region_code` }),
  /** `r`: approved_routes; `rc`: companies joined ON rc.company_id = r.company_id. */
  route: (r: string, rc: string): OwnerColumns => ({ companyId: `${r}.company_id`, regionCode: coalesce(`${r}.region_code`, `${rc}.region_code`) }),
} as const;

/** `OWNER_OF.vehicleRecord` in memory: the registry's owner field by field, else the record's copy. */
export const vehicleRecordOwner = (registry: Owner, copy: Owner): Owner => ({
  companyId: registry.companyId ?? copy.companyId,
  regionCode: registry.regionCode ?? copy.regionCode,
});

/**
 * The scope as an SQL condition over a row's owner expressions (`OWNER_OF`); appends its
 * parameters to `params`. `TRUE` when nothing is set.
 */
export const ownerScopeSql = (scope: OwnerScope | undefined, columns: OwnerColumns, params: unknown[]): string => {
  const where: string[] = [];
  if (scope?.companyId !== undefined) where.push(`${columns.companyId} = $${params.push(scope.companyId)}`);
  if (scope?.regionPrefix !== undefined) where.push(`${columns.regionCode} LIKE $${params.push(`${escapeLike(scope.regionPrefix)}%`)}`);
  return where.length ? where.join(' AND ') : 'TRUE';
};

/** `ownerScopeSql` in memory, for rows already loaded (the live feed). */
export const ownerAdmits = (scope: OwnerScope | undefined, owner: Owner): boolean => {
  if (scope?.companyId !== undefined && owner.companyId !== scope.companyId) return false;
  // As SQL's `NULL LIKE …`: a row without a region is outside every region scope.
  if (scope?.regionPrefix !== undefined && !(owner.regionCode?.startsWith(scope.regionPrefix) ?? false)) return false;
  return true;
};
