import { connect, type Socket } from 'node:net';
import {
  decodeAlarmFlags,
  decodeStatusFlags,
  encodeFrame,
  GeneralResult,
  Jt808StreamDecoder,
  STATUS_BITS,
  type HeaderEdition,
  type Jt808Message,
  type LocationReport,
  type SupportedMessageId,
  type Jt808BodyMap,
} from '@roadwatch/jt808';

/**
 * A JT/T 808 terminal over real TCP, speaking the codec, for the e2e tests and the load
 * generator. It keeps what a real terminal keeps: its serial counter, the platform's
 * answers by serial, the downlink it received.
 */
export interface TestTerminalOptions {
  host: string;
  port: number;
  /** The SIM number as the header carries it: 12 digits (2013) or 20 (2019); shorter ones are padded. */
  phone: string;
  edition?: HeaderEdition;
  localAddress?: string;
  /** Default wait for an answer before `sendAndWait` rejects. */
  answerTimeoutMs?: number;
  /** Decode the platform's frames leniently — needed by a terminal whose phone is hex, which the answers repeat. */
  lenient?: boolean;
}

export interface LocationInput {
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh?: number;
  headingDeg?: number;
  altitudeM?: number;
  deviceTimeMs: number;
  alarmFlags?: number;
  statusFlags?: number;
  mileageKm?: number;
}

/** A LocationReport for the encoder: ACC on and positioned unless status flags are given. */
export const locationReport = (input: LocationInput): LocationReport => {
  const statusFlags = input.statusFlags ?? (1 << STATUS_BITS.accOn) | (1 << STATUS_BITS.positioned);
  const alarmFlags = input.alarmFlags ?? 0;
  return {
    alarmFlags,
    alarms: decodeAlarmFlags(alarmFlags),
    statusFlags,
    status: decodeStatusFlags(statusFlags),
    latitudeDeg: input.latitudeDeg,
    longitudeDeg: input.longitudeDeg,
    altitudeM: input.altitudeM ?? 45,
    speedKmh: input.speedKmh ?? 60,
    directionDeg: input.headingDeg ?? 90,
    // BCD time has whole seconds.
    deviceTimeMs: Math.floor(input.deviceTimeMs / 1000) * 1000,
    items: input.mileageKm !== undefined ? [{ type: 'mileage', id: 0x01, mileageKm: input.mileageKm }] : [],
  };
};

export class TestTerminal {
  readonly edition: HeaderEdition;
  readonly phone: string;
  /** Every message the platform sent, in order. */
  readonly received: Jt808Message[] = [];
  /** Decode errors on the downlink (should stay empty). */
  readonly errors: Error[] = [];
  private serial = 0;
  private readonly decoder: Jt808StreamDecoder;
  private readonly waiters = new Map<string, { resolve: (message: Jt808Message) => void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<(message: Jt808Message) => void>();
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly answerTimeoutMs: number;

  private constructor(
    private readonly socket: Socket,
    options: TestTerminalOptions,
  ) {
    this.edition = options.edition ?? '2013';
    const digits = this.edition === '2019' ? 20 : 12;
    this.phone = options.phone.padStart(digits, '0');
    this.answerTimeoutMs = options.answerTimeoutMs ?? 10_000;
    this.decoder = new Jt808StreamDecoder({ lenient: options.lenient ?? false });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        for (const waiter of this.waiters.values()) clearTimeout(waiter.timer);
        this.waiters.clear();
        resolve();
      }),
    );
  }

  static connect(options: TestTerminalOptions): Promise<TestTerminal> {
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: options.host,
        port: options.port,
        noDelay: true,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new TestTerminal(socket, options));
      });
    });
  }

  /** Calls `listener` for every platform message (downlink commands included). */
  onMessage(listener: (message: Jt808Message) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  nextSerial(): number {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    return serial;
  }

  encode<K extends SupportedMessageId>(messageId: K, body: Jt808BodyMap[K], serial = this.nextSerial()): { serial: number; frame: Uint8Array } {
    return {
      serial,
      frame: encodeFrame({ messageId, terminalPhone: this.phone, serial, edition: this.edition, protocolVersion: this.edition === '2019' ? 1 : null }, body),
    };
  }

  send<K extends SupportedMessageId>(messageId: K, body: Jt808BodyMap[K], serial?: number): number {
    const encoded = this.encode(messageId, body, serial);
    this.socket.write(encoded.frame);
    return encoded.serial;
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits for the platform's answer to our message with `serial` (0x8001 or 0x8100). */
  waitForAnswer(serial: number, timeoutMs = this.answerTimeoutMs): Promise<Jt808Message> {
    const key = String(serial);
    return new Promise((resolve, reject) => {
      if (this.isClosed) return reject(new Error('connection closed'));
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`no answer to serial ${serial} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(key, { resolve, timer });
    });
  }

  async sendAndWait<K extends SupportedMessageId>(messageId: K, body: Jt808BodyMap[K], timeoutMs?: number): Promise<Jt808Message> {
    const { serial, frame } = this.encode(messageId, body);
    const answer = this.waitForAnswer(serial, timeoutMs);
    this.socket.write(frame);
    return answer;
  }

  /** 0x0100 → the auth code from 0x8100. */
  async register(plate = '京A00000', plateColour = 2): Promise<string> {
    const answer = await this.sendAndWait(0x0100, {
      edition: this.edition === '2019' ? '2019' : '2013',
      provinceId: 11,
      cityId: 100,
      manufacturerId: 'RWTST',
      terminalModel: 'SIM-1',
      terminalId: this.phone.slice(-7),
      plateColor: plateColour,
      plate,
    });
    if (answer.messageId !== 0x8100 || answer.body.result !== 0 || !answer.body.authCode)
      throw new Error(`registration refused: ${JSON.stringify(answer.body)}`);
    return answer.body.authCode;
  }

  /** 0x0102 → the 0x8001 result. */
  async authenticate(authCode: string): Promise<number> {
    const answer = await this.sendAndWait(0x0102, {
      authCode,
      imei: this.edition === '2019' ? '860000000000001' : null,
      softwareVersion: this.edition === '2019' ? '1.0.0' : null,
    });
    if (answer.messageId !== 0x8001) throw new Error(`unexpected answer 0x${answer.messageId.toString(16)}`);
    return answer.body.result;
  }

  async registerAndAuthenticate(plate?: string, plateColour?: number): Promise<void> {
    const code = await this.register(plate, plateColour);
    const result = await this.authenticate(code);
    if (result !== GeneralResult.Ok) throw new Error(`authentication refused (${result})`);
  }

  sendLocation(input: LocationInput): number {
    return this.send(0x0200, locationReport(input));
  }

  sendBatch(inputs: readonly LocationInput[], blindArea = false): number {
    return this.send(0x0704, { batchType: blindArea ? 1 : 0, blindAreaBackfill: blindArea, locations: inputs.map(locationReport) });
  }

  close(): Promise<void> {
    this.socket.end();
    this.socket.destroySoon?.();
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk, Date.now())) {
      if (event.type !== 'message') {
        if (event.type === 'error') this.errors.push(event.error);
        continue;
      }
      const message = event.message;
      this.received.push(message);
      if (message.messageId === 0x8001 || message.messageId === 0x8100) {
        const key = String(message.body.answerSerial);
        const waiter = this.waiters.get(key);
        if (waiter) {
          clearTimeout(waiter.timer);
          this.waiters.delete(key);
          waiter.resolve(message);
        }
      }
      for (const listener of this.listeners) listener(message);
    }
  }
}
