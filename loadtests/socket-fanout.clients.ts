/**
 * Child process of loadtests/socket-fanout.bench.ts: holds many `/live` map clients and
 * reports what they received. Not run directly; the bench forks it and drives it over IPC.
 *
 * `light` clients speak engine.io v4 / socket.io v4 over a bare WebSocket and read only a
 * batch's `tickMs` and its position count from the raw frame (no JSON.parse), so that on
 * a 2-core machine the server, not the clients, runs out of CPU first. `full` clients are
 * socket.io-client, as a map page would run it (JSON.parse of every batch).
 */
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { LIVE_EVENTS, LIVE_NAMESPACE, type Bbox, type LiveSubscribe, type PositionsBatch } from '@roadwatch/contracts';

export type ClientKind = 'light' | 'full';

/** parent → child */
export type ClientCommand =
  | { cmd: 'add'; viewports: Bbox[] }
  /** Start a window: count batches built by server ticks from `fromMs` on. */
  | { cmd: 'reset'; fromMs: number }
  /** End it: report the batches built by ticks before `toMs` (later ones may still be on their way). */
  | { cmd: 'report'; toMs: number }
  | { cmd: 'close' };

/** child → parent */
export type ClientReply =
  | { reply: 'added'; clients: number }
  | { reply: 'failed'; error: string }
  | { reply: 'reset' }
  | { reply: 'report'; report: ClientReport };

export interface ClientReport {
  clients: number;
  /** Clients whose connection closed after they subscribed. */
  dropped: number;
  /** Every server tick (`tickMs`) any client here received a batch of. */
  ticks: number[];
  batches: number;
  positions: number;
  /** Fewest batches any one client received in the window. */
  minBatchesPerClient: number;
  /** Receive time − the server tick that built the batch, one entry per batch, ms. */
  latenciesMs: number[];
  /** This process's CPU time in the window, µs (user + system). */
  cpuMicros: number;
}

const arg = (name: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
};

// engine.io v4 packet types (first byte) and socket.io v4 packet types (second byte of a `4` message).
const EIO_OPEN = 0x30; // '0'
const EIO_PING = 0x32; // '2'
const EIO_MESSAGE = 0x34; // '4'
const SIO_CONNECT = 0x30; // '0'
const SIO_EVENT = 0x32; // '2'
const SIO_ACK = 0x33; // '3'
const SIO_CONNECT_ERROR = 0x34; // '4'

// What `emit('positions', { tickMs, positions })` puts on the wire: `42/live,["positions",{"tickMs":<n>,"positions":[…]}]`.
const POSITIONS_PREFIX = Buffer.from(`42${LIVE_NAMESPACE},["${LIVE_EVENTS.positions}",{"tickMs":`);
const VEHICLE_KEY = Buffer.from('"vehicleId"');

/**
 * Positions in a raw frame, by counting `"vehicleId"` keys (one per LivePosition; an id
 * that contained the key text would be escaped as `\"`). Whole-map clients in one process
 * receive byte-identical frames each tick, so the count is cached by tick and length and
 * the 1.6 MB scan happens once per process per tick, not once per client.
 */
const counted = new Map<string, number>();
const countPositions = (frame: Buffer, tickMs: number): number => {
  const key = `${tickMs}:${frame.length}`;
  let n = counted.get(key);
  if (n === undefined) {
    n = 0;
    for (let i = frame.indexOf(VEHICLE_KEY); i >= 0; i = frame.indexOf(VEHICLE_KEY, i + VEHICLE_KEY.length)) n += 1;
    if (counted.size > 10_000) counted.clear();
    counted.set(key, n);
  }
  return n;
};

const readTickMs = (frame: Buffer): number => {
  let tickMs = 0;
  for (let i = POSITIONS_PREFIX.length; i < frame.length; i += 1) {
    const c = frame[i] as number;
    if (c < 0x30 || c > 0x39) break;
    tickMs = tickMs * 10 + (c - 0x30);
  }
  return tickMs;
};

interface Counters {
  batches: number;
  closed: boolean;
}

type OnBatch = (client: Counters, tickMs: number, positions: number) => void;

/** One socket.io client over a bare WebSocket: open → connect `/live` with the token → subscribe → count `positions`. */
const connectLight = (url: string, token: string, subscribe: LiveSubscribe, onBatch: OnBatch, client: Counters): Promise<{ close(): void }> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    let subscribed = false;
    ws.on('error', reject);
    ws.on('close', () => {
      client.closed = true;
      if (!subscribed) reject(new Error('closed before subscribing'));
    });
    ws.on('message', (raw) => {
      const data = raw as Buffer; // text frames arrive as one Buffer (binaryType 'nodebuffer'): never decoded to a string
      const type = data[0];
      if (type === EIO_PING) {
        ws.send('3');
      } else if (type === EIO_OPEN) {
        ws.send(`40${LIVE_NAMESPACE},${JSON.stringify({ token })}`);
      } else if (type === EIO_MESSAGE) {
        const kind = data[1];
        if (kind === SIO_EVENT && data.subarray(0, POSITIONS_PREFIX.length).equals(POSITIONS_PREFIX)) {
          const tickMs = readTickMs(data);
          onBatch(client, tickMs, countPositions(data, tickMs));
        } else if (kind === SIO_CONNECT) {
          ws.send(`42${LIVE_NAMESPACE},1${JSON.stringify([LIVE_EVENTS.subscribe, subscribe])}`);
        } else if (kind === SIO_ACK) {
          const answer = data.toString('utf8');
          if (!answer.includes('"ok":true')) return reject(new Error(`subscribe refused: ${answer}`));
          subscribed = true;
          resolve({ close: () => ws.close() });
        } else if (kind === SIO_CONNECT_ERROR) {
          reject(new Error(`connect refused: ${data.toString('utf8')}`));
        }
      }
    });
  });

const connectFull = async (url: string, token: string, subscribe: LiveSubscribe, onBatch: OnBatch, client: Counters): Promise<{ close(): void }> => {
  const socket: Socket = io(`${url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on(LIVE_EVENTS.positions, (batch: PositionsBatch) => onBatch(client, batch.tickMs, batch.positions.length));
  socket.on('disconnect', () => (client.closed = true));
  await new Promise((resolve) => socket.emit(LIVE_EVENTS.subscribe, subscribe, resolve));
  return { close: () => socket.disconnect() };
};

if (process.send) {
  const send = (reply: ClientReply): boolean => process.send?.(reply) ?? false;
  const [url, token, kind] = [arg('url'), arg('token'), arg('client') as ClientKind];
  const connect = kind === 'full' ? connectFull : connectLight;
  const clients: Array<{ counters: Counters; close(): void }> = [];
  let fromMs = Infinity;
  // One entry per batch received since the window opened, whatever tick built it.
  let received: Array<{ counters: Counters; tickMs: number; latencyMs: number; positions: number }> = [];
  let cpuFrom = process.cpuUsage();
  const onBatch: OnBatch = (counters, tickMs, positions) => {
    if (tickMs >= fromMs) received.push({ counters, tickMs, latencyMs: Date.now() - tickMs, positions });
  };
  process.on('message', (command: ClientCommand) => {
    void (async () => {
      if (command.cmd === 'add') {
        // A few at a time: each subscription costs the server a snapshot of every vehicle in view.
        for (let i = 0; i < command.viewports.length; i += 25) {
          const opened = await Promise.all(
            command.viewports.slice(i, i + 25).map(async (viewport) => {
              const counters: Counters = { batches: 0, closed: false };
              return { counters, ...(await connect(url, token, { viewport, alerts: false }, onBatch, counters)) };
            }),
          );
          clients.push(...opened);
        }
        send({ reply: 'added', clients: clients.length });
      } else if (command.cmd === 'reset') {
        fromMs = command.fromMs;
        received = [];
        cpuFrom = process.cpuUsage();
        send({ reply: 'reset' });
      } else if (command.cmd === 'report') {
        const cpu = process.cpuUsage(cpuFrom);
        const inWindow = received.filter((r) => r.tickMs < command.toMs);
        for (const c of clients) c.counters.batches = 0;
        for (const r of inWindow) r.counters.batches += 1;
        send({
          reply: 'report',
          report: {
            clients: clients.length,
            dropped: clients.filter((c) => c.counters.closed).length,
            ticks: [...new Set(inWindow.map((r) => r.tickMs))],
            batches: inWindow.length,
            positions: inWindow.reduce((s, r) => s + r.positions, 0),
            minBatchesPerClient: clients.reduce((min, c) => Math.min(min, c.counters.batches), Infinity),
            latenciesMs: inWindow.map((r) => r.latencyMs),
            cpuMicros: cpu.user + cpu.system,
          },
        });
        fromMs = Infinity;
        received = [];
      } else {
        for (const c of clients) c.close();
        setTimeout(() => process.exit(0), 200).unref();
      }
    })().catch((error: Error) => send({ reply: 'failed', error: error.message }));
  });
}
