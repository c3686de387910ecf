import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { msToTs, num, tsToMs, undef, type Queryable } from './sql';

export interface CaseListFilter {
  status?: readonly string[] | undefined;
  /** A party reference: driver id, vehicle id, company id or source site id. */
  party?: string | undefined;
  companyId?: string | undefined;
  plate?: string | undefined;
  /** Weighed in [fromMs, toMs). */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  limit: number;
  offset: number;
}

/** A case with its weighing and its owner as the list and the detail show them. */
export interface CaseListRow {
  caseId: string;
  violationId: string;
  vehicleId: string;
  plate: string | undefined;
  /** The vehicle's owner: the registry's, else the case's own copy. */
  ownerCompanyId: string | undefined;
  ownerRegionCode: string | undefined;
  status: string;
  openedAtMs: number;
  decidedAtMs: number | undefined;
  reportedAtMs: number | undefined;
  closedAtMs: number | undefined;
  measuredAtMs: number | undefined;
  stationId: string | undefined;
  measuredGrossKg: number | undefined;
  confirmedGrossKg: number | undefined;
  excessKg: number | undefined;
  limitKg: number | undefined;
  limitBasis: string | undefined;
  isBaiDunWang: boolean;
  flaggedForReview: boolean;
  vehicleOwnerFineYuan: number | undefined;
}

interface CaseDbRow {
  case_id: string;
  violation_id: string;
  vehicle_id: string;
  plate: string | null;
  owner_company: string | null;
  owner_region: string | null;
  status: string;
  opened_at: Date;
  decided_at: Date | null;
  reported_at: Date | null;
  closed_at: Date | null;
  measured_at: Date | null;
  station_id: string | null;
  gross_kg: number | string | null;
  confirmed_gross_kg: number | string | null;
  excess_kg: number | string | null;
  limit_kg: number | string | null;
  limit_basis: string | null;
  is_bai_dun_wang: boolean | null;
  flagged: boolean | null;
  owner_fine: number | string | null;
}

// The registry is the authority on who owns a vehicle; the case's own copy covers the rest.
// The case shows the vehicle's owner; it is scoped as the weighing it came from (the
// station's region, else the vehicle's): the station's authority decides it.
const VEHICLE_OWNER = OWNER_OF.vehicleRecord(OWNER_OF.vehicle('v', 'vc'), { companyId: 'k.company_id', regionCode: 'kc.region_code' });
const OWNER = OWNER_OF.weighing('s', VEHICLE_OWNER);

const SELECT = `
  SELECT k.case_id, k.violation_id, k.vehicle_id, k.plate, k.status, k.opened_at, k.decided_at, k.reported_at, k.closed_at,
         ${VEHICLE_OWNER.companyId} AS owner_company, ${VEHICLE_OWNER.regionCode} AS owner_region,
         o.measured_at, o.station_id, o.confirmed_gross_kg, o.excess_kg, o.is_bai_dun_wang, o.gross_kg, o.limit_kg, o.limit_basis,
         pen.fine_yuan AS owner_fine, COALESCE((ev.details->>'flaggedForReview')::boolean, false) AS flagged
  FROM cases k
  JOIN overload_violations o ON o.violation_id = k.violation_id
  LEFT JOIN vehicles v ON v.vehicle_id = k.vehicle_id
  LEFT JOIN companies vc ON vc.company_id = v.company_id
  LEFT JOIN companies kc ON kc.company_id = k.company_id
  LEFT JOIN wim_stations s ON s.station_id = o.station_id
  LEFT JOIN case_penalties pen ON pen.case_id = k.case_id AND pen.party = 'vehicle_owner'
  LEFT JOIN case_events ev ON ev.case_id = k.case_id AND ev.type = 'opened'`;

const rowOf = (r: CaseDbRow): CaseListRow => ({
  caseId: r.case_id,
  violationId: r.violation_id,
  vehicleId: r.vehicle_id,
  plate: undef(r.plate),
  ownerCompanyId: undef(r.owner_company),
  ownerRegionCode: undef(r.owner_region),
  status: r.status,
  openedAtMs: r.opened_at.getTime(),
  decidedAtMs: tsToMs(r.decided_at),
  reportedAtMs: tsToMs(r.reported_at),
  closedAtMs: tsToMs(r.closed_at),
  measuredAtMs: tsToMs(r.measured_at),
  stationId: undef(r.station_id),
  measuredGrossKg: num(r.gross_kg),
  confirmedGrossKg: num(r.confirmed_gross_kg),
  excessKg: num(r.excess_kg),
  limitKg: num(r.limit_kg),
  limitBasis: undef(r.limit_basis),
  isBaiDunWang: r.is_bai_dun_wang === true,
  flaggedForReview: r.flagged === true,
  vehicleOwnerFineYuan: num(r.owner_fine),
});

/**
 * 一超四罚 cases as the API lists and shows them, scoped as the weighing they came from
 * (`OWNER_OF.weighing`: the station's region, else the vehicle's; a company its own
 * vehicles'). Read-only: the case lifecycle (libs/case-lifecycle) writes the case tables.
 */
export class CaseReadModel {
  constructor(private readonly db: Queryable) {}

  async list(scope: OwnerScope, f: CaseListFilter): Promise<CaseListRow[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(scope, OWNER, params)];
    if (f.status?.length) where.push(`k.status = ANY($${params.push(f.status)})`);
    if (f.party) where.push(`EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = k.case_id AND p.party_ref = $${params.push(f.party)})`);
    if (f.companyId) where.push(`${OWNER.companyId} = $${params.push(f.companyId)}`);
    if (f.plate) where.push(`k.plate = $${params.push(f.plate)}`);
    if (f.fromMs !== undefined) where.push(`o.measured_at >= ${msToTs(`$${params.push(f.fromMs)}::float8`)}`);
    if (f.toMs !== undefined) where.push(`o.measured_at < ${msToTs(`$${params.push(f.toMs)}::float8`)}`);
    const { rows } = await this.db.query<CaseDbRow>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY k.opened_at DESC, k.case_id LIMIT $${params.push(f.limit)} OFFSET $${params.push(f.offset)}`,
      params,
    );
    return rows.map(rowOf);
  }

  /** Undefined when the case does not exist or the scope does not admit it. */
  async get(scope: OwnerScope, caseId: string): Promise<CaseListRow | undefined> {
    const params: unknown[] = [caseId];
    const { rows } = await this.db.query<CaseDbRow>(`${SELECT} WHERE k.case_id = $1 AND ${ownerScopeSql(scope, OWNER, params)}`, params);
    return rows[0] ? rowOf(rows[0]) : undefined;
  }
}
