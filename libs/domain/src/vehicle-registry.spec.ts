import { describe, expect, it } from 'vitest';
import { canonicalTerminalId } from './terminal-id';
import type { VehicleFacts } from './vehicle';
import { VehicleRegistry } from './vehicle-registry';

const facts = (plate: string, vehicleClass: VehicleFacts['vehicleClass'] = 'tour_coach', plateColour = 2): VehicleFacts => ({
  vehicleId: `${plate}:${plateColour}`,
  plate,
  plateColour,
  vehicleClass,
});

describe('canonicalTerminalId', () => {
  it('drops the zero padding of 2013 and 2019 headers', () => {
    expect(canonicalTerminalId('013912345678')).toBe('13912345678');
    expect(canonicalTerminalId('00000000013912345678')).toBe('13912345678');
    expect(canonicalTerminalId(' 13912345678 ')).toBe('13912345678');
    expect(canonicalTerminalId('000000000000')).toBe('0');
  });
});

describe('VehicleRegistry', () => {
  it('finds the simulated fleet by vehicle id and by plate + colour', () => {
    const all: VehicleFacts[] = Array.from({ length: 10 }, (_, index) => facts(`冀F${10_000 + index}`, index === 3 ? 'heavy_truck' : 'tour_coach'));
    const fleet = all.map((entry) => ({ facts: entry }));
    const registry = VehicleRegistry.fromFleet(fleet);
    const truck = fleet[3]!;
    expect(registry.byVehicleId(truck.facts.vehicleId)).toEqual(truck.facts);
    expect(registry.byPlate(` ${truck.facts.plate} `, 2)).toEqual(truck.facts);
    expect(registry.byPlate(truck.facts.plate, 1)).toBeUndefined();
    expect(registry.size).toBe(10);
  });

  it('finds a vehicle by its terminal whatever the padding of the SIM number', () => {
    const coach = facts('京A12345');
    const registry = VehicleRegistry.fromFleet([{ terminalPhone: '013912345678', facts: coach }]);
    expect(registry.byTerminal('013912345678')).toBe(coach);
    expect(registry.byTerminal('13912345678')).toBe(coach);
    expect(registry.byTerminal('00000000013912345678')).toBe(coach);
    expect(registry.byTerminal('013912345679')).toBeUndefined();
  });

  it('keeps vehicles without a terminal out of the terminal lookup only', () => {
    const truck = facts('冀F12345', 'heavy_truck');
    const registry = new VehicleRegistry([{ facts: truck }]);
    expect(registry.byVehicleId(truck.vehicleId)).toBe(truck);
    expect(registry.byPlate('冀F12345', 2)).toBe(truck);
    expect(registry.byTerminal('0')).toBeUndefined();
    expect(registry.size).toBe(1);
  });

  it('finds a vehicle with a registry-given id by its plate too', () => {
    const bus: VehicleFacts = { ...facts('京B00001', 'long_distance_bus', 1), vehicleId: 'bus-0001' };
    const registry = new VehicleRegistry([{ terminalId: '13800000001', facts: bus }]);
    expect(registry.byVehicleId('bus-0001')).toBe(bus);
    expect(registry.byPlate('京b00001', 1)).toBe(bus);
    expect(registry.byTerminal('013800000001')).toBe(bus);
  });

  it('lets a later entry replace an earlier one', () => {
    const first = facts('京A00001');
    const second = { ...first, vehicleClass: 'hazmat' as const };
    const registry = new VehicleRegistry([
      { terminalId: '1', facts: first },
      { terminalId: '01', facts: second },
    ]);
    expect(registry.byTerminal('1')).toBe(second);
    expect(registry.byVehicleId(first.vehicleId)).toBe(second);
    expect(registry.size).toBe(1);
  });

  it('is empty by default', () => {
    const registry = new VehicleRegistry();
    expect(registry.size).toBe(0);
    expect(registry.byTerminal('13800000001')).toBeUndefined();
  });
});
