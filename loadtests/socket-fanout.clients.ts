/**
 * Child process of loadtests/socket-fanout.bench.ts: holds many `/live` map clients and
 * reports what they received. Not run directly; the bench forks it and drives it over IPC.
 *
 * `light` clients speak WebSocket, engine.io v4 and socket.io v4 themselves on a bare TCP
 * connection and read only a batch's `tickMs` and its position count from the raw frame
 * (no JSON.parse, and no copy of a payload whose count is already known), so that on a
 * 2-core machine the server, not the clients, runs out of CPU first. `full` clients are
 * socket.io-client, as a map page would run it (JSON.parse of every batch).
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { io, type Socket } from 'socket.io-client';
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
  { reply: 'added'; clients: number } | { reply: 'failed'; error: string } | { reply: 'reset' } | { reply: 'report'; report: ClientReport };

export interface ClientReport {
  clients: number;
  /** Clients whose connection closed after they subscribed. */
  dropped: number;
  /** Every server tick (`tickMs`) any client here received a batch of. */
  ticks: number[];
  batches: number;
  positions: number;
  /** WebSocket payload bytes of those batches (NaN for `full` clients). */
  bytes: number;
  /** Fewest batches any one client received in the window. */
  minBatchesPerClient: number;
  /** Receive time − the server tick that built the batch, one entry per batch, ms. */
  latenciesMs: number[];
  /** This process's CPU time from reset to report, µs (user + system), and that time. */
  cpuMicros: number;
  wallMs: number;
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
 * Positions in a batch, by counting `"vehicleId"` keys (one per LivePosition; an id that
 * contained the key text would be escaped as `\"`). Clients of one filter room receive
 * byte-identical frames each tick, so counts are cached by tick and payload length: the
 * scan happens once per process per tick for whole-map clients, and the other clients
 * skip the payload without keeping it.
 */
const counted = new Map<string, number>();
/** Keys some client here is reading whole to count; the others skip those payloads too. */
const counting = new Set<string>();
const countKey = (tickMs: number, size: number): string => `${tickMs}:${size}`;
const countPositions = (payload: Buffer): number => {
  let n = 0;
  for (let i = payload.indexOf(VEHICLE_KEY); i >= 0; i = payload.indexOf(VEHICLE_KEY, i + VEHICLE_KEY.length)) n += 1;
  return n;
};

/** `tickMs` of a `positions` message, from its head; undefined for any other message. */
const positionsTick = (head: Buffer): number | undefined => {
  if (head.length <= POSITIONS_PREFIX.length || !head.subarray(0, POSITIONS_PREFIX.length).equals(POSITIONS_PREFIX)) return undefined;
  let tickMs = 0;
  for (let i = POSITIONS_PREFIX.length; i < head.length; i += 1) {
    const c = head[i] as number;
    if (c < 0x30 || c > 0x39) break;
    tickMs = tickMs * 10 + (c - 0x30);
  }
  return tickMs;
};

interface Counters {
  batches: number;
  closed: boolean;
}

/** `positions` is read at report time: the client counting a frame may finish it after others that skipped it. */
type OnBatch = (client: Counters, tickMs: number, positions: () => number, bytes: number) => void;

/** Bytes of a message's start that say what it is (`4` + `42/live,["positions",{"tickMs":` + 13 digits fits). */
const HEAD = 64;

/**
 * Reads the server's WebSocket frames straight off the TCP stream. Server frames are
 * unmasked, and engine.io sends each packet as one final text frame. A message is kept
 * whole only when `keep(head, size)` asks for it; otherwise its bytes are counted and
 * dropped as they arrive — the point of these clients is to cost little CPU.
 */
class FrameReader {
  private rest: Buffer | undefined;
  private left = 0;
  private size = 0;
  private parts: Buffer[] = [];
  private taken = 0;
  private head: Buffer | undefined;
  private keeping = true;

  constructor(
    private readonly keep: (head: Buffer, size: number) => boolean,
    private readonly onMessage: (head: Buffer, size: number, payload: Buffer | undefined) => void,
    private readonly onClose: () => void,
  ) {}

  push(chunk: Buffer): void {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let at = 0;
    while (at < data.length) {
      if (this.left === 0) {
        const header = this.header(data, at);
        if (!header) break;
        if (header.opcode === 0x8) return this.onClose();
        if (header.opcode !== 0x1 || !header.fin) throw new Error(`unexpected WebSocket frame: opcode ${header.opcode}, fin ${header.fin}`);
        at += header.length;
        this.left = header.size;
        this.size = header.size;
        this.parts = [];
        this.taken = 0;
        this.head = undefined;
        this.keeping = true;
        if (header.size === 0) continue;
      }
      const piece = data.subarray(at, at + Math.min(this.left, data.length - at));
      at += piece.length;
      this.left -= piece.length;
      if (this.keeping) {
        this.parts.push(piece);
        this.taken += piece.length;
      }
      if (!this.head && (this.taken >= HEAD || this.left === 0)) {
        this.head = Buffer.concat(this.parts).subarray(0, HEAD);
        this.keeping = this.keep(this.head, this.size);
        if (!this.keeping) this.parts = [];
      }
      if (this.left === 0 && this.head) this.onMessage(this.head, this.size, this.keeping ? Buffer.concat(this.parts, this.size) : undefined);
    }
    if (at < data.length) this.rest = data.subarray(at);
  }

  private header(data: Buffer, at: number): { fin: boolean; opcode: number; size: number; length: number } | undefined {
    if (data.length - at < 2) return undefined;
    const [b0, b1] = [data[at] as number, data[at + 1] as number];
    const base = { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f };
    const short = b1 & 0x7f;
    if (short < 126) return { ...base, size: short, length: 2 };
    if (short === 126) return data.length - at < 4 ? undefined : { ...base, size: data.readUInt16BE(at + 2), length: 4 };
    return data.length - at < 10 ? undefined : { ...base, size: Number(data.readBigUInt64BE(at + 2)), length: 10 };
  }
}

/** A client's text frame: masked, as RFC 6455 requires, with an all-zero key (XOR leaves the payload as it is). */
const textFrame = (text: string): Buffer => {
  const payload = Buffer.from(text);
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.from([0x81]), length, Buffer.alloc(4), payload]);
};

/**
 * One socket.io client on a bare TCP connection: WebSocket upgrade → engine.io open →
 * connect `/live` with the token → subscribe (ack) → count `positions`, answer pings.
 */
const connectLight = (url: string, token: string, subscribe: LiveSubscribe, onBatch: OnBatch, client: Counters): Promise<{ close(): void }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    const send = (text: string): boolean => socket.write(textFrame(text));
    let subscribed = false;
    let handshake: Buffer | undefined = Buffer.alloc(0);
    const reader = new FrameReader(
      (head, size) => {
        const tickMs = positionsTick(head);
        if (tickMs === undefined) return true;
        const key = countKey(tickMs, size);
        if (counted.has(key) || counting.has(key)) return false;
        counting.add(key);
        return true;
      },
      (head, size, payload) => {
        const type = head[0];
        if (type === EIO_PING) {
          send('3');
        } else if (type === EIO_OPEN) {
          send(`40${LIVE_NAMESPACE},${JSON.stringify({ token })}`);
        } else if (type === EIO_MESSAGE) {
          const kind = head[1];
          const tickMs = kind === SIO_EVENT ? positionsTick(head) : undefined;
          if (tickMs !== undefined) {
            const key = countKey(tickMs, size);
            if (payload) {
              if (counted.size > 10_000) counted.clear();
              counted.set(key, countPositions(payload));
              counting.delete(key);
            }
            onBatch(client, tickMs, () => counted.get(key) ?? 0, size);
          } else if (kind === SIO_CONNECT) {
            send(`42${LIVE_NAMESPACE},1${JSON.stringify([LIVE_EVENTS.subscribe, subscribe])}`);
          } else if (kind === SIO_ACK) {
            const answer = payload?.toString('utf8') ?? '';
            if (!answer.includes('"ok":true')) return reject(new Error(`subscribe refused: ${answer}`));
            subscribed = true;
            resolve({ close: () => socket.destroy() });
          } else if (kind === SIO_CONNECT_ERROR) {
            reject(new Error(`connect refused: ${payload?.toString('utf8')}`));
          }
        }
      },
      () => socket.destroy(),
    );
    socket.on('error', reject);
    socket.on('close', () => {
      client.closed = true;
      if (!subscribed) reject(new Error('closed before subscribing'));
    });
    socket.on('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(
        `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      if (!handshake) return reader.push(chunk);
      handshake = Buffer.concat([handshake, chunk]);
      const end = handshake.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = handshake.subarray(0, handshake.indexOf('\r\n')).toString('latin1');
      if (!/^HTTP\/1\.1 101/.test(status)) return reject(new Error(`WebSocket upgrade refused: ${status}`));
      const after = handshake.subarray(end + 4);
      handshake = undefined;
      if (after.length > 0) reader.push(after);
    });
  });

const connectFull = async (url: string, token: string, subscribe: LiveSubscribe, onBatch: OnBatch, client: Counters): Promise<{ close(): void }> => {
  const socket: Socket = io(`${url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on(LIVE_EVENTS.positions, (batch: PositionsBatch) => {
    const n = batch.positions.length;
    onBatch(client, batch.tickMs, () => n, NaN); // socket.io-client does not tell the frame's size
  });
  socket.on('disconnect', () => (client.closed = true));
  await new Promise((resolve) => socket.emit(LIVE_EVENTS.subscribe, subscribe, resolve));
  return { close: () => socket.disconnect() };
};

if (process.send) {
  const send = (reply: ClientReply): boolean => process.send?.(reply) ?? false;
  const [url, token, kind] = [arg('url'), arg('token'), arg('client') as ClientKind];
  const open = kind === 'full' ? connectFull : connectLight;
  const clients: Array<{ counters: Counters; close(): void }> = [];
  let fromMs = Infinity;
  // One entry per batch received since the window opened, whatever tick built it.
  let received: Array<{ counters: Counters; tickMs: number; latencyMs: number; positions: () => number; bytes: number }> = [];
  let cpuFrom = process.cpuUsage();
  let wallFrom = performance.now();
  const onBatch: OnBatch = (counters, tickMs, positions, bytes) => {
    if (tickMs >= fromMs) received.push({ counters, tickMs, latencyMs: Date.now() - tickMs, positions, bytes });
  };
  process.on('message', (command: ClientCommand) => {
    void (async () => {
      if (command.cmd === 'add') {
        // A few at a time: each subscription costs the server a snapshot of every vehicle in view.
        for (let i = 0; i < command.viewports.length; i += 25) {
          const opened = await Promise.all(
            command.viewports.slice(i, i + 25).map(async (viewport) => {
              const counters: Counters = { batches: 0, closed: false };
              return { counters, ...(await open(url, token, { viewport, alerts: false }, onBatch, counters)) };
            }),
          );
          clients.push(...opened);
        }
        send({ reply: 'added', clients: clients.length });
      } else if (command.cmd === 'reset') {
        fromMs = command.fromMs;
        received = [];
        cpuFrom = process.cpuUsage();
        wallFrom = performance.now();
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
            positions: inWindow.reduce((s, r) => s + r.positions(), 0),
            bytes: inWindow.reduce((s, r) => s + r.bytes, 0),
            minBatchesPerClient: clients.reduce((min, c) => Math.min(min, c.counters.batches), Infinity),
            latenciesMs: inWindow.map((r) => r.latencyMs),
            cpuMicros: cpu.user + cpu.system,
            wallMs: performance.now() - wallFrom,
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
