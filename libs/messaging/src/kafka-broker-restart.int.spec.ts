import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { pino } from 'pino';
import { TOPICS } from '@roadwatch/contracts';
import { dedicatedKafka, infraEnv, uniqueName } from '@roadwatch/testing';
import { KafkaBus } from './kafka.bus';
import { position, seqOf } from './bus.contract';

/**
 * The "done when" of the foundation issue: killing the broker (SIGKILL) in the middle of a
 * consumer test and restarting it loses no message and duplicates none in storage.
 * Producer and consumer both run through the outage; the consumer writes every position
 * into PostgreSQL with ON CONFLICT DO NOTHING on the natural key and commits offsets only
 * after the database commit, so redeliveries are absorbed and nothing is skipped.
 *
 * It kills a private broker (dedicatedKafka, port 19292), never the shared one on 9092 that
 * the other integration files use at the same time.
 */
const VEHICLES = 50;
const PER_VEHICLE = 100;
const TOTAL = VEHICLES * PER_VEHICLE;

describe('Kafka bus through a broker crash (kill -9 and restart)', () => {
  const env = infraEnv();
  const broker = dedicatedKafka('messaging-broker-restart', 19292);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const schema = uniqueName('msg_restart')
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase();
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  // An idle client dropped by the server must not become an uncaught error; the next query reconnects.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL client dropped'));
  let bus: KafkaBus;
  const topicPrefix = `${uniqueName('msg_restart')}.`;

  beforeAll(async () => {
    await broker.start();
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(
      `CREATE TABLE ${schema}.positions (vehicle_id text NOT NULL, seq integer NOT NULL, kafka_offset bigint NOT NULL, PRIMARY KEY (vehicle_id, seq))`,
    );
    bus = new KafkaBus({
      brokers: [broker.brokers],
      clientId: 'messaging-broker-restart',
      topicPrefix,
      logger,
      backoff: { initialMs: 100, maxMs: 1_000 },
      consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000, rebalanceTimeoutMs: 15_000, maxWaitTimeMs: 200 },
    });
    await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 4 }]);
  });

  afterAll(async () => {
    await broker.start();
    await bus?.close();
    // Its topics go, so the next run's restart has nothing of ours to recover.
    const admin = bus.kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch((error) => logger.warn({ err: error }, 'could not delete test topics'));
    await admin.disconnect();
    await broker.stop();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it('loses no message and stores none twice', async () => {
    const started = Date.now();
    let deliveries = 0;
    let failedBatches = 0;
    const rowCount = async () => Number((await pool.query(`SELECT count(*) AS n FROM ${schema}.positions`)).rows[0].n);

    await bus.subscribe({
      groupId: uniqueName('restart-group'),
      topics: [TOPICS.positions],
      fromBeginning: true,
      handleBatch: async (batch) => {
        deliveries += batch.messages.length;
        // Slow enough that the crash lands while batches are in flight.
        await new Promise((resolve) => setTimeout(resolve, 20));
        try {
          await pool.query(
            `INSERT INTO ${schema}.positions (vehicle_id, seq, kafka_offset)
             SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])
             ON CONFLICT (vehicle_id, seq) DO NOTHING`,
            [batch.messages.map((m) => m.value.vehicleId), batch.messages.map((m) => seqOf(m.value)), batch.messages.map((m) => m.offset)],
          );
        } catch (error) {
          failedBatches += 1;
          throw error;
        }
      },
    });

    let published = 0;
    const producing = (async () => {
      for (let seq = 0; seq < PER_VEHICLE; seq += 1) {
        await bus.publish(
          TOPICS.positions,
          Array.from({ length: VEHICLES }, (_, v) => ({ key: `V${v}`, value: position(`V${v}`, seq) })),
        );
        published += VEHICLES;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    // Mid-way for both sides: some published, some stored, more of each to come.
    let stored = 0;
    // The count polls in the background; a failed one is reported and the wait below times out if it keeps failing.
    const countRows = (): void =>
      void rowCount()
        .then((n) => (stored = n))
        .catch((error: unknown) => console.error('row count failed', error));
    const poll = setInterval(countRows, 50);
    await vi.waitUntil(() => stored >= TOTAL / 3, { timeout: 60_000, interval: 20, message: 'a third of the messages stored' });
    clearInterval(poll);
    const beforeKill = { published, stored, deliveries };
    await broker.kill();
    const killedAt = Date.now();
    const atKill = { published, stored: await rowCount(), deliveries };
    // The producer keeps publishing into the outage: its sends are retried until the broker is back.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const duringOutage = { published, stored: await rowCount(), deliveries };
    await broker.start();
    const restartedAt = Date.now();

    await producing;
    const poll2 = setInterval(countRows, 100);
    try {
      await vi.waitUntil(() => stored >= TOTAL, { timeout: 90_000, interval: 20, message: `all ${TOTAL} rows` });
    } finally {
      clearInterval(poll2);
    }
    // Give late redeliveries a moment to show up (they must not add rows).
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const rows = await pool.query<{ vehicle_id: string; seq: number }>(`SELECT vehicle_id, seq FROM ${schema}.positions`);
    const stats = {
      beforeKill,
      atKill,
      duringOutage,
      outageMs: restartedAt - killedAt,
      recoveredInMs: Date.now() - restartedAt,
      totalMs: Date.now() - started,
      deliveries,
      failedBatches,
      rows: rows.rowCount,
    };
    logger.warn(stats, 'broker restart test');
    console.info('broker restart test', JSON.stringify(stats));

    expect(published).toBe(TOTAL);
    expect(rows.rowCount).toBe(TOTAL);
    const seen = new Set(rows.rows.map((r) => `${r.vehicle_id}/${r.seq}`));
    const missing: string[] = [];
    for (let v = 0; v < VEHICLES; v += 1) for (let s = 0; s < PER_VEHICLE; s += 1) if (!seen.has(`V${v}/${s}`)) missing.push(`V${v}/${s}`);
    expect(missing).toEqual([]);
    expect(deliveries).toBeGreaterThanOrEqual(TOTAL);
  }, 120_000);
});
