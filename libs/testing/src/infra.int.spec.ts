import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { dedicatedKafka, infraEnv, uniqueName } from './index';

/**
 * Proof that the integration tier talks to the real servers of deploy/local (and that CI
 * started them): each one answers, and is the kind we expect.
 */
describe('real infrastructure', () => {
  const env = infraEnv();

  it('global setup exported the connection settings to workers', () => {
    expect(process.env.KAFKA_BROKERS).toBeTruthy();
    expect(process.env.DATABASE_URL).toBeTruthy();
    expect(process.env.REDIS_URL).toBeTruthy();
  });

  describe('PostgreSQL', () => {
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
    afterAll(() => pool.end());

    it('is PostgreSQL 15, with PostGIS and pg_partman available', async () => {
      const { rows } = await pool.query<{ version: string }>('select version()');
      expect(rows[0]?.version).toMatch(/^PostgreSQL 15\./);
      const ext = await pool.query<{ name: string }>(`select name from pg_available_extensions where name in ('postgis', 'pg_partman') order by name`);
      expect(ext.rows.map((r) => r.name)).toEqual(['pg_partman', 'postgis']);
    });

    it('lets a test own a schema of its own', async () => {
      const schema = uniqueName('infra_spec');
      await pool.query(`create schema ${schema}`);
      try {
        await pool.query(`create table ${schema}.t (id int primary key)`);
        await pool.query(`insert into ${schema}.t values (1)`);
        expect((await pool.query(`select count(*)::int as n from ${schema}.t`)).rows[0]).toEqual({ n: 1 });
      } finally {
        await pool.query(`drop schema ${schema} cascade`);
      }
    });
  });

  describe('Redis', () => {
    const redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    afterAll(() => redis.quit());

    it('answers PING with PONG', async () => {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
    });
  });

  describe('Kafka', () => {
    const kafka = new Kafka({ clientId: uniqueName('infra-spec'), brokers: env.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    afterAll(() => admin.disconnect());

    it('is a single-broker cluster that creates topics with 4 partitions by default', async () => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toHaveLength(1);
      expect(cluster.controller).not.toBeNull();

      const topic = uniqueName('infra-spec');
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      try {
        // Auto-creation: the first metadata request may answer LEADER_NOT_AVAILABLE; kafkajs retries.
        await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
      } finally {
        await producer.disconnect();
      }
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]?.partitions).toHaveLength(4);
      await admin.deleteTopics({ topics: [topic] });
    });
  });
});

describe('dedicated broker for failure tests', () => {
  const broker = dedicatedKafka('infra-spec', 19092);
  afterAll(() => broker.stop(), 60_000);

  it('starts, survives kill -9 and restarts with its topics, on its own port', async () => {
    await broker.start();
    const kafka = new Kafka({ clientId: uniqueName('infra-spec'), brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('dedicated');
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      await admin.disconnect();
      await broker.kill();
      await broker.start();
      await admin.connect();
      expect(await admin.listTopics()).toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });
});
