import type { CaseEventV1, OverloadViolationV1 } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { withinTransaction } from './outbox.repository';
import { chunked, msToTs, preparedQuery, tsToMs } from './sql';

type CaseParty = NonNullable<CaseEventV1['party']>;

export interface CaseRecord {
  caseId: string;
  violationId: string;
  vehicleId: string;
  plate?: string;
  companyId?: string;
  status: 'opened' | 'decided' | 'reported' | 'closed';
  openedAtMs: number;
  decidedAtMs?: number;
  reportedAtMs?: number;
  closedAtMs?: number;
  parties: { party: CaseParty; partyRef?: string; name?: string; licenceNo?: string; details: Record<string, unknown> }[];
  penalties: { party: CaseParty; status: 'proposed' | 'decided'; fineYuan?: number; points?: number; warning: boolean; measures: string[]; basis?: string }[];
  events: { eventId: string; type: CaseEventV1['type']; party?: CaseParty; occurredAtMs: number; details: Record<string, unknown> }[];
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const numOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/**
 * One statement per batch: the JSON array of the messages expanded by `json_to_recordset`;
 * the measurement's own columns are read out of its nested object, which is also kept whole.
 */
const INSERT_VIOLATIONS_SQL = `INSERT INTO overload_violations (violation_id, alert_id, vehicle_id, registered, company_id, measurement_id,
  station_id, plate, plate_colour, measured_at, gross_kg, limit_kg, limit_basis, max_permissible_error_kg, confirmed_gross_kg,
  excess_kg, overload_ratio, raw_ratio, is_bai_dun_wang, over_weight, over_dimensions, severity, decided_at, measurement)
SELECT r."violationId", r."alertId", r."vehicleId", r."registered", r."companyId", r."measurement"->>'measurementId',
  r."measurement"->>'stationId', r."measurement"->>'plate', (r."measurement"->>'plateColour')::int2,
  ${msToTs(`(r."measurement"->>'measuredAtMs')::float8`)}, (r."measurement"->>'grossKg')::float8, r."limitKg", r."limitBasis",
  r."maxPermissibleErrorKg", r."confirmedGrossKg", r."excessKg", r."overloadRatio", r."rawRatio", r."isBaiDunWang", r."overWeight",
  r."overDimensions", r."severity", ${msToTs('r."decidedAtMs"')}, r."measurement"
FROM json_to_recordset($1::json) AS r("violationId" text, "alertId" text, "vehicleId" text, "registered" boolean, "companyId" text,
  "measurement" jsonb, "limitKg" float8, "limitBasis" text, "maxPermissibleErrorKg" float8, "confirmedGrossKg" float8,
  "excessKg" float8, "overloadRatio" float8, "rawRatio" float8, "isBaiDunWang" boolean, "overWeight" boolean,
  "overDimensions" text[], "severity" text, "decidedAtMs" float8)
ON CONFLICT (violation_id) DO NOTHING`;

export class OverloadViolationRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Idempotent on violation_id; returns true when the violation is new. */
  async insert(v: OverloadViolationV1): Promise<boolean> {
    return (await this.insertMany([v])) > 0;
  }

  /** Idempotent on violation_id (also within the list): returns how many rows were new. */
  async insertMany(violations: readonly OverloadViolationV1[]): Promise<number> {
    let inserted = 0;
    for (const batch of chunked(violations, 2_000)) {
      inserted += (await this.pool.query(preparedQuery(this.pool, 'rw_violations_insert', INSERT_VIOLATIONS_SQL, [JSON.stringify(batch)]))).rowCount ?? 0;
    }
    return inserted;
  }

  /** Violations of one vehicle in the rolling window (repeat-offence counting, RULES.md §5). */
  async countForVehicle(vehicleId: string, fromMs: number, toMs: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM overload_violations
       WHERE vehicle_id = $1 AND measured_at >= ${msToTs('$2::float8')} AND measured_at < ${msToTs('$3::float8')}`,
      [vehicleId, fromMs, toMs],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

/**
 * 一超四罚 cases as a projection of their event log. Each CaseEventV1 is recorded once
 * (event id); only a newly recorded event changes the case, in the same transaction.
 * `details` keys read: party_named {partyRef, name, licenceNo}; penalty_proposed {fineYuan,
 * points, warning, measures, basis}.
 */
export class CaseRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Returns false when the event was already recorded (re-delivery). */
  async apply(event: CaseEventV1): Promise<boolean> {
    return withinTransaction(this.pool, async (client) => {
      const recorded = await client.query(
        `INSERT INTO case_events (event_id, case_id, type, violation_id, party, occurred_at, details)
         VALUES ($1, $2, $3, $4, $5, ${msToTs('$6::float8')}, $7) ON CONFLICT (event_id) DO NOTHING`,
        [event.eventId, event.caseId, event.type, event.violationId, event.party ?? null, event.occurredAtMs, JSON.stringify(event.details ?? {})],
      );
      if (!recorded.rowCount) return false;
      const at = event.occurredAtMs;
      const d = event.details ?? {};
      switch (event.type) {
        case 'opened': {
          const opened = await client.query(
            `INSERT INTO cases (case_id, violation_id, vehicle_id, plate, company_id, opened_at)
             SELECT $1, violation_id, vehicle_id, plate, company_id, ${msToTs('$3::float8')} FROM overload_violations WHERE violation_id = $2
             ON CONFLICT (case_id) DO NOTHING`,
            [event.caseId, event.violationId, at],
          );
          if (!opened.rowCount) {
            const exists = await client.query('SELECT 1 FROM cases WHERE case_id = $1', [event.caseId]);
            if (!exists.rowCount) throw new Error(`storage: case ${event.caseId} opened for unknown violation ${event.violationId}; store the violation first`);
          }
          break;
        }
        case 'party_named':
          await client.query(
            `INSERT INTO case_parties (case_id, party, party_ref, name, licence_no, details, named_at)
             VALUES ($1, $2, $3, $4, $5, $6, ${msToTs('$7::float8')})
             ON CONFLICT (case_id, party) DO UPDATE SET party_ref = EXCLUDED.party_ref, name = EXCLUDED.name,
               licence_no = EXCLUDED.licence_no, details = EXCLUDED.details, named_at = EXCLUDED.named_at`,
            [event.caseId, requireParty(event), str(d.partyRef), str(d.name), str(d.licenceNo), JSON.stringify(d), at],
          );
          break;
        case 'penalty_proposed':
          await client.query(
            `INSERT INTO case_penalties (case_id, party, fine_yuan, points, warning, measures, basis, proposed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, ${msToTs('$8::float8')})
             ON CONFLICT (case_id, party) DO UPDATE SET fine_yuan = EXCLUDED.fine_yuan, points = EXCLUDED.points,
               warning = EXCLUDED.warning, measures = EXCLUDED.measures, basis = EXCLUDED.basis,
               proposed_at = EXCLUDED.proposed_at, status = 'proposed', decided_at = NULL`,
            [
              event.caseId,
              requireParty(event),
              numOrNull(d.fineYuan),
              numOrNull(d.points),
              d.warning === true,
              Array.isArray(d.measures) ? d.measures.map(String) : [],
              str(d.basis),
              at,
            ],
          );
          break;
        case 'decided':
          await client.query(`UPDATE cases SET status = 'decided', decided_at = ${msToTs('$2::float8')}, updated_at = now() WHERE case_id = $1`, [
            event.caseId,
            at,
          ]);
          await client.query(`UPDATE case_penalties SET status = 'decided', decided_at = ${msToTs('$2::float8')} WHERE case_id = $1`, [event.caseId, at]);
          // The officer's adjusted fines stand in the event (the record of truth on replay).
          for (const decided of Array.isArray(d.penalties) ? (d.penalties as Record<string, unknown>[]) : []) {
            if (decided['adjusted'] !== true || typeof decided['party'] !== 'string') continue;
            await client.query('UPDATE case_penalties SET fine_yuan = $3 WHERE case_id = $1 AND party = $2', [
              event.caseId,
              decided['party'],
              numOrNull(decided['fineYuan']),
            ]);
          }
          break;
        case 'reported':
          await client.query(`UPDATE cases SET status = 'reported', reported_at = ${msToTs('$2::float8')}, updated_at = now() WHERE case_id = $1`, [
            event.caseId,
            at,
          ]);
          break;
        case 'closed':
          await client.query(`UPDATE cases SET status = 'closed', closed_at = ${msToTs('$2::float8')}, updated_at = now() WHERE case_id = $1`, [
            event.caseId,
            at,
          ]);
          break;
      }
      return true;
    });
  }

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const c = (await this.pool.query('SELECT * FROM cases WHERE case_id = $1', [caseId])).rows[0];
    if (!c) return undefined;
    const parties = (await this.pool.query('SELECT * FROM case_parties WHERE case_id = $1 ORDER BY party', [caseId])).rows;
    const penalties = (await this.pool.query('SELECT * FROM case_penalties WHERE case_id = $1 ORDER BY party', [caseId])).rows;
    const events = (await this.pool.query('SELECT * FROM case_events WHERE case_id = $1 ORDER BY occurred_at, recorded_at', [caseId])).rows;
    const record: CaseRecord = {
      caseId: c.case_id,
      violationId: c.violation_id,
      vehicleId: c.vehicle_id,
      status: c.status,
      openedAtMs: c.opened_at.getTime(),
      parties: parties.map((p) => ({
        party: p.party,
        partyRef: p.party_ref ?? undefined,
        name: p.name ?? undefined,
        licenceNo: p.licence_no ?? undefined,
        details: p.details,
      })),
      penalties: penalties.map((p) => ({
        party: p.party,
        status: p.status,
        fineYuan: p.fine_yuan ?? undefined,
        points: p.points ?? undefined,
        warning: p.warning,
        measures: p.measures,
        basis: p.basis ?? undefined,
      })),
      events: events.map((e) => ({
        eventId: e.event_id,
        type: e.type,
        party: e.party ?? undefined,
        occurredAtMs: e.occurred_at.getTime(),
        details: e.details,
      })),
    };
    if (c.plate) record.plate = c.plate;
    if (c.company_id) record.companyId = c.company_id;
    const decided = tsToMs(c.decided_at);
    if (decided !== undefined) record.decidedAtMs = decided;
    const reported = tsToMs(c.reported_at);
    if (reported !== undefined) record.reportedAtMs = reported;
    const closed = tsToMs(c.closed_at);
    if (closed !== undefined) record.closedAtMs = closed;
    return record;
  }
}

const requireParty = (event: CaseEventV1): CaseParty => {
  if (!event.party) throw new Error(`storage: case event ${event.eventId} (${event.type}) names no party`);
  return event.party;
};

/** A prior confirmed 超限 violation as the 一超四罚 repeat rules count it (RULES.md §5). */
export interface CasePriorViolation {
  violationId: string;
  occurredAtMs: number;
  vehicleId: string;
  companyId?: string;
  driverId?: string;
}

export interface CaseSourceSite {
  sourceSiteId: string;
  name: string;
  companyId?: string;
  companyName?: string;
  licenceNo?: string;
  regionCode?: string;
  address?: string;
}

export interface CaseCompany {
  companyId: string;
  name: string;
  licenceNo?: string;
  regionCode?: string;
  /** Vehicles the registry lists under the company (the 10% line's denominator). */
  fleetSize: number;
}

/**
 * The history a 一超四罚 case is proposed on (services/cases): prior violations of the
 * vehicle, driver and company in a window, the company with its fleet size, the source
 * site, the source unit's decided penalties. Read-only.
 */
export class CaseHistoryRepository {
  constructor(private readonly pool: StoragePool) {}

  /**
   * Confirmed violations measured in (fromMs, toMs] of the vehicle, of the company, or whose
   * case names the driver; the driver of each comes from its case's driver party.
   */
  async priorViolations(q: { vehicleId: string; companyId?: string; driverId?: string; fromMs: number; toMs: number }): Promise<CasePriorViolation[]> {
    const { rows } = await this.pool.query(
      `SELECT v.violation_id, v.vehicle_id, v.company_id, v.measured_at, p.party_ref AS driver_id
       FROM overload_violations v
       LEFT JOIN cases c ON c.violation_id = v.violation_id
       LEFT JOIN case_parties p ON p.case_id = c.case_id AND p.party = 'driver'
       WHERE v.measured_at > ${msToTs('$4::float8')} AND v.measured_at <= ${msToTs('$5::float8')}
         AND (v.vehicle_id = $1 OR ($2::text IS NOT NULL AND v.company_id = $2) OR ($3::text IS NOT NULL AND p.party_ref = $3))
       ORDER BY v.measured_at`,
      [q.vehicleId, q.companyId ?? null, q.driverId ?? null, q.fromMs, q.toMs],
    );
    return rows.map((r) => {
      const prior: CasePriorViolation = { violationId: r.violation_id, vehicleId: r.vehicle_id, occurredAtMs: (r.measured_at as Date).getTime() };
      if (r.company_id) prior.companyId = r.company_id;
      if (r.driver_id) prior.driverId = r.driver_id;
      return prior;
    });
  }

  async company(companyId: string): Promise<CaseCompany | undefined> {
    const { rows } = await this.pool.query(
      `SELECT c.company_id, c.name, c.licence_no, c.region_code, (SELECT count(*) FROM vehicles v WHERE v.company_id = c.company_id) AS fleet
       FROM companies c WHERE c.company_id = $1`,
      [companyId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const company: CaseCompany = { companyId: r.company_id, name: r.name, fleetSize: Number(r.fleet) };
    if (r.licence_no) company.licenceNo = r.licence_no;
    if (r.region_code) company.regionCode = r.region_code;
    return company;
  }

  async sourceSite(sourceSiteId: string): Promise<CaseSourceSite | undefined> {
    const { rows } = await this.pool.query(
      `SELECT s.*, c.name AS company_name, c.licence_no FROM source_sites s LEFT JOIN companies c ON c.company_id = s.company_id WHERE s.source_site_id = $1`,
      [sourceSiteId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const site: CaseSourceSite = { sourceSiteId: r.source_site_id, name: r.name };
    for (const [key, value] of [
      ['companyId', r.company_id],
      ['companyName', r.company_name],
      ['licenceNo', r.licence_no],
      ['regionCode', r.region_code],
      ['address', r.address],
    ] as const) {
      if (value) site[key] = value;
    }
    return site;
  }

  /** Decided source-unit penalties of the unit (party ref) decided in (fromMs, toMs]. */
  async sourceUnitPenalties(sourceUnitId: string, fromMs: number, toMs: number): Promise<{ sourceUnitId: string; decidedAtMs: number; fineYuan: number }[]> {
    const { rows } = await this.pool.query(
      `SELECT k.decided_at, k.fine_yuan FROM case_penalties k JOIN case_parties p ON p.case_id = k.case_id AND p.party = 'source_unit'
       WHERE k.party = 'source_unit' AND k.status = 'decided' AND p.party_ref = $1
         AND k.decided_at > ${msToTs('$2::float8')} AND k.decided_at <= ${msToTs('$3::float8')}`,
      [sourceUnitId, fromMs, toMs],
    );
    return rows.map((r) => ({ sourceUnitId, decidedAtMs: (r.decided_at as Date).getTime(), fineYuan: Number(r.fine_yuan ?? 0) }));
  }
}
