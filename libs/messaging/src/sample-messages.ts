import { TOPICS, type PositionV1, type TopicName } from '@roadwatch/contracts';
import type { InputOf } from './bus';

/** A valid position whose deviceTimeMs encodes `seq` (see `seqOf` in bus.contract.ts). */
export const position = (vehicleId: string, seq: number): PositionV1 => ({
  v: 1,
  vehicleId,
  terminalId: `T-${vehicleId}`,
  registered: true,
  deviceTimeMs: 1_764_000_000_000 + seq * 1000,
  receivedAtMs: 1_764_000_000_500 + seq * 1000,
  latitudeDeg: 39.9,
  longitudeDeg: 116.4,
  altitudeM: 50,
  speedKmh: 60,
  headingDeg: 90,
  alarmFlags: 0,
  statusFlags: 3,
  accOn: true,
  gnssFixed: true,
  source: 'realtime',
});

/** One schema-valid value per topic, for tests that must cover every topic. */
export const sampleMessages: { [T in TopicName]: (n: number) => { key: string; value: InputOf<T> } } = {
  [TOPICS.positions]: (n) => ({ key: 'V1', value: position('V1', n) }),
  [TOPICS.wimMeasurements]: (n) => ({
    key: '冀B12345:1',
    value: {
      v: 1,
      measurementId: `S1/${n}`,
      stationId: 'S1',
      stationRecordId: String(n),
      lane: 1,
      direction: 'N',
      measuredAtMs: 1_764_000_000_000 + n,
      plate: '冀B12345',
      plateColour: 1,
      axleCount: 6,
      axleWeightsKg: [7000, 9000, 9000, 9000, 9000, 9000],
      grossKg: 52_000,
      speedKmh: 60,
      receivedAtMs: 1_764_000_000_100 + n,
    },
  }),
  [TOPICS.wimStationRecords]: (n) => ({
    key: 'S1',
    value: {
      stationId: 'S1',
      recordId: String(n),
      lane: 1,
      direction: 'N',
      measuredAt: 1_764_000_000_000 + n,
      plate: '冀B12345',
      plateColour: 1,
      axleCount: 2,
      axleWeightsKg: [6000, 9000],
      grossKg: 15_000,
      speedKmh: 50,
    },
  }),
  [TOPICS.alerts]: (n) => ({
    key: 'V1',
    value: {
      v: 1,
      alertId: `A${n}`,
      vehicleId: 'V1',
      rule: 'speeding',
      level: 'violation',
      severity: 'major',
      startedAtMs: 1_764_000_000_000,
      raisedAtMs: 1_764_000_000_000 + n,
      summary: 'speeding',
    },
  }),
  [TOPICS.overloadViolations]: (n) => ({
    key: 'V1',
    value: {
      v: 1,
      violationId: `OV${n}`,
      alertId: `A${n}`,
      vehicleId: 'V1',
      registered: true,
      measurement: sampleMessages[TOPICS.wimMeasurements](n).value,
      limitKg: 49_000,
      limitBasis: 'GB1589 6 axles',
      maxPermissibleErrorKg: 2_600,
      confirmedGrossKg: 49_400,
      excessKg: 400,
      overloadRatio: 0.008,
      rawRatio: 0.06,
      isBaiDunWang: false,
      overWeight: true,
      overDimensions: [],
      severity: 'minor',
      decidedAtMs: 1_764_000_000_000 + n,
    },
  }),
  [TOPICS.caseEvents]: (n) => ({
    key: 'C1',
    value: { v: 1, eventId: `E${n}`, caseId: 'C1', type: 'opened', violationId: 'OV1', occurredAtMs: 1_764_000_000_000 + n },
  }),
  [TOPICS.terminalCommands]: (n) => ({
    key: '013912345678',
    value: { v: 1, commandId: `CMD${n}`, terminalId: '013912345678', issuedAtMs: 1_764_000_000_000 + n, command: { type: 'location_query' } },
  }),
  [TOPICS.commandResults]: (n) => ({
    key: '013912345678',
    value: { v: 1, commandId: `CMD${n}`, terminalId: '013912345678', status: 'acknowledged', answeredAtMs: 1_764_000_000_000 + n },
  }),
  [TOPICS.qualityDaily]: (n) => ({
    key: 'V1',
    value: {
      v: 1, vehicleId: 'V1', date: '2025-11-25', final: false, computedAtMs: 1_764_000_000_000 + n,
      received: n, valid: n, invalid: 0, drift: 0, duplicate: 0, late: 0, trackM: 500 * n, completeTrackM: 500 * n, incompleteGaps: 0, movedThroughGaps: 0,
    },
  }),
  [TOPICS.registryChanges]: (n) => ({
    key: 'vehicle:V1',
    value: { v: 1, entity: 'vehicle', id: 'V1', change: 'upsert', revision: n + 1, changedAtMs: 1_764_000_000_000 + n },
  }),
};
