import net from 'node:net';
import { decodeAlarmFlags, decodeStatusFlags } from '@roadwatch/jt808';
import {
  decodeJt809Frame,
  encodeJt809Frame,
  Jt809Deframer,
  type GnssData2011,
  type Jt809BodyMap,
  type Jt809Edition,
  type Jt809EncryptionKeys,
  type Jt809Message,
  type Jt809SupportedMessageId,
  type Jt809VehiclePosition,
} from '@roadwatch/jt809';
import { locationReport } from './jt808-terminal';

/** One fix a simulated lower platform forwards (2011 units: whole km/h, km, m). */
export interface ForwardedFix {
  deviceTimeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
  headingDeg?: number;
  altitudeM?: number;
  mileageKm?: number;
  /** JT/T 808 status bits; default ACC on + positioned. */
  statusFlags?: number;
  alarmFlags?: number;
}

export interface LowerPlatformOptions {
  host: string;
  port: number;
  accessCode: number;
  userId: number;
  password: string;
  edition: Jt809Edition;
  keys?: (Jt809EncryptionKeys & { encryptKey: number }) | undefined;
  /** Where the upper platform opens the sub-link back (a server this client runs); 0 = any free port. */
  subLinkPort?: number;
  answerTimeoutMs?: number;
  now?: () => number;
}

const vehiclePosition = (edition: Jt809Edition, fix: ForwardedFix): Jt809VehiclePosition => {
  const statusFlags = fix.statusFlags ?? 0x3;
  const alarmFlags = fix.alarmFlags ?? 0;
  const fields: Omit<GnssData2011, 'edition' | 'encrypted'> = {
    deviceTimeMs: fix.deviceTimeMs,
    latitudeDeg: fix.latitudeDeg,
    longitudeDeg: fix.longitudeDeg,
    speedKmh: Math.round(fix.speedKmh),
    recorderSpeedKmh: Math.round(fix.speedKmh),
    mileageKm: Math.round(fix.mileageKm ?? 0),
    directionDeg: Math.round(fix.headingDeg ?? 0),
    altitudeM: Math.round(fix.altitudeM ?? 0),
    statusFlags,
    status: decodeStatusFlags(statusFlags),
    alarmFlags,
    alarms: decodeAlarmFlags(alarmFlags),
  };
  if (edition === '2011') return { edition: '2011', encrypted: false, ...fields };
  // 2019 carries a JT/T 808 0x0200 body, as the standard says.
  const none = { platformId: '', alarmFlags: 0 };
  const location = locationReport({ ...fix, statusFlags, alarmFlags });
  return { edition: '2019', encrypted: false, gnss: { format: 'jt808-0x0200', location }, platforms: [none, none, none] };
};

/**
 * A lower platform (a company's or a service provider's monitoring platform) speaking JT/T 809
 * to an upper platform: the main link (login, link tests, positions, logout) and a sub-link
 * server the upper platform connects back to (0x9001 answered 0x9002). What the upper
 * platform sends on either link is kept in `received`. Used by the gateway's tests and by the
 * embedded default's simulated company platform.
 */
export class Jt809LowerPlatform {
  readonly received: Jt809Message[] = [];
  readonly subLinkReceived: Jt809Message[] = [];
  private serial = 0;
  private readonly waiters: Array<{ messageId: number; resolve: (message: Jt809Message) => void }> = [];
  verifyCode = 0;

  private constructor(
    private readonly options: LowerPlatformOptions,
    private readonly socket: net.Socket,
    private readonly subLinkServer: net.Server,
  ) {}

  get subLinkPort(): number {
    return (this.subLinkServer.address() as net.AddressInfo).port;
  }

  static async connect(options: LowerPlatformOptions): Promise<Jt809LowerPlatform> {
    const subLinkServer = net.createServer();
    await new Promise<void>((resolve) => subLinkServer.listen(options.subLinkPort ?? 0, '127.0.0.1', resolve));
    const socket = net.connect({ host: options.host, port: options.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const platform = new Jt809LowerPlatform(options, socket, subLinkServer);
    platform.listen(socket, platform.received);
    subLinkServer.on('connection', (sub) => platform.listen(sub, platform.subLinkReceived));
    return platform;
  }

  private listen(socket: net.Socket, into: Jt809Message[]): void {
    const deframer = new Jt809Deframer();
    socket.on('error', () => undefined);
    socket.on('data', (bytes) => {
      for (const event of deframer.push(bytes)) {
        if (event.type !== 'frame') continue;
        let message: Jt809Message;
        try {
          message = decodeJt809Frame(event.frame, { edition: this.options.edition, keys: this.options.keys });
        } catch {
          continue;
        }
        into.push(message);
        // The sub-link's login: accepted when the upper platform presents the verify code of 0x1002.
        if (message.messageId === 0x9001) socket.write(this.frame(0x9002, { result: message.body.verifyCode === this.verifyCode ? 0 : 1 }));
        for (const waiter of this.waiters.filter((w) => w.messageId === message.messageId)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
  }

  frame<K extends Jt809SupportedMessageId>(messageId: K, body: Jt809BodyMap[K]): Uint8Array {
    this.serial += 1;
    const keys = this.options.keys;
    return encodeJt809Frame(
      {
        messageId,
        serial: this.serial,
        accessCode: this.options.accessCode,
        edition: this.options.edition,
        timeMs: this.options.edition === '2019' ? (this.options.now ?? Date.now)() : null,
        encrypted: keys !== undefined,
        encryptKey: keys?.encryptKey ?? 0,
      },
      body,
      keys,
    );
  }

  /** The next message of this id from the upper platform (main link or sub-link). */
  next(messageId: number): Promise<Jt809Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no 0x${messageId.toString(16)} within ${this.options.answerTimeoutMs ?? 10_000} ms`)),
        this.options.answerTimeoutMs ?? 10_000,
      );
      this.waiters.push({
        messageId,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** 0x1001 → the 0x1002 body (result, verify code). */
  async login(overrides: Partial<{ userId: number; password: string }> = {}): Promise<Jt809BodyMap[0x1002]> {
    const answer = this.next(0x1002);
    this.write(
      this.frame(0x1001, {
        userId: overrides.userId ?? this.options.userId,
        password: overrides.password ?? this.options.password,
        accessCode: this.options.edition === '2019' ? this.options.accessCode : null,
        downLinkIp: '127.0.0.1',
        downLinkPort: this.subLinkPort,
      }),
    );
    const message = await answer;
    if (message.messageId !== 0x1002) throw new Error('not a 0x1002');
    this.verifyCode = message.body.verifyCode;
    return message.body;
  }

  async linkTest(): Promise<void> {
    const answer = this.next(0x1006);
    this.write(this.frame(0x1005, {}));
    await answer;
  }

  /** 0x1200/0x1202: one vehicle's real-time position (809 acknowledges none). */
  sendPosition(vehicle: { plate: string; plateColour: number }, fix: ForwardedFix): void {
    this.write(
      this.frame(0x1200, {
        vehicle: { plate: vehicle.plate, plateColor: vehicle.plateColour },
        dataType: 0x1202,
        data: { kind: 'position', position: vehiclePosition(this.options.edition, fix) },
      }),
    );
  }

  /** 0x1200/0x1203: back-filled positions of one vehicle. */
  sendBackfill(vehicle: { plate: string; plateColour: number }, fixes: readonly ForwardedFix[]): void {
    this.write(
      this.frame(0x1200, {
        vehicle: { plate: vehicle.plate, plateColor: vehicle.plateColour },
        dataType: 0x1203,
        data: { kind: 'backfill', positions: fixes.map((fix) => vehiclePosition(this.options.edition, fix)) },
      }),
    );
  }

  /** 0x1300/0x1301: answers a 查岗 (0x9300/0x9301) the upper platform sent — by INFO_ID (2011) or by its frame's serial (2019). */
  answerInspection(request: Jt809Message, answer: string): void {
    if (request.messageId !== 0x9300 || request.body.data.kind !== 'inspection-request') throw new Error('not a 查岗 request');
    const { data } = request.body;
    const edition = this.options.edition;
    this.write(
      this.frame(0x1300, {
        vehicle: null,
        dataType: 0x1301,
        data: {
          kind: 'inspection-answer',
          objectType: data.objectType ?? 0x01,
          objectId: data.objectId ?? String(this.options.accessCode),
          infoId: edition === '2011' ? data.infoId : null,
          responder: edition === '2019' ? '值班员' : null,
          responderPhone: edition === '2019' ? '010-12345678' : null,
          sourceDataType: edition === '2019' ? 0x9301 : null,
          sourceSerial: edition === '2019' ? request.header.serial : null,
          answer,
        },
      }),
    );
  }

  /** 0x1400/0x1401: answers a 督办 (0x9400/0x9401); result 0 handled, 1 not yet. */
  answerSupervision(request: Jt809Message, result: number): void {
    if (request.messageId !== 0x9400 || request.body.data.kind !== 'supervision-request') throw new Error('not a 督办 request');
    this.write(
      this.frame(0x1400, {
        vehicle: request.body.vehicle,
        dataType: 0x1401,
        data: { kind: 'supervision-answer', supervisionId: request.body.data.supervisionId, result },
      }),
    );
  }

  /** 0x1400/0x1402: an alarm the platform's terminal raised (WARN_TYPE 0x0001 speeding, …). */
  sendAlarm(vehicle: { plate: string; plateColour: number }, alarm: { warnType: number; warnTimeMs: number; infoId: number; content: string }): void {
    const edition = this.options.edition;
    const plated = { plate: vehicle.plate, plateColor: vehicle.plateColour };
    this.write(
      this.frame(0x1400, {
        vehicle: edition === '2011' ? plated : null,
        dataType: 0x1402,
        data: {
          kind: 'alarm-report',
          warnType: alarm.warnType,
          warnTimeMs: alarm.warnTimeMs,
          content: alarm.content,
          warnSource: edition === '2011' ? 0x01 : null,
          infoId: edition === '2011' ? alarm.infoId : null,
          sourcePlatformId: null,
          startTimeMs: null,
          endTimeMs: null,
          vehicle: edition === '2019' ? plated : null,
          destinationPlatformId: null,
          lineId: null,
        },
      }),
    );
  }

  get closed(): boolean {
    return this.socket.destroyed || this.socket.readyState === 'closed';
  }

  async close(): Promise<void> {
    this.socket.destroy();
    await new Promise<void>((resolve) => this.subLinkServer.close(() => resolve()));
  }
}
