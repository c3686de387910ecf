import { alertV1, type AlertV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, type RoadSegmentLimit, type VehicleFacts } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { factsOf, positionAt } from '../testing/track';
import { effectiveLimit, effectiveLimitKmh, evaluateSpeeding, initialSpeedingState } from './speeding.rule';

const config = DEFAULT_RULES_CONFIG;
const G4: RoadSegmentLimit = { segmentId: 'G4', roadClass: 'expressway', postedLimitKmh: 120, name: 'G4 京港澳高速' };
const G107: RoadSegmentLimit = { segmentId: 'G107', roadClass: 'national', postedLimitKmh: 80 };
const N100: RoadSegmentLimit = { segmentId: 'N100', roadClass: 'national', postedLimitKmh: 100 };
const DAY = chinaLocalToEpochMs(2026, 11, 23, 10);
const S = 1_000;

const truck = factsOf('heavy_truck');
const bus = factsOf('long_distance_bus', { routeKm: 300 });
const hazmat = factsOf('hazmat');
const car = factsOf('other');

/** Reports as [seconds after the start, speed]; returns every alert (revisions included). */
const run = (facts: VehicleFacts, road: RoadSegmentLimit, reports: Array<[number, number]>, startMs = DAY): AlertV1[] => {
  let state = initialSpeedingState();
  const out: AlertV1[] = [];
  for (const [s, speedKmh] of reports) {
    const r = evaluateSpeeding(facts, state, { position: positionAt(startMs + s * S, { speedKmh }), roads: [road] }, config);
    state = JSON.parse(JSON.stringify(r.state));
    out.push(...r.outputs.map((a) => alertV1.parse(a)));
  }
  return out;
};

describe('speeding — effective limit (RULES.md §1, §8)', () => {
  it('effectiveLimitKmh (what every report is compared with) is effectiveLimit’s limit, whatever the class, roads, their order and the clock', () => {
    const roadSets: RoadSegmentLimit[][] = [[G4], [G107], [N100], [G4, G107], [G107, G4], [N100, G107, G4], [{ ...N100, postedLimitKmh: 50 }, G107]];
    const classes = [truck, bus, hazmat, car, factsOf('other', { ownCapKmh: 80 }), factsOf('tour_coach'), factsOf('hazmat', { ownCapKmh: 50 })];
    // Day, the night boundaries (22:00:00 in, 06:00:00 out, a millisecond either side) and past midnight.
    const times = [DAY, chinaLocalToEpochMs(2026, 11, 23, 22) - 1, chinaLocalToEpochMs(2026, 11, 23, 22), chinaLocalToEpochMs(2026, 11, 24, 2, 30)];
    times.push(chinaLocalToEpochMs(2026, 11, 24, 6) - 1, chinaLocalToEpochMs(2026, 11, 24, 6));
    let nightReadings = 0;
    for (const facts of classes)
      for (const roads of roadSets)
        for (const t of times) {
          const limit = effectiveLimit(facts, roads, t, config);
          expect(effectiveLimitKmh(facts, roads, t, config)).toBe(limit.limitKmh);
          if (limit.night) nightReadings++;
        }
    expect(nightReadings).toBeGreaterThan(0);
  });

  it.each([
    ['heavy truck on a 120 expressway: class cap 100', truck, G4, DAY, 100, 'class_cap'],
    ['class other (passenger car) on a 120 expressway: 120 posted', car, G4, DAY, 120, 'posted'],
    ['class other with its own registry cap 80 on an expressway: 80', factsOf('other', { ownCapKmh: 80 }), G4, DAY, 80, 'own_cap'],
    ['hazmat on an expressway: 80', hazmat, G4, DAY, 80, 'hazmat_cap'],
    ['hazmat on a national road posted 100: 60', hazmat, N100, DAY, 60, 'hazmat_cap'],
    ['hazmat where the posted limit is lower (50): 50', hazmat, { ...N100, postedLimitKmh: 50 }, DAY, 50, 'posted'],
    ['bus on a national road posted 80 by day: 80', bus, G107, DAY, 80, 'posted'],
    ['bus at night 23:00: 80% of the day limit 100 → 80', bus, N100, chinaLocalToEpochMs(2026, 11, 23, 23), 80, 'night_80'],
    ['bus at 22:00:00 is night: 80%', bus, N100, chinaLocalToEpochMs(2026, 11, 23, 22), 80, 'night_80'],
    ['bus at 21:59:59 is day', bus, N100, chinaLocalToEpochMs(2026, 11, 23, 21, 59, 59), 100, 'posted'],
    ['bus at 06:00:00 is day again', bus, N100, chinaLocalToEpochMs(2026, 11, 24, 6), 100, 'posted'],
    ['bus on an expressway at night: 80% of the class cap 100 → 80', bus, G4, chinaLocalToEpochMs(2026, 11, 23, 23), 80, 'night_80'],
    ['heavy truck at night: no night rule (passenger classes only)', truck, N100, chinaLocalToEpochMs(2026, 11, 23, 23), 100, 'posted'],
  ] as const)('%s', (_name, facts, road, t, limitKmh, source) => {
    expect(effectiveLimit(facts, [road], t, config)).toMatchObject({ limitKmh, source });
  });

  it('where two roads match, the driver gets the higher effective limit', () => {
    expect(effectiveLimit(truck, [G107, G4], DAY, config)).toMatchObject({ limitKmh: 100, segmentId: 'G4' });
  });
});

describe('speeding — episodes (RULES.md §8: ≥ 30 s, reports ≤ 60 s apart)', () => {
  it('over for 29 s is not an episode that counts', () => {
    expect(
      run(truck, G4, [
        [0, 110],
        [29, 110],
      ]),
    ).toHaveLength(0);
  });

  it('over for 30 s counts: one alert', () => {
    const alerts = run(truck, G4, [
      [0, 110],
      [30, 110],
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'speeding', level: 'violation', startedAtMs: DAY, endedAtMs: DAY + 30 * S, revision: 0 });
  });

  it('every revision carries when the episode reached 30 s and when its first revision was raised', () => {
    // Reports 25 s apart: the 30 s are reached between the second and third over reports.
    const alerts = run(truck, G4, [
      [0, 110],
      [25, 112],
      [50, 125],
      [75, 118],
      [100, 130],
      [240, 90],
    ]);
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    for (const a of alerts) expect(a).toMatchObject({ limitPassedAtMs: DAY + 30 * S, firstRaisedAtMs: DAY + 50 * S });
    expect(alerts[0]?.raisedAtMs).toBe(DAY + 50 * S);
    expect(alerts.at(-1)).toMatchObject({ raisedAtMs: DAY + 240 * S, details: { closed: true } });
  });

  it('over reports 60 s apart are one episode (60 s ≥ 30 s → counts)', () => {
    expect(
      run(truck, G4, [
        [0, 110],
        [60, 110],
      ]),
    ).toHaveLength(1);
  });

  it('over reports 61 s apart are two episodes of 0 s each (→ nothing)', () => {
    expect(
      run(truck, G4, [
        [0, 110],
        [61, 110],
        [122, 110],
      ]),
    ).toHaveLength(0);
  });

  it('a report under the limit between over reports ≤ 60 s apart does not split the episode', () => {
    expect(
      run(truck, G4, [
        [0, 110],
        [20, 90],
        [40, 110],
      ]),
    ).toHaveLength(1);
  });

  it('one alert per episode whose record grows: same id, higher revision, end, peak and mean excess', () => {
    const alerts = run(truck, G4, [
      [0, 110],
      [30, 125],
      [60, 115],
      [90, 90],
      [200, 90],
    ]);
    expect(alerts.map((a) => a.revision)).toEqual([0, 1]);
    expect(new Set(alerts.map((a) => a.alertId)).size).toBe(1);
    expect(alerts[1]).toMatchObject({ endedAtMs: DAY + 60 * S, points: 12, severity: 'serious' });
    expect(alerts[1]?.details).toMatchObject({
      peakSpeedKmh: 125,
      peakExcessPct: 25,
      meanExcessPct: 16.7,
      effectiveLimitKmh: 100,
      limitSource: 'class_cap',
      reportCount: 3,
    });
    expect(alerts[1]?.evidence.positions?.map((p) => p.speedKmh)).toEqual([110, 125, 115]);
    // Chinese first, English kept, same figures.
    expect(alerts[1]?.summary).toBe('超速：车速125 km/h，限速100 km/h（高速公路车型限速），超过限速25%，持续60秒（已结束）');
    expect(alerts[1]?.summaryEn).toBe('Speeding 125 km/h where the limit is 100 km/h (class cap on expressways), +25% for 60 s (ended)');
  });

  it('a new episode after more than 60 s gets a new id', () => {
    const alerts = run(truck, G4, [
      [0, 110],
      [30, 110],
      [200, 110],
      [230, 110],
    ]);
    expect(new Set(alerts.map((a) => a.alertId)).size).toBe(2);
  });
});

describe('speeding — which revisions are re-emitted (revisionPeakStepKmh 5, revisionMinIntervalMs 60 s)', () => {
  const over = (fromS: number, toS: number, speed: number, everyS = 10): Array<[number, number]> =>
    Array.from({ length: Math.floor((toS - fromS) / everyS) + 1 }, (_, i) => [fromS + i * everyS, speed]);

  it('a steady episode: first count at 30 s, then one revision per 60 s, not one per report', () => {
    const alerts = run(truck, G4, over(0, 150, 110));
    expect(alerts.map((a) => [a.revision, ((a.endedAtMs ?? 0) - DAY) / S])).toEqual([
      [0, 30],
      [1, 90],
      [2, 150],
    ]);
  });

  it('59 s after the last revision nothing is re-sent; at 60 s it is', () => {
    expect(
      run(truck, G4, [
        [0, 110],
        [30, 110],
        [89, 110],
      ]).map((a) => a.revision),
    ).toEqual([0]);
    expect(
      run(truck, G4, [
        [0, 110],
        [30, 110],
        [90, 110],
      ]).map((a) => a.revision),
    ).toEqual([0, 1]);
  });

  it('the peak rising by 5 km/h re-emits at once; by 4.9 it waits', () => {
    expect(
      run(truck, G4, [
        [0, 110],
        [30, 110],
        [40, 114.9],
      ]).map((a) => a.revision),
    ).toEqual([0]);
    const alerts = run(truck, G4, [
      [0, 110],
      [30, 110],
      [40, 115],
    ]);
    expect(alerts.map((a) => a.revision)).toEqual([0, 1]);
    expect(alerts[1]?.details).toMatchObject({ peakSpeedKmh: 115, closed: false });
  });

  it('a band change re-emits at once (expressway 19.9% → 20%: 6 → 12 points)', () => {
    const alerts = run(truck, G4, [
      [0, 119.9],
      [30, 119.9],
      [35, 120],
    ]);
    expect(alerts.map((a) => [a.revision, a.points])).toEqual([
      [0, 6],
      [1, 12],
    ]);
  });

  it('the close gives the final record (end, peak, mean, closed) with the same id, even when nothing grew', () => {
    const alerts = run(truck, G4, [
      [0, 110],
      [30, 110],
      [40, 110],
      [101, 60],
    ]);
    expect(alerts.map((a) => a.revision)).toEqual([0, 1]);
    expect(alerts[1]).toMatchObject({ alertId: alerts[0]?.alertId, endedAtMs: DAY + 40 * S, raisedAtMs: DAY + 101 * S });
    expect(alerts[1]?.details).toMatchObject({ closed: true, reportCount: 3, peakSpeedKmh: 110, meanExcessPct: 10 });
    expect(alerts[1]?.summary).toMatch(/^超速：.*（已结束）$/);
    expect(alerts[1]?.summaryEn).toMatch(/ \(ended\)$/);
  });

  it('an episode closing 60 s after its last over report is still open; 61 s closes it', () => {
    expect(
      run(truck, G4, [
        [0, 110],
        [30, 110],
        [90, 60],
      ]).map((a) => a.details.closed),
    ).toEqual([false]);
    expect(
      run(truck, G4, [
        [0, 110],
        [30, 110],
        [91, 60],
      ]).map((a) => a.details.closed),
    ).toEqual([false, true]);
  });

  it('an episode that never counted (29 s) closes without an alert', () => {
    expect(
      run(truck, G4, [
        [0, 110],
        [29, 110],
        [200, 60],
      ]),
    ).toHaveLength(0);
  });

  it('the knobs are configuration: step 0 and interval 0 give one revision per over report again', () => {
    const eager = { ...config, speeding: { ...config.speeding, revisionPeakStepKmh: 0, revisionMinIntervalMs: 0 } };
    let state = initialSpeedingState();
    const revisions: number[] = [];
    for (const [s, speedKmh] of over(0, 60, 110)) {
      const r = evaluateSpeeding(truck, state, { position: positionAt(DAY + s * S, { speedKmh }), roads: [G4] }, eager);
      state = r.state;
      revisions.push(...r.outputs.map((a) => a.revision));
    }
    expect(revisions).toEqual([0, 1, 2, 3]);
  });
});

describe('speeding — bands on the peak excess over the effective limit (RULES.md §1, §8: 以上 = at or above)', () => {
  const band = (facts: VehicleFacts, road: RoadSegmentLimit, speed: number, t = DAY) => {
    const a = run(
      facts,
      road,
      [
        [0, speed],
        [30, speed],
      ],
      t,
    )[0];
    return { points: a?.points, severity: a?.severity };
  };
  it.each([
    ['expressway 19.9% over → 6 points', G4, 119.9, 6, 'major'],
    ['expressway 20% over → 12 points, serious', G4, 120, 12, 'serious'],
    ['other road 9.9% over → episode without points', G107, 87.9, undefined, 'info'],
    ['other road 10% over → 1 point', G107, 88, 1, 'minor'],
    ['other road 19.9% over → 1 point', G107, 95.9, 1, 'minor'],
    ['other road 20% over → 6 points', G107, 96, 6, 'major'],
    ['other road 49.9% over → 6 points', G107, 119.9, 6, 'major'],
    ['other road 50% over → 9 points, serious', G107, 120, 9, 'serious'],
  ] as const)('heavy truck: %s', (_name, road, speed, points, severity) => {
    expect(band(truck, road, speed)).toEqual({ points, severity });
  });

  it('night 80%: a bus at 96 km/h at 23:00 on a road posted 100 is 20% over 80 → 6 points; at 10:00 it is not over', () => {
    expect(band(bus, N100, 96, chinaLocalToEpochMs(2026, 11, 23, 23))).toEqual({ points: 6, severity: 'major' });
    expect(
      run(bus, N100, [
        [0, 96],
        [30, 96],
      ]),
    ).toHaveLength(0);
  });

  it('class other (passenger cars) is recorded without points: the bands are those of 中型以上 and hazmat', () => {
    const a = run(car, G4, [
      [0, 150],
      [30, 150],
    ])[0];
    expect(a?.points).toBeUndefined();
    expect(a?.details.band).toMatch(/not scored/);
  });
});
