import { destination } from '@turf/destination';
import { vehicleIdOf, type LatLon } from '@roadwatch/domain';
import type { SimulatedReport, SimulatedVehicle } from './fleet-simulator';
import { legReports } from './four-parties';

/** The demo's 班线 coach: a long-distance bus of company-1 (Beijing), its own terminal. */
export const DEMO_LINE_COACH: SimulatedVehicle = {
  facts: {
    vehicleId: vehicleIdOf('京F66003', 2),
    plate: '京F66003',
    plateColour: 2,
    vehicleClass: 'long_distance_bus',
    companyId: 'company-1',
    regionCode: '110000',
  },
  terminalPhone: '013966000003',
  companyId: 'company-1',
  routeIndex: 0,
  cruiseSpeedKmh: 72,
};

/** The point `metres` from `from` on the bearing (degrees from north), on the sphere. */
const destinationPoint = (from: LatLon, metres: number, bearingDeg: number): LatLon => {
  const [longitudeDeg, latitudeDeg] = destination([from.longitudeDeg, from.latitudeDeg], metres / 1000, bearingDeg).geometry.coordinates as [number, number];
  return { latitudeDeg, longitudeDeg };
};

const LINE_START: LatLon = { latitudeDeg: 39.92, longitudeDeg: 116.52 };
/** 25 km north-east from 朝阳 towards 顺义, [lon, lat] as routes store them. */
const LINE_END = destinationPoint(LINE_START, 25_000, 45);

/** The demo's approved 班线 (RULES.md §11): its polyline, ± 200 m corridor and two stops. */
export const DEMO_LINE = {
  routeId: 'BX-DEMO-1',
  name: '朝阳—顺义班线（演示）',
  referenceNo: 'XLP-DEMO-1',
  companyId: 'company-1',
  regionCode: '110000',
  corridorWidthM: 200,
  polyline: [
    [LINE_START.longitudeDeg, LINE_START.latitudeDeg],
    [LINE_END.longitudeDeg, LINE_END.latitudeDeg],
  ] as Array<[number, number]>,
  stops: [
    { name: '朝阳客运站', lon: LINE_START.longitudeDeg, lat: LINE_START.latitudeDeg, radiusM: 150 },
    { name: '顺义客运站', lon: LINE_END.longitudeDeg, lat: LINE_END.latitudeDeg, radiusM: 150 },
  ],
} as const;

/**
 * One off-route run of the demo coach, ending at `endAtMs`: two minutes at its first stop (一站一停
 * kept), 1 km along its line at 72 km/h, then
 * leaving it gradually (30° off the line, the same speed — never a jump the drift rule would
 * discard) for 5 km outside the corridor, so the detector opens an off_route episode (§11: ≥ 1 km
 * or ≥ 3 min outside; this run gives both). The next run starts on the line again, which ends the episode.
 */
export const offRouteRun = (input: { endAtMs: number; intervalMs?: number }): SimulatedReport[] => {
  const intervalMs = input.intervalMs ?? 10_000;
  const onLineM = 1_000;
  const offLineM = 5_200;
  const speedMps = 20;
  const leftAt = destinationPoint(LINE_START, onLineM, 45);
  const away = destinationPoint(leftAt, offLineM, 15);
  const dwellMs = 120_000;
  const durationMs = dwellMs + ((onLineM + offLineM) / speedMps) * 1000;
  return legReports(
    DEMO_LINE_COACH,
    LINE_START,
    [
      { kind: 'dwell', durationMs: dwellMs },
      { kind: 'drive', to: leftAt, durationMs: (onLineM / speedMps) * 1000 },
      { kind: 'drive', to: away, durationMs: (offLineM / speedMps) * 1000 },
    ],
    input.endAtMs - durationMs,
    intervalMs,
  );
};
