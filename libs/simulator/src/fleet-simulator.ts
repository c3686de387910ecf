import { haversineMeters, vehicleIdOf, type VehicleClass, type VehicleFacts, type LatLon } from '@roadwatch/domain';

/**
 * A deterministic simulated fleet: vehicles of every class driving along a few real
 * corridors around Beijing, reporting like JT/T 808 terminals do. Used by the embedded
 * demo (`npm start`), the load generators and the end-to-end tests. Deterministic for a
 * given seed so that a failing test can be replayed.
 */

export interface SimulatedVehicle {
  facts: VehicleFacts;
  /** 12-digit terminal phone (SIM) number, as the terminal reports it. */
  terminalPhone: string;
  companyId: string;
  routeIndex: number;
  cruiseSpeedKmh: number;
}

export interface SimulatedReport extends LatLon {
  vehicleId: string;
  terminalPhone: string;
  deviceTimeMs: number;
  speedKmh: number;
  headingDeg: number;
  accOn: boolean;
  altitudeM: number;
}

/** Corridors as [latitude, longitude] vertices (WGS-84). */
export const SIMULATED_ROUTES: ReadonlyArray<{ name: string; vertices: ReadonlyArray<readonly [number, number]> }> = [
  {
    name: 'G4 京港澳高速 北京—涿州',
    vertices: [
      [39.857, 116.287],
      [39.78, 116.22],
      [39.69, 116.13],
      [39.6, 116.05],
      [39.49, 115.97],
    ],
  },
  {
    name: 'G6 京藏高速 北京—昌平',
    vertices: [
      [39.965, 116.36],
      [40.05, 116.3],
      [40.13, 116.24],
      [40.22, 116.2],
    ],
  },
  {
    name: 'G1 京哈高速 北京—香河',
    vertices: [
      [39.89, 116.49],
      [39.87, 116.6],
      [39.84, 116.75],
      [39.77, 116.95],
    ],
  },
  {
    name: 'G107 国道 良乡—琉璃河',
    vertices: [
      [39.73, 116.14],
      [39.68, 116.08],
      [39.61, 116.03],
    ],
  },
];

const COMPANIES = ['北京首汽旅游客运', '北京长途客运集团', '京危化运输', '冀中重卡物流'] as const;
const CLASS_MIX: ReadonlyArray<VehicleClass> = ['tour_coach', 'long_distance_bus', 'hazmat', 'heavy_truck', 'heavy_truck'];

/** mulberry32: tiny, fast, good enough for simulation. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const PROVINCE_LETTERS = 'ABCEFGHJKLMNPQ';

export const createSimulatedFleet = (vehicleCount: number, seed = 1): SimulatedVehicle[] => {
  const random = seededRandom(seed);
  const fleet: SimulatedVehicle[] = [];
  for (let index = 0; index < vehicleCount; index++) {
    const vehicleClass = CLASS_MIX[index % CLASS_MIX.length] ?? 'heavy_truck';
    const companyIndex = CLASS_MIX.indexOf(vehicleClass) === -1 ? 3 : Math.min(CLASS_MIX.indexOf(vehicleClass), 3);
    const letter = PROVINCE_LETTERS[index % PROVINCE_LETTERS.length] ?? 'A';
    const plate = `${vehicleClass === 'heavy_truck' ? '冀' : '京'}${letter}${String(10_000 + index).padStart(5, '0')}`;
    // Passenger and hazmat plates are yellow (2), as are heavy trucks.
    const plateColour = 2;
    const isTruck = vehicleClass === 'heavy_truck' || vehicleClass === 'hazmat';
    const facts: VehicleFacts = {
      vehicleId: vehicleIdOf(plate, plateColour),
      plate,
      plateColour,
      vehicleClass,
      companyId: `company-${companyIndex + 1}`,
      regionCode: vehicleClass === 'heavy_truck' ? '130600' : '110000',
      ...(vehicleClass === 'long_distance_bus' ? { routeKm: 250 + Math.round(random() * 400) } : {}),
      ...(vehicleClass === 'tour_coach' ? { tripKm: 120 + Math.round(random() * 300) } : {}),
      ...(isTruck ? { axleCount: 6, isCombination: true, registeredMaxGrossKg: 49_000 } : {}),
    };
    fleet.push({
      facts,
      terminalPhone: String(13_800_000_000 + index).padStart(12, '0'),
      companyId: facts.companyId ?? 'company-1',
      routeIndex: index % SIMULATED_ROUTES.length,
      cruiseSpeedKmh: 60 + Math.round(random() * 35),
    });
  }
  return fleet;
};

export const simulatedCompanyName = (companyId: string): string => COMPANIES[Number(companyId.split('-')[1] ?? 1) - 1] ?? companyId;

const bearingDeg = (from: LatLon, to: LatLon): number => {
  const toRad = Math.PI / 180;
  const y = Math.sin((to.longitudeDeg - from.longitudeDeg) * toRad) * Math.cos(to.latitudeDeg * toRad);
  const x =
    Math.cos(from.latitudeDeg * toRad) * Math.sin(to.latitudeDeg * toRad) -
    Math.sin(from.latitudeDeg * toRad) * Math.cos(to.latitudeDeg * toRad) * Math.cos((to.longitudeDeg - from.longitudeDeg) * toRad);
  return (Math.atan2(y, x) / toRad + 360) % 360;
};

interface RouteGeometry {
  points: LatLon[];
  cumulativeM: number[];
  lengthM: number;
}

const geometryCache = new Map<number, RouteGeometry>();
const routeGeometry = (routeIndex: number): RouteGeometry => {
  const cached = geometryCache.get(routeIndex);
  if (cached) return cached;
  const route = SIMULATED_ROUTES[routeIndex % SIMULATED_ROUTES.length];
  if (!route) throw new Error(`no simulated route ${routeIndex}`);
  const points = route.vertices.map(([latitudeDeg, longitudeDeg]) => ({ latitudeDeg, longitudeDeg }));
  const cumulativeM = [0];
  for (let i = 1; i < points.length; i++) {
    cumulativeM.push((cumulativeM[i - 1] ?? 0) + haversineMeters(points[i - 1] as LatLon, points[i] as LatLon));
  }
  const geometry = { points, cumulativeM, lengthM: cumulativeM[cumulativeM.length - 1] ?? 0 };
  geometryCache.set(routeIndex, geometry);
  return geometry;
};

/**
 * Where a vehicle is after travelling `distanceM` along its route; vehicles shuttle back
 * and forth so a long simulation never runs off the end.
 */
export const pointAlongRoute = (routeIndex: number, distanceM: number): { position: LatLon; headingDeg: number } => {
  const { points, cumulativeM, lengthM } = routeGeometry(routeIndex);
  const lap = Math.floor(distanceM / lengthM);
  const along = distanceM % lengthM;
  const forward = lap % 2 === 0;
  const d = forward ? along : lengthM - along;
  let segment = 1;
  while (segment < cumulativeM.length - 1 && (cumulativeM[segment] ?? 0) < d) segment++;
  const a = points[segment - 1] as LatLon;
  const b = points[segment] as LatLon;
  const start = cumulativeM[segment - 1] ?? 0;
  const span = (cumulativeM[segment] ?? start + 1) - start;
  const t = span > 0 ? (d - start) / span : 0;
  const position = {
    latitudeDeg: a.latitudeDeg + (b.latitudeDeg - a.latitudeDeg) * t,
    longitudeDeg: a.longitudeDeg + (b.longitudeDeg - a.longitudeDeg) * t,
  };
  return { position, headingDeg: Math.round(forward ? bearingDeg(a, b) : bearingDeg(b, a)) };
};

export interface DriveSegment {
  /** Duration of this segment. */
  durationMs: number;
  /** 0 for a stop. */
  speedKmh: number;
  accOn?: boolean;
}

/**
 * Reports for one vehicle following a script of drive/stop segments, one report every
 * `intervalMs` — the building block of the end-to-end scenarios (a 4 h 30 drive, a bus
 * moving at 03:10, a speeding episode).
 */
export const scriptedReports = (
  vehicle: SimulatedVehicle,
  startMs: number,
  segments: readonly DriveSegment[],
  intervalMs = 30_000,
  startDistanceM = 0,
): SimulatedReport[] => {
  const reports: SimulatedReport[] = [];
  let timeMs = startMs;
  let distanceM = startDistanceM;
  for (const segment of segments) {
    const endMs = timeMs + segment.durationMs;
    for (; timeMs < endMs; timeMs += intervalMs) {
      const { position, headingDeg } = pointAlongRoute(vehicle.routeIndex, distanceM);
      reports.push({
        vehicleId: vehicle.facts.vehicleId,
        terminalPhone: vehicle.terminalPhone,
        deviceTimeMs: timeMs,
        ...position,
        speedKmh: segment.speedKmh,
        headingDeg,
        accOn: segment.accOn ?? segment.speedKmh > 0,
        altitudeM: 45,
      });
      distanceM += (segment.speedKmh / 3.6) * (intervalMs / 1000);
    }
  }
  return reports;
};

/** Live fleet for the embedded demo: every vehicle advances by wall-clock time. */
export class LiveFleet {
  private readonly distanceM: number[];
  constructor(
    readonly vehicles: readonly SimulatedVehicle[],
    seed = 7,
  ) {
    const random = seededRandom(seed);
    this.distanceM = vehicles.map(() => random() * 40_000);
  }

  /** Reports for all vehicles at `nowMs`, having driven `elapsedMs` since the last call. */
  tick(nowMs: number, elapsedMs: number): SimulatedReport[] {
    return this.vehicles.map((vehicle, index) => {
      // A gentle speed wobble; some vehicles occasionally push past their limit.
      const wobble = Math.sin(nowMs / 60_000 + index) * 8;
      const speedKmh = Math.max(0, Math.round((vehicle.cruiseSpeedKmh + wobble) * 10) / 10);
      this.distanceM[index] = (this.distanceM[index] ?? 0) + (speedKmh / 3.6) * (elapsedMs / 1000);
      const { position, headingDeg } = pointAlongRoute(vehicle.routeIndex, this.distanceM[index] ?? 0);
      return {
        vehicleId: vehicle.facts.vehicleId,
        terminalPhone: vehicle.terminalPhone,
        deviceTimeMs: nowMs,
        ...position,
        speedKmh,
        headingDeg,
        accOn: true,
        altitudeM: 45,
      };
    });
  }
}
