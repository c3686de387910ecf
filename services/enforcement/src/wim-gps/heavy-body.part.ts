import { recordKindOf, TOPICS, type WimMeasurementV1 } from '@roadwatch/contracts';
import { vehicleIdOf } from '@roadwatch/domain';
import { DEFAULT_WIM_GPS_CONFIG, emptyWeightSuspicion, type VehicleWeighing, type WimGpsConfig } from '@roadwatch/rules';
import { RegistryRepository, TargetingRepository, WimRepository } from '@roadwatch/storage';
import type { EnforcementContext, EnforcementPart, RunningEnforcementPart } from '../enforcement.service';

export interface HeavyBodyPartOptions {
  /** Consumer group on `wim.measurements` (default `enforcement-heavy-body`; tests use their own). */
  groupId?: string;
  fromBeginning?: boolean;
  config?: WimGpsConfig;
}

/** The most weighings of one vehicle read for its 90 days (a truck weighed every hour for 90 days is 2,160). */
const MAX_WEIGHINGS = 5_000;

const KIND_OF = { wim: 'wim', site_exit: 'exit', entrance: 'entrance' } as const satisfies Record<ReturnType<typeof recordKindOf>, VehicleWeighing['kind']>;

const weighingOf = (m: WimMeasurementV1): VehicleWeighing => ({
  weighingId: m.measurementId,
  // WIM, a source site's exit scale or an expressway entrance scale: all count (§14).
  kind: KIND_OF[recordKindOf(m)],
  stationId: m.stationId,
  measuredAtMs: m.measuredAtMs,
  grossKg: m.grossKg,
  ...(m.accuracyClassPct !== undefined ? { accuracyClassPct: m.accuracyClassPct } : {}),
});

/**
 * 大吨小标 / 非法改装 (RULES.md §14, §15 "WIM × GPS"): at every weighing of a registered vehicle
 * the lowest confirmed gross of its weighings in the 90 days up to it (the stored ones and this
 * one, which the archiver may not have stored yet) is compared with the registry's curb masses
 * by `emptyWeightSuspicion`. A suspicion is one open `heavy_body` lead per vehicle for 公安/工信
 * referral, rewritten with the weighings behind it as more arrive; a new one opens only after an
 * officer closed the last. No curb mass (or a combination's trailer unknown) → nothing.
 */
export const heavyBodyPart = (options: HeavyBodyPartOptions = {}): EnforcementPart => ({
  name: 'heavy-body',
  start: async (context: EnforcementContext): Promise<RunningEnforcementPart> => {
    const { bus, pool, metrics } = context;
    const config = options.config ?? DEFAULT_WIM_GPS_CONFIG;
    const registry = new RegistryRepository(pool);
    const weighings = new WimRepository(pool);
    const targeting = new TargetingRepository(pool);
    const suspicions = metrics.counter('enforcement_heavy_body_suspicions_total', '大吨小标 suspicions found or updated');

    const judge = async (record: WimMeasurementV1): Promise<void> => {
      const vehicleId = vehicleIdOf(record.plate, record.plateColour);
      const vehicle = await registry.vehicle(vehicleId);
      if (!vehicle || vehicle.curbMassKg === undefined) return;
      const atMs = record.measuredAtMs;
      const stored = await weighings.find({
        plate: record.plate,
        plateColour: record.plateColour,
        fromMs: atMs - config.emptyWeight.windowMs,
        toMs: atMs + 1,
        limit: MAX_WEIGHINGS,
      });
      const open = await targeting.openOf('heavy_body', vehicleId);
      // The open lead's own weighings count too: a weighing judged here may not be stored by the archiver yet.
      const known = new Map<string, VehicleWeighing>(((open?.evidence['weighings'] as VehicleWeighing[] | undefined) ?? []).map((w) => [w.weighingId, w]));
      for (const m of [...stored, record]) known.set(m.measurementId, weighingOf(m));
      const behind = [...known.values()];
      const result = emptyWeightSuspicion({
        atMs,
        weighings: behind,
        vehicle: {
          curbMassKg: vehicle.curbMassKg,
          ...(vehicle.isCombination !== undefined ? { isCombination: vehicle.isCombination } : {}),
          ...(vehicle.trailerCurbMassKg !== undefined ? { trailerCurbMassKg: vehicle.trailerCurbMassKg } : {}),
        },
        config,
      });
      if (result.outcome !== 'suspicion') return;
      suspicions.inc();
      const regionCode = vehicle.regionCode ?? (vehicle.companyId !== undefined ? (await registry.company(vehicle.companyId))?.regionCode : undefined);
      await targeting.record({
        targetingId: open?.targetingId ?? `heavy_body:${vehicleId}:${record.measurementId}`,
        kind: 'heavy_body',
        plate: vehicle.plate,
        plateColour: vehicle.plateColour,
        vehicleId,
        stationId: record.stationId,
        measurementId: result.emptyWeighingId ?? record.measurementId,
        occurredAtMs: open?.occurredAtMs ?? atMs,
        ...(regionCode !== undefined ? { regionCode } : {}),
        priority: 'normal',
        evidence: {
          emptyKg: result.emptyKg,
          curbKg: result.curbKg,
          excessPct: result.excessPct,
          emptyWeighingId: result.emptyWeighingId,
          evaluatedAtMs: atMs,
          weighings: behind
            .filter((w) => w.measuredAtMs > atMs - config.emptyWeight.windowMs && w.measuredAtMs <= atMs)
            .sort((a, b) => a.measuredAtMs - b.measuredAtMs),
          reasons: result.reasons,
        },
      });
    };

    const subscription = await bus.subscribe({
      groupId: options.groupId ?? 'enforcement-heavy-body',
      topics: [TOPICS.wimMeasurements],
      fromBeginning: options.fromBeginning ?? true,
      // One plate's records share a partition: the open lead of a vehicle is read and written by one handler at a time.
      handleBatch: async (batch) => {
        for (const message of batch.messages) await judge(message.value);
      },
    });
    return {
      readiness: [{ name: 'heavy-body-consumer', check: () => subscription.stalled().length === 0 }],
      close: () => subscription.close(),
    };
  },
});
