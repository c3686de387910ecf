import { describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs, haversineMeters } from '@roadwatch/domain';
import {
  ALARM_ANTENNA_CUT_BIT,
  ALARM_ANTENNA_SHORT_BIT,
  ALARM_POWER_LOSS_BIT,
  judgeTampering,
  outageCheckNeeded,
  type OtherVehicleGap,
  type TamperingReport,
} from './tampering.rule';
import { resolveTamperingConfig } from './tampering.config';
import { tamperingSummary } from './tampering-texts';

const MIN = 60_000;
const T0 = chinaLocalToEpochMs(2026, 3, 10, 10, 0, 0);
const LAT0 = 30.01;
const LON0 = 114.01;
const M_PER_DEG_LAT = 111_195;
const north = (m: number) => LAT0 + m / M_PER_DEG_LAT;

const report = (minutes: number, northM: number, extra: Partial<TamperingReport> = {}): TamperingReport => ({
  deviceTimeMs: T0 + minutes * MIN,
  latitudeDeg: north(northM),
  longitudeDeg: LON0,
  speedKmh: 60,
  accOn: true,
  gnssFixed: true,
  alarmFlags: 0,
  ...extra,
});

/** A truck driving north at 60 km/h (1 km a minute), a report a minute, from `fromMin` to `toMin`. */
const driving = (fromMin: number, toMin: number, extra: Partial<TamperingReport> = {}): TamperingReport[] =>
  Array.from({ length: toMin - fromMin + 1 }, (_, k) => report(fromMin + k, (fromMin + k) * 1_000, extra));

const judge = (reports: TamperingReport[], more: Omit<Parameters<typeof judgeTampering>[0], 'vehicleId' | 'reports'> = {}) =>
  judgeTampering({ vehicleId: 'V1', reports, ...more });

/** Antenna cut at minute 3 with ACC on; the next clear fixed report at minute 4 lies `displacedM` on from minute 3's. */
const antennaCut = (displacedM: number, bit = ALARM_ANTENNA_CUT_BIT, accOn = true): TamperingReport[] => [
  ...driving(0, 2),
  report(3, 3_000, { alarmFlags: bit, accOn }),
  report(4, 3_000 + displacedM),
  report(5, 3_000 + displacedM + 1_000),
];

describe('tampering I1 (antenna cut/short with ACC on, then displaced)', () => {
  it('names I1 when the first clear fixed report lies more than 1 km from the last accepted position', () => {
    const result = judge(antennaCut(1_500));
    expect(result.episodes).toHaveLength(1);
    expect(result.episodes[0]!.indicators).toEqual(['I1']);
    expect(result.episodes[0]!.stretches[0]!.displacedM).toBeCloseTo(1_500, -1);
  });

  it('reads bit 6 (short) as bit 5 (cut)', () => {
    expect(judge(antennaCut(1_500, ALARM_ANTENNA_SHORT_BIT)).episodes[0]!.indicators).toEqual(['I1']);
  });

  it('is not displaced at exactly the distance (more than 1 km is)', () => {
    const track = antennaCut(1_000);
    const exact = haversineMeters(track[3]!, track[4]!);
    expect(judge(track, { config: resolveTamperingConfig({ displacedM: exact }) }).episodes).toEqual([]);
    expect(judge(track, { config: resolveTamperingConfig({ displacedM: exact - 0.001 }) }).episodes[0]!.indicators).toEqual(['I1']);
  });

  it('needs ACC on: the bit with ACC off is no indicator', () => {
    expect(judge(antennaCut(5_000, ALARM_ANTENNA_CUT_BIT, false)).episodes).toEqual([]);
  });

  it('stays open (nothing judged) until a fixed report with both bits clear arrives', () => {
    const track = [...driving(0, 2), report(3, 3_000, { alarmFlags: ALARM_ANTENNA_CUT_BIT }), report(4, 9_000, { alarmFlags: ALARM_ANTENNA_CUT_BIT })];
    expect(judge(track).episodes).toEqual([]);
  });
});

describe('tampering I2 (a gap moved through)', () => {
  const gapTrack = (gapMin: number, movedM: number) => [...driving(0, 2), report(2 + gapMin, 2_000 + movedM), report(3 + gapMin, 3_000 + movedM)];

  it('names I2 with the implied speed across the gap', () => {
    const result = judge(gapTrack(10, 12_000));
    expect(result.episodes[0]!.indicators).toEqual(['I2']);
    expect(result.episodes[0]!.stretches[0]!.impliedSpeedKmh).toBeCloseTo(72, 0);
  });

  it('a gap of exactly 5 min is no gap; 5 min and 1 ms is', () => {
    expect(judge(gapTrack(5, 5_000)).episodes).toEqual([]);
    const track = gapTrack(5, 5_000);
    track[3] = { ...track[3]!, deviceTimeMs: track[3]!.deviceTimeMs + 1 };
    expect(judge(track).episodes[0]!.indicators).toEqual(['I2']);
  });

  it('a gap stood still through (within 50 m) is not I2', () => {
    const track = [...driving(0, 2), report(12, 2_040, { speedKmh: 0 })];
    expect(judge(track).episodes).toEqual([]);
  });

  it('does not depend on the order the reports came in (duplicates count once)', () => {
    const track = gapTrack(10, 12_000);
    const shuffled = [track[4]!, track[1]!, track[3]!, track[0]!, track[2]!, track[3]!];
    expect(judge(shuffled).episodes).toEqual(judge(track).episodes);
    expect(judge(shuffled).ignored).toBe(1);
  });

  it('is excluded when ACC is off on the report before or after the gap', () => {
    const before = gapTrack(10, 12_000);
    before[2] = { ...before[2]!, accOn: false };
    expect(judge(before).episodes).toEqual([]);
    expect(judge(before).excluded[0]!.excluded).toEqual({ reason: 'acc_off' });
    const after = gapTrack(10, 12_000);
    after[3] = { ...after[3]!, accOn: false };
    expect(judge(after).episodes).toEqual([]);
  });

  describe('network outage (excludes I2 only)', () => {
    // The gap starts at minute 2, 2 km north of the origin; others' gaps start in cells around it.
    const start = { latitudeDeg: north(2_000), longitudeDeg: LON0 };
    const others = (count: number, lonOffsetDeg = 0): OtherVehicleGap[] =>
      Array.from({ length: count }, (_, k) => ({
        vehicleId: `O${k}`,
        startMs: T0 + 3 * MIN,
        endMs: T0 + 20 * MIN,
        latitudeDeg: start.latitudeDeg,
        longitudeDeg: start.longitudeDeg + lonOffsetDeg,
      }));

    it('5 vehicles including this one exclude I2; 4 do not', () => {
      const five = judge(gapTrack(10, 12_000), { otherGaps: others(4) });
      expect(five.episodes).toEqual([]);
      expect(five.excluded[0]!.excluded).toEqual({ reason: 'network_outage', vehiclesInOutage: 5 });
      expect(judge(gapTrack(10, 12_000), { otherGaps: others(3) }).episodes[0]!.indicators).toEqual(['I2']);
    });

    it('counts a neighbour cell, not one two cells away', () => {
      expect(judge(gapTrack(10, 12_000), { otherGaps: others(4, 0.05) }).episodes).toEqual([]);
      expect(judge(gapTrack(10, 12_000), { otherGaps: others(4, 0.1) }).episodes[0]!.indicators).toEqual(['I2']);
    });

    it('needs the gaps to overlap in time, and counts a vehicle once', () => {
      const late = others(4).map((g) => ({ ...g, startMs: T0 + 12 * MIN, endMs: T0 + 30 * MIN }));
      expect(judge(gapTrack(10, 12_000), { otherGaps: late }).episodes[0]!.indicators).toEqual(['I2']);
      const one = others(4).map((g) => ({ ...g, vehicleId: 'O1' }));
      expect(judge(gapTrack(10, 12_000), { otherGaps: one }).episodes[0]!.indicators).toEqual(['I2']);
    });

    it('others’ gaps matter only when a judgement without them holds an I2 (the caller then reads them); otherwise the result is the same', () => {
      const gap = gapTrack(10, 12_000);
      expect(outageCheckNeeded(judge(gap))).toBe(true);
      // An antenna cut whose track also gaps: the I2 beside the I1 needs the check.
      const cut = [...driving(0, 2), report(3, 3_000, { alarmFlags: ALARM_ANTENNA_CUT_BIT, gnssFixed: false }), report(12, 15_000), report(13, 16_000)];
      expect(outageCheckNeeded(judge(cut))).toBe(true);
      const cutNoGap = antennaCut(1_500);
      const plain = driving(0, 20);
      // ACC off before the gap: excluded before the outage check, so no I2 reaches it.
      const accOff = gapTrack(10, 12_000);
      accOff[2] = { ...accOff[2]!, accOn: false };
      for (const track of [cutNoGap, plain, accOff, []]) {
        const without = judge(track);
        expect(outageCheckNeeded(without)).toBe(false);
        expect(judge(track, { otherGaps: others(4) })).toEqual(without);
      }
    });

    it('does not exclude I1 in the same outage', () => {
      const track = [...driving(0, 2), report(3, 3_000, { alarmFlags: ALARM_ANTENNA_CUT_BIT, gnssFixed: false }), report(12, 15_000), report(13, 16_000)];
      const result = judge(track, { otherGaps: others(4) });
      expect(result.episodes[0]!.indicators).toEqual(['I1']);
    });
  });

  describe('back-fill (merged before judging)', () => {
    it('a full back-fill withdraws I2 and the episode', () => {
      const gap = gapTrack(10, 12_000);
      const backFill = Array.from({ length: 9 }, (_, k) => report(3 + k, 2_000 + ((k + 1) * 12_000) / 10));
      expect(judge([...gap, ...backFill]).episodes).toEqual([]);
    });

    it('a partial back-fill narrows I2 to what remains moved through', () => {
      const gap = gapTrack(10, 12_000);
      const backFill = [report(3, 3_200), report(4, 4_400)];
      const result = judge([...gap, ...backFill]);
      expect(result.episodes).toHaveLength(1);
      const stretch = result.episodes[0]!.stretches[0]!;
      expect([stretch.startMs, stretch.endMs]).toEqual([T0 + 4 * MIN, T0 + 12 * MIN]);
    });
  });
});

describe('tampering blind areas (tunnels, car parks)', () => {
  const gap = [...driving(0, 2), report(12, 14_000), report(13, 15_000)];
  const square = (fromM: number, toM: number) => ({
    kind: 'polygon' as const,
    rings: [
      [
        [LON0 - 0.001, north(fromM)],
        [LON0 + 0.001, north(fromM)],
        [LON0 + 0.001, north(toM)],
        [LON0 - 0.001, north(toM)],
      ] as Array<[number, number]>,
    ],
  });

  it('a tunnel the line between the ends crosses excludes the stretch', () => {
    const result = judge(gap, { blindAreas: [{ id: 'tunnel-1', name: '秦岭隧道', geofence: square(6_000, 9_000) }] });
    expect(result.episodes).toEqual([]);
    expect(result.excluded[0]!.excluded).toEqual({ reason: 'blind_area', blindAreaId: 'tunnel-1' });
  });

  it('a car park holding the end excludes it; one off the line does not', () => {
    expect(
      judge(gap, {
        blindAreas: [{ id: 'park', name: 'P', geofence: { kind: 'circle', centre: { latitudeDeg: north(14_000), longitudeDeg: LON0 }, radiusM: 100 } }],
      }).episodes,
    ).toEqual([]);
    const aside = { kind: 'circle' as const, centre: { latitudeDeg: north(8_000), longitudeDeg: LON0 + 0.05 }, radiusM: 100 };
    expect(judge(gap, { blindAreas: [{ id: 'aside', name: 'P', geofence: aside }] }).episodes[0]!.indicators).toEqual(['I2']);
  });
});

describe('tampering I3 (no fix with a normal signal)', () => {
  /** Not-fixed reports each minute from minute 3 spanning `spanMin`, then a good report 3 km on. */
  const noFix = (spanMin: number, item: Partial<TamperingReport>) => [
    ...driving(0, 2),
    ...Array.from({ length: spanMin + 1 }, (_, k) => report(3 + k, 2_000, { gnssFixed: false, ...item })),
    report(4 + spanMin, 5_000),
  ];
  const i3 = (track: TamperingReport[]) =>
    judge(track)
      .episodes.flatMap((e) => e.indicators)
      .includes('I3');

  it('holds for a run spanning exactly 5 min with signal 10, not 4 min', () => {
    expect(i3(noFix(5, { signalStrength: 10 }))).toBe(true);
    expect(i3(noFix(4, { signalStrength: 25 }))).toBe(false);
  });

  it('needs a normal signal on every report: 9, 99 or missing is not normal', () => {
    expect(i3(noFix(6, { signalStrength: 9 }))).toBe(false);
    expect(i3(noFix(6, { signalStrength: 99 }))).toBe(false);
    expect(i3(noFix(6, {}))).toBe(false);
  });

  it('reads ≤ 3 satellites as no fix, 4 as a fix', () => {
    expect(i3(noFix(6, { gnssFixed: true, satellites: 3, signalStrength: 20 }))).toBe(true);
    expect(i3(noFix(6, { gnssFixed: true, satellites: 4, signalStrength: 20 }))).toBe(false);
  });

  it('needs the vehicle to reappear more than 1 km away', () => {
    const track = noFix(6, { signalStrength: 20 });
    track[track.length - 1] = report(10, 2_900);
    expect(i3(track)).toBe(false);
  });
});

describe('tampering I4 (position frozen while the odometer grows)', () => {
  const frozen = (spanMin: number, growthKm: number, stepM = 0) =>
    Array.from({ length: spanMin + 1 }, (_, k) => report(k, k * stepM, { speedKmh: 0, mileageKm: 1_000 + (growthKm * k) / spanMin }));
  const i4 = (track: TamperingReport[]) =>
    judge(track)
      .episodes.flatMap((e) => e.indicators)
      .includes('I4');

  it('holds at exactly 10 min with more than 1.0 km on the odometer', () => {
    expect(i4(frozen(10, 1.1))).toBe(true);
    expect(i4(frozen(9, 5))).toBe(false);
  });

  it('needs more than 1.0 km: exactly 1.0 km is not', () => {
    expect(i4(frozen(10, 1.0))).toBe(false);
  });

  it('needs every position within 50 m of the first', () => {
    const track = frozen(10, 3, 5);
    const spreadM = haversineMeters(track[0]!, track[10]!);
    const within = (radiusM: number) =>
      judge(track, { config: resolveTamperingConfig({ i4FrozenRadiusM: radiusM }) })
        .episodes.flatMap((e) => e.indicators)
        .includes('I4');
    expect(within(spreadM)).toBe(true); // exactly the radius is within
    expect(within(spreadM - 0.001)).toBe(false);
    expect(i4(frozen(10, 3, 5.1))).toBe(false); // 51 m at the last report
  });

  it('needs the odometer: no 0x01, no I4', () => {
    expect(i4(frozen(10, 3).map(({ mileageKm: _drop, ...r }) => r))).toBe(false);
  });
});

describe('tampering I5 and I6', () => {
  /** A drift point: 50 km off for one report. */
  const drift = (minute: number): TamperingReport => report(minute, 50_000 + minute * 1_000);

  it('3 drift jumps a day add I5 to an episode but never make one alone', () => {
    const track = driving(0, 20);
    for (const m of [2, 6, 10]) track[m] = drift(m);
    expect(judge(track).episodes).toEqual([]);
    const withPowerLoss = track.map((r) => (r.deviceTimeMs === T0 + 12 * MIN ? { ...r, alarmFlags: ALARM_POWER_LOSS_BIT } : r));
    const result = judge(withPowerLoss);
    expect(result.episodes[0]!.indicators).toEqual(['I5', 'I6']);
    expect(result.episodes[0]!.score).toBe(2);
  });

  it('2 drift jumps are not I5', () => {
    const track = driving(0, 20);
    for (const m of [2, 6]) track[m] = drift(m);
    track[12] = { ...track[12]!, alarmFlags: ALARM_POWER_LOSS_BIT };
    expect(judge(track).episodes[0]!.indicators).toEqual(['I6']);
  });

  it('I6 needs a moving report: power loss while standing is nothing', () => {
    const standing = Array.from({ length: 5 }, (_, k) => report(k, 0, { speedKmh: 0, alarmFlags: k === 2 ? ALARM_POWER_LOSS_BIT : 0 }));
    expect(judge(standing).episodes).toEqual([]);
  });
});

describe('tampering episodes and context (I7)', () => {
  const powerLossAt = (minutes: number[]) => driving(0, 40).map((r, k) => (minutes.includes(k) ? { ...r, alarmFlags: ALARM_POWER_LOSS_BIT } : r));

  it('joins stretches ≤ 5 min apart into one episode; 5 min and more apart stay two', () => {
    // I6 at minute 2 ends at minute 3; one at minute 8 starts exactly 5 min later.
    expect(judge(powerLossAt([2, 8])).episodes).toHaveLength(1);
    expect(judge(powerLossAt([2, 9])).episodes).toHaveLength(2);
  });

  it('names I7 within 5 km of a station (exactly 5 km inside), measured from the last accepted position', () => {
    const track = powerLossAt([10]);
    const station = { latitudeDeg: north(10_000), longitudeDeg: LON0 + 0.05 };
    const distance = haversineMeters(station, track[10]!);
    const at = (radiusM: number) =>
      judge(track, { places: [{ id: 'S1', name: '治超站', kind: 'station', point: station }], config: resolveTamperingConfig({ contextRadiusM: radiusM }) })
        .episodes[0]!;
    expect(at(distance).contextI7).toBe(true);
    expect(at(distance).context.near).toMatchObject({ id: 'S1', kind: 'station' });
    expect(at(distance - 0.01).contextI7).toBe(false);
  });

  it('names I7 near a source site’s area', () => {
    const site = { kind: 'circle' as const, centre: { latitudeDeg: north(10_000), longitudeDeg: LON0 + 0.03 }, radiusM: 500 };
    const episode = judge(powerLossAt([10]), { places: [{ id: 'Q1', name: '砂石场', kind: 'source_site', geofence: site }] }).episodes[0]!;
    expect(episode.contextI7).toBe(true);
    expect(episode.context.near?.kind).toBe('source_site');
  });

  it('reads night as 22:00 inclusive to 06:00 exclusive, local time', () => {
    const startingAt = (hour: number, minute: number, second = 0) => {
      const offset = chinaLocalToEpochMs(2026, 3, 10, hour, minute, second) - T0;
      const track = powerLossAt([2]).map((r) => ({ ...r, deviceTimeMs: r.deviceTimeMs + offset - 2 * MIN }));
      return judge(track).episodes[0]!.context.night;
    };
    expect(startingAt(22, 0)).toBe(true);
    expect(startingAt(21, 59, 59)).toBe(false);
    expect(startingAt(5, 59, 59)).toBe(true);
    expect(startingAt(6, 0)).toBe(false);
  });

  it('says 疑似 and names the indicators in both languages', () => {
    const track = [...driving(0, 2), report(3, 3_000, { alarmFlags: ALARM_ANTENNA_CUT_BIT, gnssFixed: false }), report(12, 15_000), report(13, 16_000)];
    const station = { latitudeDeg: north(2_500), longitudeDeg: LON0 };
    const episode = judge(track, { places: [{ id: 'S1', name: '东站治超站', kind: 'station', point: station }] }).episodes[0]!;
    expect(episode.indicators).toEqual(['I1', 'I2']);
    expect(episode.contextI7).toBe(true);
    const text = tamperingSummary(episode);
    expect(text.zh).toContain('疑似');
    expect(text.zh).toMatch(/I1.*I2.*I7/);
    expect(text.en).toMatch(/Suspected.*I1.*I2.*I7/);
  });
});
