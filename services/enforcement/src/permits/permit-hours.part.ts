import { TOPICS } from '@roadwatch/contracts';
import { DEFAULT_RULES_CONFIG, permitHoursEpisodes, routeReportsOf } from '@roadwatch/rules';
import { PermitCheckRepository, PositionRepository, withJobLock } from '@roadwatch/storage';
import type { EnforcementPart } from '../enforcement.service';
import { permitHoursAlertOf } from './permit-alerts';
import { routeCheckJobPart, routeCheckPeriodOf, type RouteCheckJobContext, type RouteCheckJobSettings } from './route-check-job';

export const PERMIT_HOURS_JOB = 'enforcement-permit-hours';

export type { RouteCheckJobSettings } from './route-check-job';

export const permitHoursEpisodeId = (vehicleId: string, startMs: number): string => `permit_hours:${vehicleId}:${startMs}`;

/**
 * One run of the 大件 hours job (RULES.md §11, §15), once per cluster (`withJobLock`): every
 * vehicle bound to a permit that is not retired has its settled stored track read and judged with
 * `permitHoursEpisodes` over its fixed, non-drift reports; each stretch over 5 min is a
 * `permit_hours` episode and alert. An episode overlapping a stored one grows it (a new alert
 * revision), so overlapping runs never double. Judged on stored tracks after a settle delay, not
 * live: back-filled (0x0704) and late reports land first, and the judgement reads its permits
 * from the database, not the detector's hot state.
 */
export const runPermitHoursJob = async (
  context: RouteCheckJobContext,
  settings: RouteCheckJobSettings,
): Promise<{ ran: boolean; vehicles: number; episodes: number }> => {
  const rules = settings.rules ?? DEFAULT_RULES_CONFIG;
  const { fromMs, toMs } = routeCheckPeriodOf(context.nowMs, settings);
  const positions = new PositionRepository(context.pool);
  const outcome = await withJobLock(context.pool, PERMIT_HOURS_JOB, async (tx) => {
    const checks = new PermitCheckRepository(tx);
    const vehicles = await checks.vehiclesWithPermits();
    let episodes = 0;
    for (const vehicle of vehicles) {
      const permits = await checks.permitsOf(vehicle.vehicleId);
      const track = routeReportsOf(await positions.reportsBetween(vehicle.vehicleId, fromMs, toMs), rules.quality.driftSpeedKmh);
      let found;
      try {
        found = permitHoursEpisodes({ vehicleId: vehicle.vehicleId, permits, track, motion: rules.motion });
      } catch (error) {
        // A permit whose geometry cannot be judged is the administrator's to fix; the other vehicles go on.
        context.logger.warn({ err: error, vehicleId: vehicle.vehicleId }, '大件 hours not judged: a permit of the vehicle cannot be read');
        continue;
      }
      for (const episode of found) {
        const recorded = await checks.recordPermitEpisode({
          kind: 'permit_hours',
          episodeId: permitHoursEpisodeId(vehicle.vehicleId, episode.startMs),
          vehicleId: vehicle.vehicleId,
          routeId: episode.permitIds[0] ?? null,
          routeIds: episode.permitIds,
          startedAtMs: episode.startMs,
          endedAtMs: episode.endMs,
          countedAtMs: episode.atMs,
          movingMs: episode.movingMs,
          movingM: episode.movingM,
          evidence: { issues: episode.issues, track: episode.track },
        });
        if (!recorded.changed) continue;
        episodes += 1;
        const alert = permitHoursAlertOf(recorded.episodeId, recorded.revision, episode, vehicle, permits);
        await context.bus.publish(TOPICS.alerts, [{ key: vehicle.vehicleId, value: alert }]);
      }
    }
    return { vehicles: vehicles.length, episodes };
  });
  return outcome.ran ? { ran: true, ...outcome.result } : { ran: false, vehicles: 0, episodes: 0 };
};

/** The 大件 hours job on the service's clock, every `ROUTE_CHECKS_INTERVAL_MS` (5 min). */
export const permitHoursPart = (): EnforcementPart =>
  routeCheckJobPart({
    name: 'permit-hours',
    counter: { name: 'enforcement_permit_hours_episodes_total', help: '大件 stretches outside the permit’s dates or hours (new or grown)' },
    failure: 'the 大件 hours job failed; the next run tries again',
    run: runPermitHoursJob,
  });
