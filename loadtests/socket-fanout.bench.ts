/**
 * How many map clients one API instance serves on its socket.io `/live` feed (prints
 * figures; not a test).
 *
 *   npx tsx loadtests/socket-fanout.bench.ts [--profile both|whole|city] [--client light|full]
 *     [--steps 50,100,200,400,600,800,1200,1600] [--vehicles 10000] [--tick 1000] [--seconds 5]
 *     [--warmup 1] [--procs 2] [--feed direct|bus]
 *
 * One API instance (services/api `startApi`, real PostgreSQL for its users table, no
 * Redis adapter) runs in this process. 10,000 vehicles on a 0.01° grid over the Pearl
 * River delta (22.5–23.5°N, 113.2–114.2°E) each report once per tick. Map clients run in
 * `--procs` child processes (loadtests/socket-fanout.clients.ts) and are added step by
 * step; the search stops at the first step where the server misses the tick:
 *
 * - p99 of (client receive time − the server tick that built the batch) above one tick, or
 * - fewer batches delivered than clients × server ticks in the window (a client skipped
 *   or is still behind), or the server ran fewer ticks than the window holds, or a client
 *   was dropped.
 *
 * Profiles: `whole` — every client subscribes to the whole map (every client gets every
 * vehicle every tick; all share one filter room, so the batch is built and encoded once);
 * `city` — every client has its own 0.5°×0.5° viewport centred at random over the fleet
 * (one filter room per client, each with its own batch of ~1,900 vehicles).
 *
 * `light` clients (default) read only `tickMs` and the position count from the raw
 * frame, so the server runs out of CPU before they do; `full` clients are
 * socket.io-client with a JSON.parse per batch, as a browser would do it. Either way the
 * clients share the machine's cores with the server: the client CPU column says how much.
 *
 * `--feed direct` (default) hands each tick's positions straight to the gateway, as the
 * API's consumer would after decoding them: the in-process bus keeps every record it
 * was ever given (~0.5 GB/min at this rate), which would swamp the server RSS column.
 * `--feed bus` goes through it (and its encode/decode) anyway. Loopback only.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TOPICS, type Bbox, type PositionV1 } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { infraEnv, aPosition, seededRandom, uniqueName } from '@roadwatch/testing';
import { startApi } from '@roadwatch/api';
import type { ClientCommand, ClientKind, ClientReply, ClientReport } from './socket-fanout.clients';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('socket-fanout');

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const vehicles = Number(arg('vehicles', '10000'));
const steps = arg('steps', '50,100,200,400,600,800,1200,1600').split(',').map(Number);
const seconds = Number(arg('seconds', '5'));
const warmupMs = Number(arg('warmup', '1')) * 1_000;
const tickMs = Number(arg('tick', '1000'));
const procs = Math.max(1, Number(arg('procs', '2')));
const clientKind = arg('client', 'light') as ClientKind;
const feed = arg('feed', 'direct');
const profiles = (arg('profile', 'both') === 'both' ? ['whole', 'city'] : [arg('profile', 'both')]) as Array<'whole' | 'city'>;

const cores = availableParallelism();
const logger = createLogger('fanout-bench', 'warn');
const env = infraEnv();
const schema = uniqueName('bench_fanout').replace(/[^a-z0-9_]/g, '_');
const pool = createPool(env.databaseUrl, { schema, max: 2, application: 'fanout-bench' });
await migrate(pool);
const bus = new InProcessBus({ logger });
await bus.ensureTopics([
  { topic: TOPICS.positions, partitions: 4 },
  { topic: TOPICS.alerts, partitions: 4 },
]);
const metrics = new ServiceMetrics('fanout-bench', { defaultMetrics: false });
const api = await startApi({
  bus,
  pool,
  jwtSecret: 'bench-secret-0123456789',
  port: 0,
  logger,
  metrics,
  tickMs,
  seedUsers: [{ username: 'bench', password: 'bench', role: 'admin' }],
});
const login = await fetch(`${api.url}/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'bench', password: 'bench' }),
});
const { token } = (await login.json()) as { token: string };

// ─── the fleet: one report per vehicle per tick, half a tick out of phase with the gateway's timer ───
const AREA = { south: 22.5, west: 113.2, size: 1 };
const fleet = Array.from({ length: vehicles }, (_, i) => ({
  id: `BENCH${String(i).padStart(6, '0')}`,
  lat: AREA.south + (i % 100) * 0.01,
  lon: AREA.west + Math.floor(i / 100) * 0.01,
}));
const report = (): void => {
  const now = Date.now();
  const positions: PositionV1[] = fleet.map((v) => {
    v.lat += 1e-5; // ~1 m per tick: the fleet stays in its area for the whole run
    return aPosition({ vehicleId: v.id, deviceTimeMs: now, terminalId: v.id, receivedAtMs: now, latitudeDeg: v.lat, longitudeDeg: v.lon });
  });
  if (feed === 'bus') {
    // The tick does not wait for the in-process bus; a refused publish would spoil the figures, so it ends the run.
    for (let i = 0; i < positions.length; i += 1_000)
      void bus
        .publish(
          TOPICS.positions,
          positions.slice(i, i + 1_000).map((value) => ({ key: value.vehicleId, value })),
        )
        .catch((error: unknown) => {
          console.error('publishing positions failed', error);
          process.exit(1);
        });
  } else {
    api.live.onPositions(positions);
  }
};
// The gateway's tick timer started inside startApi just now; reporting half a tick later
// gives each tick exactly one report of every vehicle.
await sleep(tickMs / 2);
const reporter = setInterval(report, tickMs);

// ─── server-side readings ───
/** Busy and total jiffies of the whole machine (Linux /proc/stat): what every process and the kernel's softirqs (loopback TCP) used. */
const machine = (): { busy: number; total: number } => {
  const [, ...fields] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { busy, total: busy + (idle ?? 0) + (iowait ?? 0) };
};

/** A histogram's running sum and count (the gateway's tick build time). */
const histogram = async (name: string): Promise<{ sum: number; count: number }> => {
  const metric = metrics.registry.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  const total = (suffix: string): number =>
    values.filter((v) => (v as { metricName?: string }).metricName === `${name}${suffix}`).reduce((s, v) => s + v.value, 0);
  return { sum: total('_sum'), count: total('_count') };
};

// ─── client processes ───
const children: ChildProcess[] = [];
const request = (child: ChildProcess, command: ClientCommand): Promise<ClientReply> =>
  new Promise((resolve, reject) => {
    const onMessage = (reply: ClientReply): void => {
      child.off('exit', onExit);
      if (reply.reply === 'failed') reject(new Error(`client process: ${reply.error}`));
      else resolve(reply);
    };
    const onExit = (code: number | null): void => {
      child.off('message', onMessage);
      reject(new Error(`client process exited (${code})`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
    child.send(command);
  });
const startChildren = (): void => {
  for (let i = 0; i < procs; i += 1) {
    children.push(
      fork(fileURLToPath(new URL('./socket-fanout.clients.ts', import.meta.url)), ['--url', api.url, '--token', token, '--client', clientKind], {
        stdio: 'inherit',
        serialization: 'advanced',
      }),
    );
  }
};
const stopChildren = async (): Promise<void> => {
  await Promise.all(children.map((c) => request(c, { cmd: 'close' }).catch(() => undefined)));
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  children.length = 0;
};

const WHOLE_MAP: Bbox = { west: -180, south: -90, east: 180, north: 90 };
const random = seededRandom(808);
const cityViewport = (): Bbox => {
  const lat = AREA.south + random() * AREA.size;
  const lon = AREA.west + random() * AREA.size;
  return { west: lon - 0.25, south: lat - 0.25, east: lon + 0.25, north: lat + 0.25 };
};

interface Row {
  clients: number;
  batchesPerS: number;
  positionsPerS: number;
  mbitPerS: number;
  p50: number;
  p99: number;
  max: number;
  serverCpu: number;
  clientCpu: number;
  machineCpu: number;
  load1: number;
  rssMb: number;
  buildMs: number;
  ticks: number;
  ticksSeen: number;
  failure?: string;
}

const fmt = (r: Row): string =>
  [
    String(r.clients).padStart(7),
    r.batchesPerS.toFixed(0).padStart(9),
    Math.round(r.positionsPerS).toLocaleString('en').padStart(11),
    (Number.isNaN(r.mbitPerS) ? '-' : r.mbitPerS.toFixed(0)).padStart(6),
    `${r.p50}`.padStart(6),
    `${r.p99}`.padStart(6),
    `${r.max}`.padStart(6),
    `${r.serverCpu.toFixed(0)}%`.padStart(10),
    `${r.clientCpu.toFixed(0)}%`.padStart(10),
    `${r.machineCpu.toFixed(0)}%`.padStart(11),
    r.load1.toFixed(1).padStart(5),
    r.rssMb.toFixed(0).padStart(6),
    `${r.buildMs.toFixed(1)} (${r.ticks}/${r.ticksSeen})`.padStart(15),
    r.failure ? `  FAIL: ${r.failure}` : '',
  ].join(' |');

/** Measures one window with whatever clients are connected now. */
const measure = async (clients: number): Promise<Row> => {
  const fromMs = Date.now();
  await Promise.all(children.map((c) => request(c, { cmd: 'reset', fromMs })));
  const cpuFrom = process.cpuUsage();
  const machineFrom = machine();
  const wallFrom = performance.now();
  const tickFrom = await histogram('roadwatch_live_tick_seconds');
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 250);
  await sleep(seconds * 1_000);
  const toMs = Date.now();
  const cpu = process.cpuUsage(cpuFrom);
  const machineTo = machine();
  const load1 = loadavg()[0] ?? NaN;
  const wallMs = performance.now() - wallFrom;
  const tickTo = await histogram('roadwatch_live_tick_seconds');
  clearInterval(sampler);
  // Batches of the window's last tick are still on their way: give them one more tick.
  await sleep(tickMs);
  const reports = (await Promise.all(children.map((c) => request(c, { cmd: 'report', toMs })))).map((r) => (r as { report: ClientReport }).report);
  const latencies = reports.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const batches = reports.reduce((s, r) => s + r.batches, 0);
  const ticks = tickTo.count - tickFrom.count;
  // Every viewport holds vehicles, so every client should get a batch of every tick that anyone got one of.
  const ticksSeen = new Set(reports.flatMap((r) => r.ticks)).size;
  const row: Row = {
    clients,
    // Per second of the window actually measured: a busy event loop wakes the sleep late.
    batchesPerS: batches / ((toMs - fromMs) / 1_000),
    positionsPerS: reports.reduce((s, r) => s + r.positions, 0) / ((toMs - fromMs) / 1_000),
    mbitPerS: (reports.reduce((s, r) => s + r.bytes, 0) * 8) / 1e3 / (toMs - fromMs),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    serverCpu: ((cpu.user + cpu.system) / 1_000 / wallMs) * 100,
    clientCpu: reports.reduce((s, r) => s + (r.cpuMicros / 1_000 / r.wallMs) * 100, 0),
    machineCpu: ((machineTo.busy - machineFrom.busy) / (machineTo.total - machineFrom.total)) * 100 * cores,
    load1,
    rssMb: rssMax / 2 ** 20,
    buildMs: ticks > 0 ? ((tickTo.sum - tickFrom.sum) / ticks) * 1_000 : NaN,
    ticks,
    ticksSeen,
  };
  const dropped = reports.reduce((s, r) => s + r.dropped, 0);
  const failures: string[] = [];
  if (clients > 0) {
    if (!(row.p99 <= tickMs)) failures.push(`p99 ${row.p99} ms > ${tickMs} ms tick`);
    if (ticksSeen < Math.floor((toMs - fromMs) / tickMs) - 1)
      failures.push(`batches of only ${ticksSeen} ticks in ${((toMs - fromMs) / 1_000).toFixed(1)} s arrived in time`);
    const fewest = Math.min(...reports.map((r) => r.minBatchesPerClient));
    if (batches < clients * ticksSeen)
      failures.push(`${batches} of ${clients * ticksSeen} batches arrived within a tick of the window (one client got ${fewest})`);
    if (dropped > 0) failures.push(`${dropped} clients dropped`);
  }
  if (failures.length > 0) row.failure = failures.join('; ');
  return row;
};

console.log(
  `socket.io fan-out: ${vehicles.toLocaleString('en')} vehicles, one report each per ${tickMs} ms tick (feed: ${feed}); ${clientKind} clients in ${procs} process(es); ${seconds} s per step`,
);
const HEADER =
  'clients | batches/s | positions/s | Mbit/s | p50 ms | p99 ms | max ms | server CPU | client CPU | machine CPU | load1 | RSS MB | build ms/tick (ticks run/seen)';
const verdicts: string[] = [];
console.log('\nbaseline: no clients (the feed alone: building and ingesting 10,000 positions per tick)');
console.log(HEADER);
console.log(fmt(await measure(0)));
for (const profile of profiles) {
  const what = profile === 'whole' ? 'whole-map clients' : 'city-viewport clients (0.5°×0.5° each)';
  console.log(`\nprofile ${profile}: ${what}`);
  console.log(HEADER);
  startChildren();
  let connected = 0;
  let passed = 0;
  let failedAt: Row | undefined;
  for (const n of steps) {
    const viewports = Array.from({ length: n - connected }, () => (profile === 'whole' ? WHOLE_MAP : cityViewport()));
    try {
      await Promise.all(children.map((c, i) => request(c, { cmd: 'add', viewports: viewports.filter((_, k) => k % children.length === i) })));
    } catch (error) {
      console.log(`${String(n).padStart(7)} | could not connect: ${(error as Error).message}`);
      failedAt = { clients: n } as Row;
      break;
    }
    connected = n;
    await sleep(warmupMs);
    const row = await measure(n);
    console.log(fmt(row));
    if (row.failure) {
      failedAt = row;
      break;
    }
    passed = n;
  }
  await stopChildren();
  // Clients and server share the cores: when the failing step had them all busy, the clients' share is what the server lacked.
  const clientBound =
    failedAt?.failure && failedAt.machineCpu >= 90 * cores
      ? ` — at ${failedAt.clients} every core was busy (the clients alone ${failedAt.clientCpu.toFixed(0)}% of a core), so this is a floor for the server`
      : '';
  const serves = passed === 0 ? `fewer than ${steps[0]}` : failedAt ? `${passed} (fails at ${failedAt.clients})` : `at least ${passed} (the last step)`;
  verdicts.push(
    `one API instance serves ${serves} ${what} at ${vehicles.toLocaleString('en')} vehicles/${tickMs / 1_000} s tick (p99 ≤ ${tickMs / 1_000} s)${clientBound}`,
  );
}
console.log('');
for (const v of verdicts) console.log(v);
console.log(
  `(CPU columns in % of one core: server = this process, client = the client processes, machine = every process and the kernel on all ${cores} cores, other work included; clients and server share those cores)`,
);

clearInterval(reporter);
await api.close();
await bus.close();
await dropStorageSchema(pool, schema);
await pool.end();
