import { boundingBoxOf, TOPICS } from '@roadwatch/contracts';
import { chinaDateOf, DAY_MS, type LatLon, type RoadClass } from '@roadwatch/domain';
import { areaBanEpisodes, buildRoadIndex, DEFAULT_RULES_CONFIG, limitsAt, routeReportsOf, type AreaBan } from '@roadwatch/rules';
import { loadSpeedZoneFeatures, PermitCheckRepository, PositionRepository, withJobLock, type CheckedVehicle } from '@roadwatch/storage';
import type { EnforcementPart } from '../enforcement.service';
import { areaBanAlertOf } from './permit-alerts';
import { routeCheckJobPart, routeCheckPeriodOf, type RouteCheckJobContext, type RouteCheckJobSettings } from './route-check-job';

export const AREA_BANS_JOB = 'enforcement-area-bans';

export const areaBanEpisodeId = (banId: string, vehicleId: string, startMs: number): string => `area_ban:${banId}:${vehicleId}:${startMs}`;

/** The vehicles a ban may bind in the period: those of its classes seen inside its polygon's box, or registered in its region when it is region-wide. */
const vehiclesBoundBy = async (checks: PermitCheckRepository, ban: AreaBan, fromMs: number, toMs: number): Promise<CheckedVehicle[]> => {
  if (!ban.polygon) return ban.regionCode ? checks.vehiclesOfRegion(ban.vehicleClasses, ban.regionCode, fromMs, toMs) : [];
  const box = boundingBoxOf(ban.polygon);
  return box ? checks.vehiclesIn(ban.vehicleClasses, box, fromMs, toMs) : [];
};

/**
 * One run of the area-ban job (RULES.md §11, §15), once per cluster (`withJobLock`): for each
 * ban in force, the vehicles of its classes that reported inside its polygon's box in the settled
 * period (a region-wide ban: those registered in its region that reported at all) have their stored track judged with `areaBanEpisodes`; each stretch of ≥ 3 min or ≥ 1 km
 * is an `area_ban` episode and alert (grown, never doubled, by overlapping runs). A ban naming
 * road classes reads the road index (`roadClassesAt`; by default the administered speed zones,
 * `road_speed_zones`, loaded once per run when a ban needs them): a report binds only where
 * every matching segment is of those classes, and where no road is known it does not.
 */
export const runAreaBansJob = async (
  context: RouteCheckJobContext & { roadClassesAt?: (p: LatLon) => readonly RoadClass[] },
  settings: RouteCheckJobSettings,
): Promise<{ ran: boolean; bans: number; episodes: number }> => {
  const rules = settings.rules ?? DEFAULT_RULES_CONFIG;
  const { fromMs, toMs } = routeCheckPeriodOf(context.nowMs, settings);
  const positions = new PositionRepository(context.pool);
  const outcome = await withJobLock(context.pool, AREA_BANS_JOB, async (tx) => {
    const checks = new PermitCheckRepository(tx);
    // A wrapping window's occurrence starts the day before.
    const bans = await checks.bansInForce(chinaDateOf(fromMs - DAY_MS), chinaDateOf(toMs));
    let episodes = 0;
    let roadClassesAt = context.roadClassesAt;
    if (!roadClassesAt && bans.some((ban) => (ban.roadClasses ?? []).length > 0)) {
      const index = buildRoadIndex(await loadSpeedZoneFeatures(tx), rules.roads);
      roadClassesAt = (p) => limitsAt(index, p.latitudeDeg, p.longitudeDeg).map((segment) => segment.roadClass);
    }
    for (const ban of bans) {
      const vehicles = await vehiclesBoundBy(checks, ban, fromMs, toMs);
      for (const vehicle of vehicles) {
        const track = routeReportsOf(await positions.reportsBetween(vehicle.vehicleId, fromMs, toMs), rules.quality.driftSpeedKmh);
        const found = areaBanEpisodes({
          vehicleId: vehicle.vehicleId,
          vehicleClass: vehicle.vehicleClass,
          ...(vehicle.regionCode !== undefined ? { vehicleRegionCode: vehicle.regionCode } : {}),
          bans: [ban],
          track,
          motion: rules.motion,
          ...(roadClassesAt ? { roadClassesAt } : {}),
        });
        for (const episode of found) {
          const recorded = await checks.recordAreaBanEpisode({
            episodeId: areaBanEpisodeId(ban.banId, vehicle.vehicleId, episode.startMs),
            banId: ban.banId,
            vehicleId: vehicle.vehicleId,
            occurrence: episode.occurrence,
            startedAtMs: episode.startMs,
            endedAtMs: episode.endMs,
            countedAtMs: episode.atMs,
            movingMs: episode.movingMs,
            movingM: episode.movingM,
            evidence: { track: episode.track },
          });
          if (!recorded.changed) continue;
          episodes += 1;
          await context.bus.publish(TOPICS.alerts, [
            { key: vehicle.vehicleId, value: areaBanAlertOf(recorded.episodeId, recorded.revision, episode, ban, vehicle) },
          ]);
        }
      }
    }
    return { bans: bans.length, episodes };
  });
  return outcome.ran ? { ran: true, ...outcome.result } : { ran: false, bans: 0, episodes: 0 };
};

/** The area-ban job on the service's clock, every `ROUTE_CHECKS_INTERVAL_MS` (5 min). */
export const areaBansPart = (): EnforcementPart =>
  routeCheckJobPart({
    name: 'area-bans',
    counter: { name: 'enforcement_area_ban_episodes_total', help: 'Area-ban episodes (new or grown)' },
    failure: 'the area-ban job failed; the next run tries again',
    run: runAreaBansJob,
  });
