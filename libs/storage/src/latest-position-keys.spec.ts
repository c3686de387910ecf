import { describe, expect, it } from 'vitest';
import type { PositionV1 } from '@roadwatch/contracts';
import { decodeLatestPosition, encodeLatestPosition, latestPositionKeys } from './latest-position-keys';

/** The part of a key Redis Cluster hashes: the text inside the first `{…}` when it is not empty, else the whole key. */
const hashTagOf = (key: string): string => {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
};

describe('latestPositionKeys', () => {
  it("names the archiver's two hashes as they have always been named, under the prefix", () => {
    expect(latestPositionKeys('rw:')).toEqual({ time: 'rw:{latest}:time', position: 'rw:{latest}:position' });
    expect(latestPositionKeys('')).toEqual({ time: '{latest}:time', position: '{latest}:position' });
  });

  it.each(['', 'rw:', '车队:', 'odd\u0000bytes\n:'])('keeps both hashes in one cluster slot, and apart, for the prefix %j', (prefix) => {
    const keys = latestPositionKeys(prefix);
    expect(hashTagOf(keys.time)).toBe(hashTagOf(keys.position));
    expect(keys.time).not.toBe(keys.position);
    expect(keys.time.startsWith(prefix) && keys.position.startsWith(prefix)).toBe(true);
  });

  it.each(['a{}:', 'a{b}c:', 'x}', '{'])("refuses the prefix %j, whose brace would take the hash tag's place", (prefix) => {
    expect(() => latestPositionKeys(prefix)).toThrow(/may not contain \{ or \}/);
  });
});

describe('encodeLatestPosition / decodeLatestPosition', () => {
  const full: PositionV1 = {
    v: 1,
    vehicleId: '京A·12345:2',
    terminalId: '013800138000',
    plate: '京A·12345😀',
    plateColour: 2,
    registered: true,
    driverId: '司机"\\1',
    deviceTimeMs: 1_765_000_000_123,
    receivedAtMs: 1_765_000_000_923,
    latitudeDeg: -0.000001,
    longitudeDeg: 179.999999,
    altitudeM: -12.5,
    speedKmh: 0,
    headingDeg: 360,
    alarmFlags: 0xffff_ffff,
    statusFlags: 0x0c03,
    accOn: true,
    gnssFixed: false,
    mileageKm: 123_456.7,
    recorderSpeedKmh: 61.5,
    satellites: 0,
    source: 'blind-area',
  };
  const minimal: PositionV1 = {
    v: 1,
    vehicleId: 'V1',
    terminalId: 'T1',
    registered: false,
    deviceTimeMs: 0,
    receivedAtMs: 1,
    latitudeDeg: 39.9,
    longitudeDeg: 116.4,
    altitudeM: 0,
    speedKmh: 12,
    headingDeg: 0,
    alarmFlags: 0,
    statusFlags: 0,
    accOn: false,
    gnssFixed: true,
    source: 'realtime',
  };

  it('round-trips every field, optional ones absent or present (zero and false included), whatever the text', () => {
    expect(decodeLatestPosition(full.vehicleId, encodeLatestPosition(full))).toEqual(full);
    expect(decodeLatestPosition('V1', encodeLatestPosition(minimal))).toEqual(minimal);
    for (const source of ['realtime', 'batch', 'blind-area'] as const) {
      for (const bits of [0, 1, 2, 3, 4, 7]) {
        const p = { ...minimal, source, accOn: (bits & 1) !== 0, gnssFixed: (bits & 2) !== 0, registered: (bits & 4) !== 0 };
        expect(decodeLatestPosition('V1', encodeLatestPosition(p))).toEqual(p);
      }
    }
    // Only the last optional field present: the ones before it stay absent.
    const last = { ...minimal, satellites: 9 };
    expect(decodeLatestPosition('V1', encodeLatestPosition(last))).toEqual(last);
  });

  it('is a third of the positionV1 JSON or less, with no trailing nulls', () => {
    expect(encodeLatestPosition(minimal)).toBe('[2,0,1,39.9,116.4,0,12,0,0,0,2,0,"T1"]');
    const entry = encodeLatestPosition({ ...full, plate: '京A12345', driverId: undefined });
    expect(Buffer.byteLength(entry) * 2.5).toBeLessThan(Buffer.byteLength(JSON.stringify(full)));
  });

  it('reads an entry stored as positionV1 JSON before the compact form', () => {
    expect(decodeLatestPosition(full.vehicleId, JSON.stringify(full))).toEqual(full);
  });

  it('refuses what it does not know, naming the vehicle', () => {
    expect(() => decodeLatestPosition('V9', '[3,1,2]')).toThrow(/latest position of V9: not an entry this version reads/);
    expect(() => decodeLatestPosition('V9', '[2,1,2,3,4,5,6,7,8,9,0,5,"T"]')).toThrow(/V9/);
    expect(() => decodeLatestPosition('V9', '42')).toThrow(/V9/);
    expect(() => decodeLatestPosition('V9', 'not json')).toThrow(SyntaxError);
  });
});
