import { recordKindOf, TOPICS, type WimMeasurementV1 } from '@roadwatch/contracts';
import { vehicleIdOf } from '@roadwatch/domain';
import { assessOverload, DEFAULT_OVERLOAD_CONFIG, judgePermitWeighing, withStationAccuracyClasses, type OverloadConfig } from '@roadwatch/rules';
import { PermitCheckRepository, RegistryRepository, type CheckedVehicle } from '@roadwatch/storage';
import type { EnforcementContext, EnforcementPart, RunningEnforcementPart } from '../enforcement.service';
import { permitWeighingAlertOf } from './permit-alerts';

export interface PermitWeighingsPartOptions {
  /** Consumer group on `wim.measurements` (default `enforcement-permit-weighings`; tests use their own). */
  groupId?: string;
  fromBeginning?: boolean;
  overloadConfig?: OverloadConfig;
}

export const permitWeighingEpisodeId = (kind: 'permit_exceeded' | 'oversize_without_permit', measurementId: string): string => `${kind}:${measurementId}`;

/**
 * 大件 weighings (RULES.md §11): every roadside WIM record (exit and entrance scales are the site
 * weighings' part) is assessed as §4 reads it (`assessOverload`, the station's accuracy class) and
 * judged against the vehicle's permits valid that local day (`judgePermitWeighing`): above every
 * such permit's declared gross (confirmed) or dimensions → `permit_exceeded` (大车小证); an §4
 * overload with none → `oversize_without_permit`. Each is a `permit_episodes` row and an alert on
 * `alerts` with the weighing and the permit as evidence, keyed by the measurement: a redelivered
 * record rewrites, never doubles. An implausible record is not judged (the detector rejects it).
 */
export const permitWeighingsPart = (options: PermitWeighingsPartOptions = {}): EnforcementPart => ({
  name: 'permit-weighings',
  start: async (context: EnforcementContext): Promise<RunningEnforcementPart> => {
    const { bus, pool, logger, metrics } = context;
    const baseConfig = options.overloadConfig ?? DEFAULT_OVERLOAD_CONFIG;
    const registry = new RegistryRepository(pool);
    const checks = new PermitCheckRepository(pool);
    const found = metrics.counter('enforcement_permit_weighings_total', '大件 weighings above the permit or without one');

    const judge = async (record: WimMeasurementV1): Promise<void> => {
      if (recordKindOf(record) !== 'wim') return;
      const vehicleId = vehicleIdOf(record.plate, record.plateColour);
      const [vehicle, station] = await Promise.all([registry.vehicle(vehicleId), registry.wimStation(record.stationId)]);
      const config =
        station?.accuracyClassPct !== undefined ? withStationAccuracyClasses(baseConfig, { [record.stationId]: station.accuracyClassPct }) : baseConfig;
      const assessment = assessOverload(record, vehicle, config);
      if (assessment.outcome === 'rejected') return;
      const permits = vehicle ? await checks.permitsOf(vehicleId) : [];
      const verdict = judgePermitWeighing(assessment, permits);
      if (verdict.outcome === 'covered' || verdict.outcome === 'nothing') return;
      const checked: CheckedVehicle | undefined = vehicle
        ? {
            vehicleId,
            plate: vehicle.plate,
            plateColour: vehicle.plateColour,
            vehicleClass: vehicle.vehicleClass,
            ...(vehicle.companyId !== undefined ? { companyId: vehicle.companyId } : {}),
            ...(vehicle.regionCode !== undefined ? { regionCode: vehicle.regionCode } : {}),
          }
        : undefined;
      const episodeId = permitWeighingEpisodeId(verdict.outcome, record.measurementId);
      const permit = verdict.outcome === 'permit_exceeded' ? permits.find((p) => p.routeId === verdict.permitId) : undefined;
      const alert = permitWeighingAlertOf(
        episodeId,
        record,
        assessment,
        checked,
        station,
        verdict.outcome === 'permit_exceeded' && permit
          ? { outcome: 'permit_exceeded', permit, excesses: verdict.excesses }
          : { outcome: 'oversize_without_permit' },
      );
      await checks.recordPermitEpisode({
        kind: verdict.outcome,
        episodeId,
        vehicleId,
        routeId: permit?.routeId ?? null,
        routeIds: permit ? [permit.routeId] : [],
        measurementId: record.measurementId,
        startedAtMs: record.measuredAtMs,
        endedAtMs: record.measuredAtMs,
        countedAtMs: record.measuredAtMs,
        evidence: alert.details,
      });
      found.inc();
      logger.info({ vehicleId, measurementId: record.measurementId, rule: alert.rule }, alert.summaryEn ?? alert.summary);
      await bus.publish(TOPICS.alerts, [{ key: vehicleId, value: alert }]);
    };

    const subscription = await bus.subscribe({
      groupId: options.groupId ?? 'enforcement-permit-weighings',
      topics: [TOPICS.wimMeasurements],
      fromBeginning: options.fromBeginning ?? true,
      handleBatch: async (batch) => {
        for (const message of batch.messages) await judge(message.value);
      },
    });
    return { readiness: [{ name: 'permit-weighings-consumer', check: () => subscription.stalled().length === 0 }], close: () => subscription.close() };
  },
});
