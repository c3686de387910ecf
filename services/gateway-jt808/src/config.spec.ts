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

describe('gateway config: slow and abusive connections', () => {
  it('defaults the auth deadline to 60 s and junk to 16 KiB a minute, and names a bad value', () => {
    expect(loadGatewayConfig({})).toMatchObject({ AUTH_DEADLINE_MS: 60_000, MAX_JUNK_BYTES_PER_WINDOW: 16_384, JUNK_WINDOW_MS: 60_000, MAX_EVENT_LOOP_DELAY_MS: 200 });
    expect(loadGatewayConfig({ AUTH_DEADLINE_MS: '15000', MAX_JUNK_BYTES_PER_WINDOW: '4096', JUNK_WINDOW_MS: '10000' })).toMatchObject({
      AUTH_DEADLINE_MS: 15_000,
      MAX_JUNK_BYTES_PER_WINDOW: 4_096,
      JUNK_WINDOW_MS: 10_000,
    });
    expect(() => loadGatewayConfig({ AUTH_DEADLINE_MS: '0' })).toThrow(/AUTH_DEADLINE_MS/);
    expect(() => loadGatewayConfig({ JUNK_WINDOW_MS: 'a minute' })).toThrow(/JUNK_WINDOW_MS/);
  });
});
