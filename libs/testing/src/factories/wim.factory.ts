import { wimMeasurementId, type WimMeasurementV1 } from '@roadwatch/contracts';

/** `grossKg` shared out over `axleCount` axles in whole kilograms, the last axle taking the remainder. */
export const evenAxleWeightsKg = (grossKg: number, axleCount: number): number[] => {
  const axleKg = Math.round(grossKg / axleCount);
  return Array.from({ length: axleCount }, (_, index) => (index === axleCount - 1 ? grossKg - (axleCount - 1) * axleKg : axleKg));
};

/**
 * A schema-valid weigh-in-motion record: a six-axle combination of 40,000 kg (within its
 * 49,000 kg limit) on a class-5 scale, received a second after it was weighed. The measurement
 * id follows station and record id, the axle weights follow the gross weight, unless given.
 */
export const aWimRecord = (overrides: Partial<WimMeasurementV1> = {}): WimMeasurementV1 => {
  const stationId = overrides.stationId ?? 'ST-G4-01';
  const stationRecordId = overrides.stationRecordId ?? 'R-0001';
  const measuredAtMs = overrides.measuredAtMs ?? Date.UTC(2026, 10, 23, 2, 0, 0);
  const grossKg = overrides.grossKg ?? 40_000;
  const axleCount = overrides.axleCount ?? 6;
  return {
    v: 1,
    measurementId: wimMeasurementId(stationId, stationRecordId),
    stationId,
    stationRecordId,
    lane: 1,
    direction: 'N',
    measuredAtMs,
    plate: '冀B77777',
    plateColour: 2,
    axleCount,
    axleWeightsKg: evenAxleWeightsKg(grossKg, axleCount),
    axleSpacingsMm: [],
    grossKg,
    speedKmh: 45,
    imageRefs: [],
    accuracyClassPct: 5,
    receivedAtMs: measuredAtMs + 1_000,
    ...overrides,
  };
};
