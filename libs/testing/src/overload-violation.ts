import type { OverloadViolationV1, WimMeasurementV1 } from '@roadwatch/contracts';
import { assessOverload, isOverloadViolation, resolveOverloadConfig, toOverloadViolationV1 } from '@roadwatch/rules';
import type { VehicleFacts } from '@roadwatch/domain';
import { aWimRecord } from './factories/wim.factory';

const overloadConfig = resolveOverloadConfig();

/**
 * A six-axle pass on a class-5 scale, judged by the overload rule itself and mapped as the
 * detector publishes it on `violations.overload` (the case tests): the rule's numbers, never
 * hand-written ones. Decided a second after the weighing unless `decidedAtMs` says otherwise.
 */
export const overloadViolationOf = (input: {
  stationId: string;
  recordId: string;
  plate: string;
  measuredAtMs: number;
  grossKg: number;
  vehicle?: VehicleFacts;
  decidedAtMs?: number;
  measurement?: Partial<WimMeasurementV1>;
}): OverloadViolationV1 => {
  const m = aWimRecord({
    stationId: input.stationId,
    stationRecordId: input.recordId,
    measuredAtMs: input.measuredAtMs,
    plate: input.plate,
    grossKg: input.grossKg,
    axleWeightsKg: Array<number>(6).fill(input.grossKg / 6),
    speedKmh: 40,
    receivedAtMs: input.measuredAtMs + 500,
    ...input.measurement,
  });
  const a = assessOverload(m, input.vehicle, overloadConfig);
  if (!isOverloadViolation(a)) throw new Error(`fixture ${m.measurementId} is not a violation: ${a.outcome}`);
  return toOverloadViolationV1(a, m, input.decidedAtMs ?? input.measuredAtMs + 1_000);
};
