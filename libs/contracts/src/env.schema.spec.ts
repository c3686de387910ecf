import { describe, expect, it } from 'vitest';
import { EnvError, infraEnvSchema, parseEnv, renameDeprecatedEnv } from './env.schema';

describe('infraEnvSchema: one fragment per piece of infrastructure', () => {
  it('defaults every variable, so a service on the development machine needs no environment', () => {
    expect(parseEnv(infraEnvSchema, {})).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_TOPIC_PARTITIONS: 12,
      KAFKA_TOPIC_PREFIX: '',
      KAFKA_SESSION_TIMEOUT_MS: 30_000,
      DATABASE_URL: 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch',
      DATABASE_SCHEMA: 'public',
      MIGRATE: true,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'roadwatch:',
      OPS_HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
    });
  });

  it('names each bad value: a schema that is not a plain identifier, an unknown log level, MIGRATE other than true/false', () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        parseEnv(infraEnvSchema, env);
        return [];
      } catch (error) {
        return (error as EnvError).problems;
      }
    };
    expect(problems({ DATABASE_SCHEMA: 'a; DROP TABLE alerts' })).toEqual([
      expect.stringMatching(/^DATABASE_SCHEMA: must be a plain lower-case SQL identifier/),
    ]);
    expect(problems({ DATABASE_SCHEMA: 'Roadwatch' })).toEqual([expect.stringMatching(/^DATABASE_SCHEMA:/)]);
    expect(problems({ LOG_LEVEL: 'verbose' })).toEqual([expect.stringMatching(/^LOG_LEVEL:/)]);
    expect(problems({ MIGRATE: 'yes' })).toEqual([expect.stringMatching(/^MIGRATE:/)]);
    expect(problems({ REDIS_KEY_PREFIX: 'rw{1}:' })).toEqual([expect.stringMatching(/^REDIS_KEY_PREFIX: no \{ or \}/)]);
    expect(problems({ KAFKA_TOPIC_PREFIX: 'a\u0000b' })).toEqual([expect.stringMatching(/^KAFKA_TOPIC_PREFIX:/)]);
    // Below the broker's group.min.session.timeout.ms the group would refuse the member.
    expect(problems({ KAFKA_SESSION_TIMEOUT_MS: '1000' })).toEqual([expect.stringMatching(/^KAFKA_SESSION_TIMEOUT_MS:/)]);
    expect(parseEnv(infraEnvSchema, { MIGRATE: 'false', LOG_LEVEL: 'silent', KAFKA_TOPIC_PREFIX: 'test.' })).toMatchObject({
      MIGRATE: false,
      LOG_LEVEL: 'silent',
      KAFKA_TOPIC_PREFIX: 'test.',
    });
  });
});

describe('renameDeprecatedEnv', () => {
  const deprecated = {
    STATIC_DIR: { replacedBy: 'WEB_DIST_DIR' },
    VEHICLE_DIRECTORY: {
      replacedBy: 'VEHICLE_REGISTRY_SOURCE',
      to: (value: string): Record<string, string> =>
        value.startsWith('file:') ? { VEHICLE_REGISTRY_SOURCE: 'file', VEHICLE_REGISTRY_FILE: value.slice(5) } : { VEHICLE_REGISTRY_SOURCE: value },
    },
  };

  it('reads an old name as the new one, with a warning naming both, and leaves the rest alone', () => {
    const { env, warnings } = renameDeprecatedEnv({ STATIC_DIR: '/app/web/dist', API_PORT: '8080' }, deprecated);
    expect(env).toEqual({ WEB_DIST_DIR: '/app/web/dist', API_PORT: '8080' });
    expect(warnings).toEqual(['STATIC_DIR is deprecated: set WEB_DIST_DIR instead (read this time as WEB_DIST_DIR)']);
  });

  it('translates a value whose form changed (file:<path> → file + the path, a path holding a colon kept whole)', () => {
    expect(renameDeprecatedEnv({ VEHICLE_DIRECTORY: 'file:/srv/reg:v2/路网.json' }, deprecated).env).toEqual({
      VEHICLE_REGISTRY_SOURCE: 'file',
      VEHICLE_REGISTRY_FILE: '/srv/reg:v2/路网.json',
    });
    expect(renameDeprecatedEnv({ VEHICLE_DIRECTORY: 'simulated:20' }, deprecated).env).toEqual({ VEHICLE_REGISTRY_SOURCE: 'simulated:20' });
  });

  it('lets the new name win when both are set, and says the old one was ignored', () => {
    const { env, warnings } = renameDeprecatedEnv({ STATIC_DIR: '/old', WEB_DIST_DIR: '/new' }, deprecated);
    expect(env).toEqual({ WEB_DIST_DIR: '/new' });
    expect(warnings).toEqual(['STATIC_DIR is deprecated and ignored: WEB_DIST_DIR is set']);
  });

  it('an empty old value is still a value (an operator set it), unset is nothing; the input is not changed', () => {
    const input = { STATIC_DIR: '' };
    expect(renameDeprecatedEnv(input, deprecated).env).toEqual({ WEB_DIST_DIR: '' });
    expect(input).toEqual({ STATIC_DIR: '' });
    expect(renameDeprecatedEnv({ STATIC_DIR: undefined }, deprecated)).toEqual({ env: {}, warnings: [] });
  });
});
