/**
 * Fan-out benchmark for services/api's socket.io `/live` feed (prints figures; not a test).
 *
 *   npx tsx loadtests/socket-fanout.bench.ts [--vehicles 10000] [--steps 10,25,50,100] [--seconds 8] [--tick 1000]
 *
 * One API instance (in-process bus, real PostgreSQL for its users table, no Redis
 * adapter) in this process; 10,000 moving vehicles, one report per vehicle per tick,
 * published on the bus. N socket.io clients (viewport = whole map, so every client gets
 * every vehicle every tick) run in a child process, so client JSON parsing does not
 * share this event loop. Latency = client receive time − the server tick that built the
 * batch. Loopback only. Note: on a 2-core machine the client process competes with the
 * server for CPU, so figures are a floor for a real deployment.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { LIVE_EVENTS, LIVE_NAMESPACE, TOPICS, type PositionsBatch, type PositionV1 } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, migrate } from '@roadwatch/storage';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { startApi } from '@roadwatch/api';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

// ─── client process ───
if (process.argv.includes('--clients')) {
  const [url, token, n, seconds] = [arg('url', ''), arg('token', ''), Number(arg('n', '1')), Number(arg('seconds', '8'))];
  const latencies: number[] = [];
  let events = 0;
  let positions = 0;
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i += 1) {
    const socket = io(`${url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await new Promise((resolve) => socket.emit(LIVE_EVENTS.subscribe, { viewport: { west: -180, south: -90, east: 180, north: 90 }, alerts: false }, resolve));
    socket.on(LIVE_EVENTS.positions, (batch: PositionsBatch) => {
      latencies.push(Date.now() - batch.tickMs);
      events += 1;
      positions += batch.positions.length;
    });
    sockets.push(socket);
  }
  process.send?.({ ready: true });
  await new Promise((r) => setTimeout(r, 2_000)); // skip the subscription snapshots and warm-up
  latencies.length = 0;
  events = 0;
  positions = 0;
  await new Promise((r) => setTimeout(r, seconds * 1_000));
  latencies.sort((a, b) => a - b);
  process.send?.({ events, positions, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN });
  for (const s of sockets) s.disconnect();
  process.exit(0);
}

// ─── server process ───
const vehicles = Number(arg('vehicles', '10000'));
const steps = arg('steps', '10,25,50,100').split(',').map(Number);
const seconds = Number(arg('seconds', '8'));
const tickMs = Number(arg('tick', '1000'));
const logger = createLogger('fanout-bench', 'warn');
const env = infraEnv();
const schema = uniqueName('bench_fanout').replace(/[^a-z0-9_]/g, '_');
const pool = createPool(env.databaseUrl, { schema, max: 2, application: 'fanout-bench' });
await migrate(pool);
const bus = new InProcessBus({ logger });
await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 4 }, { topic: TOPICS.alerts, partitions: 4 }]);
const api = await startApi({
  bus,
  pool,
  jwtSecret: 'bench-secret-0123456789',
  port: 0,
  logger,
  metrics: new ServiceMetrics('fanout-bench', { defaultMetrics: false }),
  tickMs,
  seedUsers: [{ username: 'bench', password: 'bench', role: 'admin' }],
});
const login = await fetch(`${api.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench' }) });
const { token } = (await login.json()) as { token: string };

// 10,000 vehicles moving around the Pearl River delta; one report each per tick.
const fleet = Array.from({ length: vehicles }, (_, i) => ({ id: `BENCH${String(i).padStart(6, '0')}`, lat: 22.5 + (i % 100) * 0.01, lon: 113.2 + Math.floor(i / 100) * 0.01 }));
let publishing = true;
const publisher = (async () => {
  while (publishing) {
    const started = Date.now();
    const messages = fleet.map((v) => {
      v.lat += 1e-4;
      const value: PositionV1 = {
        v: 1, vehicleId: v.id, terminalId: v.id, registered: false, deviceTimeMs: started, receivedAtMs: started, latitudeDeg: v.lat, longitudeDeg: v.lon,
        altitudeM: 0, speedKmh: 60, headingDeg: 0, alarmFlags: 0, statusFlags: 3, accOn: true, gnssFixed: true, source: 'realtime',
      };
      return { key: v.id, value };
    });
    for (let i = 0; i < messages.length; i += 1_000) await bus.publish(TOPICS.positions, messages.slice(i, i + 1_000));
    await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - started))));
  }
})();

console.log(`socket.io fan-out: ${vehicles} vehicles, one report each per ${tickMs} ms tick, viewport = whole map, ${seconds} s per step`);
console.log('clients | events/s (all clients) | positions/s delivered | tick→client p50 | p99 | max | server RSS MB');
for (const n of steps) {
  const child = fork(fileURLToPath(import.meta.url), ['--clients', '--url', api.url, '--token', token, '--n', String(n), '--seconds', String(seconds)], { stdio: 'inherit' });
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 250);
  const result = await new Promise<{ events: number; positions: number; p50: number; p99: number; max: number }>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; events?: number }) => {
      if (!m.ready) resolve(m as { events: number; positions: number; p50: number; p99: number; max: number });
    });
    child.on('error', reject);
  });
  clearInterval(sampler);
  await new Promise((r) => child.once('exit', r));
  console.log(
    `${String(n).padStart(7)} | ${(result.events / seconds).toFixed(1).padStart(21)} | ${Math.round(result.positions / seconds).toString().padStart(21)} | ${String(result.p50).padStart(12)} ms | ${String(result.p99).padStart(5)} ms | ${String(result.max).padStart(5)} ms | ${(rssMax / 2 ** 20).toFixed(0)}`,
  );
  if (result.p99 > tickMs) {
    console.log(`p99 above one tick at ${n} clients: stopping`);
    break;
  }
}
publishing = false;
await publisher;
await api.close();
await bus.close();
const partman = await pool.query<{ nspname: string }>(`SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_partman'`);
if (partman.rows[0]) await pool.query(`DELETE FROM "${partman.rows[0].nspname}".part_config WHERE parent_table LIKE $1`, [`${schema}.%`]);
await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await pool.end();
