/**
 * The 一超四罚 pipeline in cluster mode: services/cases on real Kafka and PostgreSQL opens a
 * case per violation in one transaction (violation, case, nine events, nine outbox rows) and
 * its relay publishes them on cases.events. Publishes BENCH_VIOLATIONS violations (a fleet of
 * BENCH_VEHICLES, so the 12-month history grows as it would) and times each from its publish
 * until its ninth event is observed, and the whole run. Prints figures; not a test.
 *
 *   npx tsx loadtests/cases.bench.ts
 *   BENCH_VIOLATIONS=1000 BENCH_VEHICLES=100 npx tsx loadtests/cases.bench.ts
 */
import { TOPICS, type CaseEventV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository, type VehicleRecord } from '@roadwatch/storage';
import { infraEnv, overloadViolationOf, uniqueName } from '@roadwatch/testing';
import { caseIdOf, startCases } from '@roadwatch/cases';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('cases');

const int = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const violations = int('BENCH_VIOLATIONS', 300);
const fleet = int('BENCH_VEHICLES', 50);
const DAY_MS = 86_400_000;

const env = infraEnv();
const logger = createLogger('cases-bench', process.env['LOG_LEVEL'] ?? 'warn');
const name = uniqueName('cases_bench');
const schema = name.replace(/[^a-z0-9_]/g, '_');
const consumer = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 100 };
const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: name, topicPrefix: `${name}.`, logger, consumer });
const pool = createPool(env.databaseUrl, { schema, max: 4, application: 'cases-bench' });
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

await migrate(pool);
const registry = new RegistryRepository(pool);
await registry.upsertCompany({ companyId: 'HB1', name: '基准运输公司', regionCode: '130102' });
const trucks: VehicleRecord[] = [];
for (let i = 0; i < fleet; i += 1) {
  const truck: VehicleRecord = {
    vehicleId: `冀B${String(i).padStart(5, '0')}:2`,
    plate: `冀B${String(i).padStart(5, '0')}`,
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'HB1',
    regionCode: '130102',
    axleCount: 6,
    isCombination: true,
  };
  await registry.upsertVehicle(truck);
  trucks.push(truck);
}
await bus.ensureTopics([TOPICS.overloadViolations, TOPICS.caseEvents].map((topic) => ({ topic, partitions: 3 })));

const seen = new Map<string, number>();
const doneAtMs = new Map<string, number>();
await bus.subscribe({
  groupId: `${name}-observer`,
  topics: [TOPICS.caseEvents],
  fromBeginning: true,
  handleBatch: async (batch) => {
    for (const m of batch.messages) {
      const event: CaseEventV1 = m.value;
      const n = (seen.get(event.caseId) ?? 0) + 1;
      seen.set(event.caseId, n);
      if (n === 9) doneAtMs.set(event.caseId, Date.now());
    }
  },
});
const cases = await startCases({ bus, pool, logger, metrics: new ServiceMetrics('cases-bench', { defaultMetrics: false }), groupId: `${name}-cases` });

const now = Date.now();
const sentAtMs = new Map<string, number>();
const started = Date.now();
for (let i = 0; i < violations; i += 1) {
  const truck = trucks[i % fleet] as VehicleRecord;
  const v = overloadViolationOf({
    stationId: 'ST-B',
    recordId: `b${i}`,
    plate: truck.plate,
    measuredAtMs: now - 300 * DAY_MS + i * 60_000,
    grossKg: 60_000 + (i % 40) * 1_000,
    vehicle: truck,
  });
  sentAtMs.set(caseIdOf(v.violationId), Date.now());
  await bus.publish(TOPICS.overloadViolations, [{ key: v.measurement.plate, value: v }]);
}
const deadline = Date.now() + 300_000;
while (doneAtMs.size < violations && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
const totalMs = Date.now() - started;
const latencies = [...doneAtMs].map(([caseId, at]) => at - (sentAtMs.get(caseId) ?? at)).sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      violations,
      fleet,
      casesCompleted: doneAtMs.size,
      eventsObserved: [...seen.values()].reduce((a, b) => a + b, 0),
      totalMs,
      casesPerSecond: Math.round((doneAtMs.size / totalMs) * 1_000 * 10) / 10,
      publishToNinthEventMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies[latencies.length - 1] },
    },
    null,
    2,
  ),
);

await cases.close();
await bus.close();
await dropStorageSchema(pool, schema);
await pool.end();
