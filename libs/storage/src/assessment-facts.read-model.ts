import { chinaDateOf } from '@roadwatch/domain';
import { fatigueOverLimitMs, type AssessmentFacts, type HandlingFacts, type OverLimitStretch } from '@roadwatch/rules';
import { msToTs, tsToMs, type Queryable } from './sql';

/** A company's facts for one period, with the region it is compared within (its registry region). */
export interface CompanyAssessmentFacts {
  companyId: string;
  regionCode: string | undefined;
  facts: AssessmentFacts;
}

/** An authority platform's facts: every vehicle of the region pooled (§15). */
export interface PlatformAssessmentFacts {
  regionCode: string;
  facts: AssessmentFacts;
}

export interface AssessmentFactsForPeriod {
  /** The 运政 list the period used (`yyyy-mm-01`): the latest imported at or before the period's last month; undefined when none. */
  listMonth: string | undefined;
  companies: CompanyAssessmentFacts[];
  platforms: PlatformAssessmentFacts[];
}

interface VehicleDbRow {
  vehicle_id: string | null;
  company_id: string | null;
  company_region: string | null;
  region_code: string | null;
  networked: boolean;
  received: string | null;
  valid: string | null;
  drift: string | null;
  track_m: string | null;
  complete_track_m: string | null;
  episodes: string | null;
}

const FATIGUE_RULES = ['fatigue_continuous', 'fatigue_night', 'fatigue_daily'];
/** A fatigue violation's driving can start well before its limit (the 24 h rule): how far back its start is looked for. */
const FATIGUE_LOOKBACK = "interval '3 days'";

const emptyFacts = (): AssessmentFacts => ({
  operatingVehicles: 0,
  networkedVehicles: 0,
  onlineVehicles: 0,
  driftVehicles: 0,
  receivedRecords: 0,
  validRecords: 0,
  trackM: 0,
  completeTrackM: 0,
  speedingEpisodes: 0,
  fatigueOverLimitMs: 0,
  inspectionsSent: 0,
  inspectionsAnsweredInTime: 0,
});

/**
 * What the 考核 reads from what the platform recorded (RULES.md §10 with §6, §15), per company
 * and per region over a period [fromMs, toMs) of whole local days: the month-end 运政 list (not
 * 报停) joined to the registry by plate and colour; 入网 = a terminal bound to the vehicle; online
 * = ≥ 1 valid record (`vehicle_quality_daily.valid`); records and km pooled; speeding episodes
 * started in the period, one per alert id, every band; fatigue time over the limit; 查岗 whose
 * window ends in the period. An alert the handling workflow marked withdrawn counts nowhere.
 */
export class AssessmentFactsReadModel {
  constructor(private readonly db: Queryable) {}

  async forPeriod(fromMs: number, toMs: number): Promise<AssessmentFactsForPeriod> {
    const fromDate = chinaDateOf(fromMs);
    const lastDate = chinaDateOf(toMs - 1);
    const list = await this.db.query<{ m: string | null }>(
      `SELECT to_char(max(list_month), 'YYYY-MM-DD') AS m FROM operating_vehicles WHERE list_month <= date_trunc('month', $1::date)`,
      [lastDate],
    );
    const listMonth = list.rows[0]?.m ?? undefined;
    const vehicles = await this.db.query<VehicleDbRow>(
      `WITH fleet AS (
         SELECT v.vehicle_id, coalesce(o.company_id, v.company_id) AS company_id,
                coalesce(o.region_code, v.region_code, c.region_code) AS region_code,
                v.vehicle_id IS NOT NULL AND EXISTS (SELECT 1 FROM terminals t WHERE t.vehicle_id = v.vehicle_id) AS networked
         FROM operating_vehicles o
         LEFT JOIN vehicles v ON v.plate = o.plate AND v.plate_colour = o.plate_colour
         LEFT JOIN companies c ON c.company_id = coalesce(o.company_id, v.company_id)
         WHERE o.list_month = $1::date AND NOT o.suspended
       ), quality AS (
         SELECT q.vehicle_id, sum(q.received) AS received, sum(q.valid) AS valid, sum(q.drift) AS drift,
                sum(q.track_m) AS track_m, sum(q.complete_track_m) AS complete_track_m
         FROM vehicle_quality_daily q
         WHERE q.day >= $2::date AND q.day <= $3::date AND q.vehicle_id IN (SELECT vehicle_id FROM fleet WHERE networked)
         GROUP BY q.vehicle_id
       ), episodes AS (
         SELECT a.vehicle_id, count(DISTINCT a.alert_id) AS n FROM alerts a
         WHERE a.rule = 'speeding' AND a.level = 'violation' AND a.started_at >= ${msToTs('$4::float8')} AND a.started_at < ${msToTs('$5::float8')}
           AND a.vehicle_id IN (SELECT vehicle_id FROM fleet WHERE networked)
           AND NOT EXISTS (SELECT 1 FROM alert_handling h WHERE h.alert_id = a.alert_id AND h.withdrawn)
         GROUP BY a.vehicle_id
       )
       SELECT f.vehicle_id, f.company_id, c.region_code AS company_region, f.region_code, f.networked,
              q.received, q.valid, q.drift, q.track_m, q.complete_track_m, e.n AS episodes
       FROM fleet f LEFT JOIN companies c ON c.company_id = f.company_id
         LEFT JOIN quality q ON f.networked AND q.vehicle_id = f.vehicle_id
         LEFT JOIN episodes e ON f.networked AND e.vehicle_id = f.vehicle_id`,
      [listMonth ?? '1900-01-01', fromDate, lastDate, fromMs, toMs],
    );
    const fatigue = await this.db.query<{ vehicle_id: string; from_at: Date; to_at: Date }>(
      `SELECT a.vehicle_id, coalesce(a.limit_passed_at, a.first_raised_at, a.raised_at) AS from_at, coalesce(a.ended_at, a.raised_at) AS to_at
       FROM alerts a
       WHERE a.rule = ANY($1::text[]) AND a.level = 'violation'
         AND a.started_at >= ${msToTs('$2::float8')} - ${FATIGUE_LOOKBACK} AND a.started_at < ${msToTs('$3::float8')}
         AND coalesce(a.ended_at, a.raised_at) > ${msToTs('$2::float8')}
         AND NOT EXISTS (SELECT 1 FROM alert_handling h WHERE h.alert_id = a.alert_id AND h.withdrawn)`,
      [FATIGUE_RULES, fromMs, toMs],
    );
    const inspections = await this.db.query<{ company_id: string; sent: string; answered: string }>(
      `SELECT company_id, count(*) AS sent, count(*) FILTER (WHERE answered_at IS NOT NULL AND answered_at <= window_ends_at) AS answered
       FROM inspection_recipients WHERE window_ends_at >= ${msToTs('$1::float8')} AND window_ends_at < ${msToTs('$2::float8')}
       GROUP BY company_id`,
      [fromMs, toMs],
    );
    const companies = await this.db.query<{ company_id: string; region_code: string | null }>(
      `SELECT company_id, region_code FROM companies WHERE kind = 'transport' ORDER BY company_id`,
    );

    const companyFacts = new Map<string, CompanyAssessmentFacts>();
    const companyOf = (companyId: string, regionCode: string | null | undefined): CompanyAssessmentFacts => {
      let found = companyFacts.get(companyId);
      if (!found) companyFacts.set(companyId, (found = { companyId, regionCode: regionCode ?? undefined, facts: emptyFacts() }));
      return found;
    };
    for (const c of companies.rows) companyOf(c.company_id, c.region_code);
    const platformFacts = new Map<string, PlatformAssessmentFacts>();
    const platformOf = (regionCode: string): PlatformAssessmentFacts => {
      let found = platformFacts.get(regionCode);
      if (!found) platformFacts.set(regionCode, (found = { regionCode, facts: emptyFacts() }));
      return found;
    };

    const subjectsOfVehicle = new Map<string, AssessmentFacts[]>();
    const stretchesBySubject = new Map<AssessmentFacts, OverLimitStretch[]>();
    for (const row of vehicles.rows) {
      const subjects = [
        ...(row.company_id ? [companyOf(row.company_id, row.company_region).facts] : []),
        ...(row.region_code ? [platformOf(row.region_code).facts] : []),
      ];
      const valid = Number(row.valid ?? 0);
      const online = row.networked && valid > 0;
      for (const facts of subjects) {
        facts.operatingVehicles += 1;
        if (!row.networked) continue;
        facts.networkedVehicles += 1;
        facts.receivedRecords += Number(row.received ?? 0);
        facts.validRecords += valid;
        facts.trackM += Number(row.track_m ?? 0);
        facts.completeTrackM += Number(row.complete_track_m ?? 0);
        facts.speedingEpisodes += Number(row.episodes ?? 0);
        if (online) facts.onlineVehicles += 1;
        if (online && Number(row.drift ?? 0) > 0) facts.driftVehicles += 1;
      }
      if (row.networked && row.vehicle_id) subjectsOfVehicle.set(row.vehicle_id, subjects);
    }
    for (const stretch of fatigue.rows) {
      for (const facts of subjectsOfVehicle.get(stretch.vehicle_id) ?? []) {
        const list = stretchesBySubject.get(facts) ?? [];
        list.push({ vehicleId: stretch.vehicle_id, fromMs: stretch.from_at.getTime(), toMs: stretch.to_at.getTime() });
        stretchesBySubject.set(facts, list);
      }
    }
    for (const [facts, stretches] of stretchesBySubject) facts.fatigueOverLimitMs = fatigueOverLimitMs(stretches, fromMs, toMs);
    for (const row of inspections.rows) {
      const { facts } = companyOf(row.company_id, undefined);
      facts.inspectionsSent = Number(row.sent);
      facts.inspectionsAnsweredInTime = Number(row.answered);
    }
    const byId = <T>(items: Iterable<T>, id: (item: T) => string): T[] => [...items].sort((a, b) => id(a).localeCompare(id(b)));
    return {
      listMonth,
      companies: byId(companyFacts.values(), (c) => c.companyId),
      platforms: byId(platformFacts.values(), (p) => p.regionCode),
    };
  }

  /**
   * The `alert_handling` rows that can be due in [fromMs, toMs), by company: deadlines inside
   * it, and rejected appeals whose fresh window (at most the 24 h one) may land inside it.
   */
  async handlingRows(fromMs: number, toMs: number): Promise<Map<string, HandlingFacts[]>> {
    const { rows } = await this.db.query<{
      alert_id: string;
      company_id: string;
      due: boolean;
      withdrawn: boolean;
      first_notified_at: Date | null;
      deadline_at: Date | null;
      handled_at: Date | null;
      appeal_state: HandlingFacts['appealState'] | null;
      appeal_filed_at: Date | null;
      appeal_decided_at: Date | null;
    }>(
      `SELECT alert_id, company_id, due, withdrawn, first_notified_at, deadline_at, handled_at, appeal_state, appeal_filed_at, appeal_decided_at
       FROM alert_handling
       WHERE deadline_at < ${msToTs('$2::float8')}
         AND (deadline_at >= ${msToTs('$1::float8')} OR (appeal_state = 'rejected' AND appeal_decided_at >= ${msToTs('$1::float8')} - interval '2 days'))`,
      [fromMs, toMs],
    );
    const byCompany = new Map<string, HandlingFacts[]>();
    for (const r of rows) {
      const facts: HandlingFacts = {
        alertId: r.alert_id,
        due: r.due,
        withdrawn: r.withdrawn,
        firstNotifiedAtMs: tsToMs(r.first_notified_at),
        deadlineAtMs: tsToMs(r.deadline_at),
        handledAtMs: tsToMs(r.handled_at),
        appealState: r.appeal_state ?? undefined,
        appealFiledAtMs: tsToMs(r.appeal_filed_at),
        appealDecidedAtMs: tsToMs(r.appeal_decided_at),
      };
      const list = byCompany.get(r.company_id) ?? [];
      list.push(facts);
      byCompany.set(r.company_id, list);
    }
    return byCompany;
  }
}
