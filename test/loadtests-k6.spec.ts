import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { apiRoutes, LIVE_EVENTS, LIVE_NAMESPACE } from '@roadwatch/contracts';
import { pathOf, ROUTES } from '../loadtests/k6/lib/routes';
import {
  connectPacket,
  createSocketIoClient,
  eventPacket,
  parseEnginePacket,
  parseSocketPacket,
  socketIoUrl,
  type SocketIoClient,
} from '../loadtests/k6/lib/socketio';

// Issue #13 item 4: the k6 load tests. k6 has no socket.io client, so the scripts speak
// engine.io v4 / socket.io v5 themselves (loadtests/k6/lib/socketio.ts); these specs hold that
// to socket.io's own parser and server, and the scripts to the API's routes.

const k6Dir = join(import.meta.dirname, '..', 'loadtests', 'k6');

/** What socket.io's own decoder makes of one engine.io `4` message the client sent. */
const decodedBySocketIo = (frame: string): Packet => {
  expect(frame.startsWith('4')).toBe(true);
  const decoder = new Decoder();
  let packet: Packet | undefined;
  decoder.on('decoded', (p: Packet) => (packet = p));
  decoder.add(frame.slice(1));
  if (!packet) throw new Error(`socket.io did not decode ${frame}`);
  return packet;
};

/** socket.io's own encoding of a server packet, as one engine.io `4` message. */
const encodedBySocketIo = (packet: Packet): string => {
  const [text, ...attachments] = new Encoder().encode(packet);
  expect(attachments).toHaveLength(0);
  return `4${String(text)}`;
};

describe('k6 socket.io framing against socket.io-parser', () => {
  it('writes CONNECT with auth and EVENTs with and without an ack id as socket.io reads them', () => {
    expect(decodedBySocketIo(connectPacket('/live', { token: 'a.b.c' }))).toEqual({ type: PacketType.CONNECT, nsp: '/live', data: { token: 'a.b.c' } });
    expect(decodedBySocketIo(connectPacket('/'))).toEqual({ type: PacketType.CONNECT, nsp: '/' });
    const viewport = { west: 116, south: 39.5, east: 116.5, north: 40 };
    expect(decodedBySocketIo(eventPacket('/live', 'subscribe', [{ viewport }], 0))).toEqual({
      type: PacketType.EVENT,
      nsp: '/live',
      id: 0,
      data: ['subscribe', { viewport }],
    });
    expect(decodedBySocketIo(eventPacket('/live', 'subscribe', [{ companyId: '公司-1' }], 1234))).toMatchObject({
      id: 1234,
      data: ['subscribe', { companyId: '公司-1' }],
    });
    expect(decodedBySocketIo(eventPacket('/', 'unsubscribe'))).toEqual({ type: PacketType.EVENT, nsp: '/', data: ['unsubscribe'] });
    expect(() => eventPacket('/live', 'subscribe', [], -1)).toThrow(/ack id/);
    expect(() => eventPacket('/live', 'subscribe', [], 1.5)).toThrow(/ack id/);
  });

  it("reads what socket.io's encoder writes: connect, events with non-ASCII, acks with ids, errors, disconnect", () => {
    const batch = {
      tickMs: 1_765_000_000_000,
      positions: [{ vehicleId: '京A10000_2', plate: '京A10000', latitudeDeg: 39.9, longitudeDeg: 116.4, speedKmh: 0 }],
    };
    const cases: Packet[] = [
      { type: PacketType.CONNECT, nsp: '/live', data: { sid: 'abc' } },
      { type: PacketType.EVENT, nsp: '/live', data: [LIVE_EVENTS.positions, batch] },
      { type: PacketType.EVENT, nsp: '/', data: ['hello', 1, null, 'two'] },
      { type: PacketType.ACK, nsp: '/live', id: 12, data: [{ ok: true }] },
      { type: PacketType.CONNECT_ERROR, nsp: '/live', data: { message: 'unauthenticated' } },
      { type: PacketType.DISCONNECT, nsp: '/live' },
    ];
    for (const packet of cases) {
      const engine = parseEnginePacket(encodedBySocketIo(packet));
      expect(engine.type).toBe('4');
      expect(parseSocketPacket(engine.data)).toEqual(packet);
    }
  });

  it('reads the \\u escapes the live feed writes non-ASCII as (live-parser asciiJson) like raw UTF-8', () => {
    const escaped = parseSocketPacket('2/live,["positions",{"positions":[{"plate":"\\u4eacA10000"}]}]');
    const raw = parseSocketPacket('2/live,["positions",{"positions":[{"plate":"京A10000"}]}]');
    expect(escaped).toEqual(raw);
    expect(escaped.data).toEqual(['positions', { positions: [{ plate: '京A10000' }] }]);
  });

  it('refuses odd frames with an error that says what was wrong', () => {
    expect(() => parseEnginePacket(new ArrayBuffer(4))).toThrow(/binary frame/);
    expect(() => parseEnginePacket(Buffer.from('40'))).toThrow(/binary frame/);
    expect(() => parseEnginePacket('')).toThrow(/empty frame/);
    expect(() => parseEnginePacket('9')).toThrow(/unknown packet type "9"/);
    expect(() => parseEnginePacket('\u0000')).toThrow(/unknown packet type/);
    expect(() => parseSocketPacket('7/live,{}')).toThrow(/unknown packet type "7"/);
    expect(() => parseSocketPacket(' 0/live,')).toThrow(/unknown packet type " "/);
    expect(() => parseSocketPacket('')).toThrow(/unknown packet type/);
    expect(() => parseSocketPacket('51-/live,["positions",{"_placeholder":true,"num":0}]')).toThrow(/binary packets/);
    expect(() => parseSocketPacket('2/live,["positions",{"tickMs":')).toThrow(/not JSON/);
    expect(() => parseSocketPacket('2/live,["positions",\uD800]')).toThrow(/not JSON/);
  });

  it('parses a namespace without payload, an ack id without payload, and the root namespace', () => {
    expect(parseSocketPacket('0/live')).toEqual({ type: 0, nsp: '/live' });
    expect(parseSocketPacket('0/live,')).toEqual({ type: 0, nsp: '/live' });
    expect(parseSocketPacket('3/live,7')).toEqual({ type: 3, nsp: '/live', id: 7 });
    expect(parseSocketPacket('2["a"]')).toEqual({ type: 2, nsp: '/', data: ['a'] });
  });

  it('builds the WebSocket URL of the engine.io handshake from the API base URL', () => {
    expect(socketIoUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket');
    expect(socketIoUrl('https://roadwatch.example.cn/')).toBe('wss://roadwatch.example.cn/socket.io/?EIO=4&transport=websocket');
    expect(() => socketIoUrl('127.0.0.1:8080')).toThrow(/http\(s\) URL/);
    expect(() => socketIoUrl('ws://127.0.0.1:8080')).toThrow(/http\(s\) URL/);
  });
});

describe('k6 socket.io client state machine', () => {
  const driven = () => {
    const sent: string[] = [];
    const events: Array<[string, unknown[]]> = [];
    const refusals: unknown[] = [];
    const disconnects: string[] = [];
    const client = createSocketIoClient({
      send: (text) => sent.push(text),
      nsp: '/live',
      auth: { token: 't' },
      onEvent: (event, args) => events.push([event, args]),
      onConnectError: (error) => refusals.push(error),
      onDisconnect: (reason) => disconnects.push(reason),
    });
    return { client, sent, events, refusals, disconnects };
  };

  it('connects the namespace on the engine open packet and answers each ping with its pong', () => {
    const { client, sent } = driven();
    expect(() => client.emit('subscribe', [{}])).toThrow(/before the namespace \/live connected/);
    client.receive('0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    expect(sent).toEqual(['40/live,{"token":"t"}']);
    client.receive('2');
    client.receive('2probe');
    expect(sent.slice(1)).toEqual(['3', '3probe']);
    client.receive('40/live,{"sid":"y"}');
    expect(client.connected).toBe(true);
  });

  it('hands acks answered out of order to the emit that asked, ignores unknown ack ids and other namespaces', () => {
    const { client, sent, events } = driven();
    client.receive('0{}');
    client.receive('40/live,{"sid":"y"}');
    const answers: Array<[string, unknown[]]> = [];
    client.emit('subscribe', [{ companyId: 'a' }], (args) => answers.push(['a', args]));
    client.emit('subscribe', [{ companyId: 'b' }], (args) => answers.push(['b', args]));
    expect(sent.slice(-2)).toEqual(['42/live,0["subscribe",{"companyId":"a"}]', '42/live,1["subscribe",{"companyId":"b"}]']);
    client.receive('43/live,1[{"ok":false,"error":"companyId: company b not found"}]');
    client.receive('43/live,99[{"ok":true}]');
    client.receive('42/other,["positions",{"positions":[]}]');
    client.receive('43/live,0[{"ok":true}]');
    client.receive('43/live,0[{"ok":true}]');
    expect(answers).toEqual([
      ['b', [{ ok: false, error: 'companyId: company b not found' }]],
      ['a', [{ ok: true }]],
    ]);
    expect(events).toEqual([]);
  });

  it('reports a refused handshake, a server disconnect and a transport close', () => {
    const { client, refusals, disconnects } = driven();
    client.receive('0{}');
    client.receive('44/live,{"message":"unauthenticated"}');
    expect(refusals).toEqual([{ message: 'unauthenticated' }]);
    expect(client.connected).toBe(false);
    client.receive('40/live,{"sid":"y"}');
    client.receive('41/live,');
    expect(client.connected).toBe(false);
    client.receive('1');
    expect(disconnects).toEqual(['io server disconnect', 'transport close']);
  });
});

describe('k6 socket.io client against a real socket.io server', () => {
  let http: HttpServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http = undefined;
  });

  /** A `/live`-like namespace: token auth, a subscribe with ack, then a positions event. */
  const startServer = async (pingIntervalMs: number): Promise<string> => {
    http = createServer();
    const io = new Server(http, { pingInterval: pingIntervalMs, pingTimeout: 200, serveClient: false });
    io.of(LIVE_NAMESPACE)
      .use((socket, next) => (socket.handshake.auth['token'] === 'good' ? next() : next(new Error('unauthenticated'))))
      .on('connection', (socket) => {
        socket.on(LIVE_EVENTS.subscribe, (payload: { companyId?: string }, ack: (answer: unknown) => void) => {
          ack({ ok: true });
          socket.emit(LIVE_EVENTS.positions, { tickMs: 1, positions: [{ vehicleId: 'v1', plate: '京A10000', companyId: payload.companyId }] });
        });
      });
    await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  };

  const connect = (url: string, token: string) => {
    const ws = new WebSocket(socketIoUrl(url));
    const received: string[] = [];
    const log: string[] = [];
    let resolveEvent: (value: unknown) => void = () => {};
    const positions = new Promise((resolve) => (resolveEvent = resolve));
    const client: SocketIoClient = createSocketIoClient({
      send: (text) => ws.send(text),
      nsp: LIVE_NAMESPACE,
      auth: { token },
      onConnect: () => {
        log.push('connect');
        client.emit(LIVE_EVENTS.subscribe, [{ companyId: 'company-1' }], (args) => log.push(`ack ${JSON.stringify(args)}`));
      },
      onConnectError: (error) => {
        log.push(`refused ${JSON.stringify(error)}`);
        resolveEvent(undefined);
      },
      onEvent: (event, args) => {
        log.push(event);
        if (event === LIVE_EVENTS.positions) resolveEvent(args[0]);
      },
    });
    ws.onmessage = (event) => {
      received.push(String(event.data));
      client.receive(event.data);
    };
    return { ws, client, log, received, positions };
  };

  it('connects with its token, subscribes, gets the ack and the positions event with a Chinese plate', async () => {
    const url = await startServer(25_000);
    const { ws, log, positions } = connect(url, 'good');
    expect(await positions).toEqual({ tickMs: 1, positions: [{ vehicleId: 'v1', plate: '京A10000', companyId: 'company-1' }] });
    expect(log).toEqual(['connect', 'ack [{"ok":true}]', 'positions']);
    ws.close();
  });

  it('is told why a bad token is refused', async () => {
    const url = await startServer(25_000);
    const { ws, log, positions } = connect(url, 'bad');
    await positions;
    expect(log).toEqual(['refused {"message":"unauthenticated"}']);
    ws.close();
  });

  it('stays connected across the server pings by answering them', async () => {
    // A 20 ms ping interval with a 200 ms timeout: a client that did not pong would be dropped.
    const url = await startServer(20);
    const { ws, client, received } = connect(url, 'good');
    // Until 15 pings came, or the server dropped the client (then the expectations below fail).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (received.filter((frame) => frame === '2').length >= 15 || ws.readyState === WebSocket.CLOSED) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    expect(client.connected).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});

describe('k6 scripts and the API they call', () => {
  it('calls only routes the API serves, with their methods', () => {
    const served = new Set(apiRoutes.map((route) => `${route.method} ${route.path}`));
    for (const [name, route] of Object.entries(ROUTES))
      expect(served.has(`${route.method} ${route.path}`), `${name}: ${route.method} ${route.path}`).toBe(true);
  });

  it('fills path parameters URI-encoded and leaves out undefined query values', () => {
    expect(pathOf(ROUTES.track, { vehicleId: '京A10000_2' }, { fromMs: 1, toMs: 2, maxPoints: undefined })).toBe(
      '/v1/vehicles/%E4%BA%ACA10000_2/track?fromMs=1&toMs=2',
    );
    expect(pathOf(ROUTES.track, { vehicleId: 'a/b?c' })).toBe('/v1/vehicles/a%2Fb%3Fc/track');
    expect(pathOf(ROUTES.alerts, {}, { rule: 'speeding,overload', acknowledged: false })).toBe('/v1/alerts?rule=speeding%2Coverload&acknowledged=false');
    expect(() => pathOf(ROUTES.track, {})).toThrow(/needs vehicleId/);
    expect(() => pathOf(ROUTES.track, { vehicleId: '' })).toThrow(/needs vehicleId/);
  });

  for (const script of ['rest-api.js', 'live-feed.js']) {
    const source = readFileSync(join(k6Dir, script), 'utf8');

    it(`${script} imports only k6's modules and files that exist`, () => {
      const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
      expect(imports.length).toBeGreaterThan(0);
      for (const name of imports) {
        if (name.startsWith('.')) expect(existsSync(join(k6Dir, name)), name).toBe(true);
        else expect(['k6', 'k6/http', 'k6/metrics', 'k6/timers', 'k6/websockets'], name).toContain(name);
      }
    });

    it(`${script} has thresholds, and each names a metric or request tag the script produces`, () => {
      const block = /thresholds: \{([\s\S]*?)\n {2}\}/.exec(source)?.[1] ?? '';
      const keys = [...block.matchAll(/^\s*'?([\w{}:-]+)'?: \[/gm)].map((m) => m[1]!);
      expect(keys.length).toBeGreaterThan(2);
      // k6 passes a threshold whose tag never gets a sample: a misspelt one would pass silently.
      for (const key of keys) {
        const tag = /\{name:([\w-]+)\}/.exec(key)?.[1];
        if (tag) expect(source.split(`'${tag}'`).length - 1, `requests tagged ${tag}`).toBeGreaterThan(0);
        const custom = /^(live_\w+)$/.exec(key)?.[1];
        if (custom) expect(source, `metric ${custom}`).toMatch(new RegExp(`new (Rate|Trend|Counter)\\('${custom}'`));
      }
    });
  }
});
