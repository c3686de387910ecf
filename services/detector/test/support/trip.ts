import { fileURLToPath } from 'node:url';
import type { PositionV1, WimMeasurementV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, HOUR_MS, MINUTE_MS, VehicleRegistry } from '@roadwatch/domain';
import { aWimRecord, createSimulatedFleet, scriptedReports, type SimulatedVehicle } from '@roadwatch/testing';
import { loadRoadIndex } from '../../src/rules/libs-position-rules';
import { positionOf } from './positions';

/**
 * The end-to-end trip (one simulated morning on the corridors around Beijing):
 * - a tour coach on the G4 expressway (limit min(120 posted, 100 class cap) = 100) runs
 *   3 min at 115 km/h between two stretches at 90: one speeding episode;
 * - a heavy truck on the G4 drives 4 h 30 at 80 km/h without a rest: the 3 h 40 pre-warning
 *   (with a TTS reminder to its terminal) and the > 4 h violation;
 * - a long-distance bus (route > 200 km) on the G6 drives 02:55–03:30 at 70 km/h (under the
 *   night 80% limit): moving at 03:10, the 02:00–05:00 violation;
 * - a six-axle combination weighed at 101 t: an overload violation, 百吨王.
 */
export const tripFleet = (): SimulatedVehicle[] => createSimulatedFleet(8, 1);

export const sampleRoads = () => loadRoadIndex(fileURLToPath(new URL('../../../../libs/rules/data/sample-roads.geojson', import.meta.url)));

export interface Trip {
  fleet: SimulatedVehicle[];
  directory: VehicleRegistry;
  positions: PositionV1[];
  wim: WimMeasurementV1[];
  coach: SimulatedVehicle;
  bus: SimulatedVehicle;
  fatigued: SimulatedVehicle;
  weighed: SimulatedVehicle;
  /** (vehicleId, rule, level) of every distinct alert the trip must raise, sorted. */
  expected: string[];
}

export const buildTrip = (): Trip => {
  const fleet = tripFleet();
  const coach = fleet[0]!; // tour_coach, G4
  const bus = fleet[1]!; // long_distance_bus, G6
  const weighed = fleet[3]!; // heavy_truck, 6 axles
  const fatigued = fleet[4]!; // heavy_truck, G4
  if (
    coach.facts.vehicleClass !== 'tour_coach' ||
    bus.facts.vehicleClass !== 'long_distance_bus' ||
    fatigued.facts.vehicleClass !== 'heavy_truck' ||
    (bus.facts.routeKm ?? 0) <= 200
  ) {
    throw new Error('the simulated fleet changed shape: adjust the trip');
  }
  const day = (hour: number, minute = 0) => chinaLocalToEpochMs(2025, 3, 14, hour, minute);
  const reports = [
    ...scriptedReports(coach, day(10), [
      { durationMs: 10 * MINUTE_MS, speedKmh: 90 },
      { durationMs: 3 * MINUTE_MS, speedKmh: 115 },
      { durationMs: 10 * MINUTE_MS, speedKmh: 90 },
    ]),
    ...scriptedReports(fatigued, day(7), [{ durationMs: 4.5 * HOUR_MS, speedKmh: 80 }]),
    ...scriptedReports(bus, day(2, 55), [{ durationMs: 35 * MINUTE_MS, speedKmh: 70 }]),
  ];
  // As the gateway publishes them: in time order across vehicles.
  const positions = reports.sort((a, b) => a.deviceTimeMs - b.deviceTimeMs || a.vehicleId.localeCompare(b.vehicleId)).map((report) => positionOf(report));
  const wim = [
    aWimRecord({
      plate: weighed.facts.plate,
      plateColour: weighed.facts.plateColour,
      stationRecordId: 'R-0001',
      grossKg: 101_000,
      measuredAtMs: day(9, 30),
      receivedAtMs: day(9, 30) + 2_000,
    }),
  ];
  const expected = [
    `${coach.facts.vehicleId}|speeding|violation`,
    `${fatigued.facts.vehicleId}|fatigue_continuous|prewarning`,
    `${fatigued.facts.vehicleId}|fatigue_continuous|violation`,
    `${bus.facts.vehicleId}|night_ban_2_5|violation`,
    `${weighed.facts.vehicleId}|overload|violation`,
  ].sort();
  return { fleet, directory: VehicleRegistry.fromFleet(fleet), positions, wim, coach, bus, fatigued, weighed, expected };
};
