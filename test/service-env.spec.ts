import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { infraEnvSchema } from '@roadwatch/contracts';
import { apiEnvSchema, loadApiConfig } from '../services/api/src/config';
import { archiverEnvSchema, loadArchiverConfig } from '../services/archiver/src/config';
import { casesEnvSchema } from '../services/cases/src/config';
import { supervisionEnvSchema } from '../services/supervision/src/config';
import { enforcementEnvSchema } from '../services/enforcement/src/config';
import { detectorEnvSchema, loadDetectorConfig } from '../services/detector/src/config';
import { gatewayEnvSchema } from '../services/gateway-jt808/src/config';
import { jt809GatewayEnvSchema } from '../services/gateway-jt809/src/config';
import { ingestWimEnvSchema } from '../services/ingest-wim/src/config';
import { loadStandaloneConfig, standaloneEnvSchema } from '../services/standalone/src/config';

// Issue #12 item 6: one way to boot a service, the same variable names in every service.
const repoRoot = join(import.meta.dirname, '..');
const CLUSTER_SCHEMAS: Record<string, z.ZodObject> = {
  api: apiEnvSchema,
  archiver: archiverEnvSchema,
  cases: casesEnvSchema,
  supervision: supervisionEnvSchema,
  enforcement: enforcementEnvSchema,
  detector: detectorEnvSchema,
  'gateway-jt808': gatewayEnvSchema,
  'gateway-jt809': jt809GatewayEnvSchema,
  'ingest-wim': ingestWimEnvSchema,
};
const ALL_SCHEMAS: Record<string, z.ZodObject> = { ...CLUSTER_SCHEMAS, standalone: standaloneEnvSchema };
/** Names this release replaced (read, with a warning, for one more): no schema may define them again. */
const OLD_NAMES = [
  'ROADS_GEOJSON',
  'STATIC_DIR',
  'VEHICLE_DIRECTORY',
  'LATEST_POSITIONS_PREFIX',
  'DETECTOR_STATE_PREFIX',
  'TERMINAL_REGISTRY',
  'OFFLINE_CHECK_INTERVAL_MS',
];

describe('service environments: one name per idea', () => {
  it('every cluster service reads every infrastructure variable (database schema and migrate, topic prefix, Redis prefix, log level)', () => {
    const infra = Object.keys(infraEnvSchema.shape).sort();
    expect(infra).toEqual(expect.arrayContaining(['DATABASE_SCHEMA', 'MIGRATE', 'KAFKA_TOPIC_PREFIX', 'REDIS_KEY_PREFIX', 'LOG_LEVEL', 'OPS_HOST']));
    const missing = Object.entries(CLUSTER_SCHEMAS).flatMap(([service, schema]) =>
      infra.filter((key) => !(key in schema.shape)).map((key) => `${service}: ${key}`),
    );
    expect(missing).toEqual([]);
  });

  it('no service defines a replaced name, and the standalone host names files and folders as the services do', () => {
    const defined = Object.entries(ALL_SCHEMAS).flatMap(([service, schema]) =>
      OLD_NAMES.filter((name) => name in schema.shape).map((name) => `${service}: ${name}`),
    );
    expect(defined).toEqual([]);
    expect(Object.keys(standaloneEnvSchema.shape)).toEqual(expect.arrayContaining(['ROADS_GEOJSON_FILE', 'WEB_DIST_DIR']));
    expect(Object.keys(apiEnvSchema.shape)).toContain('WEB_DIST_DIR');
    expect(Object.keys(gatewayEnvSchema.shape)).toEqual(expect.arrayContaining(['VEHICLE_REGISTRY_SOURCE', 'VEHICLE_REGISTRY_FILE']));
  });

  it('still reads the old names for one release, as the same setting (the Redis keys stay where they were)', () => {
    expect(loadStandaloneConfig({ ROADS_GEOJSON: '/srv/roads.geojson' }).ROADS_GEOJSON_FILE).toBe('/srv/roads.geojson');
    expect(loadApiConfig({ JWT_SECRET: 'q3V9xZ1pL7mN2bR8tY4wK6jH0cF5dS1a', STATIC_DIR: '/app/web/dist', LATEST_POSITIONS_PREFIX: 'rw2:' })).toMatchObject({
      WEB_DIST_DIR: '/app/web/dist',
      REDIS_KEY_PREFIX: 'rw2:',
    });
    expect(loadArchiverConfig({ LATEST_POSITIONS_PREFIX: 'rw2:' }).REDIS_KEY_PREFIX).toBe('rw2:');
    // Each scaled service names its consumer group, so two deployments (or a test) on one Kafka never share members.
    expect(loadArchiverConfig({}).ARCHIVER_GROUP_ID).toBe('archiver');
    expect(loadArchiverConfig({ ARCHIVER_GROUP_ID: 'archiver-b' }).ARCHIVER_GROUP_ID).toBe('archiver-b');
    expect(loadDetectorConfig({}).DETECTOR_GROUP_ID).toBe('detector');
    // The state lived at DETECTOR_STATE_PREFIX, now at REDIS_KEY_PREFIX + 'detector:': the same keys.
    expect(loadDetectorConfig({ DETECTOR_STATE_PREFIX: 'rw2:detector:' }).REDIS_KEY_PREFIX).toBe('rw2:');
    expect(loadDetectorConfig({}).REDIS_KEY_PREFIX).toBe('roadwatch:');
    expect(loadDetectorConfig({ OFFLINE_CHECK_INTERVAL_MS: '0' }).TIMERS_INTERVAL_MS).toBe(0);
    expect(loadDetectorConfig({}).TIMERS_INTERVAL_MS).toBe(60_000);
  });

  it('every service starts through bootService: no main.ts builds its own bus, pool, ops server or shutdown', () => {
    const services = readdirSync(join(repoRoot, 'services')).filter((name) => name in CLUSTER_SCHEMAS);
    expect(services.sort()).toEqual(Object.keys(CLUSTER_SCHEMAS).sort());
    const copies = services.flatMap((service) => {
      const main = readFileSync(join(repoRoot, 'services', service, 'src/main.ts'), 'utf8');
      return [
        ...['new KafkaBus(', 'createPool(', 'migrate(', 'startOpsServer(', 'onShutdown(', 'createLogger(', 'new ServiceMetrics(', 'process.env']
          .filter((copy) => main.includes(copy))
          .map((copy) => `${service}: ${copy}`),
        ...(main.includes('bootService(') ? [] : [`${service}: no bootService`]),
      ];
    });
    expect(copies).toEqual([]);
  });
});
