import type { PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, VehicleRegistry, vehicleIdOf, type VehicleFacts } from '@roadwatch/domain';
import { libsPositionRules } from '../../src/rules/libs-position-rules';
import type { PositionRules } from '../../src/rules/position-rules.port';
import { positionOf, straightReports } from './positions';
import { toyPositionRules } from './toy-position-rules';

/** A fleet of the failover test: vehicle i is `京A{10000+i}` (yellow), a tour coach. */
export const FAILOVER_FLEET_SIZE = 120;

export const failoverFleet = (size = FAILOVER_FLEET_SIZE): VehicleFacts[] =>
  Array.from({ length: size }, (_, index) => {
    const plate = `京A${10_000 + index}`;
    return { vehicleId: vehicleIdOf(plate, 2), plate, plateColour: 2, vehicleClass: 'tour_coach', companyId: 'company-1' };
  });

export const testDirectory = (): VehicleRegistry => new VehicleRegistry(failoverFleet().map((facts) => ({ facts })));

export const testPositionRules = (name: string): PositionRules => (name === 'toy' ? toyPositionRules() : libsPositionRules());

/**
 * `reportsPerVehicle` reports 30 s apart per vehicle, interleaved in time order as the
 * gateway would publish them; each vehicle speeds in its own rhythm, so every vehicle has
 * several growing episodes (one alert id, many revisions) spread over the whole input.
 */
export const failoverPositions = (reportsPerVehicle: number, fleet = failoverFleet()): PositionV1[] => {
  const startMs = chinaLocalToEpochMs(2025, 3, 14, 9, 0);
  const perVehicle = fleet.map((facts, vehicleIndex) =>
    straightReports(facts.vehicleId, String(13_800_000_000 + vehicleIndex).padStart(12, '0'), startMs, reportsPerVehicle, (index) =>
      (index + vehicleIndex) % (7 + (vehicleIndex % 5)) < 3 ? 112 : 85,
    ).map((report) => positionOf(report)),
  );
  const interleaved: PositionV1[] = [];
  for (let index = 0; index < reportsPerVehicle; index++) for (const reports of perVehicle) interleaved.push(reports[index]!);
  return interleaved;
};
