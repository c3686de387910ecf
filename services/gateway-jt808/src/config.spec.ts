import { describe, expect, it } from 'vitest';
import { gatewayEnvSchema, loadGatewayConfig } from './config';

describe("gateway config: VEHICLE_REGISTRY_SOURCE (the detector's name)", () => {
  it('accepts database beside none, simulated:<n> and file (with VEHICLE_REGISTRY_FILE), with a reload period defaulting to a minute', () => {
    expect(loadGatewayConfig({})).toMatchObject({ VEHICLE_REGISTRY_SOURCE: 'none' });
    expect(loadGatewayConfig({ VEHICLE_REGISTRY_SOURCE: 'database' })).toMatchObject({ VEHICLE_REGISTRY_SOURCE: 'database', REGISTRY_REFRESH_MS: 60_000 });
    expect(loadGatewayConfig({ VEHICLE_REGISTRY_SOURCE: 'file', VEHICLE_REGISTRY_FILE: '/tmp/registry.json', REGISTRY_REFRESH_MS: '5000' })).toMatchObject({
      VEHICLE_REGISTRY_FILE: '/tmp/registry.json',
      REGISTRY_REFRESH_MS: 5_000,
    });
    expect(loadGatewayConfig({ VEHICLE_REGISTRY_SOURCE: 'simulated:20' }).VEHICLE_REGISTRY_SOURCE).toBe('simulated:20');
    expect(() => loadGatewayConfig({ VEHICLE_REGISTRY_SOURCE: 'postgres' })).toThrow(/VEHICLE_REGISTRY_SOURCE: must be none, database/);
    expect(() => loadGatewayConfig({ VEHICLE_REGISTRY_SOURCE: 'simulated:' })).toThrow(/VEHICLE_REGISTRY_SOURCE/);
    expect(() => loadGatewayConfig({ REGISTRY_REFRESH_MS: '10' })).toThrow(/REGISTRY_REFRESH_MS/);
  });

  it('refuses a file source without its file, and a file without the file source (one meaning per setting)', () => {
    expect(() => loadGatewayConfig({ VEHICLE_REGISTRY_SOURCE: 'file' })).toThrow(/VEHICLE_REGISTRY_SOURCE: VEHICLE_REGISTRY_FILE is read with/);
    expect(() => loadGatewayConfig({ VEHICLE_REGISTRY_SOURCE: 'database', VEHICLE_REGISTRY_FILE: '/tmp/registry.json' })).toThrow(/VEHICLE_REGISTRY_SOURCE/);
  });

  it('still reads the old VEHICLE_DIRECTORY for one release, file:<path> as the file source', () => {
    expect(loadGatewayConfig({ VEHICLE_DIRECTORY: 'database' })).toMatchObject({ VEHICLE_REGISTRY_SOURCE: 'database' });
    expect(loadGatewayConfig({ VEHICLE_DIRECTORY: 'file:/tmp/registry.json' })).toMatchObject({
      VEHICLE_REGISTRY_SOURCE: 'file',
      VEHICLE_REGISTRY_FILE: '/tmp/registry.json',
    });
    expect(() => loadGatewayConfig({ VEHICLE_DIRECTORY: 'postgres' })).toThrow(/VEHICLE_REGISTRY_SOURCE: must be none, database/);
    expect(loadGatewayConfig({ VEHICLE_DIRECTORY: 'database', VEHICLE_REGISTRY_SOURCE: 'none' }).VEHICLE_REGISTRY_SOURCE).toBe('none');
    expect(gatewayEnvSchema.shape).not.toHaveProperty('VEHICLE_DIRECTORY');
    expect(loadGatewayConfig({ TERMINAL_REGISTRY: 'postgres' }).TERMINAL_REGISTRATIONS).toBe('postgres');
    expect(() => loadGatewayConfig({ TERMINAL_REGISTRY: 'redis' })).toThrow(/TERMINAL_REGISTRATIONS/);
    expect(gatewayEnvSchema.shape).not.toHaveProperty('TERMINAL_REGISTRY');
  });
});

describe('gateway config: slow and abusive connections', () => {
  it('defaults the auth deadline to 60 s and junk to 16 KiB a minute, and names a bad value', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      AUTH_DEADLINE_MS: 60_000,
      MAX_JUNK_BYTES_PER_WINDOW: 16_384,
      JUNK_WINDOW_MS: 60_000,
      MAX_EVENT_LOOP_DELAY_MS: 200,
    });
    expect(loadGatewayConfig({ AUTH_DEADLINE_MS: '15000', MAX_JUNK_BYTES_PER_WINDOW: '4096', JUNK_WINDOW_MS: '10000' })).toMatchObject({
      AUTH_DEADLINE_MS: 15_000,
      MAX_JUNK_BYTES_PER_WINDOW: 4_096,
      JUNK_WINDOW_MS: 10_000,
    });
    expect(() => loadGatewayConfig({ AUTH_DEADLINE_MS: '0' })).toThrow(/AUTH_DEADLINE_MS/);
    expect(() => loadGatewayConfig({ JUNK_WINDOW_MS: 'a minute' })).toThrow(/JUNK_WINDOW_MS/);
  });
});
