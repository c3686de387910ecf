import { wimMeasurementId, type StationRecordV1, type WimMeasurementV1, type WimStationRecordV1 } from '@roadwatch/contracts';

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

/**
 * Any station's record onto `wim.measurements`: a WIM record as before (no `recordKind`, so
 * the messages of WIM stations are unchanged); an exit or entrance scale's with its kind and
 * its own fields. Static scales have no lane, direction or speed: lane 0, the kind as the
 * direction, speed 0 — the detector never judges them as roadside weighings.
 */
export const normaliseAnyStationRecord = (record: StationRecordV1, receivedAtMs: number): WimMeasurementV1 => {
  if (record.kind === undefined || record.kind === 'wim') return normaliseStationRecord(record, receivedAtMs);
  const common: WimMeasurementV1 = {
    v: 1,
    measurementId: wimMeasurementId(record.stationId, record.recordId),
    stationId: record.stationId,
    stationRecordId: record.recordId,
    lane: record.kind === 'entrance' ? (record.lane ?? 0) : 0,
    direction: record.kind,
    measuredAtMs: typeof record.measuredAt === 'number' ? record.measuredAt : Date.parse(record.measuredAt),
    plate: record.plate.trim().toUpperCase(),
    plateColour: record.plateColour,
    ...(record.vehicleType !== undefined ? { vehicleType: record.vehicleType } : {}),
    axleCount: record.axleCount,
    axleWeightsKg: record.axleWeightsKg ?? [],
    axleSpacingsMm: [],
    grossKg: record.grossKg,
    speedKmh: 0,
    imageRefs: record.imageRefs ?? [],
    ...(record.calibrationRef !== undefined ? { calibrationRef: record.calibrationRef } : {}),
    ...(record.accuracyClassPct !== undefined ? { accuracyClassPct: record.accuracyClassPct } : {}),
    receivedAtMs,
    recordKind: record.kind,
  };
  if (record.kind === 'site_exit') {
    return { ...common, tareKg: record.tareKg, netKg: record.netKg, ...(record.loadingSlipNo !== undefined ? { loadingSlipNo: record.loadingSlipNo } : {}) };
  }
  return record.kind === 'entrance' ? { ...common, entryRefused: record.entryRefused } : common;
};
