import { describe, expect, it } from 'vitest';
import { parseMessage, TOPICS, deadLetterTopicOf, parseEnv, infraEnvSchema, EnvError, registryChangeKey, type RegistryChangeV1 } from './index';

const position = {
  v: 1,
  vehicleId: '京A12345:1',
  terminalId: '013912345678',
  registered: true,
  deviceTimeMs: 1_764_000_000_000,
  receivedAtMs: 1_764_000_001_000,
  latitudeDeg: 39.9,
  longitudeDeg: 116.4,
  altitudeM: 50,
  speedKmh: 62.5,
  headingDeg: 90,
  alarmFlags: 0,
  statusFlags: 3,
  accOn: true,
  gnssFixed: true,
  source: 'realtime',
};

describe('message schemas', () => {
  it('accepts a well-formed position', () => {
    const parsed = parseMessage(TOPICS.positions, position);
    expect(parsed.ok).toBe(true);
  });

  it('names every bad field in the reason', () => {
    const parsed = parseMessage(TOPICS.positions, { ...position, latitudeDeg: 123, speedKmh: -1 });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toContain('latitudeDeg');
      expect(parsed.reason).toContain('speedKmh');
    }
  });

  it('refuses an unknown schema version', () => {
    expect(parseMessage(TOPICS.positions, { ...position, v: 2 }).ok).toBe(false);
  });

  it('dead-letter topics sit beside their source', () => {
    expect(deadLetterTopicOf(TOPICS.positions)).toBe('telemetry.positions.dlq');
  });
});

describe('parseEnv', () => {
  it('names the invalid variable', () => {
    expect(() => parseEnv(infraEnvSchema, { DATABASE_URL: 'mysql://x' })).toThrow(EnvError);
    expect(() => parseEnv(infraEnvSchema, { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
  it('fills defaults', () => {
    expect(parseEnv(infraEnvSchema, {}).KAFKA_BROKERS).toBe('127.0.0.1:9092');
  });
});

describe('quality.daily', () => {
  const day = {
    v: 1,
    vehicleId: '京A12345:1',
    date: '2026-11-23',
    final: false,
    computedAtMs: 1_764_000_000_000,
    received: 10,
    valid: 9,
    invalid: 1,
    drift: 0,
    duplicate: 2,
    late: 0,
    trackM: 5_500,
    completeTrackM: 4_000,
    incompleteGaps: 1,
    movedThroughGaps: 0,
  };
  it('accepts a day of counters and refuses a missing counter or a bad date', () => {
    expect(parseMessage(TOPICS.qualityDaily, day).ok).toBe(true);
    const { trackM: _omitted, ...withoutTrack } = day;
    const missing = parseMessage(TOPICS.qualityDaily, withoutTrack);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.reason).toContain('trackM');
    expect(parseMessage(TOPICS.qualityDaily, { ...day, date: '23/11/2026' }).ok).toBe(false);
  });
});

describe('registry.changes', () => {
  const change = { v: 1, entity: 'terminal', id: '013800000001', change: 'delete', revision: 7, changedAtMs: 1_764_000_000_000 };
  it('accepts a change and keys it by entity kind and id', () => {
    const parsed = parseMessage(TOPICS.registryChanges, change);
    expect(parsed.ok).toBe(true);
    expect(registryChangeKey(change as RegistryChangeV1)).toBe('terminal:013800000001');
  });
  it('refuses an unknown entity, change or version, a revision of 0 and an id with a NUL', () => {
    for (const bad of [{ entity: 'user' }, { change: 'patch' }, { v: 2 }, { revision: 0 }, { revision: 1.5 }, { id: 'V\u00001' }, { id: '' }]) {
      const parsed = parseMessage(TOPICS.registryChanges, { ...change, ...bad });
      expect(parsed.ok, JSON.stringify(bad)).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(new RegExp(Object.keys(bad)[0] as string));
    }
  });
});
