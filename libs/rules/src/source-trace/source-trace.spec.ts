import { chinaLocalToEpochMs, type LatLon } from '@roadwatch/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRES_PER_DEGREE_LAT, Track } from '../testing/track';
import { traceSource, type ExitRecord, type SourceSite, type TraceSourceInput } from './source-trace.rule';

const MIN = 60_000;
const T0 = chinaLocalToEpochMs(2026, 5, 10, 6, 0);
const START: LatLon = { latitudeDeg: 39.5, longitudeDeg: 116.0 };
const north = (p: LatLon, metres: number): LatLon => ({ latitudeDeg: p.latitudeDeg + metres / METRES_PER_DEGREE_LAT, longitudeDeg: p.longitudeDeg });
const here = (t: Track): LatLon => ({ latitudeDeg: t.latitudeDeg, longitudeDeg: t.longitudeDeg });

const circleSite = (siteId: string, centre: LatLon, radiusM = 200, extra: Partial<SourceSite> = {}): SourceSite => ({
  siteId,
  name: `料场${siteId}`,
  companyId: `company-${siteId}`,
  geofence: { kind: 'circle', centre, radiusM },
  ...extra,
});
const QUARRY = circleSite('q1', START);

/** Loads for 30 min at the quarry (still reports every 30 s), then drives on. */
const loaded = (): Track => new Track(T0).report(0).stop(30 * MIN);

const trace = (t: Track, sites: SourceSite[] = [QUARRY], extra: Partial<TraceSourceInput> = {}) =>
  traceSource({ track: t.positions, weighing: { stationId: 'wim-1', measuredAtMs: t.timeMs, plate: '京A100001', plateColour: 2 }, sites, ...extra });

const codes = (r: ReturnType<typeof traceSource>) => r.reasons.map((x) => x.code);

describe('源头倒查 grades (RULES.md §13, §15 "Four parties")', () => {
  it('A: one site, an unbroken chain to the weighing — proposes the site’s company, reasons in Chinese and English', () => {
    const r = trace(loaded().drive(60 * MIN));
    expect(r.grade).toBe('A');
    expect(r.method).toBe('track');
    expect(r.siteId).toBe('q1');
    expect(r.proposedCompanyId).toBe('company-q1');
    expect(r.candidateStop?.heldMs).toBe(30 * MIN);
    expect(r.candidateStop?.spanMs).toBe(30 * MIN + 30_000);
    expect(codes(r)).toEqual(['one_site', 'chain_unbroken']);
    expect(r.reasons[0]?.zh).toContain('料场q1');
    expect(r.reasons[0]?.en).toContain('Stopped at source site');
    expect(r.chainBreaks).toEqual([]);
  });

  it('B: two sites in the window — the last one is the candidate, both listed', () => {
    const t = loaded().drive(30 * MIN);
    const second = circleSite('q2', here(t));
    t.stopFor(15 * MIN).drive(30 * MIN);
    const r = trace(t, [QUARRY, second]);
    expect(r.grade).toBe('B');
    expect(r.siteId).toBe('q2');
    expect(r.proposedCompanyId).toBeNull();
    expect(r.candidateSites.map((s) => s.siteId).sort()).toEqual(['q1', 'q2']);
    expect(codes(r)).toContain('several_sites');
  });

  it('several stops at one site are one site: A, the last of them is the candidate', () => {
    // Queue 12 min, move 100 m inside the site, load 20 min.
    const t = new Track(T0)
      .report(60)
      .stopFor(12 * MIN, 12)
      .drive(30_000, 12)
      .stopFor(20 * MIN)
      .drive(60 * MIN);
    const r = trace(t);
    expect(r.stops.filter((s) => s.sites.length > 0)).toHaveLength(2);
    expect(r.candidateSites).toEqual([{ siteId: 'q1', relation: 'at' }]);
    expect(r.grade).toBe('A');
    expect(r.candidateStop?.spanMs).toBe(20 * MIN);
  });

  it.each([
    ['moved through', 2_000, true],
    ['stood still through', 0, false],
  ])('B: a gap %s between the site and the weighing breaks the chain', (_name, movedM, movedThrough) => {
    const t = loaded()
      .drive(20 * MIN)
      .gap(6 * MIN, movedM)
      .drive(20 * MIN);
    const r = trace(t);
    expect(r.grade).toBe('B');
    expect(r.chainBreaks).toEqual([expect.objectContaining({ kind: 'gap', movedThrough })]);
    expect(codes(r)).toContain('gap');
  });

  it('a gap of exactly 5 min is no gap (a gap is more than 5 min): A', () => {
    expect(
      trace(
        loaded()
          .drive(20 * MIN)
          .gap(5 * MIN, 5_000)
          .drive(20 * MIN),
      ).grade,
    ).toBe('A');
  });

  it.each([
    ['a rest held exactly 20 min away from sites does not break the chain', 21 * MIN, 'A'],
    ['a stop held 19 min 30 s (span ≥ 8 min) is not a rest: it breaks the chain', 20.5 * MIN, 'B'],
    ['a stop with a span of exactly 8 min breaks the chain', 8 * MIN, 'B'],
    ['a stop with a span of 7 min 59 s does not', 8 * MIN - 1_000, 'A'],
  ])('%s', (_name, stopMs, grade) => {
    const r = trace(
      loaded()
        .drive(30 * MIN)
        .stopFor(stopMs)
        .drive(30 * MIN),
    );
    expect(r.grade).toBe(grade);
    if (grade === 'B') expect(codes(r)).toContain('stop_between');
  });

  it('a rest near a site (even a long one) breaks the chain', () => {
    const t = loaded().drive(30 * MIN);
    const other = circleSite('q2', north(here(t), 230));
    t.stopFor(40 * MIN).drive(20 * MIN);
    const r = trace(t, [QUARRY, other]);
    expect(r.grade).toBe('B');
    expect(r.chainBreaks.some((b) => b.kind === 'stop')).toBe(true);
  });

  it.each([
    // The still reports run from 30 s after the moving one to 30 s before the next moving one.
    ['held exactly 8 min is the candidate stop: A', 9 * MIN, 'A', undefined],
    ['held 7 min 30 s (span 8 min 30 s): a candidate site but no candidate stop: B', 8.5 * MIN, 'B', 'no_held_stop'],
  ])('candidate stop %s', (_name, stopMs, grade, code) => {
    const t = new Track(T0)
      .report(60)
      .stopFor(stopMs)
      .drive(60 * MIN);
    const r = trace(t);
    expect(r.grade).toBe(grade);
    if (code) expect(codes(r)).toContain(code);
  });

  it.each([
    ['exactly 5 min before t_w: A', 5 * MIN, 'A'],
    ['5 min 1 s before t_w: B', 5 * MIN + 1_000, 'B'],
  ])('last report %s', (_name, silenceMs, grade) => {
    const t = loaded()
      .drive(60 * MIN)
      .wait(silenceMs);
    const r = trace(t);
    expect(r.grade).toBe(grade);
    if (grade === 'B') expect(codes(r)).toContain('stale_last_report');
  });

  it.each([
    ['on a circle of radius 50 m at its centre, exactly 50 m from the boundary: at → A', 50, 'A', 'at'],
    ['on a circle of radius 49.9 m at its centre, 49.9 m from the boundary: near → B', 49.9, 'B', 'near'],
  ])('stop %s', (_name, radiusM, grade, relation) => {
    const r = trace(loaded().drive(60 * MIN), [circleSite('q1', START, radiusM)]);
    expect(r.grade).toBe(grade);
    expect(r.candidateSites).toEqual([{ siteId: 'q1', relation }]);
    if (relation === 'near') expect(codes(r)).toContain('near_only');
  });

  it.each([
    ['249 m from the centre of a 200 m circle (inside it grown by 50 m): near → B', 249, 'B'],
    ['251 m from the centre: neither at nor near → C', 251, 'C'],
  ])('stop %s', (_name, distanceM, grade) => {
    const r = trace(loaded().drive(60 * MIN), [circleSite('q1', north(START, -distanceM))]);
    expect(r.grade).toBe(grade);
  });

  it('C: no site — the stops are possible unregistered loading points', () => {
    const r = trace(loaded().drive(60 * MIN), [circleSite('far', north(START, -5_000))]);
    expect(r.grade).toBe('C');
    expect(r.possibleLoadingPoints).toHaveLength(1);
    expect(r.possibleLoadingPoints[0]?.heldMs).toBe(30 * MIN);
    expect(codes(r)).toEqual(['no_candidate']);
  });

  it('C: no GPS at all, or none in the 24 h window', () => {
    const empty = traceSource({ track: [], weighing: { stationId: 'wim-1', measuredAtMs: T0, plate: '京A100001' }, sites: [QUARRY] });
    expect(empty.grade).toBe('C');
    expect(codes(empty)).toEqual(['no_track']);
    const old = loaded().drive(10 * MIN);
    const r = traceSource({
      track: old.positions,
      weighing: { stationId: 'wim-1', measuredAtMs: old.timeMs + 25 * 60 * MIN, plate: '京A100001' },
      sites: [QUARRY],
    });
    expect(codes(r)).toEqual(['no_track']);
  });

  it('a weighing in a 套牌 conflict is not traced on the registered vehicle’s track', () => {
    const r = trace(loaded().drive(60 * MIN), [QUARRY], { clonedPlateConflict: true });
    expect(r).toMatchObject({ grade: 'C', siteId: null, candidateStop: null, stops: [] });
    expect(codes(r)).toEqual(['cloned_plate']);
  });

  it('a stop inside two sites’ geofences gives B', () => {
    const r = trace(loaded().drive(60 * MIN), [QUARRY, circleSite('q2', north(START, 20))]);
    expect(r.grade).toBe('B');
    expect(codes(r)).toContain('two_geofences');
  });

  it('a weighing at the site’s own exit scale is A without reading the track', () => {
    const r = traceSource({
      track: [],
      weighing: { stationId: 'exit-q1', measuredAtMs: T0, plate: '京A100001' },
      sites: [circleSite('q1', START, 200, { exitScaleStationId: 'exit-q1' })],
    });
    expect(r).toMatchObject({ grade: 'A', method: 'exit_scale', siteId: 'q1', proposedCompanyId: 'company-q1' });
    expect(codes(r)).toEqual(['exit_scale']);
  });

  it('the window reads stops that end within [t_w − 24 h, t_w], each measured whole', () => {
    // Loading from t_w − 24 h − 10 min to t_w − 24 h + 5 min 30 s: only 5 min 30 s of it inside the window.
    const t = new Track(T0)
      .report(0)
      .stop(15 * MIN)
      .drive(24 * 60 * MIN + 10 * MIN - 15 * MIN, 5.1);
    const r = trace(t);
    expect(t.timeMs).toBe(T0 + 24 * 60 * MIN + 10 * MIN);
    expect(r.grade).toBe('A');
    expect(r.candidateStop?.heldMs).toBe(15 * MIN);
    // A stop ending (first moving report at T0 + 15 min 30 s) 1 s before the window starts is out of it.
    const u = new Track(T0)
      .report(0)
      .stop(15 * MIN)
      .drive(24 * 60 * MIN + 31_000, 5.1);
    expect(u.timeMs - 24 * 60 * MIN - (T0 + 15 * MIN + 30_000)).toBe(1_000);
    expect(trace(u).grade).toBe('C');
  });

  it('a stop in progress at t_w belongs to the weighing (a static scale inside another site)', () => {
    const t = loaded().drive(30 * MIN);
    const scaleSite = circleSite('q2', here(t));
    t.stop(6 * MIN);
    const tw = t.timeMs;
    t.stop(6 * MIN).drive(5 * MIN);
    const r = traceSource({ track: t.positions, weighing: { stationId: 'wim-1', measuredAtMs: tw, plate: '京A100001' }, sites: [QUARRY, scaleSite] });
    expect(r.grade).toBe('A');
    expect(r.siteId).toBe('q1');
  });
});

describe('odd input', () => {
  it('unsorted reports and duplicate timestamps give the same trace as the clean track', () => {
    const t = loaded()
      .drive(30 * MIN)
      .stopFor(21 * MIN)
      .drive(30 * MIN);
    const clean = trace(t);
    const shuffled = [...t.positions].reverse();
    const doubled = [...shuffled, ...t.positions.filter((_, i) => i % 7 === 0)];
    const r = traceSource({ track: doubled, weighing: { stationId: 'wim-1', measuredAtMs: t.timeMs, plate: '京A100001' }, sites: [QUARRY] });
    expect(r.grade).toBe('A');
    expect(r.candidateStop).toEqual(clean.candidateStop);
    expect(r.ignoredReports).toBe(doubled.length - t.positions.length);
  });

  it('property: any order of the reports, any repeats of them, gives the same trace (fast-check)', () => {
    const t = loaded()
      .drive(30 * MIN)
      .stopFor(21 * MIN)
      .gap(6 * MIN, 3_000)
      .drive(20 * MIN);
    const clean = trace(t);
    const n = t.positions.length;
    fc.assert(
      fc.property(fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }), fc.array(fc.nat(n - 1), { maxLength: 20 }), (order, repeats) => {
        const track = [...order, ...repeats].map((i) => t.positions[i] as (typeof t.positions)[number]);
        const r = traceSource({ track, weighing: { stationId: 'wim-1', measuredAtMs: t.timeMs, plate: '京A100001', plateColour: 2 }, sites: [QUARRY] });
        expect({ ...r, ignoredReports: 0 }).toEqual({ ...clean, ignoredReports: 0 });
        expect(r.ignoredReports).toBe(repeats.length);
      }),
      { seed: 15, numRuns: 60 },
    );
  });

  it('reports without a finite place are left out and counted', () => {
    const t = loaded().drive(60 * MIN);
    const bad = { ...(t.positions[5] as (typeof t.positions)[number]), deviceTimeMs: T0 + 1, latitudeDeg: Number.NaN };
    const r = traceSource({ track: [...t.positions, bad], weighing: { stationId: 'wim-1', measuredAtMs: t.timeMs, plate: 'x' }, sites: [QUARRY] });
    expect(r.grade).toBe('A');
    expect(r.ignoredReports).toBe(1);
  });

  const square = (c: LatLon, halfM: number): Array<[number, number]> => {
    const dLat = halfM / METRES_PER_DEGREE_LAT;
    const dLon = dLat / Math.cos((c.latitudeDeg * Math.PI) / 180);
    return [
      [c.longitudeDeg - dLon, c.latitudeDeg - dLat],
      [c.longitudeDeg + dLon, c.latitudeDeg - dLat],
      [c.longitudeDeg + dLon, c.latitudeDeg + dLat],
      [c.longitudeDeg - dLon, c.latitudeDeg + dLat],
    ];
  };
  it.each([
    ['counter-clockwise, open', square(START, 300)],
    ['clockwise, open', square(START, 300).reverse()],
    ['counter-clockwise, closed', [...square(START, 300), square(START, 300)[0] as [number, number]]],
  ])('a polygon given %s reads the same', (_name, ring) => {
    const site: SourceSite = { siteId: 'p', companyId: 'cp', geofence: { kind: 'polygon', rings: [ring] } };
    expect(trace(loaded().drive(60 * MIN), [site])).toMatchObject({ grade: 'A', siteId: 'p' });
  });

  it('a polygon whose edge lies 40 m from the stop: near; holes are outside the polygon', () => {
    const near = trace(loaded().drive(60 * MIN), [{ siteId: 'p', geofence: { kind: 'polygon', rings: [square(north(START, -340), 300)] } }]);
    expect(near.candidateSites).toEqual([{ siteId: 'p', relation: 'near' }]);
    // In a hole 200 m from its edge: neither at nor near. In a hole 30 m from its edge: near.
    const deepHole = trace(loaded().drive(60 * MIN), [{ siteId: 'h', geofence: { kind: 'polygon', rings: [square(START, 600), square(START, 200)] } }]);
    expect(deepHole.grade).toBe('C');
    const smallHole = trace(loaded().drive(60 * MIN), [{ siteId: 'h', geofence: { kind: 'polygon', rings: [square(START, 600), square(START, 30)] } }]);
    expect(smallHole.candidateSites).toEqual([{ siteId: 'h', relation: 'near' }]);
  });

  it('a site with no polygon is a circle of the default 200 m around its location; one with neither is skipped with the reason', () => {
    const r = trace(loaded().drive(60 * MIN), [
      { siteId: 'pt', companyId: 'c-pt', location: north(START, 140) },
      { siteId: 'nowhere' },
      {
        siteId: 'bad',
        geofence: {
          kind: 'polygon',
          rings: [
            [
              [116, 39.5],
              [116, 39.5],
              [116.1, 39.6],
            ],
          ],
        },
      },
    ]);
    expect(r).toMatchObject({ grade: 'A', siteId: 'pt', proposedCompanyId: 'c-pt' });
    expect(r.skippedSites).toEqual([
      { siteId: 'nowhere', reason: 'no geofence and no location' },
      { siteId: 'bad', reason: 'polygon ring with fewer than 3 distinct points' },
    ]);
  });
});

describe('未过磅出场 and 第71条 (§13, §15)', () => {
  const site = circleSite('q1', START, 200, { exitScaleStationId: 'exit-q1' });
  const exitRecord = (measuredAtMs: number, grossKg = 30_000, extra: Partial<ExitRecord> = {}): ExitRecord => ({
    recordId: `e-${measuredAtMs}`,
    stationId: 'exit-q1',
    plate: '京A100001',
    plateColour: 2,
    measuredAtMs,
    grossKg,
    axleCount: 6,
    ...extra,
  });
  // Held dwell ends at T0 + 30 min; departure (the first moving report) at T0 + 30 min 30 s.
  const heldEnd = T0 + 30 * MIN;
  const departure = heldEnd + 30_000;

  it.each([
    ['no exit record → 未过磅出场', [], true],
    ['a record at (held end − 10 min) exactly → weighed', [exitRecord(heldEnd - 10 * MIN)], false],
    ['a record 1 ms earlier → 未过磅出场', [exitRecord(heldEnd - 10 * MIN - 1)], true],
    ['a record at (departure + 10 min) exactly → weighed', [exitRecord(departure + 10 * MIN)], false],
    ['a record 1 ms later → 未过磅出场', [exitRecord(departure + 10 * MIN + 1)], true],
    ['another plate’s record → 未过磅出场', [exitRecord(heldEnd, 30_000, { plate: '京B99999' })], true],
    ['a record at another station → 未过磅出场', [exitRecord(heldEnd, 30_000, { stationId: 'exit-q9' })], true],
  ])('%s', (_name, exitRecords, unweighed) => {
    const r = trace(loaded().drive(60 * MIN), [site], { exitRecords });
    expect(r.grade).toBe('A');
    expect(r.unweighedExit !== null).toBe(unweighed);
    expect(codes(r).includes('unweighed_exit')).toBe(unweighed);
  });

  it('only a track-traced A is judged: a B to the same site is not 未过磅出场', () => {
    const r = trace(
      loaded()
        .drive(30 * MIN)
        .gap(10 * MIN, 10_000)
        .drive(10 * MIN),
      [site],
    );
    expect(r.grade).toBe('B');
    expect(r.unweighedExit).toBeNull();
  });

  it('an exit record over the §4 limit, then a report > 50 m outside: 第71条 evidence with the departure', () => {
    // 6 axles, 49,000 kg limit; 52,000 kg on the default 5 % class → 49,400 kg confirmed.
    const r = trace(loaded().drive(60 * MIN), [site], { exitRecords: [exitRecord(heldEnd, 52_000)] });
    expect(r.article71).toEqual([expect.objectContaining({ recordId: `e-${heldEnd}`, confirmedGrossKg: 49_400, limitKg: 49_000, outcome: 'departed' })]);
    // 200 m radius + 50 m: the first report beyond 250 m from the centre (30 s at 60 km/h = 500 m).
    expect(r.article71[0]?.departure?.timeMs).toBe(departure);
    expect(codes(r)).toContain('article71');
  });

  it('confirmed gross exactly at the limit is no evidence (over means greater than)', () => {
    // 51,578.947… is awkward; class 2 %: 50,000 → 49,000 confirmed exactly.
    const r = trace(loaded().drive(60 * MIN), [site], { exitRecords: [exitRecord(heldEnd, 50_000, { accuracyClassPct: 2 })] });
    expect(r.article71).toEqual([]);
  });

  it('a later exit record within the limit before the departure: reweighed, no departure read', () => {
    const r = trace(loaded().drive(60 * MIN), [site], { exitRecords: [exitRecord(heldEnd - 5 * MIN, 60_000), exitRecord(heldEnd - MIN, 40_000)] });
    expect(r.article71).toEqual([expect.objectContaining({ outcome: 'reweighed_within_limit', departure: null })]);
  });

  it('no report after the exit record: departure not seen', () => {
    const t = loaded();
    const r = traceSource({
      track: t.positions,
      weighing: { stationId: 'exit-q1', measuredAtMs: t.timeMs, plate: '京A100001', plateColour: 2 },
      sites: [site],
      exitRecords: [exitRecord(t.timeMs, 60_000)],
    });
    expect(r.grade).toBe('A');
    expect(r.article71).toEqual([expect.objectContaining({ outcome: 'departure_not_seen', departure: null })]);
  });
});
