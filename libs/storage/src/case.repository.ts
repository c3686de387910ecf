import type { CaseEventV1, OverloadViolationV1 } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { inTransaction, msToTs, tsToMs } from './sql';

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

export class OverloadViolationRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Idempotent on violation_id; returns true when the violation is new. */
  async insert(v: OverloadViolationV1): Promise<boolean> {
    const m = v.measurement;
    const result = await this.pool.query(
      `INSERT INTO overload_violations (violation_id, alert_id, vehicle_id, registered, company_id, measurement_id, station_id, plate,
         plate_colour, measured_at, gross_kg, limit_kg, limit_basis, max_permissible_error_kg, confirmed_gross_kg, excess_kg,
         overload_ratio, raw_ratio, is_bai_dun_wang, over_weight, over_dimensions, severity, decided_at, measurement)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ${msToTs('$10::float8')}, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
         $22, ${msToTs('$23::float8')}, $24)
       ON CONFLICT (violation_id) DO NOTHING`,
      [v.violationId, v.alertId, v.vehicleId, v.registered, v.companyId ?? null, m.measurementId, m.stationId, m.plate, m.plateColour,
        m.measuredAtMs, m.grossKg, v.limitKg, v.limitBasis, v.maxPermissibleErrorKg, v.confirmedGrossKg, v.excessKg, v.overloadRatio,
        v.rawRatio, v.isBaiDunWang, v.overWeight, v.overDimensions, v.severity, v.decidedAtMs, JSON.stringify(m)],
    );
    return (result.rowCount ?? 0) > 0;
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
    return inTransaction(this.pool, async (client) => {
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
            [event.caseId, requireParty(event), numOrNull(d.fineYuan), numOrNull(d.points), d.warning === true,
              Array.isArray(d.measures) ? d.measures.map(String) : [], str(d.basis), at],
          );
          break;
        case 'decided':
          await client.query(`UPDATE cases SET status = 'decided', decided_at = ${msToTs('$2::float8')}, updated_at = now() WHERE case_id = $1`, [event.caseId, at]);
          await client.query(`UPDATE case_penalties SET status = 'decided', decided_at = ${msToTs('$2::float8')} WHERE case_id = $1`, [event.caseId, at]);
          break;
        case 'reported':
          await client.query(`UPDATE cases SET status = 'reported', reported_at = ${msToTs('$2::float8')}, updated_at = now() WHERE case_id = $1`, [event.caseId, at]);
          break;
        case 'closed':
          await client.query(`UPDATE cases SET status = 'closed', closed_at = ${msToTs('$2::float8')}, updated_at = now() WHERE case_id = $1`, [event.caseId, at]);
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
      caseId: c.case_id, violationId: c.violation_id, vehicleId: c.vehicle_id, status: c.status, openedAtMs: c.opened_at.getTime(),
      parties: parties.map((p) => ({ party: p.party, partyRef: p.party_ref ?? undefined, name: p.name ?? undefined, licenceNo: p.licence_no ?? undefined, details: p.details })),
      penalties: penalties.map((p) => ({
        party: p.party, status: p.status, fineYuan: p.fine_yuan ?? undefined, points: p.points ?? undefined, warning: p.warning,
        measures: p.measures, basis: p.basis ?? undefined,
      })),
      events: events.map((e) => ({ eventId: e.event_id, type: e.type, party: e.party ?? undefined, occurredAtMs: e.occurred_at.getTime(), details: e.details })),
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
