import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVehicleRegistryFile, parseRegistryExport, parseVehicleRegistry } from './vehicle-registry-file';

const dir = mkdtempSync(join(tmpdir(), 'vehicle-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseVehicleRegistry', () => {
  it('reads a registry file, deriving ids from plate + colour', () => {
    const registry = parseVehicleRegistry(
      JSON.stringify([{ plate: '冀F12345', plateColour: 2, vehicleClass: 'heavy_truck', axleCount: 6, isCombination: true }]),
      'test',
    );
    expect(registry.byPlate('冀F12345', 2)).toMatchObject({ vehicleId: '冀F12345:2', axleCount: 6 });
  });

  it('names the bad entry of an invalid registry', () => {
    expect(() => parseVehicleRegistry(JSON.stringify([{ plate: 'x', plateColour: 2, vehicleClass: 'tank' }]), 'registry.json')).toThrow(
      /registry.json is invalid at \[0.vehicleClass\] \(plate x\)/,
    );
    expect(() =>
      parseVehicleRegistry(
        JSON.stringify([
          { plate: 'x', plateColour: 2 },
          { terminalId: '13800000001x', plate: 'y', plateColour: 1 },
        ]),
        'r.json',
      ),
    ).toThrow(/r.json is invalid at \[1.terminalId\] \(plate y, terminal 13800000001x\)/);
    expect(() => parseVehicleRegistry('{"plate": "x"}', 'r.json')).toThrow(/r.json is invalid at \[\]/);
    expect(() => parseVehicleRegistry('[{', 'r.json')).toThrow(/r.json is not valid JSON/);
  });

  it('keys entries by terminal, keeps a given vehicle id and reads a missing class as other', () => {
    const registry = parseVehicleRegistry(
      JSON.stringify([
        { terminalId: '013800000001', plate: '京A12345', plateColour: 2, companyId: 'c1', regionCode: '110000' },
        { terminalId: '13800000002', vehicleId: 'bus-2', plate: '京B00002', plateColour: 1, vehicleClass: 'long_distance_bus', routeKm: 420 },
      ]),
      'test',
    );
    expect(registry.byTerminal('13800000001')).toEqual({
      vehicleId: '京A12345:2',
      plate: '京A12345',
      plateColour: 2,
      vehicleClass: 'other',
      companyId: 'c1',
      regionCode: '110000',
    });
    expect(registry.byTerminal('00000000013800000002')).toMatchObject({ vehicleId: 'bus-2', routeKm: 420 });
    expect(registry.byVehicleId('bus-2')?.plate).toBe('京B00002');
    expect(registry.size).toBe(2);
  });
});

describe('loadVehicleRegistryFile', () => {
  it('loads a JSON file', () => {
    const path = join(dir, 'registry.json');
    writeFileSync(path, JSON.stringify([{ terminalId: '13800000001', plate: '冀F12345', plateColour: 2, vehicleClass: 'hazmat' }]));
    expect(loadVehicleRegistryFile(path).byTerminal('013800000001')).toMatchObject({ vehicleId: '冀F12345:2', vehicleClass: 'hazmat' });
  });

  it('names the file it cannot read or parse', () => {
    const missing = join(dir, 'missing.json');
    expect(() => loadVehicleRegistryFile(missing)).toThrow(`vehicle registry ${missing} cannot be read`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ plate: '', plateColour: 2 }]));
    expect(() => loadVehicleRegistryFile(bad)).toThrow(`vehicle registry ${bad} is invalid at [0.plate]`);
  });
});

describe('parseRegistryExport', () => {
  it("reads the object form: vehicles and each WIM station's accuracy class; the plain array has no stations", () => {
    const json = JSON.stringify({
      vehicles: [{ plate: '冀F12345', plateColour: 2, vehicleClass: 'heavy_truck' }],
      wimStations: [{ stationId: 'ST-1', accuracyClassPct: 1 }, { stationId: 'ST-2', accuracyClassPct: 0.2 }, { stationId: 'ST-3' }],
    });
    const parsed = parseRegistryExport(json, 'export.json');
    expect(parsed.vehicles.byPlate('冀F12345', 2)?.vehicleClass).toBe('heavy_truck');
    expect(parsed.wimStationClasses).toEqual({ 'ST-1': 1, 'ST-2': 0.2 });
    expect(parseVehicleRegistry(json, 'export.json').size).toBe(1);
    expect(parseRegistryExport(JSON.stringify([{ plate: '冀F12345', plateColour: 2 }]), 'array.json').wimStationClasses).toEqual({});
  });

  it('names the bad station or vehicle of the object form; a class outside JJG 907 is refused', () => {
    expect(() => parseRegistryExport(JSON.stringify({ vehicles: [], wimStations: [{ stationId: 'ST-1', accuracyClassPct: 3 }] }), 'e.json')).toThrow(
      /e.json is invalid at \[wimStations.0.accuracyClassPct\]/,
    );
    expect(() => parseRegistryExport(JSON.stringify({ vehicles: [{ plate: 'y', plateColour: 1, terminalId: 'x1' }] }), 'e.json')).toThrow(
      /e.json is invalid at \[vehicles.0.terminalId\] \(plate y, terminal x1\)/,
    );
    expect(() => parseRegistryExport(JSON.stringify({ vehicles: [], stations: [] }), 'e.json')).toThrow(/e.json is invalid at \[\]/);
  });
});
