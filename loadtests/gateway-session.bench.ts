// The gateway's own CPU per position, without Kafka and without the kernel: terminal sessions
// fed JT/T 808 frames in process (decode → session → positionV1 → batcher → 0x8001 built and
// written), the bus acknowledging every publish at once, the connections counting what they
// are written. What the chain bench's gateway figure holds apart from the Kafka producer and the
// sockets' system calls. Run: npx tsx loadtests/gateway-session.bench.ts [--terminals 2000] [--positions 300000] [--profile <file>]
// Prints figures; it asserts nothing and is not part of the test suite.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { encodeFrame, type LocationReport } from '@roadwatch/jt808';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { FrameAnomalies } from '../services/gateway-jt808/src/frame-anomalies';
import { GatewayMetrics } from '../services/gateway-jt808/src/metrics';
import { PositionBatcher } from '../services/gateway-jt808/src/position-batcher';
import { InMemoryTerminalRegistrations } from '../services/gateway-jt808/src/terminal-registrations';
import { DEFAULT_SESSION_LIMITS, TerminalSession, type SessionContext, type TerminalConnection } from '../services/gateway-jt808/src/terminal-session';
import { cpuMicros } from './cpu';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('gateway-session');

const { values: args } = parseArgs({
  options: {
    terminals: { type: 'string', default: '2000' },
    positions: { type: 'string', default: '300000' },
    'batch-every': { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '5' },
    profile: { type: 'string' },
    record: { type: 'boolean', default: false },
  },
});
const terminals = Number(args.terminals);
const targetPositions = Number(args.positions);
const batchEvery = Number(args['batch-every']);
const batchSize = Number(args['batch-size']);

const logger = createLogger('gateway-session-bench', 'warn');
const metrics = new GatewayMetrics(new ServiceMetrics('gateway-jt808', { defaultMetrics: false }));
const registrations = new InMemoryTerminalRegistrations();
let published = 0;
const batcher = new PositionBatcher({
  // Kafka stands apart: every publish is acknowledged at once.
  bus: { publish: async (_topic, messages) => void (published += messages.length) },
  lingerMs: 5,
  maxBatch: 2_000,
  maxAckWaitMs: 800,
});
const ctx: SessionContext = {
  registrations,
  vehicles: { byTerminal: async (terminalId) => ({ vehicleId: `V${terminalId}`, plate: '京A12345', plateColour: 2 }) as never },
  batcher,
  hub: { attach: () => {}, detach: () => {} },
  commands: { onTerminalResponse: () => {}, onLocationAnswer: () => {}, onSessionClosed: () => {} },
  metrics,
  logger,
  now: Date.now,
  limits: DEFAULT_SESSION_LIMITS,
  frames: new FrameAnomalies('lenient', metrics, registrations, logger),
  shedCause: () => null,
  publishDriverCard: async () => {},
  publishAreaAlarms: async () => {},
};

let written = 0;
const connection = (): TerminalConnection => ({
  remoteAddress: '127.0.0.2:40000',
  closed: false,
  write: () => {
    written += 1;
    return true;
  },
  close: () => {
    throw new Error('a bench connection was closed');
  },
});

const reportAt = (i: number, deviceTimeMs: number): LocationReport => ({
  alarmFlags: 0,
  alarms: {} as never,
  statusFlags: 0b11,
  status: {} as never,
  latitudeDeg: 39.9 + (i % 1000) * 1e-4,
  longitudeDeg: 116.4 + (i % 1000) * 1e-4,
  altitudeM: 52,
  speedKmh: 60 + (i % 40),
  directionDeg: 90,
  deviceTimeMs,
  items: [
    { type: 'mileage', id: 0x01, mileageKm: 12345.6 },
    { type: 'signal-strength', id: 0x30, signalStrength: 28 },
    { type: 'satellites', id: 0x31, satellites: 14 },
  ],
});

const phoneOf = (i: number): string => String(13_800_000_000 + i);
const sessions: TerminalSession[] = [];
for (let i = 0; i < terminals; i += 1) {
  const session = new TerminalSession(connection(), ctx);
  const phone = phoneOf(i);
  const authCode = await registrations.register({ terminalId: phone, plate: '京A12345', plateColour: 2 } as never);
  session.onData(encodeFrame({ messageId: 0x0102, terminalPhone: phone, serial: 0 }, { authCode, imei: null, softwareVersion: null }));
  sessions.push(session);
}
await new Promise((resolve) => setTimeout(resolve, 50));
if (!sessions.every((session) => session.authenticated)) throw new Error('not every bench terminal authenticated');

// Frames prepared ahead: the bench measures the gateway, not the encoder. Seconds apart per terminal.
const baseMs = Date.UTC(2026, 11, 6, 0, 0, 0);
const roundsNeeded = Math.ceil(targetPositions / (terminals * (1 + (batchSize - 1) / batchEvery)));
const frames: Uint8Array[][] = sessions.map((_, i) => {
  const phone = phoneOf(i);
  const out: Uint8Array[] = [];
  for (let round = 0; round < roundsNeeded; round += 1) {
    const deviceTimeMs = baseMs + round * 1000 * batchSize;
    out.push(
      (round + i) % batchEvery === batchEvery - 1
        ? encodeFrame(
            { messageId: 0x0704, terminalPhone: phone, serial: round + 1 },
            { batchType: 0, blindAreaBackfill: false, locations: Array.from({ length: batchSize }, (_, k) => reportAt(i + k, deviceTimeMs + k * 1000)) },
          )
        : encodeFrame({ messageId: 0x0200, terminalPhone: phone, serial: round + 1 }, reportAt(i, deviceTimeMs)),
    );
  }
  return out;
});

const run = async (fromRound: number, toRound: number): Promise<void> => {
  for (let round = fromRound; round < toRound; round += 1) {
    for (let i = 0; i < terminals; i += 1) {
      sessions[i]!.onData(frames[i]![round]!);
      // Let the batcher publish and the acks go out now and then, as the event loop would.
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await batcher.flush();
  await new Promise((resolve) => setImmediate(resolve));
};

const warmupRounds = Math.min(3, roundsNeeded - 1);
await run(0, warmupRounds);

let profiler: Session | null = null;
if (args.profile) {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const publishedBefore = published;
const writtenBefore = written;
const cpuBefore = process.cpuUsage();
const wallStart = performance.now();
await run(warmupRounds, roundsNeeded);
const cpuUs = cpuMicros(process.cpuUsage(cpuBefore));
const wallMs = performance.now() - wallStart;
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(args.profile!, JSON.stringify(profile));
}
const positions = published - publishedBefore;
const answers = written - writtenBefore;
const frameCount = (roundsNeeded - warmupRounds) * terminals;
if (answers !== frameCount) throw new Error(`expected ${frameCount} answers, got ${answers}`);
console.log(
  JSON.stringify(
    {
      terminals,
      frames: frameCount,
      positions,
      answers,
      cpuMicrosPerPosition: Number((cpuUs / positions).toFixed(2)),
      cpuMicrosPerFrame: Number((cpuUs / frameCount).toFixed(2)),
      positionsPerCpuSecond: Math.round(positions / (cpuUs / 1e6)),
      wallMs: Math.round(wallMs),
      rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    },
    null,
    2,
  ),
);
process.exit(0);
