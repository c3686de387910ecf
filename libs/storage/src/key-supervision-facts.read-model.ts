import { DAY_MS, chinaDateOf, chinaMidnightMs } from '@roadwatch/domain';
import type {
  CompanyMonthScoreFact,
  FatigueViolationFact,
  SpeedingEpisodeFact,
  TamperingEpisodeFact,
  VehicleDayFact,
  VehicleKeySupervisionFacts,
} from '@roadwatch/rules';
import { msToTs, type Queryable } from './sql';

/** A vehicle's facts for the 重点监管 triggers, with its owner now (the entry's company and region). */
export interface VehicleKeySupervisionSubject {
  facts: VehicleKeySupervisionFacts;
  companyId?: string | undefined;
  regionCode?: string | undefined;
}

export interface CompanyKeySupervisionSubject {
  companyId: string;
  regionCode?: string | undefined;
  registeredVehicles: number;
  lastMonthScore?: CompanyMonthScoreFact | undefined;
}

const FATIGUE_RULES = ['fatigue_continuous', 'fatigue_night', 'fatigue_daily'];

/** Local dates (YYYY-MM-DD) whose end lies in (fromMs, toMs]: the whole days of the window. */
const wholeDaysIn = (fromMs: number, toMs: number): string[] => {
  const days: string[] = [];
  // The first day whose end is after fromMs is the day holding fromMs itself.
  for (let dayStart = chinaMidnightMs(fromMs); dayStart + DAY_MS <= toMs; dayStart += DAY_MS) days.push(chinaDateOf(dayStart));
  return days;
};

/**
 * What the 重点监管 job reads (RULES.md §10, §15), as the pure triggers of libs/rules take it:
 * speeding episodes and fatigue violations from `alerts` (the latest revision is the alert; an
 * alert marked withdrawn in `alert_handling` is passed as withdrawn), the vehicle-days of
 * `vehicle_quality_daily`, and "operating" from `operating_vehicles` (the list of the day's month,
 * else the latest earlier list; 报停 rows are not operating) with a terminal bound now in
 * `terminals`; companies' registered vehicles and their last computed month in
 * `assessment_scores`; suspected tampering episodes (§12) from `tampering_episodes`, dated by their
 * start (a withdrawn one counts nowhere, §15).
 */
export class KeySupervisionFactsReadModel {
  constructor(private readonly db: Queryable) {}

  /**
   * Every vehicle with a fact dated in (fromMs, toMs] that a trigger can read, or named in
   * `alsoVehicleIds` (its open entry). Only the days that matter are read: days with mileage of
   * vehicles with a day below the track threshold, and operating days without a valid record.
   */
  async vehicles(
    fromMs: number,
    toMs: number,
    alsoVehicleIds: readonly string[] = [],
    /** 轨迹完整率 threshold as a fraction (RULES §10: 0.7): only vehicles with a day below it can trigger. */
    trackRateBelow = 0.7,
  ): Promise<VehicleKeySupervisionSubject[]> {
    const byVehicle = new Map<string, VehicleKeySupervisionFacts>();
    const factsOf = (vehicleId: string): VehicleKeySupervisionFacts => {
      let facts = byVehicle.get(vehicleId);
      if (!facts) byVehicle.set(vehicleId, (facts = { vehicleId, speedingEpisodes: [], fatigueViolations: [], tamperingEpisodes: [], days: [] }));
      return facts;
    };
    for (const id of alsoVehicleIds) factsOf(id);

    const alerts = await this.db.query<{ alert_id: string; vehicle_id: string; rule: string; points: number | null; at: Date; withdrawn: boolean }>(
      `SELECT a.alert_id, a.vehicle_id, a.rule, a.points,
              CASE WHEN a.rule = 'speeding' THEN a.started_at ELSE COALESCE(a.limit_passed_at, a.started_at) END AS at,
              COALESCE(h.withdrawn, false) AS withdrawn
         FROM alerts a LEFT JOIN alert_handling h ON h.alert_id = a.alert_id
        WHERE a.level = 'violation' AND (a.rule = 'speeding' OR a.rule = ANY($3::text[]))
          AND a.started_at <= ${msToTs('$2')}
          AND CASE WHEN a.rule = 'speeding' THEN a.started_at ELSE COALESCE(a.limit_passed_at, a.started_at) END > ${msToTs('$1')}`,
      [fromMs, toMs, FATIGUE_RULES],
    );
    for (const row of alerts.rows) {
      const facts = factsOf(row.vehicle_id);
      if (row.rule === 'speeding') {
        const episode: SpeedingEpisodeFact = { alertId: row.alert_id, startedAtMs: row.at.getTime(), withdrawn: row.withdrawn };
        if (row.points !== null) episode.points = row.points;
        (facts.speedingEpisodes as SpeedingEpisodeFact[]).push(episode);
      } else {
        (facts.fatigueViolations as FatigueViolationFact[]).push({ alertId: row.alert_id, atMs: row.at.getTime(), withdrawn: row.withdrawn });
      }
    }

    const tampering = await this.db.query<{ episode_id: string; vehicle_id: string; started_at: Date }>(
      `SELECT episode_id, vehicle_id, started_at FROM tampering_episodes
        WHERE status = 'suspected' AND started_at > ${msToTs('$1')} AND started_at <= ${msToTs('$2')}`,
      [fromMs, toMs],
    );
    for (const row of tampering.rows)
      (factsOf(row.vehicle_id).tamperingEpisodes as TamperingEpisodeFact[]).push({ episodeId: row.episode_id, startedAtMs: row.started_at.getTime() });

    const days = wholeDaysIn(fromMs, toMs);
    if (days.length > 0) {
      const dayFacts = new Map<string, Map<string, VehicleDayFact>>();
      const dayOf = (vehicleId: string, day: string): VehicleDayFact => {
        let perVehicle = dayFacts.get(vehicleId);
        if (!perVehicle) dayFacts.set(vehicleId, (perVehicle = new Map()));
        let fact = perVehicle.get(day);
        if (!fact) perVehicle.set(day, (fact = { day, trackM: 0, completeTrackM: 0, validRecords: 0, operating: false, terminalBound: false }));
        return fact;
      };
      // Days with mileage, only of vehicles with a day below the 轨迹完整率 threshold in the window:
      // a pooled rate below it needs such a day (a vehicle whose every day is above cannot trigger).
      const quality = await this.db.query<{ vehicle_id: string; day: string; track_m: number; complete_track_m: number; valid: number }>(
        `SELECT q.vehicle_id, to_char(q.day, 'YYYY-MM-DD') AS day, q.track_m, q.complete_track_m, q.valid
           FROM vehicle_quality_daily q
          WHERE q.day = ANY($1::date[]) AND q.track_m > 0
            AND q.vehicle_id IN (SELECT p.vehicle_id FROM vehicle_quality_daily p
                                  WHERE p.day = ANY($1::date[]) AND p.track_m > 0 AND p.complete_track_m < $2::float8 * p.track_m)`,
        [days, trackRateBelow],
      );
      for (const row of quality.rows)
        Object.assign(dayOf(row.vehicle_id, row.day), { trackM: row.track_m, completeTrackM: row.complete_track_m, validRecords: row.valid });

      // Days a vehicle was operating — on the list that stands for the day (its month's, else the
      // latest one before), not 报停 — with a terminal bound and no valid record: the only days
      // the offline trigger reads.
      const months = await this.db.query<{ list_month: string }>(
        `SELECT DISTINCT to_char(list_month, 'YYYY-MM-DD') AS list_month FROM operating_vehicles WHERE list_month <= $1::date ORDER BY 1`,
        [days[days.length - 1]],
      );
      const listMonths = months.rows.map((r) => r.list_month);
      const listed = days.flatMap((day) => {
        const list = listMonths.filter((m) => m <= `${day.slice(0, 7)}-01`).pop();
        return list ? [{ day, list }] : [];
      });
      if (listed.length > 0) {
        const offline = await this.db.query<{ vehicle_id: string; day: string; track_m: number | null; complete_track_m: number | null }>(
          // Operating vehicles with a bound terminal first, narrowed to those with fewer days with a
          // valid record than listed days; only their days are expanded (a healthy fleet has none).
          `WITH d AS (SELECT * FROM unnest($1::date[], $2::date[]) AS d (day, list_month)),
           ops AS (SELECT DISTINCT v.vehicle_id, v.plate, v.plate_colour
                     FROM operating_vehicles o JOIN vehicles v ON v.plate = o.plate AND v.plate_colour = o.plate_colour
                    WHERE o.list_month = ANY($2::date[]) AND NOT o.suspended AND EXISTS (SELECT 1 FROM terminals t WHERE t.vehicle_id = v.vehicle_id)),
           short AS (SELECT ops.* FROM ops
                       LEFT JOIN (SELECT vehicle_id, count(*) AS n FROM vehicle_quality_daily WHERE day = ANY($1::date[]) AND valid > 0 GROUP BY vehicle_id) c
                              ON c.vehicle_id = ops.vehicle_id
                      WHERE COALESCE(c.n, 0) < cardinality($1::date[]))
           SELECT s.vehicle_id, to_char(d.day, 'YYYY-MM-DD') AS day, q.track_m, q.complete_track_m
             FROM short s CROSS JOIN d
             JOIN operating_vehicles o ON o.list_month = d.list_month AND o.plate = s.plate AND o.plate_colour = s.plate_colour AND NOT o.suspended
             LEFT JOIN vehicle_quality_daily q ON q.vehicle_id = s.vehicle_id AND q.day = d.day
            WHERE COALESCE(q.valid, 0) = 0`,
          [listed.map((l) => l.day), listed.map((l) => l.list)],
        );
        for (const row of offline.rows) {
          const fact = dayOf(row.vehicle_id, row.day);
          Object.assign(fact, { operating: true, terminalBound: true, validRecords: 0 });
          if (row.track_m !== null)
            Object.assign(fact, { trackM: fact.trackM || row.track_m, completeTrackM: fact.completeTrackM || (row.complete_track_m ?? 0) });
        }
      }
      for (const [vehicleId, perVehicle] of dayFacts) (factsOf(vehicleId).days as VehicleDayFact[]).push(...perVehicle.values());
    }

    const ids = [...byVehicle.keys()];
    const owners = await this.db.query<{ vehicle_id: string; company_id: string | null; region_code: string | null }>(
      `SELECT v.vehicle_id, v.company_id, COALESCE(v.region_code, c.region_code) AS region_code
         FROM vehicles v LEFT JOIN companies c ON c.company_id = v.company_id WHERE v.vehicle_id = ANY($1::text[])`,
      [ids],
    );
    const ownerOf = new Map(owners.rows.map((r) => [r.vehicle_id, r]));
    return ids.map((id) => {
      const owner = ownerOf.get(id);
      return { facts: byVehicle.get(id) as VehicleKeySupervisionFacts, companyId: owner?.company_id ?? undefined, regionCode: owner?.region_code ?? undefined };
    });
  }

  /** Every company with registered vehicles or a computed month, with its last month computed by `atMs` (period end ≤ atMs). */
  async companies(atMs: number): Promise<CompanyKeySupervisionSubject[]> {
    const { rows } = await this.db.query<{
      company_id: string;
      region_code: string | null;
      registered: number;
      period_start: Date | null;
      period_end: Date | null;
      assessed: boolean | null;
      total_score: string | null;
      any_indicator_zero: boolean | null;
      handling_rate_pct: string | null;
    }>(
      `SELECT c.company_id, c.region_code,
              (SELECT count(*)::int FROM vehicles v WHERE v.company_id = c.company_id) AS registered,
              s.period_start, s.period_end, s.assessed, s.total_score, s.any_indicator_zero, s.handling_rate_pct
         FROM companies c
         LEFT JOIN LATERAL (
           SELECT * FROM assessment_scores s
            WHERE s.subject_kind = 'company' AND s.subject_id = c.company_id AND s.period_kind = 'month' AND s.period_end <= ${msToTs('$1')}
            ORDER BY s.period_start DESC LIMIT 1) s ON true`,
      [atMs],
    );
    return rows.map((row) => {
      const subject: CompanyKeySupervisionSubject = { companyId: row.company_id, regionCode: row.region_code ?? undefined, registeredVehicles: row.registered };
      if (row.period_start && row.period_end) {
        subject.lastMonthScore = {
          scoreId: `company:${row.company_id}:month:${chinaDateOf(row.period_start.getTime()).slice(0, 7)}`,
          periodEndMs: row.period_end.getTime(),
          assessed: row.assessed ?? false,
          totalScore: row.total_score === null ? undefined : Number(row.total_score),
          anyIndicatorZero: row.any_indicator_zero ?? false,
          handlingRatePct: row.handling_rate_pct === null ? undefined : Number(row.handling_rate_pct),
        };
      }
      return subject;
    });
  }
}
