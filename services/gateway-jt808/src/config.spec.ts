import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config';

describe('gateway config: VEHICLE_DIRECTORY', () => {
  it('accepts database beside none, simulated:<n> and file:<path>, with a reload period defaulting to a minute', () => {
    expect(loadGatewayConfig({ VEHICLE_DIRECTORY: 'database' })).toMatchObject({ VEHICLE_DIRECTORY: 'database', REGISTRY_REFRESH_MS: 60_000 });
    expect(loadGatewayConfig({ VEHICLE_DIRECTORY: 'file:/tmp/registry.json', REGISTRY_REFRESH_MS: '5000' }).REGISTRY_REFRESH_MS).toBe(5_000);
    expect(() => loadGatewayConfig({ VEHICLE_DIRECTORY: 'postgres' })).toThrow(/VEHICLE_DIRECTORY: must be none, database/);
    expect(() => loadGatewayConfig({ REGISTRY_REFRESH_MS: '10' })).toThrow(/REGISTRY_REFRESH_MS/);
  });
});
