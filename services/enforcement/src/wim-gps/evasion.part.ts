import { boundingBoxOf } from '@roadwatch/domain';
import { DEFAULT_WIM_GPS_CONFIG, judgeEvasion, screenLinesOf, stationPasses, type EvasionStation, type StationPass, type WimGpsConfig } from '@roadwatch/rules';
import {
  EvasionReadModel,
  PositionRepository,
  TargetingRepository,
  WimRepository,
  withJobLock,
  type CorridorStation,
  type HeavyTruckNear,
  type StoragePool,
} from '@roadwatch/storage';
import type { Logger } from '@roadwatch/runtime';
import type { EnforcementContext, EnforcementPart, RunningEnforcementPart } from '../enforcement.service';

export const EVASION_JOB = 'enforcement-evasion';

export interface EvasionJobSettings {
  /** Passes are judged when they ended in (now − settle − window, now − settle]. */
  windowMs: number;
  settleMs: number;
  config?: WimGpsConfig;
}

/** The most records of one station read for one run (a busy station reads a few thousand plates an hour). */
const MAX_STATION_RECORDS = 20_000;

export const evasionTargetingId = (stationId: string, vehicleId: string, firstCrossingMs: number): string =>
  `evasion:${stationId}:${vehicleId}:${Math.round(firstCrossingMs)}`;

interface TruckPasses {
  truck: HeavyTruckNear;
  passes: StationPass[];
  track: Array<{ timeMs: number; latitudeDeg: number; longitudeDeg: number }>;
}

/**
 * One run of the evasion job (RULES.md §14, §15 "WIM × GPS"), once per cluster (`withJobLock`):
 * for each station with a corridor, the heavy trucks that reported near it in the period are
 * read whole, their passes found with `stationPasses` (screen lines by `screenLinesOf`) and each
 * judged with `judgeEvasion` against the station's records and the other trucks' passes. A
 * missed scale or a detour is an `evasion_missed_scale` / `evasion_detour` lead with the pass as
 * evidence, keyed by station, vehicle and first crossing: overlapping runs rewrite, never double.
 */
export const runEvasionJob = async (
  context: { pool: StoragePool; logger: Logger; nowMs: number },
  settings: EvasionJobSettings,
): Promise<{ ran: boolean; stations: number; passes: number; leads: number }> => {
  const config = settings.config ?? DEFAULT_WIM_GPS_CONFIG;
  const { pool, logger, nowMs } = context;
  const toMs = nowMs - settings.settleMs;
  const fromMs = toMs - settings.windowMs;
  const reads = new EvasionReadModel(pool);
  const positions = new PositionRepository(pool);
  const weighings = new WimRepository(pool);
  const outcome = await withJobLock(pool, EVASION_JOB, async (tx) => {
    const targeting = new TargetingRepository(tx);
    let passCount = 0;
    let leads = 0;
    const stations = await reads.corridorStations();
    for (const s of stations) {
      const station: EvasionStation = { stationId: s.stationId, location: s, corridor: s.corridor };
      let lines;
      try {
        lines = screenLinesOf(station, config);
      } catch (error) {
        logger.warn({ err: error, stationId: s.stationId }, 'evasion not judged: the station’s corridor draws no screen lines');
        continue;
      }
      const box = boundingBoxOf([...s.corridor, ...lines.upstream, ...lines.downstream]);
      if (!box) continue;
      // A pass started up to its longest duration before the period to end in it.
      const trackFromMs = fromMs - config.evasion.maxPassMs;
      const trucks = await reads.heavyTrucksIn(box, trackFromMs, toMs);
      const judged: TruckPasses[] = [];
      for (const truck of trucks) {
        const reports = await positions.reportsBetween(truck.vehicleId, trackFromMs, toMs);
        const passes = stationPasses(station, reports, config).filter((p) => p.endMs > fromMs && p.endMs <= toMs);
        judged.push({
          truck,
          passes,
          track: reports.map((p) => ({ timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg })),
        });
      }
      const records = (await weighings.find({ stationId: s.stationId, fromMs: trackFromMs, toMs: toMs + 1, limit: MAX_STATION_RECORDS })).map((m) => ({
        measuredAtMs: m.measuredAtMs,
        plate: m.plate,
      }));
      for (const { truck, passes, track } of judged) {
        const others = judged.filter((j) => j.truck.vehicleId !== truck.vehicleId).flatMap((j) => j.passes);
        for (const pass of passes) {
          passCount += 1;
          const result = judgeEvasion({ pass, plate: truck.plate, stationRecords: records, otherPasses: others, config });
          if (result.outcome === 'none') continue;
          leads += 1;
          await targeting.record(evasionLeadOf(s, truck, pass, result, track, lines));
        }
      }
    }
    return { stations: stations.length, passes: passCount, leads };
  });
  return outcome.ran ? { ran: true, ...outcome.result } : { ran: false, stations: 0, passes: 0, leads: 0 };
};

const evasionLeadOf = (
  s: CorridorStation,
  truck: HeavyTruckNear,
  pass: StationPass,
  result: ReturnType<typeof judgeEvasion>,
  track: TruckPasses['track'],
  lines: ReturnType<typeof screenLinesOf>,
) => ({
  targetingId: evasionTargetingId(s.stationId, truck.vehicleId, pass.firstCrossingMs),
  kind: result.outcome === 'detour' ? ('evasion_detour' as const) : ('evasion_missed_scale' as const),
  plate: truck.plate,
  plateColour: truck.plateColour,
  vehicleId: truck.vehicleId,
  stationId: s.stationId,
  occurredAtMs: pass.firstCrossingMs,
  // The station's region acts on it (属地), else the vehicle's.
  ...((s.regionCode ?? truck.regionCode) !== undefined ? { regionCode: s.regionCode ?? truck.regionCode } : {}),
  priority: 'normal' as const,
  evidence: {
    station: { stationId: s.stationId, name: s.name, latitudeDeg: s.latitudeDeg, longitudeDeg: s.longitudeDeg, screenLines: lines },
    pass: {
      direction: pass.direction,
      kind: pass.kind,
      startMs: pass.startMs,
      endMs: pass.endMs,
      firstCrossingMs: pass.firstCrossingMs,
      maxOutsideM: pass.maxOutsideM,
      nearest: pass.nearest,
    },
    track: track.filter((p) => p.timeMs >= pass.startMs && p.timeMs <= pass.endMs),
    closureShare: result.closureShare,
    reasons: result.reasons,
  },
});

/** The evasion job on the service's clock: every `EVASION_INTERVAL_MS`, the settled passes of the last `EVASION_WINDOW_MS`. */
export const evasionPart = (): EnforcementPart => ({
  name: 'evasion',
  start: async (context: EnforcementContext): Promise<RunningEnforcementPart> => {
    const { pool, logger, now, config } = context;
    const settings: EvasionJobSettings = { windowMs: config.EVASION_WINDOW_MS ?? 3_600_000, settleMs: config.EVASION_SETTLE_MS ?? 600_000 };
    const runs = context.metrics.counter('enforcement_evasion_leads_total', 'Evasion leads found (missed scale, detour)');
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = runEvasionJob({ pool, logger, nowMs: now() }, settings)
        .then((r) => runs.inc(r.leads))
        .catch((error: unknown) => logger.error({ err: error }, 'the evasion job failed; the next run tries again'));
    }, config.EVASION_INTERVAL_MS ?? 300_000);
    timer.unref();
    return {
      close: async () => {
        clearInterval(timer);
        await running;
      },
    };
  },
});
