import { describe, expect, it } from 'vitest';
import type { VehicleFacts } from '@roadwatch/domain';
import { InMemoryVehicleDirectory, parseVehicleRegistry, unknownVehicleFacts } from './vehicle-directory';

describe('VehicleDirectory', () => {
  it('finds the simulated fleet by vehicle id and by plate + colour', () => {
    const facts: VehicleFacts[] = Array.from({ length: 10 }, (_, index) => ({
      vehicleId: `冀F${10_000 + index}:2`,
      plate: `冀F${10_000 + index}`,
      plateColour: 2,
      vehicleClass: index === 3 ? 'heavy_truck' : 'tour_coach',
    }));
    const fleet = facts.map((entry) => ({ facts: entry }));
    const directory = InMemoryVehicleDirectory.fromFleet(fleet);
    const truck = fleet[3]!;
    expect(directory.byVehicleId(truck.facts.vehicleId)).toEqual(truck.facts);
    expect(directory.byPlate(` ${truck.facts.plate} `, 2)).toEqual(truck.facts);
    expect(directory.byPlate(truck.facts.plate, 1)).toBeUndefined();
    expect(directory.size).toBe(10);
  });

  it('reads a registry file, deriving ids from plate + colour', () => {
    const directory = parseVehicleRegistry(JSON.stringify([{ plate: '冀F12345', plateColour: 2, vehicleClass: 'heavy_truck', axleCount: 6, isCombination: true }]), 'test');
    expect(directory.byPlate('冀F12345', 2)).toMatchObject({ vehicleId: '冀F12345:2', axleCount: 6 });
  });

  it('names the bad entry of an invalid registry', () => {
    expect(() => parseVehicleRegistry(JSON.stringify([{ plate: 'x', plateColour: 2, vehicleClass: 'tank' }]), 'registry.json')).toThrow(/registry.json is invalid at \[0.vehicleClass\]/);
  });

  it('reads an unknown vehicle as class other (the reading that asks least of the driver)', () => {
    expect(unknownVehicleFacts('terminal:013800000001')).toEqual({ vehicleId: 'terminal:013800000001', plate: 'terminal:013800000001', plateColour: 0, vehicleClass: 'other' });
  });
});
