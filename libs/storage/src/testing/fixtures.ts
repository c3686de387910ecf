import type { AlertV1, CaseEventV1, OverloadViolationV1, PositionV1, WimMeasurementV1 } from '@roadwatch/contracts';
import { wimMeasurementId } from '@roadwatch/contracts';

export const position = (vehicleId: string, deviceTimeMs: number, over: Partial<PositionV1> = {}): PositionV1 => ({
  v: 1,
  vehicleId,
  terminalId: `T-${vehicleId}`,
  plate: vehicleId.split(':')[0],
  plateColour: 2,
  registered: true,
  deviceTimeMs,
  receivedAtMs: deviceTimeMs + 800,
  latitudeDeg: 39.9 + (deviceTimeMs % 1000) / 1e6,
  longitudeDeg: 116.4,
  altitudeM: 50,
  speedKmh: 60,
  headingDeg: 90,
  alarmFlags: 0,
  statusFlags: 3,
  accOn: true,
  gnssFixed: true,
  mileageKm: 1000,
  source: 'realtime',
  ...over,
});

/** n reports every stepMs from startMs. */
export const positions = (vehicleId: string, startMs: number, n: number, stepMs: number, over: (i: number) => Partial<PositionV1> = () => ({})): PositionV1[] =>
  Array.from({ length: n }, (_, i) => position(vehicleId, startMs + i * stepMs, over(i)));

export const wim = (stationId: string, recordId: string, measuredAtMs: number, plate: string, grossKg: number): WimMeasurementV1 => ({
  v: 1,
  measurementId: wimMeasurementId(stationId, recordId),
  stationId,
  stationRecordId: recordId,
  lane: 1,
  direction: 'N',
  measuredAtMs,
  plate,
  plateColour: 2,
  axleCount: 6,
  axleWeightsKg: [7000, 9000, 9000, 9000, 9000, grossKg - 43000],
  axleSpacingsMm: [3200, 1350, 7000, 1310, 1310],
  grossKg,
  speedKmh: 62,
  imageRefs: ['img://1', 'img\\with\ttab'],
  accuracyClassPct: 5,
  receivedAtMs: measuredAtMs + 1000,
});

export const alert = (alertId: string, revision: number, over: Partial<AlertV1> = {}): AlertV1 => ({
  v: 1,
  alertId,
  revision,
  vehicleId: 'A:2',
  plate: 'A',
  companyId: 'C1',
  rule: 'speeding',
  level: 'violation',
  severity: 'major',
  startedAtMs: Date.now() - 3_600_000,
  raisedAtMs: Date.now(),
  summary: `rev ${revision}`,
  details: { revision },
  evidence: {},
  ...over,
});

export const violation = (violationId: string, measurement: WimMeasurementV1): OverloadViolationV1 => ({
  v: 1,
  violationId,
  alertId: `alert-${violationId}`,
  vehicleId: `${measurement.plate}:2`,
  registered: true,
  companyId: 'C1',
  measurement,
  limitKg: 49_000,
  limitBasis: '超限规定 第3条 6轴',
  maxPermissibleErrorKg: 2_450,
  confirmedGrossKg: measurement.grossKg - 2_450,
  excessKg: measurement.grossKg - 2_450 - 49_000,
  overloadRatio: (measurement.grossKg - 2_450 - 49_000) / 49_000,
  rawRatio: (measurement.grossKg - 49_000) / 49_000,
  isBaiDunWang: measurement.grossKg >= 100_000,
  overWeight: true,
  overDimensions: [],
  severity: 'serious',
  decidedAtMs: measurement.measuredAtMs + 5_000,
});

export const caseEvent = (eventId: string, caseId: string, violationId: string, type: CaseEventV1['type'], over: Partial<CaseEventV1> = {}): CaseEventV1 => ({
  v: 1,
  eventId,
  caseId,
  violationId,
  type,
  occurredAtMs: Date.now(),
  details: {},
  ...over,
});
