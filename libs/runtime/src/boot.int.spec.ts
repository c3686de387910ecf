import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvError, infraEnvSchema, TOPICS } from '@roadwatch/contracts';
import { infraEnv } from '@roadwatch/testing';
import { bootService } from './boot';

// bootService against the real Kafka and PostgreSQL: the schema it migrates, the topics it
// creates under the prefix, the ops server it serves and the order it closes in.
const infra = infraEnv();
const run = randomUUID().replaceAll('-', '').slice(0, 12);
const schemaName = `boot_${run}`;
const topicPrefix = `boot-${run}.`;
const testSchema = infraEnvSchema.extend({
  OPS_PORT: z.coerce.number().int().min(0).default(0),
  WIDGET_DIR: z.string().optional(),
});
const baseEnv = {
  KAFKA_BROKERS: infra.kafkaBrokers,
  DATABASE_URL: infra.databaseUrl,
  REDIS_URL: infra.redisUrl,
  DATABASE_SCHEMA: schemaName,
  KAFKA_TOPIC_PREFIX: topicPrefix,
  KAFKA_TOPIC_PARTITIONS: '2',
  REDIS_KEY_PREFIX: `boot:${run}:`,
  OPS_HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
};
const kafka = new Kafka({ brokers: infra.kafkaBrokers.split(','), clientId: `boot-test-${run}`, logLevel: logLevel.NOTHING });
const admin = new pg.Pool({ connectionString: infra.databaseUrl, max: 1 });

afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`);
  await admin.end();
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const topics = (await kafkaAdmin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
  if (topics.length > 0) await kafkaAdmin.deleteTopics({ topics });
  await kafkaAdmin.disconnect();
});

const get = async (port: number, path: string): Promise<{ status: number; body: string }> => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
};

describe('bootService on the real servers', () => {
  it('migrates DATABASE_SCHEMA, creates its topics under KAFKA_TOPIC_PREFIX, serves readiness, and closes ops → service → bus → pool', async () => {
    const booted = await bootService({
      service: 'boot-test',
      schema: testSchema,
      env: { ...baseEnv, OLD_WIDGET_DIR: '/srv/widgets' },
      deprecatedEnv: { OLD_WIDGET_DIR: { replacedBy: 'WIDGET_DIR' } },
      prepare: (config) => ({ widgets: config.WIDGET_DIR }),
      database: { max: 2 },
      kafka: { topics: [TOPICS.positions, TOPICS.registryChanges] },
    });
    const { config, pool, redisKey, prepared } = booted;
    expect(config.WIDGET_DIR).toBe('/srv/widgets');
    expect(prepared).toEqual({ widgets: '/srv/widgets' });
    expect(redisKey('detector:')).toBe(`boot:${run}:detector:`);

    // The pool works in the schema, which the migrations filled.
    expect((await pool!.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema).toBe(schemaName);
    const tables = await admin.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schemaName]);
    expect(tables.rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(['schema_migrations', 'positions', 'alerts']));

    // The topics, under the prefix, with KAFKA_TOPIC_PARTITIONS partitions.
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const metadata = await kafkaAdmin.fetchTopicMetadata({ topics: [`${topicPrefix}${TOPICS.positions}`, `${topicPrefix}${TOPICS.registryChanges}`] });
    await kafkaAdmin.disconnect();
    expect(metadata.topics.map((topic) => [topic.name, topic.partitions.length]).sort()).toEqual([
      [`${topicPrefix}${TOPICS.registryChanges}`, 2],
      [`${topicPrefix}${TOPICS.positions}`, 2],
    ]);

    let widgetReady = false;
    const closed: string[] = [];
    const running = await booted.serve({
      readiness: [{ name: 'widget', check: () => widgetReady }],
      closers: [async () => void closed.push('first started'), async () => void closed.push('last started')],
      handleSignals: false,
    });
    expect(running.opsPort).toBeGreaterThan(0);
    expect(await get(running.opsPort, '/health')).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(await get(running.opsPort, '/ready')).toEqual({ status: 503, body: '{"ready":false,"checks":{"widget":false}}' });
    widgetReady = true;
    expect((await get(running.opsPort, '/ready')).status).toBe(200);
    expect((await get(running.opsPort, '/metrics')).body).toContain('service="boot-test"');

    await Promise.all([running.close(), running.close()]);
    // Each closer ran once, the later-started first; the ops server and the pool are gone.
    expect(closed).toEqual(['last started', 'first started']);
    await expect(get(running.opsPort, '/health')).rejects.toThrow();
    await expect(pool!.query('SELECT 1')).rejects.toThrow(/pool/i);
  });

  it('with MIGRATE=false and no database wanted, touches neither; redis prefix and log level come from the fragments', async () => {
    const noDb = await bootService({
      service: 'boot-test-nodb',
      schema: testSchema,
      env: { ...baseEnv, DATABASE_SCHEMA: `${schemaName}_never`, MIGRATE: 'false' },
      database: { when: (config) => config.WIDGET_DIR !== undefined },
      kafka: { topics: [TOPICS.positions] },
    });
    expect(noDb.pool).toBeUndefined();
    const unmigrated = await bootService({
      service: 'boot-test-unmigrated',
      schema: testSchema,
      env: { ...baseEnv, DATABASE_SCHEMA: `${schemaName}_never`, MIGRATE: 'false' },
      database: {},
      kafka: { topics: [] },
    });
    expect(unmigrated.pool).toBeDefined();
    const created = await admin.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [`${schemaName}_never`]);
    expect(created.rowCount).toBe(0);
    await (await noDb.serve({ readiness: [], handleSignals: false })).close();
    await (await unmigrated.serve({ readiness: [], handleSignals: false })).close();
  });

  it('an invalid environment stops the start naming every bad variable, before connecting to anything', async () => {
    const attempt = bootService({
      service: 'boot-test-bad',
      schema: testSchema,
      // Unreachable servers: a connection attempt would fail differently (and slowly).
      env: {
        ...baseEnv,
        KAFKA_BROKERS: '127.0.0.1:1',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        DATABASE_SCHEMA: 'Robert"); DROP',
        LOG_LEVEL: 'loud',
      },
      database: {},
      kafka: { topics: [TOPICS.positions] },
    });
    await expect(attempt).rejects.toBeInstanceOf(EnvError);
    await expect(attempt).rejects.toThrow(/DATABASE_SCHEMA: must be a plain lower-case SQL identifier; LOG_LEVEL: /);
  });

  it('a failed migration is reported and leaves no pool open', async () => {
    const attempt = bootService({
      service: 'boot-test-denied',
      schema: testSchema,
      env: { ...baseEnv, DATABASE_URL: infra.databaseUrl.replace(/\/\/([^:@/]+)(:[^@]*)?@/, '//$1:wrong-password@') },
      database: {},
      kafka: { topics: [TOPICS.positions] },
    });
    await expect(attempt).rejects.toThrow(/password|authentication/i);
  });
});
