import { describe, expect, it } from 'vitest';
import { loadDetectorConfig } from './config';

describe('detector config: registry sources', () => {
  it('reads vehicles from a file by default and from the database when asked, reloading every minute unless told', () => {
    expect(loadDetectorConfig({})).toMatchObject({ VEHICLE_REGISTRY_SOURCE: 'file', SPEED_ZONES_SOURCE: 'none', REGISTRY_REFRESH_MS: 60_000 });
    expect(loadDetectorConfig({ VEHICLE_REGISTRY_SOURCE: 'database', SPEED_ZONES_SOURCE: 'database', REGISTRY_REFRESH_MS: '15000' })).toMatchObject({
      VEHICLE_REGISTRY_SOURCE: 'database',
      SPEED_ZONES_SOURCE: 'database',
      REGISTRY_REFRESH_MS: 15_000,
    });
  });

  it('refuses two vehicle sources at once rather than silently ignoring one', () => {
    expect(() => loadDetectorConfig({ VEHICLE_REGISTRY_SOURCE: 'database', VEHICLE_REGISTRY_FILE: '/tmp/registry.json' })).toThrow(/VEHICLE_REGISTRY_SOURCE: VEHICLE_REGISTRY_FILE/);
    expect(() => loadDetectorConfig({ SPEED_ZONES_SOURCE: 'postgis' })).toThrow(/SPEED_ZONES_SOURCE/);
  });
});
