import { describe, expect, it } from 'vitest';
import type { WimMeasurementV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, vehicleIdOf, type LatLon } from '@roadwatch/domain';
import { assessOverload, type ScoredAssessment } from '../overload/overload-assessment.rule';
import { DEFAULT_OVERLOAD_CONFIG } from '../overload/overload.config';
import { wim } from '../overload/wim.fixture';
import { judgePermitWeighing, permitHoursEpisodes, permitIssue, permitTimeIssue, type OversizePermit } from './permit';
import { eastboundTrack, MOTION, moved } from './route-track.fixture';
import { routeReportsOf } from './track';

const VEHICLE = vehicleIdOf('冀A12345', 2);
// A 大件 permit along latitude 39.9 (about 25 km east–west), ± 200 m, valid 1–10 December, at night only.
const permit: OversizePermit = {
  routeId: 'P1',
  referenceNo: '冀大件2026-001',
  vehicleIds: [VEHICLE],
  polyline: [
    [116.3, 39.9],
    [116.6, 39.9],
  ],
  corridorWidthM: 200,
  validFrom: '2026-12-01',
  validTo: '2026-12-10',
  allowedHours: [{ from: '22:00', to: '06:00' }],
  declared: { grossKg: 47_500, axles: 6, lengthMm: 20_000, widthMm: 3_000, heightMm: 4_500 },
};
const ON_ROUTE: LatLon = { latitudeDeg: 39.9, longitudeDeg: 116.35 };
const at = (day: number, hour: number, minute = 0, second = 0) => chinaLocalToEpochMs(2026, 12, day, hour, minute, second);
/** `count` reports 30 s apart, 500 m apart (60 km/h) along the permit's line. */
const drive = (startMs: number, count: number, from: LatLon = ON_ROUTE) => eastboundTrack(from, startMs, count, 30_000, 500);
const episodes = (track = drive(at(6, 12), 12), permits: OversizePermit[] = [permit], vehicleId = VEHICLE) =>
  permitHoursEpisodes({ vehicleId, permits, track, motion: MOTION });

describe('大件 permit hours and dates (RULES.md §11, §15)', () => {
  it('reads the dates inclusive and the hours as [from, to), wrapping midnight', () => {
    expect(permitTimeIssue(permit, at(6, 22))).toBeNull();
    expect(permitTimeIssue(permit, at(7, 5, 59, 59))).toBeNull();
    expect(permitTimeIssue(permit, at(7, 6))).toBe('outside_hours');
    expect(permitTimeIssue(permit, at(6, 21, 59, 59))).toBe('outside_hours');
    expect(permitTimeIssue(permit, at(1, 0))).toBeNull();
    expect(permitTimeIssue(permit, at(10, 23, 59, 59))).toBeNull();
    expect(permitTimeIssue(permit, at(11, 0))).toBe('after_valid');
    expect(permitTimeIssue(permit, chinaLocalToEpochMs(2026, 11, 30, 23, 59, 59))).toBe('before_valid');
    // An instant is judged on the local (GMT+8) date: 16:00 UTC on the 10th is already the 11th in Beijing.
    expect(permitTimeIssue(permit, Date.UTC(2026, 11, 10, 16, 0, 0))).toBe('after_valid');
    expect(permitTimeIssue({ allowedHours: [] }, at(6, 12))).toBeNull();
  });

  it('counts moving time inside the corridor outside the hours only when it exceeds 5 min (exactly 5 min is not)', () => {
    expect(episodes(drive(at(6, 12), 11))).toEqual([]); // 10 legs of 30 s = 5 min
    const [episode] = episodes(drive(at(6, 12), 12));
    expect(episode).toMatchObject({ permitIds: ['P1'], issues: ['outside_hours'], startMs: at(6, 12), atMs: at(6, 12, 5, 30), movingMs: 330_000 });
    expect(episode!.movingM).toBeGreaterThan(5_400);
  });

  it('starts counting at the end of the hours: the report at 06:00:00 is outside, the one before is inside', () => {
    const track = drive(at(7, 5, 59, 30), 13);
    const [episode] = episodes(track);
    expect(episode).toMatchObject({ startMs: at(7, 6), movingMs: 330_000, atMs: at(7, 6, 5, 30) });
    expect(episodes(drive(at(7, 5, 59, 30), 12))).toEqual([]);
    // Inside the hours across midnight: nothing.
    expect(episodes(drive(at(6, 23, 55), 30))).toEqual([]);
  });

  it('counts after the last date and before the first, across midnight', () => {
    const [after] = episodes(drive(at(10, 23, 58), 20));
    expect(after).toMatchObject({ issues: ['after_valid'], startMs: at(11, 0) });
    const [before] = episodes(drive(chinaLocalToEpochMs(2026, 11, 30, 23), 20));
    expect(before).toMatchObject({ issues: ['before_valid'] });
  });

  it('leaves out reports outside the corridor, still reports and intervals over 5 min', () => {
    expect(episodes(drive(at(6, 12), 30, moved(ON_ROUTE, 1_000, 0)))).toEqual([]);
    const still = drive(at(6, 12), 30).map((r) => ({ ...r, latitudeDeg: ON_ROUTE.latitudeDeg, longitudeDeg: ON_ROUTE.longitudeDeg, speedKmh: 0 }));
    expect(episodes(still)).toEqual([]);
    // 5 legs of 30 s, a 6 min gap, 5 legs of 30 s: 5 min of moving time, 11 min with the gap.
    const first = drive(at(6, 12), 6);
    const second = drive(at(6, 12, 8, 30), 6, moved(ON_ROUTE, 4_000, 90));
    expect(episodes([...first, ...second])).toEqual([]);
    expect(
      episodes([...first, { ...moved(ON_ROUTE, 3_000, 90), timeMs: at(6, 12, 3), speedKmh: 60 }, ...drive(at(6, 12, 3, 30), 6, moved(ON_ROUTE, 3_500, 90))]),
    ).toHaveLength(1);
    // A report outside the corridor between them splits the stretch: 2 × 3 min is not > 5 min.
    const detour = { ...moved(ON_ROUTE, 1_000, 0), timeMs: at(6, 12, 3, 15), speedKmh: 60 };
    expect(episodes([...drive(at(6, 12), 7), detour, ...drive(at(6, 12, 3, 30), 7, moved(ON_ROUTE, 3_500, 90))])).toEqual([]);
  });

  it('reads a permit of another vehicle as none, and two permits in the driver’s favour', () => {
    expect(episodes(undefined, [permit], vehicleIdOf('冀B99999', 2))).toEqual([]);
    const dayPermit: OversizePermit = { ...permit, routeId: 'P2', allowedHours: [{ from: '08:00', to: '18:00' }] };
    expect(episodes(undefined, [permit, dayPermit])).toEqual([]);
    // A day permit along another road does not cover the night permit's corridor.
    const elsewhere: OversizePermit = {
      ...dayPermit,
      polyline: [
        [116.3, 40.2],
        [116.6, 40.2],
      ],
    };
    expect(episodes(undefined, [permit, elsewhere])).toHaveLength(1);
  });

  it('measures only fixed, non-drift reports', () => {
    const track = drive(at(6, 12), 12).map((r) => ({
      deviceTimeMs: r.timeMs,
      latitudeDeg: r.latitudeDeg,
      longitudeDeg: r.longitudeDeg,
      speedKmh: r.speedKmh,
      gnssFixed: true,
    }));
    // One report jumps 30 km north and back: drift, left out; one report not fixed, left out.
    track[4] = { ...track[4]!, latitudeDeg: 40.2 };
    track[7] = { ...track[7]!, gnssFixed: false };
    const reports = routeReportsOf(track, 160);
    expect(reports).toHaveLength(10);
    expect(reports.some((r) => r.latitudeDeg === 40.2)).toBe(false);
    expect(episodes(reports)[0]?.movingMs).toBe(330_000);
  });

  it('refuses hours and figures it cannot read', () => {
    expect(permitIssue(permit)).toBeUndefined();
    expect(permitIssue({ allowedHours: [{ from: '22:00', to: '22:00' }] })).toMatch(/same instant/);
    expect(permitIssue({ allowedHours: [{ from: '9:00', to: '18:00' }] })).toMatch(/HH:MM/);
    expect(permitIssue({ declared: { grossKg: -1 } })).toMatch(/grossKg/);
  });
});

describe('a roadside weighing against the permits (大车小证, RULES.md §11)', () => {
  const weighing = (grossKg: number, extra: Partial<WimMeasurementV1> = {}): ScoredAssessment => {
    const measuredAtMs = extra.measuredAtMs ?? at(6, 23);
    const record = wim({ grossKg, axleCount: 6, accuracyClassPct: 5, measuredAtMs, receivedAtMs: measuredAtMs + 1_000, ...extra });
    const assessment = assessOverload(record, undefined, DEFAULT_OVERLOAD_CONFIG);
    if (assessment.outcome === 'rejected') throw new Error(`the fixture is implausible: ${JSON.stringify(assessment.reasons)}`);
    return assessment;
  };

  it('compares the confirmed gross with the declared gross: equal is covered, a kilogram above is 大车小证', () => {
    // 50,000 kg measured on a 5% scale → 47,500 kg confirmed.
    expect(judgePermitWeighing(weighing(50_000), [permit])).toEqual({ outcome: 'covered', permitId: 'P1' });
    const tighter = { ...permit, declared: { ...permit.declared, grossKg: 47_499 } };
    expect(judgePermitWeighing(weighing(50_000), [tighter])).toEqual({
      outcome: 'permit_exceeded',
      permitId: 'P1',
      axlesDeclared: 6,
      excesses: [{ figure: 'grossKg', declared: 47_499, weighed: 47_500 }],
    });
  });

  it('compares the measured dimensions in millimetres', () => {
    expect(judgePermitWeighing(weighing(40_000, { heightM: 4.5 }), [permit]).outcome).toBe('covered');
    expect(judgePermitWeighing(weighing(40_000, { heightM: 4.501, widthM: 3.2 }), [permit])).toMatchObject({
      outcome: 'permit_exceeded',
      excesses: [
        { figure: 'widthMm', declared: 3_000, weighed: 3_200 },
        { figure: 'heightMm', declared: 4_500, weighed: 4_501 },
      ],
    });
  });

  it('reads "no valid permit that day" by the local date, whatever the hours', () => {
    // 60,000 kg on 6 axles is over the 49,000 kg limit (§4).
    expect(judgePermitWeighing(weighing(60_000, { measuredAtMs: at(11, 0) }), [permit])).toEqual({ outcome: 'oversize_without_permit' });
    expect(judgePermitWeighing(weighing(60_000, { measuredAtMs: at(10, 23, 59, 59) }), [{ ...permit, declared: { grossKg: 60_000 } }]).outcome).toBe('covered');
    // Valid that day but outside its hours: the weighing is compared, not counted as no permit (the hours are the track's rule).
    expect(judgePermitWeighing(weighing(40_000, { measuredAtMs: at(6, 12) }), [permit]).outcome).toBe('covered');
    expect(judgePermitWeighing(weighing(60_000), [])).toEqual({ outcome: 'oversize_without_permit' });
    expect(judgePermitWeighing(weighing(40_000), [])).toEqual({ outcome: 'nothing' });
    expect(judgePermitWeighing(weighing(40_000, { heightM: 4.2 }), [])).toEqual({ outcome: 'oversize_without_permit' });
  });

  it('ignores a permit of another vehicle and reads two permits in the carrier’s favour', () => {
    expect(judgePermitWeighing(weighing(60_000), [{ ...permit, vehicleIds: ['other'] }])).toEqual({ outcome: 'oversize_without_permit' });
    const heavier = { ...permit, routeId: 'P2', declared: { grossKg: 60_000 } };
    expect(judgePermitWeighing(weighing(60_000), [permit, heavier])).toEqual({ outcome: 'covered', permitId: 'P2' });
    expect(judgePermitWeighing(weighing(70_000), [permit, heavier])).toMatchObject({ outcome: 'permit_exceeded', permitId: 'P1' });
  });
});
