import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '@roadwatch/rules';
import { loadDetectorConfig, registryFromConfig, rulesFromConfig } from './config';

const rulesFile = (content: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'rw-rules-')), 'rules.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('detector config: the positions consumer fetches in batches', () => {
  it('asks the broker for 64 KiB or 200 ms by default; KAFKA_FETCH_MIN_BYTES=1 answers with whatever is there; a bad value is refused by name', () => {
    expect(loadDetectorConfig({})).toMatchObject({ KAFKA_FETCH_MIN_BYTES: 65_536, KAFKA_FETCH_MAX_WAIT_MS: 200 });
    expect(loadDetectorConfig({ KAFKA_FETCH_MIN_BYTES: '1', KAFKA_FETCH_MAX_WAIT_MS: '50' })).toMatchObject({
      KAFKA_FETCH_MIN_BYTES: 1,
      KAFKA_FETCH_MAX_WAIT_MS: 50,
    });
    expect(() => loadDetectorConfig({ KAFKA_FETCH_MIN_BYTES: '0' })).toThrow(/KAFKA_FETCH_MIN_BYTES/);
    expect(() => loadDetectorConfig({ KAFKA_FETCH_MIN_BYTES: '64k' })).toThrow(/KAFKA_FETCH_MIN_BYTES/);
    // A wait past the consumer's patience would only delay alerts.
    expect(() => loadDetectorConfig({ KAFKA_FETCH_MAX_WAIT_MS: '60000' })).toThrow(/KAFKA_FETCH_MAX_WAIT_MS/);
  });
});

describe('detector config: registry sources', () => {
  it("takes the WIM stations' accuracy classes from the registry file with the vehicles; a plain array has none", () => {
    const registry = {
      vehicles: [{ plate: '冀F51000', plateColour: 2, vehicleClass: 'heavy_truck', axleCount: 6 }],
      wimStations: [{ stationId: 'ST-CLASS-1', accuracyClassPct: 1 }],
    };
    const fromFile = registryFromConfig(loadDetectorConfig({ VEHICLE_REGISTRY_FILE: rulesFile(registry) }));
    expect(fromFile.wimStationClasses).toEqual({ 'ST-CLASS-1': 1 });
    expect(fromFile.directory.byPlate('冀F51000', 2)?.axleCount).toBe(6);
    expect(registryFromConfig(loadDetectorConfig({ VEHICLE_REGISTRY_JSON: JSON.stringify(registry) })).wimStationClasses).toEqual({ 'ST-CLASS-1': 1 });
    expect(registryFromConfig(loadDetectorConfig({ VEHICLE_REGISTRY_JSON: JSON.stringify(registry.vehicles) })).wimStationClasses).toEqual({});
    expect(registryFromConfig(loadDetectorConfig({})).directory.size).toBe(0);
  });

  it('reads vehicles from a file by default and from the database when asked, reloading every minute unless told', () => {
    expect(loadDetectorConfig({})).toMatchObject({ VEHICLE_REGISTRY_SOURCE: 'file', SPEED_ZONES_SOURCE: 'none', REGISTRY_REFRESH_MS: 60_000 });
    expect(loadDetectorConfig({ VEHICLE_REGISTRY_SOURCE: 'database', SPEED_ZONES_SOURCE: 'database', REGISTRY_REFRESH_MS: '15000' })).toMatchObject({
      VEHICLE_REGISTRY_SOURCE: 'database',
      SPEED_ZONES_SOURCE: 'database',
      REGISTRY_REFRESH_MS: 15_000,
    });
  });

  it('refuses two vehicle sources at once rather than silently ignoring one', () => {
    expect(() => loadDetectorConfig({ VEHICLE_REGISTRY_SOURCE: 'database', VEHICLE_REGISTRY_FILE: '/tmp/registry.json' })).toThrow(
      /VEHICLE_REGISTRY_SOURCE: VEHICLE_REGISTRY_FILE/,
    );
    expect(() => loadDetectorConfig({ SPEED_ZONES_SOURCE: 'postgis' })).toThrow(/SPEED_ZONES_SOURCE/);
  });
});

describe('detector config: the rules file (RULES_CONFIG_FILE)', () => {
  it("without a file the rules are RULES.md's defaults and no region overrides", () => {
    expect(rulesFromConfig({})).toEqual({ config: DEFAULT_RULES_CONFIG, overridesByRegion: {} });
  });

  it('applies the base patch and keeps the per-region patches for the pipeline', () => {
    const rules = rulesFromConfig({
      RULES_CONFIG_FILE: rulesFile({ base: { nightBan: { toleranceMs: 60_000 } }, regions: { '13': { quality: { clockSkewMs: 60_000 } } } }),
    });
    expect(rules.config.nightBan.toleranceMs).toBe(60_000);
    expect(rules.config.fatigue).toEqual(DEFAULT_RULES_CONFIG.fatigue);
    expect(rules.overridesByRegion).toEqual({ '13': { quality: { clockSkewMs: 60_000 } } });
  });

  it('refuses a misspelt setting, a wrong kind of value and a region that is not a code, naming each', () => {
    const bad = rulesFile({ base: { nightBan: { toleranceMinutes: 1 } }, regions: { '13': { fatigue: { prewarningLeadMs: '20m' } } } });
    expect(() => rulesFromConfig({ RULES_CONFIG_FILE: bad })).toThrow(
      /base\.nightBan\.toleranceMinutes: not a setting.*regions\.13\.fatigue\.prewarningLeadMs: expected a number/,
    );
    expect(() => rulesFromConfig({ RULES_CONFIG_FILE: rulesFile({ regions: { hebei: {} } }) })).toThrow(/regions\.hebei.*行政区划代码/);
    expect(() => rulesFromConfig({ RULES_CONFIG_FILE: rulesFile({ region: {} }) })).toThrow(/RULES_CONFIG_FILE/);
  });

  it('refuses the configured time-window bans, which are administered area bans now, with the request that creates each', () => {
    const file = rulesFile({
      regions: {
        '13': {
          nightBan: {
            timeWindowBans: [
              {
                id: 'hebei-hazmat-night',
                description: '河北危化品夜间禁行',
                vehicleClasses: ['hazmat'],
                roadClasses: ['expressway'],
                start: '00:00',
                end: '06:00',
                toleranceMs: 300_000,
              },
            ],
          },
        },
      },
    });
    const error = (() => {
      try {
        rulesFromConfig({ RULES_CONFIG_FILE: file });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toMatch(/regions\.13\.nightBan\.timeWindowBans: time-window bans are administered as area bans now/);
    const body = JSON.parse(/PUT \/v1\/area-bans\/hebei-hazmat-night (\{.*\})$/.exec(error)![1]!);
    expect(body).toEqual({
      banId: 'hebei-hazmat-night',
      name: '河北危化品夜间禁行',
      regionCode: '13',
      vehicleClasses: ['hazmat'],
      windows: [{ from: '00:00', to: '06:00' }],
      roadClasses: ['expressway'],
    });
    // In the base (every region), the request asks for the region it belongs to.
    expect(() => rulesFromConfig({ RULES_CONFIG_FILE: rulesFile({ base: { nightBan: { timeWindowBans: [] } } }) })).toThrow(
      /base\.nightBan\.timeWindowBans.*\(none listed\)/,
    );
  });
});

describe('detector config: checkpoint cadence', () => {
  it('checkpoints every 5 s or 20,000 records unless told; 0 = every batch; longer than 30 s or a non-number is refused, naming the variable', () => {
    expect(loadDetectorConfig({})).toMatchObject({ CHECKPOINT_INTERVAL_MS: 5_000, CHECKPOINT_EVERY_RECORDS: 20_000 });
    expect(loadDetectorConfig({ CHECKPOINT_INTERVAL_MS: '0', CHECKPOINT_EVERY_RECORDS: '1' })).toMatchObject({
      CHECKPOINT_INTERVAL_MS: 0,
      CHECKPOINT_EVERY_RECORDS: 1,
    });
    expect(() => loadDetectorConfig({ CHECKPOINT_INTERVAL_MS: '45000' })).toThrow(/CHECKPOINT_INTERVAL_MS/);
    expect(() => loadDetectorConfig({ CHECKPOINT_INTERVAL_MS: '5s' })).toThrow(/CHECKPOINT_INTERVAL_MS/);
    expect(() => loadDetectorConfig({ CHECKPOINT_EVERY_RECORDS: '0' })).toThrow(/CHECKPOINT_EVERY_RECORDS/);
  });
});
