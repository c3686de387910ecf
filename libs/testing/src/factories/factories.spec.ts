import { alertV1, positionV1, vehicleRegistryEntry, wimMeasurementV1 } from '@roadwatch/contracts';
import { describe, expect, it } from 'vitest';
import { A_DEVICE_TIME_MS, aPosition, aVehicle, anAlert, aWimRecord, evenAxleWeightsKg, positionsEvery } from './index';

// The factories' defaults are messages a service would accept: parsing them must neither
// fail nor change them (a default the schema fills in would hide a missing field).
describe('test-data factories', () => {
  it('every default passes its contract schema unchanged', () => {
    expect(positionV1.parse(aPosition())).toEqual(aPosition());
    expect(wimMeasurementV1.parse(aWimRecord())).toEqual(aWimRecord());
    expect(alertV1.parse(anAlert())).toEqual(anAlert());
    const { plate, plateColour, vehicleClass, companyId, regionCode, vehicleId } = aVehicle();
    expect(vehicleRegistryEntry.parse({ vehicleId, plate, plateColour, vehicleClass, companyId, regionCode })).toEqual(aVehicle());
  });

  it('derived fields follow their overrides, and an explicit override wins', () => {
    const p = aPosition({ vehicleId: '粤B20002:2', deviceTimeMs: 1_000, speedKmh: 95 });
    expect(p).toMatchObject({ terminalId: 'T-粤B20002:2', receivedAtMs: 1_500, speedKmh: 95 });
    expect(aPosition({ deviceTimeMs: 1_000, receivedAtMs: 900 }).receivedAtMs).toBe(900);
    expect(aVehicle({ plate: '冀B77777', plateColour: 1 }).vehicleId).toBe('冀B77777:1');
    const w = aWimRecord({ stationId: 'ST-JJ-007', stationRecordId: 'r 1', grossKg: 101_001, axleCount: 5 });
    expect(w.measurementId).toBe('ST-JJ-007/r 1');
    expect(w.axleWeightsKg).toHaveLength(5);
    expect(w.axleWeightsKg.reduce((sum, kg) => sum + kg, 0)).toBe(101_001);
    expect(wimMeasurementV1.parse(w)).toEqual(w);
    expect(anAlert({ startedAtMs: 5_000 }).raisedAtMs).toBe(6_000);
  });

  it('odd text and the far ends of the clock still build schema-valid values', () => {
    for (const deviceTimeMs of [0, A_DEVICE_TIME_MS, Date.UTC(2099, 11, 31, 23, 59, 59, 999)]) {
      expect(positionV1.safeParse(aPosition({ deviceTimeMs })).success).toBe(true);
    }
    // A NUL or a lone surrogate is refused at the edge; the factory does not launder it.
    expect(positionV1.safeParse(aPosition({ plate: '京A\u000012345' })).success).toBe(false);
    expect(alertV1.safeParse(anAlert({ summary: '超速 \ud800' })).success).toBe(false);
    expect(alertV1.parse(anAlert({ summary: '超速 🚚 “quoted” \t tab' })).summary).toBe('超速 🚚 “quoted” \t tab');
  });

  it('a sequence steps the device time, and each receive time follows its own report', () => {
    const track = positionsEvery(10_000, 3, { vehicleId: 'V1', deviceTimeMs: 1_000, receivedAtMs: 1 }, (i) => ({ speedKmh: 40 + i }));
    expect(track.map((p) => [p.deviceTimeMs, p.receivedAtMs, p.speedKmh])).toEqual([
      [1_000, 1_500, 40],
      [11_000, 11_500, 41],
      [21_000, 21_500, 42],
    ]);
    expect(track.every((p) => p.vehicleId === 'V1' && positionV1.safeParse(p).success)).toBe(true);
    expect(evenAxleWeightsKg(10, 3)).toEqual([3, 3, 4]);
  });
});
