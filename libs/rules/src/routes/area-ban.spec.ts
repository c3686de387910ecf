import { describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs, haversineMeters, type RoadClass } from '@roadwatch/domain';
import { areaBanEpisodes, areaBanIssue, banOccurrenceAt, type AreaBan } from './area-ban';
import { DEFAULT_PERMITS_CONFIG } from './permit';
import { MOTION } from './route-track.fixture';
import type { RouteReport } from './track';

// A hazmat ban over a box north-east of Beijing's centre, 22:00–06:00 every night.
const ban: AreaBan = {
  banId: 'B1',
  name: '危化品夜间禁行区',
  polygon: [
    [116.3, 39.85],
    [116.5, 39.85],
    [116.5, 39.95],
    [116.3, 39.95],
  ],
  vehicleClasses: ['hazmat'],
  windows: [{ from: '22:00', to: '06:00' }],
};
const at = (day: number, hour: number, minute = 0, second = 0) => chinaLocalToEpochMs(2026, 12, day, hour, minute, second);
/** `count` reports 30 s apart along a parallel, `stepDeg` of longitude apart (0.001° ≈ 85 m here). */
const along = (latitudeDeg: number, startMs: number, count: number, stepDeg = 0.001, fromLon = 116.35, speedKmh = 10): RouteReport[] =>
  Array.from({ length: count }, (_, i) => ({ timeMs: startMs + i * 30_000, latitudeDeg, longitudeDeg: fromLon + i * stepDeg, speedKmh }));
const episodes = (track: RouteReport[], bans: AreaBan[] = [ban], extra: Partial<Parameters<typeof areaBanEpisodes>[0]> = {}) =>
  areaBanEpisodes({ vehicleId: 'V', vehicleClass: 'hazmat', bans, track, motion: MOTION, ...extra });

describe('area bans (RULES.md §11, §15 "Routes and areas")', () => {
  it('counts at 3 min of moving time exactly, not before', () => {
    expect(episodes(along(39.9, at(6, 23), 6))).toEqual([]); // 2.5 min, ~425 m
    const [episode] = episodes(along(39.9, at(6, 23), 7));
    expect(episode).toMatchObject({ banId: 'B1', occurrence: '0@2026-12-06', startMs: at(6, 23), atMs: at(6, 23, 3), movingMs: 180_000 });
  });

  it('counts at 1 km exactly, not a metre before', () => {
    const track = along(39.9, at(6, 23), 4, 0.004); // 3 legs of ~341 m in 1.5 min
    const distanceM = haversineMeters(track[0]!, track[1]!) + haversineMeters(track[1]!, track[2]!) + haversineMeters(track[2]!, track[3]!);
    expect(distanceM).toBeGreaterThan(1_000);
    expect(episodes(track)[0]).toMatchObject({ atMs: track[3]!.timeMs, movingMs: 90_000 });
    const exact = { ...DEFAULT_PERMITS_CONFIG, areaBanMinMovingM: distanceM };
    expect(episodes(track, [ban], { config: exact })).toHaveLength(1);
    expect(episodes(track, [ban], { config: { ...exact, areaBanMinMovingM: distanceM + 0.001 } })).toEqual([]);
  });

  it('reads the polygon edge as outside', () => {
    expect(episodes(along(39.95, at(6, 23), 20))).toEqual([]);
    expect(episodes(along(39.9499, at(6, 23), 20))).toHaveLength(1);
    expect(episodes(along(39.9501, at(6, 23), 20))).toEqual([]);
  });

  it('reads the window as [from, to): 22:00:00 is in, 06:00:00 is out', () => {
    expect(episodes(along(39.9, at(7, 5, 57), 12))).toEqual([]); // 05:57–06:02:30: 2.5 min before 06:00
    expect(episodes(along(39.9, at(7, 5, 56, 30), 13))).toHaveLength(1); // 05:56:30–05:59:30: 3 min
    const [evening] = episodes(along(39.9, at(6, 21, 59, 30), 8));
    expect(evening).toMatchObject({ startMs: at(6, 22), atMs: at(6, 22, 3) });
    expect(episodes(along(39.9, at(6, 21, 59, 30), 7))).toEqual([]);
  });

  it('keeps one occurrence across midnight and reads its weekdays on the date it starts', () => {
    const [night] = episodes(along(39.9, at(6, 23, 58, 30), 7));
    expect(night).toMatchObject({ occurrence: '0@2026-12-06', movingMs: 180_000 });
    expect(banOccurrenceAt(ban, at(7, 0, 30))).toBe('0@2026-12-06');
    // Fridays only: Saturday 01:00 belongs to Friday night's occurrence; Saturday 23:00 to none.
    const fridays: AreaBan = { ...ban, windows: [{ from: '22:00', to: '06:00', days: [5] }] };
    expect(banOccurrenceAt(fridays, at(5, 1))).toBe('0@2026-12-04');
    expect(banOccurrenceAt(fridays, at(5, 23))).toBeNull();
    expect(episodes(along(39.9, at(5, 1), 10), [fridays])).toHaveLength(1);
    expect(episodes(along(39.9, at(5, 23), 10), [fridays])).toEqual([]);
  });

  it('binds only within its dates, read on the local date of each report', () => {
    const dated: AreaBan = { ...ban, validFrom: '2026-12-06', validTo: '2026-12-06' };
    expect(episodes(along(39.9, at(6, 23), 10), [dated])).toHaveLength(1);
    expect(episodes(along(39.9, at(7, 0, 30), 10), [dated])).toEqual([]);
    expect(episodes(along(39.9, at(5, 23), 10), [dated])).toEqual([]);
  });

  it('binds only its vehicle classes and, when it names them, its road classes by every matching segment', () => {
    expect(episodes(along(39.9, at(6, 23), 10), [ban], { vehicleClass: 'heavy_truck' })).toEqual([]);
    const expressways: AreaBan = { ...ban, roadClasses: ['expressway'] };
    const roads = (classes: RoadClass[]) => () => classes;
    expect(episodes(along(39.9, at(6, 23), 10), [expressways], { roadClassesAt: roads(['expressway']) })).toHaveLength(1);
    expect(episodes(along(39.9, at(6, 23), 10), [expressways], { roadClassesAt: roads(['expressway', 'national']) })).toEqual([]);
    expect(episodes(along(39.9, at(6, 23), 10), [expressways], { roadClassesAt: roads([]) })).toEqual([]);
    expect(episodes(along(39.9, at(6, 23), 10), [expressways])).toEqual([]);
  });

  it('measures only moving legs: a vehicle parked inside is no episode', () => {
    const parked = along(39.9, at(6, 23), 30, 0, 116.35, 0);
    expect(episodes(parked)).toEqual([]);
  });

  it('refuses bans it cannot read', () => {
    expect(areaBanIssue(ban)).toBeUndefined();
    expect(areaBanIssue({ ...ban, polygon: ban.polygon!.slice(0, 2) })).toMatch(/3 points/);
    expect(areaBanIssue({ ...ban, vehicleClasses: [] })).toMatch(/vehicle class/);
    expect(areaBanIssue({ ...ban, windows: [{ from: '25:00', to: '06:00' }] })).toMatch(/HH:MM/);
    expect(areaBanIssue({ ...ban, windows: [{ from: '22:00', to: '06:00', days: [0] }] })).toMatch(/weekdays/);
    expect(areaBanIssue({ ...ban, validFrom: '2026-12-07', validTo: '2026-12-06' })).toMatch(/before/);
  });

  describe('region-wide (no polygon): the vehicles registered in the region, wherever they drive', () => {
    // Hebei's hazmat expressway night ban as the configured windows of RULES.md §3 read it.
    const hebei: AreaBan = {
      banId: 'HB-NIGHT',
      name: '河北省危化品车辆高速公路夜间禁行',
      regionCode: '13',
      vehicleClasses: ['hazmat'],
      windows: [{ from: '00:00', to: '06:00' }],
      roadClasses: ['expressway'],
    };
    const expressway = () => ['expressway'] as RoadClass[];
    // Far outside any polygon above: a Shijiazhuang hazmat truck on an expressway in Henan.
    const away = (startMs: number, count: number) => along(34.7, startMs, count, 0.001, 113.6);

    it('binds a vehicle of the region or any region under it, by its registered region, not by where it is', () => {
      expect(episodes(away(at(7, 1), 10), [hebei], { vehicleRegionCode: '130102', roadClassesAt: expressway })).toHaveLength(1);
      expect(episodes(away(at(7, 1), 10), [hebei], { vehicleRegionCode: '13', roadClassesAt: expressway })).toHaveLength(1);
      expect(episodes(away(at(7, 1), 10), [hebei], { vehicleRegionCode: '410102', roadClassesAt: expressway })).toEqual([]);
      // Prefix, not digits in common: Shanghai (31) is not Hebei (13).
      expect(episodes(away(at(7, 1), 10), [hebei], { vehicleRegionCode: '310101', roadClassesAt: expressway })).toEqual([]);
      // A vehicle of no known region is not bound (the registry is asked for it, not guessed).
      expect(episodes(away(at(7, 1), 10), [hebei], { roadClassesAt: expressway })).toEqual([]);
    });

    it('reads the same thresholds, window, road classes and dates as a polygon ban', () => {
      const hebeiTruck = { vehicleRegionCode: '1301', roadClassesAt: expressway };
      expect(episodes(away(at(7, 1), 6), [hebei], hebeiTruck)).toEqual([]); // 2.5 min
      expect(episodes(away(at(7, 1), 7), [hebei], hebeiTruck)[0]).toMatchObject({ banId: 'HB-NIGHT', occurrence: '0@2026-12-07', atMs: at(7, 1, 3) });
      expect(episodes(away(at(7, 6), 10), [hebei], hebeiTruck)).toEqual([]); // 06:00:00 is out
      expect(episodes(away(at(7, 1), 10), [hebei], { ...hebeiTruck, roadClassesAt: () => ['national'] })).toEqual([]);
      expect(episodes(away(at(7, 1), 10), [hebei], { ...hebeiTruck, vehicleClass: 'heavy_truck' })).toEqual([]);
      expect(episodes(away(at(7, 1), 10), [{ ...hebei, validFrom: '2026-12-08' }], hebeiTruck)).toEqual([]);
    });

    it('a polygon ban of a region still binds every vehicle of its classes inside the polygon, whatever its registration', () => {
      expect(episodes(along(39.9, at(6, 23), 10), [{ ...ban, regionCode: '11' }], { vehicleRegionCode: '440301' })).toHaveLength(1);
    });

    it('needs a region code when it has no polygon', () => {
      expect(areaBanIssue(hebei)).toBeUndefined();
      const { regionCode: _, ...noRegion } = hebei;
      expect(areaBanIssue(noRegion)).toMatch(/polygon, or a regionCode/);
      expect(areaBanIssue({ ...hebei, regionCode: 'HB' })).toMatch(/regionCode/);
      expect(areaBanIssue({ ...hebei, polygon: null })).toBeUndefined();
    });
  });
});
