import { describe, expect, it } from 'vitest';
import type { RegistryAdminRepository } from '../repositories/registry-admin.repository';
import type { VehiclesRepository } from '../repositories/vehicles.repository';
import { registryResources } from './registry-resources';

// The id a write or delete works on, per resource, over in-memory repositories holding one row
// of each kind: the id as given when the row is there, undefined when not — from the cheap
// existence check for companies and vehicles (never the full company list), from `get` for the
// tables without one, and the stored padding for a terminal's SIM number.
const present = { company: 'C1', vehicle: 'V1', driver: 'D1', zone: 'Z1', station: 'W1', site: 'S1', terminal: '013800000001' };

const lookups: string[] = [];
const found = <T>(what: string, id: string, expected: string, row: T): T | undefined => {
  lookups.push(`${what}:${id}`);
  return id === expected ? row : undefined;
};

const vehicles = {
  companyExists: async (id: string) => found('companyExists', id, present.company, true) ?? false,
  vehicleExists: async (id: string) => found('vehicleExists', id, present.vehicle, true) ?? false,
  listCompanies: async () => {
    throw new Error('the stored id must not list every company');
  },
  registryRecord: async () => {
    throw new Error('the stored id must not read the whole vehicle record');
  },
} as unknown as VehiclesRepository;

const registryAdmin = {
  driver: async (id: string) => found('driver', id, present.driver, { driverId: id, name: '张三' }),
  speedZone: async (id: string) => found('speedZone', id, present.zone, { segmentId: id }),
  wimStation: async (id: string) => found('wimStation', id, present.station, { stationId: id }),
  sourceSite: async (id: string) => found('sourceSite', id, present.site, { sourceSiteId: id }),
  // A terminal registered as 13800000001 (11 digits) is stored as its 12-digit padded form.
  storedTerminalId: async (id: string) => (id.padStart(12, '0') === present.terminal ? present.terminal : undefined),
} as unknown as RegistryAdminRepository;

describe('registry resources: the stored id of each resource', () => {
  const resources = registryResources({ vehicles, registryAdmin });

  it.each([
    ['companies', present.company, 'companyExists'],
    ['vehicles', present.vehicle, 'vehicleExists'],
    ['drivers', present.driver, 'driver'],
    ['speed-zones', present.zone, 'speedZone'],
    ['wim-stations', present.station, 'wimStation'],
    ['source-sites', present.site, 'sourceSite'],
  ])('%s: the id as given when the row is there, undefined when not (looked up by %s)', async (path, id, lookup) => {
    const resource = resources[path]!;
    lookups.length = 0;
    expect(await resource.storedId(id)).toBe(id);
    expect(await resource.storedId(`${id}-absent`)).toBeUndefined();
    // Odd but valid ids are looked up as they are, not trimmed or case-folded.
    expect(await resource.storedId(` ${id.toLowerCase()}`)).toBeUndefined();
    expect(lookups).toEqual([`${lookup}:${id}`, `${lookup}:${id}-absent`, `${lookup}: ${id.toLowerCase()}`]);
  });

  it('terminals: the id as stored (padded), whichever way the SIM number is written', async () => {
    expect(await resources['terminals']!.storedId('13800000001')).toBe(present.terminal);
    expect(await resources['terminals']!.storedId(present.terminal)).toBe(present.terminal);
    expect(await resources['terminals']!.storedId('13800000002')).toBeUndefined();
  });
});
