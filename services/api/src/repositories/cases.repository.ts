import type { CaseDetail, CaseListItem } from '@roadwatch/contracts';
import { article44ReportDeadline, type PenaltyConfig } from '@roadwatch/rules';
import { CaseRepository, OWNER_OF, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact, ms, num, str, TS } from './rows';

export interface CaseListQuery {
  status?: string[] | undefined;
  /** A party reference: driver id, vehicle id, company id or source site id. */
  party?: string | undefined;
  companyId?: string | undefined;
  plate?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  limit: number;
  offset: number;
}

// The registry is the authority on who owns a vehicle; the case's own copy covers the rest.
// The case shows the vehicle's owner; it is scoped as the weighing it came from (the
// station's region, else the vehicle's): the station's authority decides it.
const VEHICLE_OWNER = OWNER_OF.vehicleRecord(OWNER_OF.vehicle('v', 'vc'), { companyId: 'k.company_id', regionCode: 'kc.region_code' });
const OWNER = OWNER_OF.weighing('s', VEHICLE_OWNER);

const SELECT = `
  SELECT k.*, ${VEHICLE_OWNER.companyId} AS owner_company, ${VEHICLE_OWNER.regionCode} AS owner_region,
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg row
const itemOf = (r: any): CaseListItem =>
  compact({
    caseId: r.case_id,
    violationId: r.violation_id,
    vehicleId: r.vehicle_id,
    plate: str(r.plate),
    companyId: str(r.owner_company),
    regionCode: str(r.owner_region),
    status: r.status,
    openedAtMs: ms(r.opened_at) as number,
    decidedAtMs: ms(r.decided_at),
    reportedAtMs: ms(r.reported_at),
    closedAtMs: ms(r.closed_at),
    measuredAtMs: ms(r.measured_at),
    stationId: str(r.station_id),
    confirmedGrossKg: num(r.confirmed_gross_kg),
    excessKg: num(r.excess_kg),
    isBaiDunWang: r.is_bai_dun_wang === true,
    flaggedForReview: r.flagged === true,
    vehicleOwnerFineYuan: num(r.owner_fine),
  }) as CaseListItem;

const detailsOf = (events: CaseDetail['events'], type: string, party?: string): Record<string, unknown> =>
  events.find((e) => e.type === type && (party === undefined || e.party === party))?.details ?? {};

/**
 * 一超四罚 cases for the API, scoped as every other resource (`Scope`, `OWNER_OF.weighing`): an
 * operator or enforcement user with a region sees the cases weighed at its region's stations
 * (a station without a region: the vehicle's region), a company user its own vehicles' cases.
 * Outside the scope is "not found", reads and writes alike. Read-only: every state change
 * is a use case of @roadwatch/case-lifecycle (`ApiContext.caseCommands`).
 */
export class CasesRepository {
  private readonly store: CaseRepository;

  constructor(
    private readonly pool: StoragePool,
    private readonly penaltyConfig: PenaltyConfig,
  ) {
    this.store = new CaseRepository(pool);
  }

  async list(scope: Scope, q: CaseListQuery): Promise<CaseListItem[]> {
    const params: unknown[] = [];
    const where = [scope.sql(OWNER, params)];
    if (q.status?.length) where.push(`k.status = ANY($${params.push(q.status)})`);
    if (q.party) where.push(`EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = k.case_id AND p.party_ref = $${params.push(q.party)})`);
    if (q.companyId) where.push(`${OWNER.companyId} = $${params.push(q.companyId)}`);
    if (q.plate) where.push(`k.plate = $${params.push(q.plate)}`);
    if (q.fromMs !== undefined) where.push(`o.measured_at >= ${TS(`$${params.push(q.fromMs)}`)}`);
    if (q.toMs !== undefined) where.push(`o.measured_at < ${TS(`$${params.push(q.toMs)}`)}`);
    const { rows } = await this.pool.query(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY k.opened_at DESC, k.case_id LIMIT $${params.push(q.limit)} OFFSET $${params.push(q.offset)}`,
      params,
    );
    return rows.map(itemOf);
  }

  /** Undefined when the case does not exist or the scope does not admit it (404 either way). */
  async get(scope: Scope, caseId: string): Promise<CaseDetail | undefined> {
    const params: unknown[] = [caseId];
    const { rows } = await this.pool.query(`${SELECT} WHERE k.case_id = $1 AND ${scope.sql(OWNER, params)}`, params);
    const row = rows[0];
    if (!row) return undefined;
    const record = await this.store.get(caseId);
    if (!record) return undefined;
    const events: CaseDetail['events'] = record.events.map((e) => compact({ ...e, party: e.party }) as CaseDetail['events'][number]);
    const opened = detailsOf(events, 'opened');
    const penalties: CaseDetail['penalties'] = record.penalties.map((p) => {
      const proposal = detailsOf(events, 'penalty_proposed', p.party);
      return compact({
        party: p.party,
        status: p.status,
        fineYuan: p.fineYuan,
        minYuan: num(proposal['minYuan']),
        maxYuan: num(proposal['maxYuan']),
        ranges: Array.isArray(proposal['ranges']) ? (proposal['ranges'] as CaseDetail['penalties'][number]['ranges']) : undefined,
        points: p.points,
        warning: p.warning,
        measures: p.measures,
        basis: p.basis,
        basisEn: str(proposal['basisEn']),
        consequence: typeof proposal['consequence'] === 'string' ? proposal['consequence'] : null,
        consequenceEn: str(proposal['consequenceEn']),
      }) as CaseDetail['penalties'][number];
    });
    const deadline = record.decidedAtMs !== undefined ? article44ReportDeadline(record.decidedAtMs, this.penaltyConfig) : null;
    return {
      ...itemOf(row),
      ...compact({ limitKg: num(row.limit_kg), limitBasis: str(row.limit_basis), measuredGrossKg: num(row.gross_kg) }),
      parties: record.parties.map((p) =>
        compact({ party: p.party, identified: p.details['identified'] !== false, partyRef: p.partyRef, name: p.name, licenceNo: p.licenceNo, details: p.details }) as CaseDetail['parties'][number],
      ),
      penalties,
      repeatConsequences: penalties
        .filter((p) => typeof p.consequence === 'string')
        .map((p) => compact({ party: p.party, consequence: p.consequence as string, consequenceEn: p.consequenceEn ?? undefined }) as CaseDetail['repeatConsequences'][number]),
      blacklistCandidates: (opened['blacklistCandidates'] as CaseDetail['blacklistCandidates'] | undefined) ?? [],
      reviewRecommendations: (opened['reviewRecommendations'] as CaseDetail['reviewRecommendations'] | undefined) ?? [],
      reportDeadline: deadline && { decisionDate: deadline.decisionDate, dueDate: deadline.dueDate, workingDays: deadline.workingDays, basis: deadline.basis, basisEn: deadline.basisEn },
      events,
    };
  }
}
