/**
 * The chain benchmark (issue #13): the cluster services as separate processes against the
 * real Kafka, PostgreSQL and Redis, driven over TCP by an independent Go JT/T 808 generator,
 * measured in CPU-µs per position per process. Prints figures; not a test; not in `npm test`.
 *
 *   npx tsx loadtests/chain/chain.bench.ts --terminals 10000 --rate 5000 --duration-s 20
 *   npx tsx loadtests/chain/chain.bench.ts --terminals 10000 --steps 5000,10000,15000,20000 --duration-s 20
 *   … --record     writes the figures into docs/performance.md (section "chain")
 *
 * See loadtests/chain/README.md for what each figure means and how saturation is decided.
 */
import 'reflect-metadata';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { seedRegistry } from '@roadwatch/api';
import { TOPICS, type AlertV1 } from '@roadwatch/contracts';
import { encodeGbk } from '@roadwatch/jt808';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { createSimulatedFleet, SIMULATED_ROUTES } from '@roadwatch/simulator';
import { createPool, dropStorageSchema, migrate, PositionRepository } from '@roadwatch/storage';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { commandLine, recordFigures } from '../perf-doc';
import { cmdlineOf, postgresBackendsOf, readAllProcesses, readMachineCpu, treeOf, type ProcSample } from '../proc-stats';

const { values: args } = parseArgs({
  options: {
    terminals: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '5000' },
    steps: { type: 'string' },
    'duration-s': { type: 'string', default: '20' },
    'warmup-s': { type: 'string', default: '10' },
    'grace-s': { type: 'string', default: '5' },
    generators: { type: 'string', default: '2' },
    sources: { type: 'string', default: '8' },
    'speeding-share': { type: 'string', default: '0.05' },
    'sample-share': { type: 'string', default: '0.01' },
    'batch-every': { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '5' },
    partitions: { type: 'string', default: '12' },
    'all-steps': { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.terminals);
const rates = (args.steps ?? args.rate).split(',').map(Number);
const windowS = Number(args['duration-s']);
const warmupS = Number(args['warmup-s']);
const graceS = Number(args['grace-s']);
const generatorCount = Number(args.generators);
if (![N, windowS, warmupS, graceS, generatorCount, ...rates].every((n) => Number.isFinite(n) && n >= 0) || N < 1 || rates.some((r) => r <= 0))
  throw new Error('--terminals, --rate/--steps, --duration-s, --warmup-s, --grace-s and --generators take positive numbers');
// The services run on this process's Node (the project's Node 24 under `npx tsx`).
if (Number(process.versions.node.split('.')[0]) < 24)
  throw new Error(`Node ${process.version}: run the bench with \`npx tsx\` (the project's Node 24), which the services then run on too`);
// Each process holds at most 20,000 descriptors here: a generator process its share of the terminals, a gateway process its share of the connections.
if (N / generatorCount > 19_000)
  throw new Error(`--terminals ${N} over ${generatorCount} generator processes passes the 20,000-descriptor limit of each; add --generators`);
if (N > 19_000)
  console.warn(
    `[chain] ${N} terminals: a gateway running as one process holds at most ~19,000 of them (20,000 descriptors); terminals it refuses are counted as failed`,
  );

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const binDir = join(here, '.bin');
const env = infraEnv();
const logger = createLogger('chain-bench', 'warn');
const name = uniqueName('chain').replace(/[^a-z0-9_]/g, '_');
const runDir = join(binDir, name);
mkdirSync(runDir, { recursive: true });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => console.log(`[chain] ${line}`);
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);
};

// ------------------------------------------------------------------ the generator binary
say('building the Go generator');
execFileSync('go', ['build', '-o', join(binDir, 'generator'), '.'], { cwd: join(here, 'generator'), stdio: 'inherit' });

// ------------------------------------------------------------------ storage, registry, topics
const pool = createPool(env.databaseUrl, { schema: name, max: 8, application: 'chain-bench' });
await migrate(pool);
const fleet = createSimulatedFleet(N);
// Through the registry's own seed use case (the embedded default's, too): checked, audited and
// announced on registry.changes, which the services have read by the time they are ready.
say(`seeding ${N} vehicles and terminals in schema ${name}`);
const seedStartMs = Date.now();
const seeded = await seedRegistry(pool, {
  by: { actor: 'system:chain-bench' },
  companies: [...new Map(fleet.map((v) => [v.companyId, v.facts.regionCode ?? '110000']))].map(([companyId, regionCode]) => ({
    companyId,
    name: `基准运输公司 ${companyId}`,
    regionCode,
  })),
  vehicles: fleet.map((vehicle) => ({ ...vehicle.facts, companyId: vehicle.companyId, terminalId: vehicle.terminalPhone })),
});
say(`seeded ${JSON.stringify(seeded)} in ${((Date.now() - seedStartMs) / 1000).toFixed(1)} s`);
const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: `${name}-bench`, topicPrefix: `${name}.`, logger });
await bus.ensureTopics([TOPICS.positions, TOPICS.alerts].map((topic) => ({ topic, partitions: Number(args.partitions) })));

// Every terminal sits on its simulated corridor (G4, G6, G1 are expressways with posted
// limits); a share of them speed in episodes, a share are sampled for frame→row.
const speedingEvery = Math.max(1, Math.round(1 / Number(args['speeding-share'])));
const sampleEvery = Math.max(1, Math.round(1 / Number(args['sample-share'])));
const vehicleOfPhone = new Map<string, string>();
const terminalsFile = join(runDir, 'terminals.tsv');
writeFileSync(
  terminalsFile,
  fleet
    .map((vehicle, i) => {
      vehicleOfPhone.set(vehicle.terminalPhone, vehicle.facts.vehicleId);
      const route = SIMULATED_ROUTES[vehicle.routeIndex % SIMULATED_ROUTES.length]!;
      const [a, b] = [route.vertices[0]!, route.vertices[1]!];
      const along = 0.2 + ((i * 7919) % 600) / 1000; // between the first two vertices
      const lat = a[0] + (b[0] - a[0]) * along;
      const lon = a[1] + (b[1] - a[1]) * along;
      const speeding = i % speedingEvery === 1 ? 1 : 0;
      const sampled = i % sampleEvery === 0 ? 1 : 0;
      return [
        vehicle.terminalPhone,
        Buffer.from(encodeGbk(vehicle.facts.plate)).toString('hex'),
        vehicle.facts.plateColour,
        speeding,
        sampled,
        lat.toFixed(6),
        lon.toFixed(6),
      ].join('\t');
    })
    .join('\n'),
);
const sampledVehicles = fleet.filter((_, i) => i % sampleEvery === 0).map((v) => v.facts.vehicleId);
const speedingVehicles = new Set(fleet.filter((_, i) => i % speedingEvery === 1).map((v) => v.facts.vehicleId));

// ------------------------------------------------------------------ the services
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

interface Service {
  name: string;
  child: ChildProcess;
  opsPort: number;
}
const services: Service[] = [];
const common = {
  ...process.env,
  KAFKA_BROKERS: env.kafkaBrokers,
  DATABASE_URL: env.databaseUrl,
  REDIS_URL: env.redisUrl,
  KAFKA_TOPIC_PREFIX: `${name}.`,
  KAFKA_TOPIC_PARTITIONS: args.partitions,
  DATABASE_SCHEMA: name,
  MIGRATE: 'false',
  REDIS_KEY_PREFIX: `${name}:`,
  OPS_HOST: '127.0.0.1',
  LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
};
const startService = async (service: string, extra: Record<string, string>): Promise<Service> => {
  const opsPort = await freePort();
  const log = openSync(join(runDir, `${service}.log`), 'a');
  const child = spawn(
    process.execPath,
    [
      ...(process.env['SERVICE_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
      '--import',
      join(here, 'exit-with-parent.mjs'),
      '--import',
      'tsx',
      `services/${service}/src/main.ts`,
    ],
    {
      cwd: root,
      env: { ...common, OPS_PORT: String(opsPort), ...extra },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const started: Service = { name: service, child, opsPort };
  services.push(started);
  return started;
};
const waitReady = async (service: Service): Promise<void> => {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null)
      throw new Error(`${service.name} exited (${service.child.exitCode}); see ${relative(root, runDir)}/${service.name}.log`);
    const ready = await fetch(`http://127.0.0.1:${service.opsPort}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await sleep(500);
  }
  throw new Error(`${service.name} not ready in 180 s; see ${relative(root, runDir)}/${service.name}.log`);
};

const detectorGroup = `${name}-detector`;
const archiverGroup = `${name}-archiver`;
const gatewayPort = await freePort();
const apiPort = await freePort();
say('starting gateway-jt808, detector, archiver and api');
const started = [
  await startService('gateway-jt808', {
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_INSTANCE_ID: name,
    VEHICLE_REGISTRY_SOURCE: 'database',
    IDLE_TIMEOUT_MS: '600000',
  }),
  await startService('detector', {
    DETECTOR_GROUP_ID: detectorGroup,
    VEHICLE_REGISTRY_SOURCE: 'database',
    SPEED_ZONES_SOURCE: 'database',
    ROADS_GEOJSON_FILE: 'libs/rules/data/sample-roads.geojson',
  }),
  await startService('archiver', { ARCHIVER_GROUP_ID: archiverGroup }),
  await startService('api', { API_HOST: '127.0.0.1', API_PORT: String(apiPort), JWT_SECRET: `chain-${name}-${Math.random().toString(36).slice(2)}Zq7` }),
];

// ------------------------------------------------------------------ cleanup (always)
const generators: Array<{ child: ChildProcess; send(line: string): void }> = [];
let alerts: Awaited<ReturnType<typeof bus.subscribe>> | undefined;
let cleanedUp = false;
const cleanUp = async (): Promise<void> => {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const generator of generators) generator.child.kill('SIGTERM');
  await alerts?.close().catch(() => undefined);
  for (const service of services) service.child.kill('SIGTERM');
  await Promise.all(
    services.map(async (service) => {
      for (let i = 0; i < 60 && service.child.exitCode === null && service.child.signalCode === null; i++) await sleep(250);
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    }),
  );
  if (args.keep) {
    say(`kept topics ${name}.*, schema ${name} and Redis keys ${name}:*`);
  } else {
    const redis = new Redis(env.redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    const kafkaAdmin = new Kafka({ brokers: env.kafkaBrokers.split(','), clientId: `${name}-cleanup`, logLevel: logLevel.NOTHING }).admin();
    await kafkaAdmin.connect();
    const topics = (await kafkaAdmin.listTopics()).filter((topic) => topic.startsWith(`${name}.`));
    if (topics.length > 0) await kafkaAdmin.deleteTopics({ topics });
    await kafkaAdmin.disconnect();
    await dropStorageSchema(pool, name).catch((error) => say(`could not drop schema ${name}: ${String(error)}`));
  }
  await bus.close();
  await pool.end();
};
// A signal handler cannot wait: a clean-up that fails is said, and the process ends with the signal's code all the same.
const cleanUpAndExit = (code: number): void =>
  void cleanUp()
    .catch((error: unknown) => say(`clean-up failed: ${String(error)}`))
    .finally(() => process.exit(code));
process.once('SIGINT', () => cleanUpAndExit(130));
process.once('SIGTERM', () => cleanUpAndExit(143));

// ------------------------------------------------------------------ measuring
interface GeneratorStats {
  reports: number;
  sent: number;
  acked: number;
  skipped: number;
  nacked: number;
}
interface GeneratorResult {
  counters: string;
  acks: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const kafkaPid = readAllProcesses().find((p) => p.command === 'java' && cmdlineOf(p.pid).includes('kafka.Kafka'))?.pid;

/** CPU time per process of each component; RSS summed. Deltas are taken per process, so one that starts or ends meanwhile does not skew the others. */
interface Snapshot {
  atMs: number;
  machine: { busyUs: number; totalUs: number };
  components: Map<string, { cpuUsByPid: Map<number, number>; rssBytes: number }>;
}
const componentProcesses = (all: readonly ProcSample[], postgresPids: readonly number[]): Map<string, ProcSample[]> => {
  const byName = new Map<string, ProcSample[]>();
  for (const service of started) byName.set(service.name, treeOf(all, [service.child.pid!]));
  byName.set('kafka (whole broker)', kafkaPid ? treeOf(all, [kafkaPid]) : []);
  byName.set(
    'postgresql (our backends)',
    all.filter((p) => postgresPids.includes(p.pid)),
  );
  byName.set(
    'redis (whole server)',
    all.filter((p) => p.command === 'redis-server'),
  );
  byName.set(
    'generator (apart)',
    treeOf(
      all,
      generators.map((g) => g.child.pid!),
    ),
  );
  byName.set(
    'postgresql (all processes)',
    all.filter((p) => p.command === 'postgres'),
  );
  return byName;
};
const snapshot = (postgresPids: readonly number[]): Snapshot => {
  const components = new Map<string, { cpuUsByPid: Map<number, number>; rssBytes: number }>();
  for (const [component, processes] of componentProcesses(readAllProcesses(), postgresPids))
    components.set(component, {
      cpuUsByPid: new Map(processes.map((p) => [p.pid, p.cpuUs])),
      rssBytes: processes.reduce((sum, p) => sum + p.rssBytes, 0),
    });
  return { atMs: Date.now(), machine: readMachineCpu(), components };
};
/** CPU-µs each process of a component used between two snapshots (a process new since the first counts from zero). */
const cpuDeltas = (start: Snapshot, end: Snapshot, component: string): Map<number, number> => {
  const before = start.components.get(component)?.cpuUsByPid ?? new Map<number, number>();
  return new Map([...(end.components.get(component)?.cpuUsByPid ?? [])].map(([pid, us]) => [pid, us - (before.get(pid) ?? 0)]));
};

try {
  await Promise.all(started.map(waitReady));
  say(`services ready (logs in ${relative(root, runDir)}); connecting ${N} terminals from ${generatorCount} generator processes`);

  // Alerts as they reach Kafka: the first revision of each, when the bench saw it.
  const alertSeen = new Map<string, { vehicleId: string; raisedAtMs: number; seenAtMs: number; rule: string }>();
  alerts = await bus.subscribe({
    groupId: `${name}-bench-alerts`,
    topics: [TOPICS.alerts],
    fromBeginning: true,
    handleBatch: async (batch) => {
      const seenAtMs = Date.now();
      for (const message of batch.messages) {
        const alert = message.value as AlertV1;
        if (!alertSeen.has(alert.alertId))
          alertSeen.set(alert.alertId, { vehicleId: alert.vehicleId, raisedAtMs: alert.raisedAtMs, seenAtMs, rule: alert.rule });
      }
    },
  });

  // Device times run in real time's pace, backS behind now, and at least a second apart per
  // terminal: at more than one position per terminal and second they run ahead, never past now.
  const totalS = rates.length * (warmupS + windowS + graceS) + 60;
  const backS = Math.max(5, Math.ceil((Math.max(...rates) * totalS) / N) - totalS + 5);
  if (backS > 540) say(`warning: positions dated up to ${backS} s back count as received late after 600 s; shorten the run or add terminals`);

  const countersOf = (text: string): GeneratorStats => {
    const [reports, sent, acked, skipped, nacked] = text.split(' ').map(Number) as [number, number, number, number, number];
    return { reports, sent, acked, skipped, nacked };
  };
  const pendingResults: Array<(result: GeneratorResult) => void> = [];
  const pendingMarks: Array<(counters: GeneratorStats) => void> = [];
  const pendingSamples: Array<(samples: Array<[number, number, number]>) => void> = [];
  const readyCounts: Array<[number, number]> = [];
  for (let index = 0; index < generatorCount; index++) {
    const child = spawn(
      join(binDir, 'generator'),
      [
        `-port=${gatewayPort}`,
        `-terminals=${terminalsFile}`,
        `-index=${index}`,
        `-workers=${generatorCount}`,
        `-sources=${args.sources}`,
        `-source-base=${2 + index * Number(args.sources)}`,
        `-batch-every=${args['batch-every']}`,
        `-batch-size=${args['batch-size']}`,
        `-back-s=${backS}`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    generators.push({ child, send: (line) => child.stdin!.write(`${line}\n`) });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [kind, ...rest] = line.split(' ');
      if (kind === 'READY') readyCounts.push([Number(rest[0]), Number(rest[1])]);
      else if (kind === 'MARKED') pendingMarks.shift()?.(countersOf(rest.join(' ')));
      else if (kind === 'SAMPLES') pendingSamples.shift()?.((JSON.parse(rest.join(' ')) as Array<[number, number, number]> | null) ?? []);
      else if (kind === 'RESULT') pendingResults.shift()?.(JSON.parse(rest.join(' ')) as GeneratorResult);
    });
  }
  const readyDeadline = Date.now() + 15 * 60_000;
  while (readyCounts.length < generatorCount) {
    if (Date.now() > readyDeadline) throw new Error('terminals not connected within 15 minutes');
    if (generators.some((g) => g.child.exitCode !== null)) throw new Error('a generator exited while connecting');
    await sleep(500);
  }
  const authenticated = readyCounts.reduce((sum, [ok]) => sum + ok, 0);
  const refused = readyCounts.reduce((sum, [, failed]) => sum + failed, 0);
  say(`${authenticated} terminals registered and authenticated, ${refused} failed`);
  if (authenticated === 0) throw new Error('no terminal got through registration');

  const sum = (all: GeneratorStats[]): GeneratorStats =>
    all.reduce((sum, s) => ({
      reports: sum.reports + s.reports,
      sent: sum.sent + s.sent,
      acked: sum.acked + s.acked,
      skipped: sum.skipped + s.skipped,
      nacked: sum.nacked + s.nacked,
    }));
  // One generator at a time, so that each answer is matched to its own request.
  const results = async (): Promise<GeneratorResult[]> => {
    const out: GeneratorResult[] = [];
    for (const g of generators) out.push(await new Promise<GeneratorResult>((resolve) => (pendingResults.push(resolve), g.send('REPORT'))));
    return out;
  };
  const samplesOf = async (): Promise<Array<[number, number, number]>> => {
    const out: Array<[number, number, number]> = [];
    for (const g of generators)
      out.push(...(await new Promise<Array<[number, number, number]>>((resolve) => (pendingSamples.push(resolve), g.send('SAMPLES')))));
    return out;
  };
  const mark = async (): Promise<GeneratorStats> => {
    const out: GeneratorStats[] = [];
    for (const g of generators) out.push(await new Promise<GeneratorStats>((resolve) => (pendingMarks.push(resolve), g.send('MARK'))));
    return sum(out);
  };
  // Ends and committed offsets are read one after the other: a commit in between can make it look negative.
  const lagOf = async (): Promise<{ detector: number; archiver: number }> => ({
    detector: Math.max(0, await bus.lagOf(detectorGroup, TOPICS.positions)),
    archiver: Math.max(0, await bus.lagOf(archiverGroup, TOPICS.positions)),
  });
  const positions = new PositionRepository(pool);

  interface StepFigures {
    rate: number;
    offeredPerS: number;
    sentPerS: number;
    ackedPerS: number;
    storedPerS: number;
    skippedReports: number;
    nacked: number;
    lagStart: { detector: number; archiver: number };
    lagEnd: { detector: number; archiver: number };
    ack: { p50: number; p99: number };
    row: { p50: number; p99: number; found: number; samples: number };
    alert: { p50: number; p99: number; count: number };
    cpuUsPerPosition: Map<string, number>;
    coresUsed: Map<string, number>;
    rssMiB: Map<string, number>;
    gatewayProcesses: number[];
    /** Cores busy on the whole machine over the window (every process, ours or not), of how many. */
    machineBusyCores: number;
    saturated: string | undefined;
    loadAvg: number;
  }
  const figures: StepFigures[] = [];

  for (const [stepIndex, rate] of rates.entries()) {
    // The first step warms up for at least 30 s: a speeding episode needs 30 s of device time before its alert.
    const stepWarmupS = stepIndex === 0 ? Math.max(30, warmupS) : warmupS;
    say(`step ${rate} positions/s: ${stepWarmupS} s warm-up, ${windowS} s window, ${graceS} s grace`);
    // Each generator offers its share; the share of batches is in the generator's positions per report.
    generators.forEach((g) => g.send(`RATE ${Math.round(rate / generatorCount)}`));
    await sleep(stepWarmupS * 1000);
    const postgresPids = postgresBackendsOf(started.map((s) => treeOf(readAllProcesses(), [s.child.pid!]).map((p) => p.pid)).flat(), readAllProcesses());
    const rowsStart = await positions.count();
    const lagStart = await lagOf();
    const markMs = Date.now();
    const genStart = await mark();
    const start = snapshot(postgresPids);
    // Sampled vehicles' latest stored device time, polled: a sample's row is in once its
    // vehicle's latest stored report is at least as new (one partition, in order).
    const rowSeen = new Map<string, Array<[number, number]>>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const seenAtMs = Date.now();
        for (const latest of await positions.latest(sampledVehicles).catch(() => [])) {
          const seen = rowSeen.get(latest.vehicleId) ?? [];
          if ((seen.at(-1)?.[0] ?? -1) < latest.deviceTimeMs) seen.push([latest.deviceTimeMs, seenAtMs]);
          rowSeen.set(latest.vehicleId, seen);
        }
        await sleep(250);
      }
    })();
    await sleep(windowS * 1000);
    const end = snapshot(postgresPids);
    const windowResults = await results();
    const genEnd = sum(windowResults.map((r) => countersOf(r.counters)));
    const load = loadavg()[0] ?? NaN;
    const lagEnd = await lagOf();
    const rowsEnd = await positions.count();
    await sleep(graceS * 1000); // late rows and alerts of the window's samples
    polling = false;
    await poller;
    // Samples of the window and the grace: an alert raised by a report of the grace counts too.
    const samples = await samplesOf();

    const seconds = (end.atMs - start.atMs) / 1000;
    const acked = genEnd.acked - genStart.acked;
    const cpuUsPerPosition = new Map<string, number>();
    const coresUsed = new Map<string, number>();
    const rssMiB = new Map<string, number>();
    for (const [component, after] of end.components) {
      const cpuUs = [...cpuDeltas(start, end, component).values()].reduce((sum, us) => sum + us, 0);
      cpuUsPerPosition.set(component, acked > 0 ? cpuUs / acked : NaN);
      coresUsed.set(component, cpuUs / 1e6 / seconds);
      rssMiB.set(component, after.rssBytes / 2 ** 20);
    }
    const gatewayProcesses = [...cpuDeltas(start, end, 'gateway-jt808').values()].map((us) => (acked > 0 ? us / acked : NaN));

    const sentAt = new Map(samples.map(([phone, deviceS, sentMs]) => [`${String(phone).padStart(12, '0')}@${deviceS}`, sentMs]));
    const rowLatencies: number[] = [];
    let rowSamples = 0;
    for (const [phone, deviceS, sentMs] of samples) {
      const vehicleId = vehicleOfPhone.get(String(phone).padStart(12, '0'));
      const seen = vehicleId ? rowSeen.get(vehicleId) : undefined;
      // Rows: the window's reports only; the grace is their time to land.
      if (!vehicleId || !sampledVehicles.includes(vehicleId) || sentMs > end.atMs) continue;
      rowSamples++;
      const first = seen?.find(([deviceMs]) => deviceMs >= deviceS * 1000);
      if (first) rowLatencies.push(first[1] - sentMs);
    }
    const alertLatencies: number[] = [];
    for (const alert of alertSeen.values()) {
      if (alert.rule !== 'speeding' || !speedingVehicles.has(alert.vehicleId) || alert.seenAtMs < markMs) continue;
      const phone = fleet.find((v) => v.facts.vehicleId === alert.vehicleId)?.terminalPhone;
      const sent = phone ? sentAt.get(`${phone}@${Math.floor(alert.raisedAtMs / 1000)}`) : undefined;
      if (sent !== undefined) alertLatencies.push(alert.seenAtMs - sent);
    }
    const ackP99 = percentile(
      windowResults.map((r) => r.p99Ms),
      100,
    );
    const offeredPerS = rate;
    const sentPerS = (genEnd.sent - genStart.sent) / seconds;
    const ackedPerS = acked / seconds;
    // Saturated: the backlog grew by more than a second of input over the window (Kafka lag of
    // the detector or archiver, or reports the gateway has not acknowledged), or p99 frame→ack > 1 s.
    const grown = (which: 'detector' | 'archiver') => lagEnd[which] - lagStart[which] > rate;
    const saturated =
      ackP99 > 1000
        ? `p99 frame→ack ${ackP99.toFixed(0)} ms > 1 s`
        : grown('detector')
          ? `detector lag grew ${lagStart.detector} → ${lagEnd.detector}`
          : grown('archiver')
            ? `archiver lag grew ${lagStart.archiver} → ${lagEnd.archiver}`
            : genEnd.sent - genEnd.acked - (genStart.sent - genStart.acked) > rate
              ? `unacknowledged reports grew by ${genEnd.sent - genEnd.acked - (genStart.sent - genStart.acked)}`
              : sentPerS < rate * 0.95
                ? `the generator got only ${sentPerS.toFixed(0)}/s onto the sockets (the gateway not reading, or the generator short of CPU)`
                : undefined;
    const step: StepFigures = {
      rate,
      offeredPerS,
      sentPerS,
      ackedPerS,
      storedPerS: (rowsEnd - rowsStart) / seconds,
      skippedReports: genEnd.skipped - genStart.skipped,
      nacked: genEnd.nacked - genStart.nacked,
      lagStart,
      lagEnd,
      // The generators' p50s are merged as their median; p99 as the worst of them.
      ack: {
        p50: percentile(
          windowResults.map((r) => r.p50Ms),
          50,
        ),
        p99: ackP99,
      },
      row: { p50: percentile(rowLatencies, 50), p99: percentile(rowLatencies, 99), found: rowLatencies.length, samples: rowSamples },
      alert: { p50: percentile(alertLatencies, 50), p99: percentile(alertLatencies, 99), count: alertLatencies.length },
      cpuUsPerPosition,
      coresUsed,
      rssMiB,
      gatewayProcesses,
      machineBusyCores: (end.machine.busyUs - start.machine.busyUs) / 1e6 / seconds,
      saturated,
      loadAvg: load,
    };
    figures.push(step);
    printStep(step);
    const byRule = new Map<string, number>();
    for (const alert of alertSeen.values()) byRule.set(alert.rule, (byRule.get(alert.rule) ?? 0) + 1);
    say(`alerts seen so far: ${[...byRule].map(([rule, n]) => `${rule} ${n}`).join(', ') || 'none'}`);
    if (saturated && rates.length > 1 && !args['all-steps']) {
      say(`saturated at ${rate}/s: ${saturated}`);
      break;
    }
  }

  function printStep(step: StepFigures): void {
    const f = (n: number, digits = 0) =>
      Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—';
    console.log(
      `\n== ${f(step.rate)} positions/s offered: ${f(step.sentPerS)}/s sent, ${f(step.ackedPerS)}/s acknowledged, ${f(step.storedPerS)}/s stored; ` +
        `${step.skippedReports} reports skipped (socket full), ${step.nacked} positions refused; load ${f(step.loadAvg, 1)}`,
    );
    console.log(
      `   lag detector ${step.lagStart.detector} → ${step.lagEnd.detector}, archiver ${step.lagStart.archiver} → ${step.lagEnd.archiver}; ` +
        `frame→ack p50 ${f(step.ack.p50)} ms p99 ${f(step.ack.p99)} ms; frame→row p50 ${f(step.row.p50)} p99 ${f(step.row.p99)} ms (${step.row.found}/${step.row.samples} samples); ` +
        `frame→alert p50 ${f(step.alert.p50)} p99 ${f(step.alert.p99)} ms (${step.alert.count} alerts)`,
    );
    console.log(`   ${'component'.padEnd(28)} ${'CPU-µs/position'.padStart(16)} ${'cores'.padStart(7)} ${'RSS MiB'.padStart(9)}`);
    let chainUs = 0;
    for (const [component, us] of step.cpuUsPerPosition) {
      if (!component.includes('apart') && !component.includes('all processes')) chainUs += us;
      console.log(
        `   ${component.padEnd(28)} ${f(us, 1).padStart(16)} ${f(step.coresUsed.get(component) ?? NaN, 2).padStart(7)} ${f(step.rssMiB.get(component) ?? NaN).padStart(9)}`,
      );
    }
    console.log(`   ${'chain (without generator)'.padEnd(28)} ${f(chainUs, 1).padStart(16)}`);
    console.log(`   gateway processes: ${step.gatewayProcesses.map((us) => f(us, 1)).join(' + ')} CPU-µs/position`);
    console.log(`   machine: ${f(step.machineBusyCores, 2)} of ${cpus().length} cores busy (every process, ours or not)`);
    console.log(`   ${step.saturated ? `SATURATED: ${step.saturated}` : 'keeping up'}`);
  }

  // ------------------------------------------------------------------ the doc's section
  const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');
  const components = [...(figures[0]?.cpuUsPerPosition.keys() ?? [])];
  const chainOf = (step: StepFigures) =>
    [...step.cpuUsPerPosition].filter(([c]) => !c.includes('apart') && !c.includes('all processes')).reduce((sum, [, us]) => sum + us, 0);
  // One column per step, one row per figure: the table stays readable however many components.
  const row = (label: string, cell: (step: StepFigures) => string) => `| ${label} | ${figures.map(cell).join(' | ')} |`;
  const table = [
    `| positions/s offered | ${figures.map((s) => f(s.rate)).join(' | ')} |`,
    `|---|${'---:|'.repeat(figures.length)}`,
    row('sent / acknowledged / stored per s', (s) => `${f(s.sentPerS)} / ${f(s.ackedPerS)} / ${f(s.storedPerS)}`),
    ...components.map((c) => row(`${c}: CPU-µs per position (cores)`, (s) => `${f(s.cpuUsPerPosition.get(c) ?? NaN, 1)} (${f(s.coresUsed.get(c) ?? NaN, 2)})`)),
    row('gateway processes: CPU-µs per position each', (s) => s.gatewayProcesses.map((us) => f(us, 1)).join(' + ')),
    row('**chain: CPU-µs per position**', (s) => `**${f(chainOf(s), 1)}**`),
    row('frame→ack p50 / p99 ms', (s) => `${f(s.ack.p50)} / ${f(s.ack.p99)}`),
    row('frame→row p50 / p99 ms (samples found)', (s) => `${f(s.row.p50)} / ${f(s.row.p99)} (${s.row.found}/${s.row.samples})`),
    row('frame→alert p50 / p99 ms (alerts)', (s) => `${f(s.alert.p50)} / ${f(s.alert.p99)} (${s.alert.count})`),
    row(
      'Kafka lag detector / archiver, start → end',
      (s) => `${f(s.lagStart.detector)} → ${f(s.lagEnd.detector)} / ${f(s.lagStart.archiver)} → ${f(s.lagEnd.archiver)}`,
    ),
    row('RSS MiB gateway / detector / archiver / api', (s) =>
      ['gateway-jt808', 'detector', 'archiver', 'api'].map((c) => f(s.rssMiB.get(c) ?? NaN)).join(' / '),
    ),
    row('machine: cores busy (all processes) / load average (1 min)', (s) => `${f(s.machineBusyCores, 2)} of ${cpus().length} / ${f(s.loadAvg, 1)}`),
    row('verdict', (s) => s.saturated ?? 'keeps up'),
  ];
  const markdown = [
    `${N.toLocaleString('en-US')} terminals (${authenticated.toLocaleString('en-US')} authenticated) from ${generatorCount} generator processes; ${warmupS} s warm-up (the first step ${Math.max(30, warmupS)} s), ${windowS} s window, ${graceS} s grace per step.`,
    '',
    ...table,
  ].join('\n');
  const keptUp = figures.filter((s) => !s.saturated).at(-1);
  const firstSaturated = figures.find((s) => s.saturated);
  say(
    `highest step keeping up: ${keptUp ? `${f(keptUp.rate)}/s` : 'none'}; ${firstSaturated ? `saturated at ${f(firstSaturated.rate)}/s (${firstSaturated.saturated})` : 'no step saturated'}`,
  );
  recordFigures('chain', markdown, { argv: process.argv });
  say(`done: ${commandLine()}`);
} finally {
  await cleanUp();
}
