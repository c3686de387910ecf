import { recordKindOf, TOPICS, type AlertV1, type WimMeasurementV1 } from '@roadwatch/contracts';
import { vehicleIdOf } from '@roadwatch/domain';
import { clonedPlateConflict, DEFAULT_WIM_GPS_CONFIG, type ClonedPlateResult, type WimGpsConfig } from '@roadwatch/rules';
import { PositionRepository, RegistryRepository, TargetingRepository, type VehicleRecord, type WimStationRecord } from '@roadwatch/storage';
import type { EnforcementContext, EnforcementPart, RunningEnforcementPart } from '../enforcement.service';

export interface ClonedPlatePartOptions {
  /** Consumer group on `wim.measurements` (default `enforcement-cloned-plate`; tests use their own). */
  groupId?: string;
  /** Where the topic starts for a new group (default the oldest record: no weighing goes unjudged). */
  fromBeginning?: boolean;
  config?: WimGpsConfig;
}

/** Fixes a little beyond the ± 10 min window are read too: the drift judgement at the window's edges needs their neighbours. */
const DRIFT_MARGIN_MS = 5 * 60_000;

export const clonedPlateTargetingId = (measurementId: string): string => `cloned_plate:${measurementId}`;
export const clonedPlateAlertId = (measurementId: string): string => `cloned_plate_suspected:${measurementId}`;

/** The alert that tells the registered vehicle's company (the victim) its plate was weighed where its own GPS says it was not. */
export const victimAlertOf = (record: WimMeasurementV1, vehicle: VehicleRecord, station: WimStationRecord, result: ClonedPlateResult): AlertV1 => {
  const first = result.conflicts[0];
  const reasons = result.reasons.filter((r) => r.code === 'conflict').slice(0, 1);
  return {
    v: 1,
    alertId: clonedPlateAlertId(record.measurementId),
    revision: 0,
    vehicleId: vehicle.vehicleId,
    plate: vehicle.plate,
    ...(vehicle.companyId !== undefined ? { companyId: vehicle.companyId } : {}),
    ...(vehicle.regionCode !== undefined ? { regionCode: vehicle.regionCode } : {}),
    rule: 'cloned_plate_suspected',
    // A lead about a third party using the company's plate: the company is told, it has nothing to answer for by a deadline.
    level: 'prewarning',
    severity: result.priority === 'high' ? 'serious' : 'major',
    startedAtMs: record.measuredAtMs,
    raisedAtMs: record.measuredAtMs,
    firstRaisedAtMs: record.measuredAtMs,
    summary: `疑似套牌：车牌在${station.name}称重，而本车定位不在该处。${reasons.map((r) => r.zh).join('；')}`,
    summaryEn: `Suspected cloned plate: the plate was weighed at ${station.name} while this vehicle's GPS puts it elsewhere. ${reasons.map((r) => r.en).join('; ')}`,
    details: {
      stationId: station.stationId,
      stationName: station.name,
      conflicts: result.conflictsInWindow,
      ...(first
        ? { distanceM: Math.round(first.distanceM), ...(first.neededSpeedKmh !== null ? { neededSpeedKmh: Math.round(first.neededSpeedKmh) } : {}) }
        : {}),
    },
    evidence: { wimMeasurementId: record.measurementId },
    ...(station.latitudeDeg !== undefined && station.longitudeDeg !== undefined
      ? { latitudeDeg: station.latitudeDeg, longitudeDeg: station.longitudeDeg }
      : {}),
  };
};

/**
 * 套牌 (RULES.md §14, §15 "WIM × GPS"): every WIM record whose plate and colour name a registered
 * vehicle is judged against that vehicle's own stored fixes around the weighing with
 * `clonedPlateConflict`. A conflict is a `cloned_plate` targeting lead (the station, the
 * conflicting fixes, the implied speed; high priority from the second conflict in 30 days) and
 * a `cloned_plate_suspected` alert for the registered vehicle on `alerts`, which issue #14's
 * handling and delivery bring to its company. Both are keyed by the measurement: a redelivered
 * record rewrites them, never doubles them. No GPS, a consistent track, an unregistered plate or
 * a station without coordinates → nothing.
 */
export const clonedPlatePart = (options: ClonedPlatePartOptions = {}): EnforcementPart => ({
  name: 'cloned-plate',
  start: async (context: EnforcementContext): Promise<RunningEnforcementPart> => {
    const { bus, pool, logger, metrics } = context;
    const config = options.config ?? DEFAULT_WIM_GPS_CONFIG;
    const registry = new RegistryRepository(pool);
    const positions = new PositionRepository(pool);
    const targeting = new TargetingRepository(pool);
    const judged = metrics.counter('enforcement_cloned_plate_judged_total', 'WIM records of registered vehicles judged for 套牌');
    const conflicts = metrics.counter('enforcement_cloned_plate_conflicts_total', '套牌 conflicts found (targeting leads)');

    const judge = async (record: WimMeasurementV1): Promise<void> => {
      // 套牌 is judged on WIM records (§15): an exit or entrance scale's record is the site weighings' part.
      if (recordKindOf(record) !== 'wim') return;
      const vehicleId = vehicleIdOf(record.plate, record.plateColour);
      const vehicle = await registry.vehicle(vehicleId);
      if (!vehicle) return;
      const station = await registry.wimStation(record.stationId);
      if (station?.latitudeDeg === undefined || station.longitudeDeg === undefined) {
        logger.warn({ stationId: record.stationId, measurementId: record.measurementId }, '套牌 not judged: the station has no coordinates in the registry');
        return;
      }
      const tw = record.measuredAtMs;
      const windowMs = config.clonedPlate.windowMs;
      const fixes = await positions.reportsBetween(vehicleId, tw - windowMs - DRIFT_MARGIN_MS, tw + windowMs + DRIFT_MARGIN_MS);
      const priorConflicts = await targeting.weighingsOf('cloned_plate', vehicleId, tw - config.clonedPlate.priorityWindowMs, tw);
      const result = clonedPlateConflict({
        weighing: {
          measurementId: record.measurementId,
          stationId: record.stationId,
          measuredAtMs: tw,
          plate: record.plate,
          plateColour: record.plateColour,
          axleCount: record.axleCount,
        },
        station: { latitudeDeg: station.latitudeDeg, longitudeDeg: station.longitudeDeg },
        vehicle: {
          vehicleId,
          plate: vehicle.plate,
          plateColour: vehicle.plateColour,
          vehicleClass: vehicle.vehicleClass,
          ...(vehicle.axleCount !== undefined ? { axleCount: vehicle.axleCount } : {}),
          ...(vehicle.companyId !== undefined ? { companyId: vehicle.companyId } : {}),
        },
        fixes,
        priorConflicts,
        config,
      });
      judged.inc();
      if (result.outcome !== 'conflict') return;
      conflicts.inc();
      await targeting.record({
        targetingId: clonedPlateTargetingId(record.measurementId),
        kind: 'cloned_plate',
        plate: record.plate,
        plateColour: record.plateColour,
        vehicleId,
        stationId: record.stationId,
        measurementId: record.measurementId,
        occurredAtMs: tw,
        // The lead belongs to where the plate was weighed: that region's officers act on it.
        ...((station.regionCode ?? vehicle.regionCode) !== undefined ? { regionCode: station.regionCode ?? vehicle.regionCode } : {}),
        ...(result.victimCompanyId !== null ? { victimCompanyId: result.victimCompanyId } : {}),
        priority: result.priority,
        evidence: {
          station: { stationId: station.stationId, name: station.name, latitudeDeg: station.latitudeDeg, longitudeDeg: station.longitudeDeg },
          weighing: { measurementId: record.measurementId, measuredAtMs: tw, axleCount: record.axleCount, grossKg: record.grossKg, lane: record.lane },
          conflicts: result.conflicts,
          fixesInWindow: result.fixesInWindow,
          leftOut: result.leftOut,
          evidenceScore: result.evidenceScore,
          conflictsInWindow: result.conflictsInWindow,
          reasons: result.reasons,
        },
      });
      await bus.publish(TOPICS.alerts, [{ key: vehicleId, value: victimAlertOf(record, vehicle, station, result) }]);
    };

    const subscription = await bus.subscribe({
      groupId: options.groupId ?? 'enforcement-cloned-plate',
      topics: [TOPICS.wimMeasurements],
      fromBeginning: options.fromBeginning ?? true,
      // One plate's records share a partition and come in order, so an earlier conflict is stored before a later one is judged.
      handleBatch: async (batch) => {
        for (const message of batch.messages) await judge(message.value);
      },
    });
    return { readiness: [{ name: 'cloned-plate-consumer', check: () => subscription.stalled().length === 0 }], close: () => subscription.close() };
  },
});
