import type { OverloadViolationV1, WimMeasurementV1 } from '@roadwatch/contracts';
import { assessOverload, isOverloadViolation, resolveOverloadConfig, toOverloadViolationV1 } from '@roadwatch/rules';
import type { VehicleFacts } from '@roadwatch/domain';

const overloadConfig = resolveOverloadConfig();

/** A 6-axle pass on a class-5 scale, as the detector would publish it on `violations.overload` (the cases tests). */
export const overloadViolationOf = (input: {
  stationId: string;
  recordId: string;
  plate: string;
  measuredAtMs: number;
  grossKg: number;
  vehicle?: VehicleFacts;
}): OverloadViolationV1 => {
  const perAxle = input.grossKg / 6;
  const m: WimMeasurementV1 = {
    v: 1,
    measurementId: `${input.stationId}/${input.recordId}`,
    stationId: input.stationId,
    stationRecordId: input.recordId,
    lane: 1,
    direction: 'N',
    measuredAtMs: input.measuredAtMs,
    plate: input.plate,
    plateColour: 2,
    axleCount: 6,
    axleWeightsKg: [perAxle, perAxle, perAxle, perAxle, perAxle, perAxle],
    axleSpacingsMm: [],
    grossKg: input.grossKg,
    speedKmh: 40,
    imageRefs: [],
    accuracyClassPct: 5,
    receivedAtMs: input.measuredAtMs + 500,
  };
  const a = assessOverload(m, input.vehicle, overloadConfig);
  if (!isOverloadViolation(a)) throw new Error(`fixture ${m.measurementId} is not a violation: ${a.outcome}`);
  return toOverloadViolationV1(a, m, input.measuredAtMs + 1_000);
};
