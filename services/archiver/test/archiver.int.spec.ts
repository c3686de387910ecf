import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { InProcessBus, KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, startEmbeddedTimescale, type EmbeddedTimescale, type StoragePool } from '@roadwatch/storage';
import { infraEnv, positionsEvery, uniqueName } from '@roadwatch/testing';
import {
  ARCHIVED_TOPICS,
  MemoryLatestPositionStore,
  PgArchiveWriter,
  RedisLatestPositionStore,
  startArchiver,
  type ArchiveWriter,
  type RunningArchiver,
} from '../src/index';
import { rising, runArchiveScenario, T0, vehicleDailyReports } from './support/scenario';

const env = infraEnv();
const logger = createLogger('archiver-test', process.env['LOG_LEVEL'] ?? 'warn');

const metricValue = async (metrics: ServiceMetrics, name: string, labels: Record<string, string>): Promise<number> => {
  const metric = metrics.registry.getSingleMetric(`roadwatch_${name}`);
  const values = (await metric?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
};

describe('archiver on real Kafka, real PostgreSQL and real Redis', () => {
  const name = uniqueName('archiver');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'archiver-test', topicPrefix: `${name}.`, logger });
  const pool = createPool(env.databaseUrl, { schema: name, max: 4, application: 'archiver-test' });
  const latest = RedisLatestPositionStore.connect(env.redisUrl, `${name}:`);
  const metrics = new ServiceMetrics('archiver-test', { defaultMetrics: false });
  let archiver: RunningArchiver;
  // Fails the first positions batch AFTER the database committed it: the batch comes back
  // (its offsets were not committed) and the natural keys absorb the second write. The failure
  // is the connection dying after the commit (57P01, transient): a joint write of several
  // partitions' batches then fails each of them back to the bus (any other failure would have
  // the archiver write each batch alone first, see PositionWriteJoiner).
  let failedOnce = false;
  let qualityFailedOnce = false;
  const real = new PgArchiveWriter(pool);
  const writer: ArchiveWriter = {
    writePositions: async (positions) => {
      const rows = await real.writePositions(positions);
      if (!failedOnce) {
        failedOnce = true;
        throw Object.assign(new Error('injected: terminating connection after the commit'), { code: '57P01' });
      }
      return rows;
    },
    writeWimMeasurements: (m) => real.writeWimMeasurements(m),
    upsertAlerts: (a) => real.upsertAlerts(a),
    // The same for the first quality batch: its rows are committed, its offsets are not.
    upsertQualityDays: async (days) => {
      const rows = await real.upsertQualityDays(days);
      if (!qualityFailedOnce) {
        qualityFailedOnce = true;
        throw new Error('injected failure after commit');
      }
      return rows;
    },
    writeDriverCardEvents: (e) => real.writeDriverCardEvents(e),
    writeTerminalAreaAlarms: (a) => real.writeTerminalAreaAlarms(a),
    ping: () => real.ping(),
  };

  beforeAll(async () => {
    await migrate(pool);
    await bus.ensureTopics(ARCHIVED_TOPICS.map((topic) => ({ topic, partitions: 3 })));
    archiver = await startArchiver({ bus, pool, latestPositions: latest, logger, metrics, groupId: `${name}-archiver`, writer, maintenance: false });
  });

  afterAll(async () => {
    await archiver?.close();
    await bus.close();
    await latest.close();
    await dropStorageSchema(pool, name);
    await pool.end();
  });

  it('archives every message exactly once, the alert at its latest revision, and keeps the latest position from moving back', async () => {
    await runArchiveScenario(bus, pool, latest);
    expect(failedOnce).toBe(true);
    // Every partition batch joined into the failed write fails (1 to 3 here: 3 partitions).
    expect(await metricValue(metrics, 'archiver_batch_failures_total', { topic: TOPICS.positions })).toBeGreaterThanOrEqual(1);
    expect(await metricValue(metrics, 'archiver_batch_failures_total', { topic: TOPICS.positions })).toBeLessThanOrEqual(3);
    expect(qualityFailedOnce).toBe(true);
    expect(await metricValue(metrics, 'archiver_batch_failures_total', { topic: TOPICS.qualityDaily })).toBe(1);
    // Rows written count new rows only: duplicates and the redelivered batch add nothing.
    expect(await metricValue(metrics, 'archiver_rows_written_total', { table: 'positions' })).toBeLessThanOrEqual(51);
    expect(await metricValue(metrics, 'archiver_rows_written_total', { table: 'wim_measurements' })).toBe(2);
    expect(await metricValue(metrics, 'archiver_messages_total', { topic: TOPICS.positions })).toBeGreaterThanOrEqual(66);
    for (const check of archiver.readiness) expect(await check.check()).toBe(true);
  });

  it('runs the storage maintenance on plain PostgreSQL: partitions ahead and the daily rollup', async () => {
    await archiver.runMaintenance();
    expect(await vehicleDailyReports(pool, 'V1')).toBe(30);
  });

  it('resumes from the committed offsets: a second member of the group archives only what is new', async () => {
    await archiver.close();
    const metricsAgain = new ServiceMetrics('archiver-test-2', { defaultMetrics: false });
    const again = await startArchiver({ bus, pool, latestPositions: latest, logger, metrics: metricsAgain, groupId: `${name}-archiver`, maintenance: false });
    const more = positionsEvery(10_000, 5, { vehicleId: 'V3', deviceTimeMs: T0 }, rising);
    await bus.publish(
      TOPICS.positions,
      more.map((value) => ({ key: value.vehicleId, value })),
    );
    await vi.waitUntil(async () => Number((await pool.query(`SELECT count(*) AS n FROM positions WHERE vehicle_id = 'V3'`)).rows[0].n) === 5, {
      timeout: 60_000,
      interval: 100,
      message: 'V3 archived',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await metricValue(metricsAgain, 'archiver_messages_total', { topic: TOPICS.positions })).toBe(5);
    archiver = again;
  });

  it('a report dated 2099 is stored, but the latest stays the last valid report, and a later valid report replaces it', async () => {
    const [first, second] = positionsEvery(10_000, 2, { vehicleId: 'V4', deviceTimeMs: T0 }, rising) as [PositionV1, PositionV1];
    // The terminal's clock jumped to 2099: received between the two valid reports.
    const future: PositionV1 = { ...first, deviceTimeMs: Date.UTC(2099, 0, 1), receivedAtMs: first.receivedAtMs + 1, speedKmh: 99 };
    await bus.publish(
      TOPICS.positions,
      [first, future].map((value) => ({ key: value.vehicleId, value })),
    );
    const count = async () => Number((await pool.query(`SELECT count(*) AS n FROM positions WHERE vehicle_id = 'V4'`)).rows[0].n);
    await vi.waitUntil(async () => (await count()) === 2, { timeout: 60_000, interval: 100, message: 'V4 archived' });
    expect(await latest.get('V4')).toMatchObject({ deviceTimeMs: first.deviceTimeMs, speedKmh: first.speedKmh });
    await bus.publish(TOPICS.positions, [{ key: second.vehicleId, value: second }]);
    await vi.waitUntil(async () => (await latest.get('V4'))?.deviceTimeMs === second.deviceTimeMs, { timeout: 60_000, interval: 100, message: 'V4 moved on' });
    expect(await count()).toBe(3);
    const { rows } = await pool.query(`SELECT count(*) AS n FROM positions WHERE vehicle_id = 'V4' AND device_time > now() + INTERVAL '50 years'`);
    expect(Number(rows[0].n)).toBe(1);
  });
});

describe('archiver on the embedded TimescaleDB over the in-process bus', () => {
  let embedded: EmbeddedTimescale;
  let pool: StoragePool;
  const bus = new InProcessBus({ topicPrefix: `${uniqueName('archiver_embedded')}.`, logger });
  const latest = new MemoryLatestPositionStore();
  let archiver: RunningArchiver;

  beforeAll(async () => {
    embedded = await startEmbeddedTimescale();
    pool = createPool(embedded.url, { embedded: true, application: 'archiver-test' });
    const migration = await migrate(pool);
    expect(migration.mode).toBe('timescaledb');
    await bus.ensureTopics(ARCHIVED_TOPICS.map((topic) => ({ topic, partitions: 3 })));
    archiver = await startArchiver({
      bus,
      pool,
      latestPositions: latest,
      logger,
      metrics: new ServiceMetrics('archiver-embedded', { defaultMetrics: false }),
      maintenance: false,
    });
  });

  afterAll(async () => {
    await archiver?.close();
    await bus.close();
    await latest.close();
    await pool?.end();
    await embedded?.stop();
  });

  it('archives the same pipeline into hypertables, exactly once', async () => {
    await runArchiveScenario(bus, pool, latest);
    const hypertables = await pool.query<{ hypertable_name: string }>(`SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1`);
    expect(hypertables.rows.map((r) => r.hypertable_name)).toEqual(['alert_revisions', 'alerts', 'positions', 'wim_measurements']);
  });

  it('runs the maintenance the missing job scheduler would: the continuous aggregate is refreshed', async () => {
    expect(await vehicleDailyReports(pool, 'V1')).toBe(0);
    await archiver.runMaintenance();
    // The 30 reports of that day; the blind-area one is older than the refresh lookback.
    expect(await vehicleDailyReports(pool, 'V1')).toBe(30);
  });
});
