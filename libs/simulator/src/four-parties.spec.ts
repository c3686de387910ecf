import { describe, expect, it } from 'vitest';
import type { PositionV1 } from '@roadwatch/contracts';
import { haversineMeters } from '@roadwatch/domain';
import {
  clonedPlateConflict,
  DEFAULT_SOURCE_TRACE_CONFIG,
  geofenceIssue,
  motionTimeline,
  prepareGeofence,
  stopsOf,
  traceSource,
  trackPointsOf,
  type SourceSite,
} from '@roadwatch/rules';
import {
  CLONED_PLATE_VICTIM,
  clonedPlateRun,
  DEMO_EXTRA_STATIONS,
  DEMO_QUARRY_SITE_ID,
  DEMO_SOURCE_SITES,
  DEMO_WIM_STATION,
  QUARRY_TRUCK,
  quarryRun,
} from './four-parties';

const MINUTE = 60_000;
// A weighing at a local 10:00 in Beijing (02:00 UTC), so no run straddles a day by accident.
const WEIGHED_AT_MS = Date.UTC(2026, 11, 6, 2, 0, 0);
const station = { latitudeDeg: DEMO_WIM_STATION.latitudeDeg, longitudeDeg: DEMO_WIM_STATION.longitudeDeg };

const asRuleSites = (): SourceSite[] =>
  DEMO_SOURCE_SITES.map((site) => ({
    siteId: site.sourceSiteId,
    name: site.name,
    ...(site.companyId ? { companyId: site.companyId } : {}),
    kind: site.siteKind,
    keySite: site.keySite,
    location: { latitudeDeg: site.latitudeDeg, longitudeDeg: site.longitudeDeg },
    ...(site.geofencePolygon
      ? { geofence: { kind: 'polygon' as const, rings: [site.geofencePolygon] } }
      : { geofence: { kind: 'circle' as const, centre: { latitudeDeg: site.latitudeDeg, longitudeDeg: site.longitudeDeg }, radiusM: site.geofenceRadiusM } }),
  }));

const quarryFence = () => {
  const quarry = DEMO_SOURCE_SITES.find((s) => s.sourceSiteId === DEMO_QUARRY_SITE_ID)!;
  return prepareGeofence({ kind: 'polygon', rings: [quarry.geofencePolygon!] }, 200, 50);
};

describe('the demo source sites and stations (issue #15)', () => {
  it('has a quarry 矿山 (key site, exit scale) and a sand yard 砂石料场, each a usable polygon holding its own point', () => {
    const kinds = DEMO_SOURCE_SITES.map((s) => s.siteKind);
    expect(kinds).toEqual(expect.arrayContaining(['mine', 'sand_gravel']));
    const quarry = DEMO_SOURCE_SITES.find((s) => s.siteKind === 'mine')!;
    expect(quarry.keySite).toBe(true);
    expect(DEMO_EXTRA_STATIONS.find((st) => st.stationId === quarry.exitStationId)).toMatchObject({ kind: 'site_exit', sourceSiteId: quarry.sourceSiteId });
    expect(DEMO_EXTRA_STATIONS.map((st) => st.kind)).toContain('entrance');
    for (const site of DEMO_SOURCE_SITES) {
      if (!site.geofencePolygon) continue;
      const ring = site.geofencePolygon;
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      expect(geofenceIssue({ kind: 'polygon', rings: [ring] }, 200)).toBeUndefined();
      const placed = prepareGeofence({ kind: 'polygon', rings: [ring] }, 200, 50).place({ latitudeDeg: site.latitudeDeg, longitudeDeg: site.longitudeDeg });
      expect(placed.inside).toBe(true);
      expect(placed.boundaryDistanceM).toBeGreaterThan(150);
    }
    // The exit scale stands at the quarry's gate: inside its geofence grown by 200 m, not at the WIM station.
    expect(quarryFence().withinGrown({ latitudeDeg: DEMO_EXTRA_STATIONS[0].latitudeDeg, longitudeDeg: DEMO_EXTRA_STATIONS[0].longitudeDeg }, 200)).toBe(true);
  });
});

describe('the quarry truck run', () => {
  const run = quarryRun({ weighedAtMs: WEIGHED_AT_MS, stationId: 'ST-DEMO-01' });

  it('dwells ≥ 8 min standing still inside the quarry polygon, ≥ 50 m from its edge (the §15 "at")', () => {
    const { points, ignored } = trackPointsOf(run.reports);
    expect(ignored).toBe(0);
    const stops = stopsOf(motionTimeline(points, DEFAULT_SOURCE_TRACE_CONFIG.motion));
    const loading = stops.filter((stop) => stop.heldMs >= 8 * MINUTE);
    expect(loading).toHaveLength(1);
    const fence = quarryFence();
    for (const report of loading[0]!.reports) {
      const placed = fence.place(report);
      expect(placed.inside).toBe(true);
      expect(placed.boundaryDistanceM).toBeGreaterThanOrEqual(50);
    }
    expect(loading[0]!.heldStartMs).toBeGreaterThanOrEqual(run.loading.fromMs);
    expect(loading[0]!.heldEndMs).toBeLessThanOrEqual(run.loading.toMs);
  });

  it('is in time order, ends at the station at the weighing, and the weighing is a 101 t 百吨王 of its plate', () => {
    const times = run.reports.map((r) => r.deviceTimeMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    const last = run.reports[run.reports.length - 1]!;
    expect(last.deviceTimeMs).toBe(WEIGHED_AT_MS);
    expect(haversineMeters(last, station)).toBeLessThan(1);
    // No leg faster than a loaded truck drives (and none a §6 jump).
    expect(Math.max(...run.reports.map((r) => r.speedKmh))).toBeLessThan(90);
    expect(run.weighing).toMatchObject({ plate: QUARRY_TRUCK.facts.plate, plateColour: 2, grossKg: 101_000, measuredAt: WEIGHED_AT_MS, axleCount: 6 });
    expect(run.weighing.axleWeightsKg.reduce((a, b) => a + b, 0)).toBe(run.weighing.grossKg);
    // The card goes in before loading; the exit scale weighs after it, before the WIM station.
    expect(run.signIn.atMs).toBeLessThan(run.loading.fromMs);
    expect(run.exitRecord.measuredAtMs).toBeGreaterThan(run.loading.toMs);
    expect(run.exitRecord.measuredAtMs).toBeLessThan(WEIGHED_AT_MS);
    expect(run.exitRecord.grossKg - run.exitRecord.tareKg).toBe(run.exitRecord.netKg);
  });

  it('reads back (源头倒查, the rule of libs/rules) to the quarry, grade A, proposing the quarry company', () => {
    const result = traceSource({
      track: run.reports,
      weighing: { stationId: 'ST-DEMO-01', measuredAtMs: WEIGHED_AT_MS, plate: QUARRY_TRUCK.facts.plate, plateColour: 2 },
      sites: asRuleSites(),
    });
    expect(result.grade).toBe('A');
    expect(result.siteId).toBe(DEMO_QUARRY_SITE_ID);
    expect(result.proposedCompanyId).toBe('company-src-quarry');
  });

  it('a loading cut short (5 min) is no loading stop: no grade A', () => {
    const short = quarryRun({ weighedAtMs: WEIGHED_AT_MS, stationId: 'ST-DEMO-01', loadingMs: 5 * MINUTE });
    const result = traceSource({
      track: short.reports,
      weighing: { stationId: 'ST-DEMO-01', measuredAtMs: WEIGHED_AT_MS, plate: QUARRY_TRUCK.facts.plate, plateColour: 2 },
      sites: asRuleSites(),
    });
    expect(result.grade).not.toBe('A');
  });
});

describe('the cloned plate run', () => {
  const run = clonedPlateRun({ weighedAtMs: WEIGHED_AT_MS, stationId: 'ST-DEMO-01' });
  const asFixes = (reports: typeof run.registered): PositionV1[] =>
    reports.map((r) => ({
      v: 1,
      vehicleId: r.vehicleId,
      terminalId: r.terminalPhone,
      plate: CLONED_PLATE_VICTIM.facts.plate,
      plateColour: CLONED_PLATE_VICTIM.facts.plateColour,
      registered: true,
      deviceTimeMs: r.deviceTimeMs,
      receivedAtMs: r.deviceTimeMs + 1_000,
      latitudeDeg: r.latitudeDeg,
      longitudeDeg: r.longitudeDeg,
      altitudeM: r.altitudeM,
      speedKmh: r.speedKmh,
      headingDeg: r.headingDeg,
      alarmFlags: 0,
      statusFlags: 0,
      accOn: r.accOn,
      gnssFixed: true,
      source: 'realtime',
    }));

  it('has two tracks: the registered truck far away on G1 and the clone over the station, both at the weighing', () => {
    const at = (track: ReadonlyArray<{ deviceTimeMs: number; latitudeDeg: number; longitudeDeg: number }>) =>
      track.find((r) => r.deviceTimeMs === WEIGHED_AT_MS)!;
    expect(haversineMeters(at(run.registered), station)).toBeGreaterThan(50_000);
    expect(haversineMeters(at(run.clone), station)).toBeLessThan(1);
    expect(run.registered.every((r) => r.vehicleId === CLONED_PLATE_VICTIM.facts.vehicleId)).toBe(true);
    expect(run.weighing).toMatchObject({
      plate: CLONED_PLATE_VICTIM.facts.plate,
      plateColour: CLONED_PLATE_VICTIM.facts.plateColour,
      measuredAt: WEIGHED_AT_MS,
    });
    // The registered track covers the rule's ±10 min around the weighing.
    expect(run.registered[0]!.deviceTimeMs).toBeLessThanOrEqual(WEIGHED_AT_MS - 10 * MINUTE);
    expect(run.registered[run.registered.length - 1]!.deviceTimeMs).toBeGreaterThanOrEqual(WEIGHED_AT_MS + 10 * MINUTE);
  });

  it('is a 套牌 conflict by the rule of libs/rules, naming the registered company as the victim', () => {
    const result = clonedPlateConflict({
      weighing: {
        measurementId: 'm-1',
        stationId: 'ST-DEMO-01',
        measuredAtMs: WEIGHED_AT_MS,
        plate: run.weighing.plate,
        plateColour: run.weighing.plateColour,
        axleCount: 6,
      },
      station,
      vehicle: { ...CLONED_PLATE_VICTIM.facts, companyId: CLONED_PLATE_VICTIM.companyId },
      fixes: asFixes(run.registered),
    });
    expect(result.outcome).toBe('conflict');
    expect(result.victimCompanyId).toBe('company-4');
  });

  it("the clone's own track would not conflict (it is where the plate was weighed)", () => {
    const cloneAsFixes = asFixes(run.clone.map((r) => ({ ...r, vehicleId: 'x', terminalPhone: 'x', headingDeg: 0, accOn: true, altitudeM: 45 })));
    const result = clonedPlateConflict({
      weighing: {
        measurementId: 'm-2',
        stationId: 'ST-DEMO-01',
        measuredAtMs: WEIGHED_AT_MS,
        plate: run.weighing.plate,
        plateColour: run.weighing.plateColour,
      },
      station,
      vehicle: { ...CLONED_PLATE_VICTIM.facts, companyId: CLONED_PLATE_VICTIM.companyId },
      fixes: cloneAsFixes,
    });
    expect(result.outcome).toBe('consistent');
  });
});
