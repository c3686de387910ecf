import { describe, expect, it } from 'vitest';
import { unknownVehicleFacts } from './vehicle-facts-lookup';

// The registry itself (lookups, the registry file) is tested beside its code:
// libs/domain/src/vehicle-registry.spec.ts and libs/runtime/src/vehicle-registry-file.spec.ts.
describe('VehicleFactsLookup', () => {
  it('reads an unknown vehicle as class other (the reading that asks least of the driver)', () => {
    expect(unknownVehicleFacts('terminal:013800000001')).toEqual({
      vehicleId: 'terminal:013800000001',
      plate: 'terminal:013800000001',
      plateColour: 0,
      vehicleClass: 'other',
    });
  });
});
