import { haversineMeters, vehicleIdOf, type LatLon } from '@roadwatch/domain';
import type { SimulatedReport, SimulatedVehicle } from './fleet-simulator';

/**
 * The embedded demo's places and scripted runs for naming all four parties (issue #15,
 * RULES.md §13–§14): 货运源头单位 with geofences (a quarry 矿山, a sand yard 砂石料场, a
 * logistics park), the quarry's exit scale, an expressway entrance scale beside the demo WIM
 * station, drivers with IC cards (JT/T 808 0x0702), a truck that loads at the quarry and is
 * weighed over the limit, and a cloned plate. Plain data and pure functions: the standalone
 * host seeds and plays them, the tests read the same data.
 *
 * Coordinates are WGS-84; polygon rings are [longitude, latitude] (GeoJSON order, as
 * `source_sites.geofence_polygon` stores them).
 */

/** The WIM station the simulation posts as: on G4 in 房山 (ST-DEMO-01 by default). */
export const DEMO_WIM_STATION = {
  name: 'G4 京港澳高速 房山治超站（演示）',
  kind: 'non_site',
  accuracyClassPct: 5,
  regionCode: '110111',
  roadName: 'G4 京港澳高速',
  latitudeDeg: 39.69,
  longitudeDeg: 116.13,
} as const;

/** The 货运源头单位 companies running the demo sites: a grade-A trace proposes one of them. */
export const DEMO_SOURCE_COMPANIES = [
  { companyId: 'company-src-quarry', name: '房山琉璃河石料有限公司（演示）', regionCode: '110111' },
  { companyId: 'company-src-sand', name: '涿州拒马河砂石有限公司（演示）', regionCode: '130681' },
] as const;

/** A rectangle of half-sides `halfNorthM` × `halfEastM` around a centre, as a closed [lon, lat] ring. */
const rectangleRing = (centre: LatLon, halfNorthM: number, halfEastM: number): Array<[number, number]> => {
  const dLat = halfNorthM / 111_195;
  const dLon = halfEastM / (111_195 * Math.cos((centre.latitudeDeg * Math.PI) / 180));
  const round = (x: number): number => Math.round(x * 1e6) / 1e6;
  const corners: Array<[number, number]> = [
    [centre.longitudeDeg - dLon, centre.latitudeDeg - dLat],
    [centre.longitudeDeg + dLon, centre.latitudeDeg - dLat],
    [centre.longitudeDeg + dLon, centre.latitudeDeg + dLat],
    [centre.longitudeDeg - dLon, centre.latitudeDeg + dLat],
  ];
  const ring = corners.map(([lon, lat]) => [round(lon), round(lat)] as [number, number]);
  return [...ring, ring[0] as [number, number]];
};

const QUARRY_CENTRE: LatLon = { latitudeDeg: 39.645, longitudeDeg: 116.045 };
const SAND_YARD_CENTRE: LatLon = { latitudeDeg: 39.5, longitudeDeg: 115.985 };

export const DEMO_QUARRY_SITE_ID = 'SRC-DEMO-QUARRY';
export const DEMO_QUARRY_EXIT_STATION_ID = 'ST-DEMO-QUARRY-EXIT';
export const DEMO_ENTRANCE_STATION_ID = 'ST-DEMO-G4-ENTRY';

export interface DemoSourceSite {
  sourceSiteId: string;
  name: string;
  companyId?: string;
  regionCode: string;
  address: string;
  latitudeDeg: number;
  longitudeDeg: number;
  /** A `source_site_kinds.kind_code` (0021). */
  siteKind: string;
  keySite: boolean;
  /** Outer ring, [lon, lat], closed; absent → a circle of `geofenceRadiusM` around the point. */
  geofencePolygon?: Array<[number, number]>;
  geofenceRadiusM?: number;
  exitStationId?: string;
}

/**
 * The quarry (矿山, a key site with an exit scale) off G107 at 琉璃河, the sand yard (砂石料场) on
 * G4 at 涿州, both polygons of about 400 m × 400 m; the logistics park at 香河 a 300 m circle.
 */
export const DEMO_SOURCE_SITES: readonly DemoSourceSite[] = [
  {
    sourceSiteId: DEMO_QUARRY_SITE_ID,
    name: '房山琉璃河石料厂（演示）',
    companyId: 'company-src-quarry',
    regionCode: '110111',
    address: '北京市房山区 G107 琉璃河段',
    ...QUARRY_CENTRE,
    siteKind: 'mine',
    keySite: true,
    geofencePolygon: rectangleRing(QUARRY_CENTRE, 200, 220),
    exitStationId: DEMO_QUARRY_EXIT_STATION_ID,
  },
  {
    sourceSiteId: 'SRC-DEMO-SAND',
    name: '涿州拒马河砂石料场（演示）',
    companyId: 'company-src-sand',
    regionCode: '130681',
    address: '河北省保定市涿州市 G4 京港澳高速旁',
    ...SAND_YARD_CENTRE,
    siteKind: 'sand_gravel',
    keySite: false,
    geofencePolygon: rectangleRing(SAND_YARD_CENTRE, 180, 250),
  },
  {
    sourceSiteId: 'SRC-DEMO-PARK',
    name: '香河物流园（演示）',
    regionCode: '131024',
    address: '河北省廊坊市香河县 G1 京哈高速旁',
    latitudeDeg: 39.79,
    longitudeDeg: 116.91,
    siteKind: 'logistics_park',
    keySite: false,
    geofenceRadiusM: 300,
  },
];

/** The quarry's exit scale (`site_exit`, linked to its site) and the G4 entrance scale (`entrance`). */
export const DEMO_EXTRA_STATIONS = [
  {
    stationId: DEMO_QUARRY_EXIT_STATION_ID,
    name: '琉璃河石料厂出场地磅（演示）',
    kind: 'site_exit',
    sourceSiteId: DEMO_QUARRY_SITE_ID,
    accuracyClassPct: 1,
    regionCode: '110111',
    roadName: 'G107 国道',
    latitudeDeg: 39.6465,
    longitudeDeg: 116.0475,
  },
  {
    stationId: DEMO_ENTRANCE_STATION_ID,
    name: 'G4 京港澳高速 琉璃河收费站入口称重（演示）',
    kind: 'entrance',
    accuracyClassPct: 5,
    regionCode: '110111',
    roadName: 'G4 京港澳高速',
    latitudeDeg: 39.61,
    longitudeDeg: 116.06,
  },
] as const;

export interface DemoDriver {
  driverId: string;
  companyId: string;
  name: string;
  /** 从业资格证编号, what the IC card carries (STRING[20]). */
  qualificationNo: string;
  issuingAuthority: string;
  /** 'YYYY-MM-DD'. */
  certificateExpiry: string;
}

/** Two drivers of 冀中重卡物流 (company-4) with IC cards. */
export const DEMO_DRIVERS: readonly DemoDriver[] = [
  {
    driverId: 'DRV-DEMO-01',
    companyId: 'company-4',
    name: '张建国',
    qualificationNo: '130600198001010011',
    issuingAuthority: '保定市道路运输管理局',
    certificateExpiry: '2029-06-30',
  },
  {
    driverId: 'DRV-DEMO-02',
    companyId: 'company-4',
    name: '李卫东',
    qualificationNo: '130600198502020022',
    issuingAuthority: '保定市道路运输管理局',
    certificateExpiry: '2028-12-31',
  },
];

const demoTruck = (plate: string, terminalPhone: string, routeIndex: number): SimulatedVehicle => ({
  facts: {
    vehicleId: vehicleIdOf(plate, 2),
    plate,
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'company-4',
    regionCode: '130600',
    axleCount: 6,
    isCombination: true,
    registeredMaxGrossKg: 49_000,
  },
  terminalPhone,
  companyId: 'company-4',
  routeIndex,
  cruiseSpeedKmh: 60,
});

/** The truck that loads at the quarry and is weighed at the demo WIM station. */
export const QUARRY_TRUCK = demoTruck('冀F66001', '013966000001', 3);
/** The registered truck whose plate a clone carries: it drives G1 near 香河 while its plate is weighed on G4. */
export const CLONED_PLATE_VICTIM = demoTruck('冀F66002', '013966000002', 2);
/** The demo's scripted trucks, registered beside the generated fleet. */
export const FOUR_PARTIES_VEHICLES: readonly SimulatedVehicle[] = [QUARRY_TRUCK, CLONED_PLATE_VICTIM];

/** A leg of a scripted run: a straight drive or a dwell. */
export type Leg = { kind: 'drive'; to: LatLon; durationMs: number } | { kind: 'dwell'; durationMs: number };

/**
 * Reports every `intervalMs` along straight legs (speed = the leg's length over its duration)
 * and dwells (speed 0, ACC off, the same place); the run ends with a report at its last instant.
 */
export const legReports = (vehicle: SimulatedVehicle, from: LatLon, legs: readonly Leg[], startMs: number, intervalMs: number): SimulatedReport[] => {
  const reports: SimulatedReport[] = [];
  let at = from;
  let legStartMs = startMs;
  let lastSpeedKmh = 0;
  const push = (timeMs: number, position: LatLon, speedKmh: number): void => {
    reports.push({
      vehicleId: vehicle.facts.vehicleId,
      terminalPhone: vehicle.terminalPhone,
      deviceTimeMs: timeMs,
      latitudeDeg: Math.round(position.latitudeDeg * 1e6) / 1e6,
      longitudeDeg: Math.round(position.longitudeDeg * 1e6) / 1e6,
      speedKmh: Math.round(speedKmh * 10) / 10,
      headingDeg: 0,
      accOn: speedKmh > 0,
      altitudeM: 45,
    });
  };
  for (const leg of legs) {
    const to = leg.kind === 'drive' ? leg.to : at;
    const speedKmh = leg.kind === 'drive' ? haversineMeters(at, to) / 1000 / (leg.durationMs / 3_600_000) : 0;
    lastSpeedKmh = speedKmh;
    for (let offsetMs = 0; offsetMs < leg.durationMs; offsetMs += intervalMs) {
      const t = offsetMs / leg.durationMs;
      push(
        legStartMs + offsetMs,
        { latitudeDeg: at.latitudeDeg + (to.latitudeDeg - at.latitudeDeg) * t, longitudeDeg: at.longitudeDeg + (to.longitudeDeg - at.longitudeDeg) * t },
        speedKmh,
      );
    }
    legStartMs += leg.durationMs;
    at = to;
  }
  push(legStartMs, at, lastSpeedKmh);
  return reports;
};

const MINUTE = 60_000;

/** A 6-axle WIM record (axle shares of a loaded 六轴 combination) as ingest-wim takes it. */
export const demoWeighing = (input: {
  stationId: string;
  recordId: string;
  measuredAtMs: number;
  vehicle: SimulatedVehicle;
  grossKg: number;
  speedKmh?: number;
}) => {
  const axleWeightsKg = [0.1, 0.18, 0.18, 0.18, 0.18, 0.18].map((share) => Math.round(input.grossKg * share));
  return {
    stationId: input.stationId,
    recordId: input.recordId,
    lane: 1,
    direction: '北京方向',
    measuredAt: input.measuredAtMs,
    plate: input.vehicle.facts.plate,
    plateColour: input.vehicle.facts.plateColour,
    axleCount: 6,
    axleWeightsKg,
    // The axles add up to the gross (ingest checks the sum).
    grossKg: axleWeightsKg.reduce((sum, kg) => sum + kg, 0),
    speedKmh: input.speedKmh ?? 40,
    accuracyClassPct: 5,
  };
};

export interface QuarryRun {
  /** The truck's reports, in time order, the last at the weighing. */
  reports: SimulatedReport[];
  /** The driver's IC-card sign-in (0x0702) before loading. */
  signIn: { atMs: number; driver: DemoDriver };
  /** When the truck stands still inside the quarry's polygon. */
  loading: { fromMs: number; toMs: number };
  /** The quarry's exit-scale record as it leaves (gross, tare, net, loading slip). */
  exitRecord: {
    stationId: string;
    recordId: string;
    measuredAtMs: number;
    plate: string;
    plateColour: number;
    axleCount: number;
    grossKg: number;
    tareKg: number;
    netKg: number;
    loadingSlipNo: string;
  };
  /** The WIM record at the demo station: 101 t, a 百吨王. */
  weighing: ReturnType<typeof demoWeighing>;
}

/**
 * The quarry truck's run ending at a weighing at `weighedAtMs`: from G107 into the quarry (3 min),
 * the driver's card in, loading standing still at the quarry's heart for `loadingMs` (12 min
 * *default*, over §13's 8), out through the exit scale (2 min) and on to the WIM station (12 min),
 * weighed at 101 t. The reports are the track a 源头倒查 reads back (grade A at the quarry).
 */
export const quarryRun = (input: { weighedAtMs: number; stationId: string; loadingMs?: number; intervalMs?: number; grossKg?: number }): QuarryRun => {
  const loadingMs = input.loadingMs ?? 12 * MINUTE;
  const intervalMs = input.intervalMs ?? 30_000;
  const approachMs = 3 * MINUTE;
  const exitMs = 2 * MINUTE;
  const toStationMs = 12 * MINUTE;
  const startMs = input.weighedAtMs - (approachMs + loadingMs + exitMs + toStationMs);
  const exitScale = DEMO_EXTRA_STATIONS[0];
  const station: LatLon = { latitudeDeg: DEMO_WIM_STATION.latitudeDeg, longitudeDeg: DEMO_WIM_STATION.longitudeDeg };
  const reports = legReports(
    QUARRY_TRUCK,
    { latitudeDeg: 39.66, longitudeDeg: 116.07 },
    [
      { kind: 'drive', to: QUARRY_CENTRE, durationMs: approachMs },
      { kind: 'dwell', durationMs: loadingMs },
      { kind: 'drive', to: { latitudeDeg: 39.652, longitudeDeg: 116.06 }, durationMs: exitMs },
      { kind: 'drive', to: station, durationMs: toStationMs },
    ],
    startMs,
    intervalMs,
  );
  const loading = { fromMs: startMs + approachMs, toMs: startMs + approachMs + loadingMs };
  const grossKg = input.grossKg ?? 101_000;
  const tareKg = 15_500;
  const driver = DEMO_DRIVERS[0] as DemoDriver;
  return {
    reports,
    signIn: { atMs: startMs + MINUTE, driver },
    loading,
    exitRecord: {
      stationId: exitScale.stationId,
      recordId: `EXIT-${loading.toMs}`,
      measuredAtMs: loading.toMs + 30_000,
      plate: QUARRY_TRUCK.facts.plate,
      plateColour: QUARRY_TRUCK.facts.plateColour,
      axleCount: 6,
      grossKg,
      tareKg,
      netKg: grossKg - tareKg,
      loadingSlipNo: `LS-${Math.floor(loading.toMs / 1000)}`,
    },
    weighing: demoWeighing({
      stationId: input.stationId,
      recordId: `SIM-QUARRY-${input.weighedAtMs}`,
      measuredAtMs: input.weighedAtMs,
      vehicle: QUARRY_TRUCK,
      grossKg,
    }),
  };
};

export interface ClonedPlateRun {
  /** The registered truck's own terminal: on G1 near 香河, some 70 km from the station, around the weighing. */
  registered: SimulatedReport[];
  /** Where the clone drove (no terminal of its own — plain data for a test or the map): over the station at the weighing. */
  clone: Array<{ deviceTimeMs: number; latitudeDeg: number; longitudeDeg: number; speedKmh: number }>;
  /** The WIM record of the clone, read as the registered truck's plate. */
  weighing: ReturnType<typeof demoWeighing>;
}

/**
 * A cloned plate (套牌, RULES §14): the registered truck reports from G1 near 香河 for 20 min around
 * `weighedAtMs` while a truck carrying its plate crosses the demo WIM station on G4 at that instant.
 */
export const clonedPlateRun = (input: { weighedAtMs: number; stationId: string; intervalMs?: number; grossKg?: number }): ClonedPlateRun => {
  const intervalMs = input.intervalMs ?? 30_000;
  const startMs = input.weighedAtMs - 10 * MINUTE;
  const registered = legReports(
    CLONED_PLATE_VICTIM,
    { latitudeDeg: 39.84, longitudeDeg: 116.75 },
    [{ kind: 'drive', to: { latitudeDeg: 39.8, longitudeDeg: 116.86 }, durationMs: 20 * MINUTE }],
    startMs,
    intervalMs,
  );
  const station: LatLon = { latitudeDeg: DEMO_WIM_STATION.latitudeDeg, longitudeDeg: DEMO_WIM_STATION.longitudeDeg };
  const clone = legReports(
    CLONED_PLATE_VICTIM,
    { latitudeDeg: 39.75, longitudeDeg: 116.2 },
    [
      { kind: 'drive', to: station, durationMs: 10 * MINUTE },
      { kind: 'drive', to: { latitudeDeg: 39.64, longitudeDeg: 116.08 }, durationMs: 10 * MINUTE },
    ],
    startMs,
    intervalMs,
  ).map(({ deviceTimeMs, latitudeDeg, longitudeDeg, speedKmh }) => ({ deviceTimeMs, latitudeDeg, longitudeDeg, speedKmh }));
  return {
    registered,
    clone,
    weighing: demoWeighing({
      stationId: input.stationId,
      recordId: `SIM-CLONE-${input.weighedAtMs}`,
      measuredAtMs: input.weighedAtMs,
      vehicle: CLONED_PLATE_VICTIM,
      grossKg: input.grossKg ?? 55_000,
    }),
  };
};
