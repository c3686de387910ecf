import { wimMeasurementId, type WimMeasurementV1, type WimStationRecordV1 } from '@roadwatch/contracts';

/** A station record as the platform keeps it: one id, epoch times, plate in canonical form. */
export const normaliseStationRecord = (record: WimStationRecordV1, receivedAtMs: number): WimMeasurementV1 => ({
  v: 1,
  measurementId: wimMeasurementId(record.stationId, record.recordId),
  stationId: record.stationId,
  stationRecordId: record.recordId,
  lane: record.lane,
  direction: record.direction,
  measuredAtMs: typeof record.measuredAt === 'number' ? record.measuredAt : Date.parse(record.measuredAt),
  plate: record.plate.trim().toUpperCase(),
  plateColour: record.plateColour,
  ...(record.vehicleType !== undefined ? { vehicleType: record.vehicleType } : {}),
  axleCount: record.axleCount,
  axleWeightsKg: record.axleWeightsKg,
  axleSpacingsMm: record.axleSpacingsMm ?? [],
  grossKg: record.grossKg,
  speedKmh: record.speedKmh,
  ...(record.heightM !== undefined ? { heightM: record.heightM } : {}),
  ...(record.widthM !== undefined ? { widthM: record.widthM } : {}),
  ...(record.lengthM !== undefined ? { lengthM: record.lengthM } : {}),
  imageRefs: record.imageRefs ?? [],
  ...(record.calibrationRef !== undefined ? { calibrationRef: record.calibrationRef } : {}),
  ...(record.accuracyClassPct !== undefined ? { accuracyClassPct: record.accuracyClassPct } : {}),
  receivedAtMs,
});

/** WIM is partitioned by plate + colour: one vehicle's weighings stay in order. */
export const wimMessageKey = (measurement: Pick<WimMeasurementV1, 'plate' | 'plateColour'>): string => `${measurement.plate}:${measurement.plateColour}`;
