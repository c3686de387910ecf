/**
 * JT/T 808 terminal-fleet load generator (a benchmark, not a test).
 *
 *   bash loadtests/terminal-fleet.sh                       # starts the gateway, runs, prints figures
 *   npx tsx loadtests/terminal-fleet.ts --port 7808 --pid <gateway pid> --connections 10000 --interval-ms 500
 *
 * Opens N TCP connections from several loopback source addresses (127.0.0.2…, past the
 * ~28k ephemeral ports of one address), registers and authenticates each terminal, then
 * reports positions at the chosen interval (every `--batch-every`-th report is a 0x0704
 * of `--batch-size` items). Prints positions/s acknowledged by 0x8001 (the gateway only
 * answers after Kafka acknowledged), p50/p99 frame-to-ack latency and the gateway's RSS
 * per connection (from /proc/<pid>/status), and CPU-µs per position answered (utime + stime from
 * /proc/<pid>/stat of the gateway and its workers). `--idle` only connects and heartbeats.
 * The terminals are spread over `--workers` child processes.
 *
 * Registration under load (issue #10 item 11): `--reporting-first 2000` registers 2,000
 * terminals first and lets them report for `--settle-s` seconds before the others connect;
 * the figures then say how many of the late ones completed register + authenticate within
 * `--register-window-s` and how long it took them (p50/p99/max from their connect).
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createSimulatedFleet, locationReport, TestTerminal } from '@roadwatch/testing';
import { recordOutput } from './perf-doc';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7808' },
    pid: { type: 'string' },
    connections: { type: 'string', default: '10000' },
    'interval-ms': { type: 'string', default: '500' },
    'batch-every': { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '5' },
    'duration-s': { type: 'string', default: '30' },
    'warmup-s': { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    sources: { type: 'string', default: '8' },
    idle: { type: 'boolean', default: false },
    'worker-index': { type: 'string' },
    record: { type: 'boolean', default: false },
    'connect-concurrency': { type: 'string', default: '500' },
    'reporting-first': { type: 'string', default: '0' },
    'settle-s': { type: 'string', default: '10' },
    'register-window-s': { type: 'string', default: '0' },
  },
});

const N = Number(args.connections);
const WORKERS = Number(args.workers);
const intervalMs = Number(args['interval-ms']);
const batchEvery = Number(args['batch-every']);
const batchSize = Number(args['batch-size']);
const reportingFirst = Number(args['reporting-first']);
/** 0 = wait for every terminal (each failure costs the 60 s answer timeout, twice). */
const registerWindowS = Number(args['register-window-s']);

interface Progress {
  type: 'progress';
  connected: number;
  failed: number;
  ackedPositions: number;
  /** Positions answered 0x8001 result 1 at once: the gateway shed them (the terminal keeps them for 0x0704). */
  shedPositions: number;
  sentPositions: number;
  /** Frame-to-answer latency of a sample of answered frames, success or shed. */
  latencies: number[];
  /** Register + authenticate durations (ms from connect) of terminals that connected after the first group. */
  registrationsMs: number[];
  lateConnected: number;
}

// ---------------------------------------------------------------- worker
const runWorker = async (index: number): Promise<void> => {
  const fleet = createSimulatedFleet(N);
  const mine = fleet.filter((_, i) => i % WORKERS === index);
  const sources = Number(args.sources);
  let connected = 0;
  let failed = 0;
  let ackedPositions = 0;
  let shedPositions = 0;
  let sentPositions = 0;
  let latencies: number[] = [];
  let registrationsMs: number[] = [];
  let lateConnected = 0;
  const terminals: TestTerminal[] = [];
  const report = () =>
    process.send!({
      type: 'progress',
      connected,
      failed,
      ackedPositions,
      shedPositions,
      sentPositions,
      latencies,
      registrationsMs,
      lateConnected,
    } satisfies Progress);
  setInterval(() => {
    report();
    latencies = [];
    registrationsMs = [];
  }, 1000).unref();

  const connectOne = async (i: number, late: boolean): Promise<void> => {
    const vehicle = mine[i]!;
    const startedMs = performance.now();
    try {
      const terminal = await TestTerminal.connect({
        host: args.host!,
        port: Number(args.port),
        phone: vehicle.terminalPhone,
        localAddress: `127.0.0.${2 + ((i * WORKERS + index) % sources)}`,
        answerTimeoutMs: 60_000,
      });
      await terminal.registerAndAuthenticate(vehicle.facts.plate, vehicle.facts.plateColour);
      if (late) {
        lateConnected++;
        registrationsMs.push(performance.now() - startedMs);
      }
      // Frame-to-ack bookkeeping: serial → (sent at, positions in the frame).
      const pending = new Map<number, { at: number; count: number }>();
      terminal.onMessage((message) => {
        if (message.messageId !== 0x8001) return;
        const sent = pending.get(message.body.answerSerial);
        if (!sent) return;
        pending.delete(message.body.answerSerial);
        if (Math.random() < 0.05) latencies.push(performance.now() - sent.at);
        if (message.body.result === 0) ackedPositions += sent.count;
        else shedPositions += sent.count;
      });
      terminals.push(terminal);
      connected++;
      if (args.idle) {
        setInterval(() => terminal.send(0x0002, {}), 60_000 + Math.random() * 10_000).unref();
        return;
      }
      let seq = 0;
      const send = () => {
        if (terminal.isClosed) return;
        seq++;
        const base = { latitudeDeg: 39.9 + (seq % 100) / 1000, longitudeDeg: 116.4, speedKmh: 60, deviceTimeMs: Date.now() };
        let serial: number;
        let count = 1;
        if (seq % batchEvery === 0) {
          count = batchSize;
          serial = terminal.send(0x0704, {
            batchType: 0,
            blindAreaBackfill: false,
            locations: Array.from({ length: batchSize }, (_, k) => locationReport({ ...base, deviceTimeMs: base.deviceTimeMs - k * 1000 })),
          });
        } else serial = terminal.send(0x0200, locationReport(base));
        sentPositions += count;
        pending.set(serial, { at: performance.now(), count });
        if (pending.size > 1000) pending.clear();
      };
      setTimeout(() => setInterval(send, intervalMs), Math.random() * intervalMs);
    } catch (error) {
      if (failed++ < 3) console.error(`terminal ${vehicle.terminalPhone}: ${(error as Error).message}`);
    }
  };

  const concurrency = Number(args['connect-concurrency']);
  const connectRange = async (from: number, to: number, late: boolean): Promise<void> => {
    let next = from;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < to) await connectOne(next++, late);
      }),
    );
  };
  // This worker's share of the first group (terminal i belongs to worker i % WORKERS).
  const firstShare = fleet.slice(0, reportingFirst).filter((_, i) => i % WORKERS === index).length;
  await connectRange(0, firstShare, false);
  if (firstShare > 0) await new Promise((resolve) => setTimeout(resolve, Number(args['settle-s']) * 1000));
  await connectRange(firstShare, mine.length, reportingFirst > 0);
  report();
  await new Promise(() => undefined);
};

// ---------------------------------------------------------------- parent
const rssKb = (pid: string): number => {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN; // the process exited (a worker restarted)
  }
};

/** The gateway's pid and its workers' (direct children), from /proc. */
const gatewayPids = (pid: string): string[] => {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces, so read after its ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === pid;
      } catch {
        return false;
      }
    });
  return [pid, ...children];
};

/** Sockets a process holds (its connections, for a gateway worker): RSS per connection per worker. */
const socketCount = (pid: string): number => {
  try {
    return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
      } catch {
        return false;
      }
    }).length;
  } catch {
    return 0;
  }
};

const CLOCK_TICKS_PER_S = 100;
/** utime + stime of one process in CPU-µs (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
const cpuMicros = (pid: string): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

const runParent = async (): Promise<void> => {
  const pid = args.pid;
  const baselinePerProcessKb = pid ? gatewayPids(pid).map((p) => ({ pid: p, kb: rssKb(p) })) : [];
  const baselineKb = baselinePerProcessKb.reduce((sum, p) => sum + (p.kb || 0), 0);
  console.log(`gateway pid ${pid ?? '?'}: RSS before connections ${(baselineKb / 1024).toFixed(1)} MiB`);
  const state = new Map<number, Progress>();
  const latencies: number[] = [];
  let measuring = false;
  const registrationsMs: number[] = [];
  const children = Array.from({ length: WORKERS }, (_, i) => {
    const child = fork(process.argv[1]!, [...process.argv.slice(2), '--worker-index', String(i)], { stdio: 'inherit' });
    child.on('message', (message: Progress) => {
      state.set(i, message);
      registrationsMs.push(...message.registrationsMs);
      if (measuring) latencies.push(...message.latencies);
    });
    return child;
  });
  const total = (key: 'connected' | 'failed' | 'ackedPositions' | 'shedPositions' | 'sentPositions' | 'lateConnected') =>
    [...state.values()].reduce((sum, p) => sum + p[key], 0);
  const started = Date.now();
  const windowEndsMs = registerWindowS > 0 ? started + registerWindowS * 1000 : Infinity;
  while (total('connected') + total('failed') < N && Date.now() < windowEndsMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    process.stdout.write(`\rconnected ${total('connected')} / ${N} (failed ${total('failed')}) after ${((Date.now() - started) / 1000).toFixed(0)} s   `);
  }
  console.log(
    `\n${total('connected')} of ${N} terminals registered and authenticated in ${((Date.now() - started) / 1000).toFixed(1)} s (${total('failed')} failed)`,
  );
  if (reportingFirst > 0) {
    registrationsMs.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        reportingFirst,
        lateTerminals: N - reportingFirst,
        lateRegisteredAndAuthenticated: total('lateConnected'),
        lateRegistrationMs: {
          p50: Math.round(percentile(registrationsMs, 50)),
          p99: Math.round(percentile(registrationsMs, 99)),
          max: Math.round(registrationsMs.at(-1) ?? NaN),
        },
      }),
    );
  }
  // The gateway and its workers: RSS summed, and each worker's own.
  const perProcessKb = pid ? gatewayPids(pid).map((p) => ({ pid: p, kb: rssKb(p), sockets: socketCount(p) })) : [];
  const connectedKb = perProcessKb.reduce((sum, p) => sum + (p.kb || 0), 0);
  await new Promise((resolve) => setTimeout(resolve, Number(args['warmup-s']) * 1000));
  measuring = true;
  const ackedAtStart = total('ackedPositions');
  const shedAtStart = total('shedPositions');
  const sentAtStart = total('sentPositions');
  const pidsAtStart = pid ? gatewayPids(pid) : [];
  const cpuAtStart = pidsAtStart.reduce((sum, p) => sum + cpuMicros(p), 0);
  const t0 = Date.now();
  const durationMs = Number(args['duration-s']) * 1000;
  let peakKb = 0;
  while (Date.now() - t0 < durationMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (pid)
      peakKb = Math.max(
        peakKb,
        gatewayPids(pid).reduce((sum, p) => sum + (rssKb(p) || 0), 0),
      );
  }
  const seconds = (Date.now() - t0) / 1000;
  // Only the processes alive over the whole window count: a worker restarted meanwhile would skew the sum.
  const pidsAtEnd = pid ? gatewayPids(pid) : [];
  const steady = pidsAtStart.filter((p) => pidsAtEnd.includes(p));
  const cpuUsedMicros = pidsAtEnd.reduce((sum, p) => sum + cpuMicros(p), 0) - cpuAtStart;
  const answeredPositions = total('ackedPositions') - ackedAtStart + (total('shedPositions') - shedAtStart);
  measuring = false;
  latencies.sort((a, b) => a - b);
  const perConnectionKb = (connectedKb - baselineKb) / total('connected');
  const figures = {
    connections: total('connected'),
    mode: args.idle ? 'idle (heartbeats only)' : `reports every ${intervalMs} ms, every ${batchEvery}th a 0x0704 of ${batchSize}`,
    offeredPositionsPerS: Math.round((total('sentPositions') - sentAtStart) / seconds),
    ackedPositionsPerS: Math.round((total('ackedPositions') - ackedAtStart) / seconds),
    shedPositionsPerS: Math.round((total('shedPositions') - shedAtStart) / seconds),
    gatewayProcesses: pidsAtEnd.length,
    gatewayCpuCores: +(cpuUsedMicros / 1e6 / seconds).toFixed(2),
    // CPU of the gateway (all its processes) per position answered, acked or shed; a process restarted in the window makes it unreliable.
    gatewayCpuMicrosPerPosition: answeredPositions > 0 ? +(cpuUsedMicros / answeredPositions).toFixed(1) : null,
    ...(steady.length !== pidsAtEnd.length ? { warning: 'a gateway process started or exited during the window' } : {}),
    frameToAckMs: { samples: latencies.length, p50: +percentile(latencies, 50).toFixed(1), p99: +percentile(latencies, 99).toFixed(1) },
    gatewayRssMiB: {
      beforeConnections: +(baselineKb / 1024).toFixed(1),
      allConnected: +(connectedKb / 1024).toFixed(1),
      peakUnderLoad: +(peakKb / 1024).toFixed(1),
    },
    gatewayRssPerConnectionKiB: +perConnectionKb.toFixed(2),
    gatewayRssPerProcessMiB: perProcessKb.map((p) => {
      const beforeKb = baselinePerProcessKb.find((b) => b.pid === p.pid)?.kb ?? NaN;
      return {
        pid: p.pid,
        sockets: p.sockets,
        beforeConnections: +(beforeKb / 1024).toFixed(1),
        allConnected: +(p.kb / 1024).toFixed(1),
        ...(p.sockets > 100 ? { rssPerSocketKiB: +((p.kb - beforeKb) / p.sockets).toFixed(2) } : {}),
      };
    }),
  };
  console.log(JSON.stringify(figures, null, 2));
  for (const child of children) child.kill();
  process.exit(0);
};

// `--record` (the parent only): what it prints becomes the terminal-fleet section of docs/performance.md.
if (args['worker-index'] === undefined) recordOutput('terminal-fleet');
if (args['worker-index'] !== undefined) await runWorker(Number(args['worker-index']));
else await runParent();
