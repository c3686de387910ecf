/**
 * socket.io v5 over engine.io v4 on a plain WebSocket, for k6 (which has no socket.io client).
 * No imports: the same module runs in k6 (which strips the types) and in Node, where
 * test/loadtests-k6.spec.ts holds it to socket.io's own parser and server.
 *
 * On the WebSocket transport every WebSocket text message is exactly one engine.io packet:
 * a type digit (0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop) and its data.
 * A `4` message carries one socket.io packet: a type digit (0 CONNECT, 1 DISCONNECT, 2 EVENT,
 * 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK), `<n>-` for binary attachments, the
 * namespace followed by `,` unless it is `/`, an ack id of digits, then the JSON payload.
 * Binary packets are refused with a clear error: the live feed sends none, and their
 * attachments travel as separate binary frames this reader does not follow.
 */

export const ENGINE = { open: '0', close: '1', ping: '2', pong: '3', message: '4', upgrade: '5', noop: '6' } as const;
export const SOCKET = { connect: 0, disconnect: 1, event: 2, ack: 3, connectError: 4, binaryEvent: 5, binaryAck: 6 } as const;

export interface EnginePacket {
  type: string;
  data: string;
}

export interface SocketPacket {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
}

/** The WebSocket transport's handshake URL: `http://host:port` → `ws://host:port/socket.io/?EIO=4&transport=websocket`. */
export function socketIoUrl(baseUrl: string): string {
  const match = /^(https?):\/\/(.+?)\/*$/.exec(baseUrl);
  if (!match) throw new Error(`socketIoUrl: expected an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  return `${match[1] === 'https' ? 'wss' : 'ws'}://${match[2]}/socket.io/?EIO=4&transport=websocket`;
}

const prefixOf = (type: number, nsp: string): string => `${ENGINE.message}${type}${nsp === '/' ? '' : `${nsp},`}`;

/** CONNECT to a namespace with the handshake's `auth` object (`40/live,{"token":"…"}`). */
export function connectPacket(nsp: string, auth?: object): string {
  return `${prefixOf(SOCKET.connect, nsp)}${auth === undefined ? '' : JSON.stringify(auth)}`;
}

/** EVENT `[event, ...args]`; with an ack id the server answers with an ACK of the same id. */
export function eventPacket(nsp: string, event: string, args: readonly unknown[] = [], ackId?: number): string {
  if (ackId !== undefined && !(Number.isInteger(ackId) && ackId >= 0)) throw new Error(`eventPacket: an ack id is a non-negative integer, got ${ackId}`);
  return `${prefixOf(SOCKET.event, nsp)}${ackId ?? ''}${JSON.stringify([event, ...args])}`;
}

const engineTypes: readonly string[] = Object.values(ENGINE);

/** One received WebSocket message as an engine.io packet; a binary frame or an unknown type is an error, not a silent miss. */
export function parseEnginePacket(message: unknown): EnginePacket {
  if (typeof message !== 'string') throw new Error('engine.io: binary frame received; the live feed sends text only');
  const type = message.charAt(0);
  if (type === '') throw new Error('engine.io: empty frame');
  if (!engineTypes.includes(type)) throw new Error(`engine.io: unknown packet type ${JSON.stringify(type)}`);
  return { type, data: message.slice(1) };
}

/** The socket.io packet inside an engine.io `4` message; `data` is the parsed JSON payload. */
export function parseSocketPacket(text: string): SocketPacket {
  if (!/^[0-6]/.test(text)) throw new Error(`socket.io: unknown packet type ${JSON.stringify(text.charAt(0))}`);
  const type = Number(text.charAt(0));
  if (type === SOCKET.binaryEvent || type === SOCKET.binaryAck) throw new Error('socket.io: binary packets are not supported by this client');
  let i = 1;
  let nsp = '/';
  if (text.charAt(i) === '/') {
    const comma = text.indexOf(',', i);
    const end = comma === -1 ? text.length : comma;
    nsp = text.slice(i, end);
    i = comma === -1 ? end : end + 1;
  }
  const packet: SocketPacket = { type, nsp };
  const digits = /^\d+/.exec(text.slice(i));
  if (digits) {
    packet.id = Number(digits[0]);
    i += digits[0].length;
  }
  const rest = text.slice(i);
  if (rest.length > 0) {
    try {
      packet.data = JSON.parse(rest);
    } catch (error) {
      throw new Error(`socket.io: payload is not JSON (${error instanceof Error ? error.message : String(error)}): ${rest.slice(0, 80)}`);
    }
  }
  return packet;
}

export interface SocketIoClientOptions {
  /** Sends one text frame on the WebSocket. */
  send: (text: string) => void;
  nsp: string;
  /** The handshake's `auth` (the API reads `auth.token`). */
  auth?: object;
  onConnect?: (data: unknown) => void;
  onConnectError?: (data: unknown) => void;
  onEvent?: (event: string, args: unknown[]) => void;
  onDisconnect?: (reason: 'transport close' | 'io server disconnect') => void;
}

export interface SocketIoClient {
  readonly connected: boolean;
  /** Emits an event; `onAck` gets the server's answer (the ack's arguments). */
  emit(event: string, args: readonly unknown[], onAck?: (args: unknown[]) => void): void;
  /** Feeds one received WebSocket message. */
  receive(message: unknown): void;
}

/**
 * A minimal client over any WebSocket: it answers pings, connects the namespace once the
 * engine opened, and reports events, acks and refusals through the callbacks. It knows
 * nothing of k6's WebSocket, so the unit spec drives it with socket.io's own server.
 */
export function createSocketIoClient(options: SocketIoClientOptions): SocketIoClient {
  const { send, nsp } = options;
  const pendingAcks = new Map<number, (args: unknown[]) => void>();
  let nextAckId = 0;
  let connected = false;
  return {
    get connected() {
      return connected;
    },
    emit(event, args, onAck) {
      if (!connected) throw new Error(`socket.io: emit('${event}') before the namespace ${nsp} connected`);
      let ackId: number | undefined;
      if (onAck) {
        ackId = nextAckId++;
        pendingAcks.set(ackId, onAck);
      }
      send(eventPacket(nsp, event, args, ackId));
    },
    receive(message) {
      const engine = parseEnginePacket(message);
      if (engine.type === ENGINE.open) {
        send(connectPacket(nsp, options.auth));
      } else if (engine.type === ENGINE.ping) {
        send(ENGINE.pong + engine.data);
      } else if (engine.type === ENGINE.close) {
        connected = false;
        options.onDisconnect?.('transport close');
      } else if (engine.type === ENGINE.message) {
        const packet = parseSocketPacket(engine.data);
        if (packet.nsp !== nsp) return;
        if (packet.type === SOCKET.connect) {
          connected = true;
          options.onConnect?.(packet.data);
        } else if (packet.type === SOCKET.connectError) {
          options.onConnectError?.(packet.data);
        } else if (packet.type === SOCKET.disconnect) {
          connected = false;
          options.onDisconnect?.('io server disconnect');
        } else if (packet.type === SOCKET.event && Array.isArray(packet.data) && typeof packet.data[0] === 'string') {
          const [event, ...args] = packet.data as [string, ...unknown[]];
          options.onEvent?.(event, args);
        } else if (packet.type === SOCKET.ack && packet.id !== undefined) {
          const onAck = pendingAcks.get(packet.id);
          pendingAcks.delete(packet.id);
          onAck?.(Array.isArray(packet.data) ? packet.data : []);
        }
      }
    },
  };
}
