import type { WimMeasurementV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';

/** Spec helper: a plausible WIM record whose axle weights add up to the gross. */
export const axlesFor = (grossKg: number, axleCount: number): number[] => {
  const each = Math.floor(grossKg / axleCount);
  return Array.from({ length: axleCount }, (_, i) => (i === axleCount - 1 ? grossKg - each * (axleCount - 1) : each));
};

export const wim = (overrides: Partial<WimMeasurementV1> & { grossKg: number; axleCount: number }): WimMeasurementV1 => ({
  v: 1,
  measurementId: 'ST01/000123',
  stationId: 'ST01',
  stationRecordId: '000123',
  lane: 1,
  direction: 'N',
  measuredAtMs: Date.UTC(2026, 4, 12, 2, 0, 0),
  plate: '冀A12345',
  plateColour: 2,
  axleWeightsKg: axlesFor(overrides.grossKg, overrides.axleCount),
  axleSpacingsMm: [],
  speedKmh: 60,
  imageRefs: [],
  receivedAtMs: Date.UTC(2026, 4, 12, 2, 0, 1),
  ...overrides,
});

export const tractor = (overrides: Partial<VehicleFacts> = {}): VehicleFacts => ({
  vehicleId: '冀A12345:2',
  plate: '冀A12345',
  plateColour: 2,
  vehicleClass: 'heavy_truck',
  companyId: 'C-001',
  regionCode: '130100',
  axleCount: 6,
  isCombination: true,
  ...overrides,
});
