import { TOPICS, type AlertV1 } from '@roadwatch/contracts';
import {
  DEFAULT_TAMPERING_CONFIG,
  judgeTampering,
  outageCheckNeeded,
  type OtherVehicleGap,
  tamperingSummary,
  type BlindArea,
  type ContextPlace,
  type TamperingConfig,
  type TamperingEpisode,
  type TamperingReport,
} from '@roadwatch/rules';
import {
  BlindAreaRepository,
  TamperingRepository,
  withJobLock,
  type BlindAreaRecord,
  type StoragePool,
  type StoredTamperingEpisode,
  type TamperingEpisodeRecord,
  type TamperingPlaces,
  type VehicleToJudge,
} from '@roadwatch/storage';
import type { Bus } from '@roadwatch/messaging';
import type { Logger } from '@roadwatch/runtime';
import type { EnforcementContext, EnforcementPart, RunningEnforcementPart } from '../enforcement.service';

export const TAMPERING_JOB = 'enforcement-tampering';

export interface TamperingJobSettings {
  /** The first run (no watermark yet) judges positions received in the last `firstWindowMs`. */
  firstWindowMs: number;
  /** A vehicle's track is read from this long before its new reports (a gap or an I1/I3/I4 stretch ending in them began earlier) … */
  lookbackMs: number;
  /** … to this long after them (a back-fill lands before reports already stored). */
  lookaheadMs: number;
  config?: TamperingConfig;
}

export const DEFAULT_TAMPERING_JOB_SETTINGS: TamperingJobSettings = { firstWindowMs: 6 * 3_600_000, lookbackMs: 3_600_000, lookaheadMs: 3_600_000 };

export const tamperingEpisodeId = (vehicleId: string, startMs: number): string => `tampering:${vehicleId}:${Math.round(startMs)}`;
export const tamperingAlertId = (episodeId: string): string => `signal_tampering_suspected:${episodeId}`;

const blindAreaOf = (a: BlindAreaRecord): BlindArea | undefined => {
  if (a.geofencePolygon && a.geofencePolygon.length >= 3) return { id: a.blindAreaId, name: a.name, geofence: { kind: 'polygon', rings: [a.geofencePolygon] } };
  if (a.latitudeDeg === undefined || a.longitudeDeg === undefined) return undefined;
  const centre = { latitudeDeg: a.latitudeDeg, longitudeDeg: a.longitudeDeg };
  return { id: a.blindAreaId, name: a.name, geofence: a.radiusM !== undefined ? { kind: 'circle', centre, radiusM: a.radiusM } : { kind: 'circle', centre } };
};

const placesOf = (p: TamperingPlaces): ContextPlace[] => [
  ...p.stations.map((s): ContextPlace => ({ id: s.id, name: s.name, kind: 'station', point: { latitudeDeg: s.latitudeDeg, longitudeDeg: s.longitudeDeg } })),
  ...p.sourceSites.flatMap((s): ContextPlace[] => {
    if (s.polygon && s.polygon.length >= 3) return [{ id: s.id, name: s.name, kind: 'source_site', geofence: { kind: 'polygon', rings: [s.polygon] } }];
    if (s.latitudeDeg === null || s.longitudeDeg === null) return [];
    const centre = { latitudeDeg: s.latitudeDeg, longitudeDeg: s.longitudeDeg };
    return [
      {
        id: s.id,
        name: s.name,
        kind: 'source_site',
        geofence: s.radiusM !== null ? { kind: 'circle', centre, radiusM: s.radiusM } : { kind: 'circle', centre },
      },
    ];
  }),
];

const recordOf = (vehicle: VehicleToJudge, episodeId: string, e: TamperingEpisode): TamperingEpisodeRecord => ({
  episodeId,
  vehicleId: vehicle.vehicleId,
  ...(vehicle.plate !== undefined ? { plate: vehicle.plate } : {}),
  ...(vehicle.companyId !== undefined ? { companyId: vehicle.companyId } : {}),
  ...(vehicle.regionCode !== undefined ? { regionCode: vehicle.regionCode } : {}),
  startMs: e.startMs,
  endMs: e.endMs,
  indicators: [...e.indicators],
  score: e.score,
  contextI7: e.contextI7,
  context: { ...e.context },
  evidence: e.stretches.map((s) => ({ ...s })),
  latitudeDeg: e.latitudeDeg,
  longitudeDeg: e.longitudeDeg,
  alertId: tamperingAlertId(episodeId),
});

/**
 * The alert of an episode: says 疑似 and names the indicators (zh + en). Level `data_quality`,
 * severity `major`: a suspicion the company must look into on its 待处理 list, never a
 * violation — the penalty needs an on-site device check (§12).
 */
export const tamperingAlertOf = (record: TamperingEpisodeRecord, episode: TamperingEpisode, revision: number, raisedAtMs: number): AlertV1 => {
  const text = tamperingSummary(episode);
  return {
    v: 1,
    alertId: record.alertId,
    revision,
    vehicleId: record.vehicleId,
    ...(record.plate !== undefined ? { plate: record.plate } : {}),
    ...(record.companyId !== undefined ? { companyId: record.companyId } : {}),
    ...(record.regionCode !== undefined ? { regionCode: record.regionCode } : {}),
    rule: 'signal_tampering_suspected',
    level: 'data_quality',
    severity: 'major',
    startedAtMs: episode.startMs,
    endedAtMs: episode.endMs,
    raisedAtMs,
    summary: text.zh,
    summaryEn: text.en,
    details: {
      episodeId: record.episodeId,
      indicators: [...episode.indicators, ...(episode.contextI7 ? ['I7'] : [])],
      score: episode.score,
      ...(episode.context.near ? { near: { ...episode.context.near } } : {}),
      night: episode.context.night,
    },
    evidence: {
      positions: episode.stretches.flatMap((s) => [
        { deviceTimeMs: s.startMs, latitudeDeg: s.from.latitudeDeg, longitudeDeg: s.from.longitudeDeg, speedKmh: 0 },
        { deviceTimeMs: s.endMs, latitudeDeg: s.to.latitudeDeg, longitudeDeg: s.to.longitudeDeg, speedKmh: 0 },
      ]),
    },
    latitudeDeg: episode.latitudeDeg,
    longitudeDeg: episode.longitudeDeg,
  };
};

const withdrawnAlertOf = (stored: StoredTamperingEpisode, revision: number, atMs: number): AlertV1 => ({
  v: 1,
  alertId: stored.alertId,
  revision,
  vehicleId: stored.vehicleId,
  ...(stored.plate !== undefined ? { plate: stored.plate } : {}),
  ...(stored.companyId !== undefined ? { companyId: stored.companyId } : {}),
  ...(stored.regionCode !== undefined ? { regionCode: stored.regionCode } : {}),
  rule: 'signal_tampering_suspected',
  level: 'data_quality',
  severity: 'major',
  startedAtMs: stored.startMs,
  endedAtMs: stored.endMs,
  raisedAtMs: atMs,
  summary: `已撤销：补传数据覆盖了该时段，疑似人为干扰/屏蔽不再成立（原指标 ${stored.indicators.join('、')}）`,
  summaryEn: `Withdrawn: back-filled data covers the period; the suspected tampering no longer holds (was ${stored.indicators.join(', ')})`,
  details: { episodeId: stored.episodeId, indicators: stored.indicators, score: stored.score },
  evidence: {},
  withdrawn: true,
});

const overlaps = (a: { startMs: number; endMs: number }, b: { startMs: number; endMs: number }): boolean => a.startMs <= b.endMs && b.startMs <= a.endMs;

const sameJudgement = (stored: StoredTamperingEpisode, e: TamperingEpisode): boolean =>
  stored.status === 'suspected' &&
  stored.startMs === e.startMs &&
  stored.endMs === e.endMs &&
  stored.contextI7 === e.contextI7 &&
  stored.indicators.join() === e.indicators.join();

export interface TamperingRunResult {
  ran: boolean;
  vehicles: number;
  raised: number;
  withdrawn: number;
}

/**
 * One run of the tampering job (RULES §12, §15), once per cluster (`withJobLock`): every vehicle
 * with positions received since the last run (new reports or a 0x0704 back-fill) has its
 * stored track around them re-read whole (realtime and back-fill merged) and judged with
 * `judgeTampering` against the blind areas, the stations and source sites, and every vehicle's
 * gaps (network outage). An episode is stored (`tampering_episodes`, keyed by vehicle and its
 * first start) and alerted; a stored episode the new judgement no longer finds is withdrawn
 * (its alert re-published with `withdrawn`). Alerts go out inside the run's transaction, and every
 * read is on it: the embedded server has one connection, which the lock holds.
 */
export const runTamperingJob = async (
  context: { pool: StoragePool; bus: Bus; logger: Logger; nowMs: number },
  settings: TamperingJobSettings = DEFAULT_TAMPERING_JOB_SETTINGS,
): Promise<TamperingRunResult> => {
  const config = settings.config ?? DEFAULT_TAMPERING_CONFIG;
  const { pool, bus, logger, nowMs } = context;
  const outcome = await withJobLock(pool, TAMPERING_JOB, async (tx) => {
    const repo = new TamperingRepository(tx);
    const fromMs = (await repo.judgedTo(TAMPERING_JOB)) ?? nowMs - settings.firstWindowMs;
    const vehicles = await repo.vehiclesReceivedBetween(fromMs, nowMs);
    const alerts: AlertV1[] = [];
    let raised = 0;
    let withdrawn = 0;
    if (vehicles.length > 0) {
      const blindAreas = (await new BlindAreaRepository(tx).list()).flatMap((a) => blindAreaOf(a) ?? []);
      const places = placesOf(await repo.places());
      for (const vehicle of vehicles) {
        const windowFromMs = vehicle.fromMs - settings.lookbackMs;
        const windowToMs = vehicle.toMs + settings.lookaheadMs;
        const reports: TamperingReport[] = await repo.trackBetween(vehicle.vehicleId, windowFromMs, windowToMs);
        const judge = (otherGaps?: OtherVehicleGap[]) => {
          try {
            return judgeTampering({ vehicleId: vehicle.vehicleId, reports, blindAreas, places, config, ...(otherGaps ? { otherGaps } : {}) });
          } catch (error) {
            // A geofence the rule refuses (a bad blind area) must not stop the other vehicles' judgement.
            logger.error({ err: error, vehicleId: vehicle.vehicleId }, 'tampering not judged for this vehicle');
            return undefined;
          }
        };
        let result = judge();
        // The fleet's gaps (the network-outage check: a look at every vehicle's positions) only when they can change the judgement.
        if (result && outageCheckNeeded(result)) result = judge(await repo.gapsBetween(windowFromMs, windowToMs, config.motion.gapMs));
        if (!result) continue;
        const stored = await repo.ofVehicleBetween(vehicle.vehicleId, windowFromMs, windowToMs);
        const matched = new Set<string>();
        for (const episode of result.episodes) {
          const previous = stored.find((s) => !matched.has(s.episodeId) && overlaps(s, episode));
          if (previous) matched.add(previous.episodeId);
          if (previous && sameJudgement(previous, episode)) continue;
          const episodeId = previous?.episodeId ?? tamperingEpisodeId(vehicle.vehicleId, episode.startMs);
          const revision = previous ? previous.revision + 1 : 0;
          const record = recordOf(vehicle, episodeId, episode);
          await repo.saveSuspected(record, revision, nowMs);
          alerts.push(tamperingAlertOf(record, episode, revision, nowMs));
          raised += 1;
        }
        // Withdraw only what this judgement saw whole: an episode reaching past the window is left for a wider look.
        for (const s of stored) {
          if (matched.has(s.episodeId) || s.status !== 'suspected' || s.startMs < windowFromMs || s.endMs > windowToMs) continue;
          if (await repo.withdraw(s.episodeId, s.revision + 1, nowMs)) {
            alerts.push(withdrawnAlertOf(s, s.revision + 1, nowMs));
            withdrawn += 1;
          }
        }
      }
    }
    await repo.setJudgedTo(TAMPERING_JOB, nowMs);
    // Published before the commit: a failed publish rolls the run back (judged again next time); a
    // failed commit after it publishes the same ids and revisions again, which consumers take as one.
    if (alerts.length > 0)
      await bus.publish(
        TOPICS.alerts,
        alerts.map((a) => ({ key: a.vehicleId, value: a })),
      );
    return { vehicles: vehicles.length, raised, withdrawn };
  });
  return outcome.ran ? { ran: true, ...outcome.result } : { ran: false, vehicles: 0, raised: 0, withdrawn: 0 };
};

/** The tampering job on the service's clock: every `TAMPERING_INTERVAL_MS` (5 min). */
export const tamperingPart = (settings: Partial<TamperingJobSettings> = {}): EnforcementPart => ({
  name: 'tampering',
  start: async (context: EnforcementContext): Promise<RunningEnforcementPart> => {
    const { pool, bus, logger, now, config } = context;
    const jobSettings: TamperingJobSettings = { ...DEFAULT_TAMPERING_JOB_SETTINGS, ...settings };
    const found = context.metrics.counter('enforcement_tampering_episodes_total', 'Suspected tampering episodes raised or revised');
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = runTamperingJob({ pool, bus, logger, nowMs: now() }, jobSettings)
        .then((r) => found.inc(r.raised))
        .catch((error: unknown) => logger.error({ err: error }, 'the tampering job failed; the next run tries again'));
    }, config.TAMPERING_INTERVAL_MS ?? 300_000);
    timer.unref();
    return {
      close: async () => {
        clearInterval(timer);
        await running;
      },
    };
  },
});
