import { describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs, vehicleIdOf, type LatLon } from '@roadwatch/domain';
import { assessOverload, type ScoredAssessment } from '../overload/overload-assessment.rule';
import { DEFAULT_OVERLOAD_CONFIG } from '../overload/overload.config';
import { wim } from '../overload/wim.fixture';
import { permitAuditSheet } from './permit-audit';
import type { OversizePermit } from './permit';
import { eastboundTrack, MOTION, moved } from './route-track.fixture';

const VEHICLE = vehicleIdOf('冀A12345', 2);
const permit: OversizePermit = {
  routeId: 'P1',
  vehicleIds: [VEHICLE],
  polyline: [
    [116.3, 39.9],
    [116.6, 39.9],
  ],
  corridorWidthM: 200,
  validFrom: '2026-12-01',
  validTo: '2026-12-10',
  allowedHours: [{ from: '22:00', to: '06:00' }],
  declared: { grossKg: 47_500, axles: 5 },
};
const at = (day: number, hour: number, minute = 0) => chinaLocalToEpochMs(2026, 12, day, hour, minute);
const ON_ROUTE: LatLon = { latitudeDeg: 39.9, longitudeDeg: 116.35 };
const weighing = (id: string, grossKg: number, measuredAtMs: number): ScoredAssessment => {
  const a = assessOverload(
    wim({ measurementId: id, grossKg, axleCount: 6, accuracyClassPct: 5, measuredAtMs, receivedAtMs: measuredAtMs + 1_000 }),
    undefined,
    DEFAULT_OVERLOAD_CONFIG,
  );
  if (a.outcome === 'rejected') throw new Error('implausible fixture');
  return a;
};

describe('the audit sheet of a 大件 permit (倒查, issue #16)', () => {
  it('measures the share of the track on the route by distance, lists every stretch outside the hours and compares every weighing', () => {
    // 10 legs of 500 m on the route at night (allowed), 10 legs 1 km north of it, then 12 reports on the route at 06:00 (outside the hours).
    const night = eastboundTrack(ON_ROUTE, at(6, 5, 40), 11, 30_000, 500);
    const away = eastboundTrack(moved(night[10]!, 1_000, 0), at(6, 5, 46), 11, 30_000, 500);
    const morning = eastboundTrack(moved(away[10]!, 1_000, 180), at(6, 6), 12, 30_000, 500);
    const sheet = permitAuditSheet({
      permit,
      vehicleId: VEHICLE,
      fromMs: at(6, 0),
      toMs: at(7, 0),
      track: [...night, ...away, ...morning],
      weighings: [
        weighing('W-IN', 50_000, at(6, 5)),
        weighing('W-OVER', 50_002, at(6, 23)),
        weighing('W-LATE', 40_000, at(11, 1)),
        weighing('W-BEFORE', 40_000, at(5, 23)),
      ],
      motion: MOTION,
    });
    expect(sheet.reports).toBe(34);
    // On route: the night's 10 legs and the morning's 11 of 500 m (10.5 km); off: 1 km north, 10 legs there, 1 km back (7 km).
    expect(sheet.onRouteM).toBe(10_500);
    expect(sheet.totalM).toBe(17_500);
    expect(sheet.shareOnRoute).toBeCloseTo(0.6, 6);
    expect(sheet.stretches).toEqual([
      { startMs: at(6, 6), endMs: at(6, 6) + 11 * 30_000, issues: ['outside_hours'], movingMs: 330_000, movingM: expect.any(Number), counted: true },
    ]);
    expect(sheet.outsideMovingMs).toBe(330_000);
    // The period holds two weighings (W-LATE is after it, W-BEFORE before it).
    expect(sheet.weighings.map((w) => [w.measurementId, w.verdict, w.axlesDiffer])).toEqual([
      ['W-IN', 'within', true],
      ['W-OVER', 'exceeded', true],
    ]);
    expect(sheet.weighings[1]!.excesses).toEqual([{ figure: 'grossKg', declared: 47_500, weighed: 47_501.9 }]);
  });

  it('marks a weighing on a date the permit is not valid, and a short stretch as not counted; a vehicle that did not move has no share', () => {
    const short = eastboundTrack(ON_ROUTE, at(11, 12), 6, 30_000, 500);
    const sheet = permitAuditSheet({
      permit,
      vehicleId: VEHICLE,
      fromMs: at(11, 0),
      toMs: at(12, 0),
      track: short,
      weighings: [weighing('W-LATE', 40_000, at(11, 1))],
      motion: MOTION,
    });
    expect(sheet.stretches).toEqual([expect.objectContaining({ issues: ['after_valid'], movingMs: 150_000, counted: false })]);
    expect(sheet.outsideMovingMs).toBe(0);
    expect(sheet.weighings[0]).toMatchObject({ verdict: 'outside_validity', excesses: [] });
    const still = permitAuditSheet({ permit, vehicleId: VEHICLE, fromMs: at(11, 0), toMs: at(12, 0), track: [], weighings: [], motion: MOTION });
    expect(still).toMatchObject({ reports: 0, totalM: 0, shareOnRoute: null, stretches: [], weighings: [] });
  });
});
