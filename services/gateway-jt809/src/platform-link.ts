import { randomInt } from 'node:crypto';
import type { PositionV1 } from '@roadwatch/contracts';
import type { Logger } from '@roadwatch/runtime';
import type {
  DiscoveredLowerPlatformVehicle,
  LowerPlatformAlarm,
  LowerPlatformAnswer,
  LowerPlatformRecord,
  LowerPlatformRequestKind,
} from '@roadwatch/storage';
import type { InboundMessage, LinkVehicle, OutboundMessage } from './link-messages';
import { checkLogin } from './login-check';
import type { Jt809Metrics } from './metrics';
import { toForwardedPosition, type PlateVehicleLookup } from './position-mapper';
import { isWireError, type DecodedFrame, type Jt809Wire, type LinkParams } from './wire';

/** The registry of lower platforms, as the gateway reads it at each login. */
export interface LowerPlatformDirectory {
  byAccessCode(accessCode: number): Promise<LowerPlatformRecord | undefined>;
}

/** What the gateway keeps of what platforms tell it (libs/storage's `LowerPlatformLinkRepository`). */
export interface LinkStore {
  discoverVehicle(vehicle: DiscoveredLowerPlatformVehicle): Promise<void>;
  recordAlarm(alarm: LowerPlatformAlarm): Promise<void>;
  recordAnswer(answer: LowerPlatformAnswer): Promise<{ requestId: string } | undefined>;
}

/** The socket under a link, as the link needs it (a fake one in unit tests). */
export interface LinkConnection {
  readonly remoteAddress: string;
  write(bytes: Uint8Array): void;
  /** Stop reading (back-pressure) and read again. */
  pause(): void;
  resume(): void;
  close(reason: string): void;
}

export interface PlatformLinkDeps {
  wire: Jt809Wire;
  platforms: LowerPlatformDirectory;
  verifyPassword: (password: string, hash: string) => Promise<boolean>;
  vehicles: PlateVehicleLookup;
  /** Resolves once Kafka has the positions; rejects when it could not take them. */
  publishPositions: (positions: PositionV1[]) => Promise<void>;
  store: LinkStore;
  nowMs: () => number;
  logger: Logger;
  metrics: Jt809Metrics;
  /** Called once a platform logged in: the gateway records the link (replacing an older one) and opens the sub-link back. */
  onLoggedIn: (link: PlatformLink, login: { downLinkIp: string; downLinkPort: number; verifyCode: number }) => void;
  onClosed: (link: PlatformLink) => void;
  /** A publish that failed is retried after this, doubling up to `maxRetryDelayMs`, while the link stops reading. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** Frames queued behind the one being handled before the socket stops being read, and when it reads again. */
const HIGH_WATER = 64;
const LOW_WATER = 16;
/** Positions of consecutive frames published together. */
const MAX_BATCH = 500;

type Queued = { frame: Uint8Array; receivedAtMs: number };

/**
 * One lower platform's main link (主链路): login (0x1001 → 0x1002 with the result code of the
 * first failed check), link tests (0x1005 → 0x1006), logout (0x1003 → 0x1004), positions
 * (0x1202 / 0x1203 onto `telemetry.positions`), vehicles told of (0x1201 / 0x1600, discovered
 * for review), alarms (0x1402, kept as evidence) and the answers to 查岗 (0x1301) and 督办
 * (0x1401). Frames are handled one at a time in arrival order: 809 acknowledges no position,
 * so a position Kafka refused is retried (the link stops reading meanwhile, and TCP pushes
 * back on the platform) rather than dropped; a frame that cannot be read is counted and
 * skipped, the link kept.
 */
export class PlatformLink {
  private platform: LowerPlatformRecord | undefined;
  private params: LinkParams | undefined;
  private readonly queue: Queued[] = [];
  private draining = false;
  private paused = false;
  private closed = false;
  private serial = 0;
  /** Vehicles this link already put on the discovered list (a position touches the store once per vehicle and link). */
  private readonly discovered = new Set<string>();
  readonly openedAtMs: number;
  lastReceivedAtMs: number;
  verifyCode = 0;

  constructor(
    private readonly connection: LinkConnection,
    private readonly deps: PlatformLinkDeps,
  ) {
    this.openedAtMs = deps.nowMs();
    this.lastReceivedAtMs = this.openedAtMs;
  }

  get accessCode(): number | undefined {
    return this.platform?.accessCode;
  }

  get loggedIn(): boolean {
    return this.platform !== undefined;
  }

  get linkParams(): LinkParams | undefined {
    return this.params;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A frame off the socket; handled after those before it. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    this.lastReceivedAtMs = this.deps.nowMs();
    this.queue.push({ frame, receivedAtMs: this.lastReceivedAtMs });
    if (!this.paused && this.queue.length >= HIGH_WATER) {
      this.paused = true;
      this.connection.pause();
    }
    // drain() catches what a frame's handling throws; a failure here is a bug, logged, never unhandled.
    if (!this.draining) this.drain().catch((error: unknown) => this.deps.logger.error({ err: error, accessCode: this.accessCode }, 'jt809: link drain failed'));
  }

  /** The next MSG_SN of this platform's links (main and sub-link count together, so a serial names one frame). */
  nextSerial(): number {
    this.serial = (this.serial + 1) % 0x1_0000_0000;
    return this.serial;
  }

  /** Writes a message on the main link (a 查岗 or 督办 when the sub-link is down); its serial. */
  send(message: OutboundMessage): number | undefined {
    if (this.closed || !this.params) return undefined;
    const serial = this.nextSerial();
    this.connection.write(this.deps.wire.encodeMain(message, this.params, serial, this.deps.nowMs()));
    this.deps.metrics.sent(message.kind);
    return serial;
  }

  /** A 查岗 went out in the frame of this serial: a 2019 answer names it by that serial. */
  sentInspection(serial: number, infoId: number): void {
    this.inspectionSerials.set(serial, infoId);
    // Bounded: the oldest forgotten first (an answer that late is recorded as to no request).
    if (this.inspectionSerials.size > 1_000) this.inspectionSerials.delete(this.inspectionSerials.keys().next().value!);
  }

  private readonly inspectionSerials = new Map<number, number>();

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.deps.metrics.disconnected(reason);
    this.connection.close(reason);
    this.deps.onClosed(this);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const item = this.queue.shift()!;
        await this.handleFrame(item);
        if (this.paused && this.queue.length <= LOW_WATER && !this.closed) {
          this.paused = false;
          this.connection.resume();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async handleFrame(item: Queued): Promise<void> {
    const decoded = await this.decode(item.frame);
    if (isWireError(decoded)) {
      this.deps.metrics.decodeError(decoded.kind);
      this.deps.logger.warn({ accessCode: this.accessCode, kind: decoded.kind, messageId: decoded.messageId, err: decoded.message }, 'jt809: frame refused');
      return;
    }
    this.deps.metrics.frame(decoded.messageId);
    if (this.platform && decoded.accessCode !== this.platform.accessCode) {
      this.deps.metrics.rejected('access-code-mismatch');
      this.deps.logger.warn(
        { accessCode: this.platform.accessCode, frameAccessCode: decoded.accessCode },
        'jt809: a frame of another access code on this link, ignored',
      );
      return;
    }
    try {
      await this.handle(decoded, item.receivedAtMs);
    } catch (error) {
      // A handler's failure (the store unreachable) loses this message only, never the link.
      this.deps.metrics.rejected('handler-error');
      this.deps.logger.error({ err: error, accessCode: this.accessCode, messageId: decoded.messageId }, 'jt809: handling a message failed');
    }
  }

  /** Before login, the frame's access code names the platform whose edition and keys read it. */
  private async decode(frame: Uint8Array): Promise<DecodedFrame<InboundMessage> | ReturnType<Jt809Wire['decodeMain']>> {
    const { wire } = this.deps;
    if (this.params) return wire.decodeMain(frame, this.params);
    const accessCode = wire.accessCodeOf(frame);
    if (accessCode === undefined) return { kind: 'truncated', message: 'too short for a JT/T 809 header' };
    const platform = await this.deps.platforms.byAccessCode(accessCode);
    if (platform) return wire.decodeMain(frame, { accessCode, edition: platform.protocolVersion, keys: platform.encrypt ? platform : undefined });
    // An unknown platform: read it in whichever edition it reads as a login, to answer in kind.
    for (const edition of ['2011', '2019'] as const) {
      const attempt = wire.decodeMain(frame, { accessCode, edition });
      if (!isWireError(attempt) && attempt.message.kind === 'login') {
        this.pendingEdition = edition;
        return attempt;
      }
    }
    return wire.decodeMain(frame, { accessCode, edition: '2011' });
  }

  private pendingEdition: LinkParams['edition'] = '2011';

  private async handle(frame: DecodedFrame<InboundMessage>, receivedAtMs: number): Promise<void> {
    const { message } = frame;
    if (!this.platform) {
      if (message.kind === 'login') return this.login(frame.accessCode, message);
      // Nothing but a login is served before one; the login deadline closes a link that never logs in.
      this.deps.metrics.rejected('not-logged-in');
      return;
    }
    const accessCode = this.platform.accessCode;
    switch (message.kind) {
      case 'login':
        // A second login on a live link: answered as the first was, nothing changes.
        this.send({ kind: 'login-response', result: 0, verifyCode: this.verifyCode });
        return;
      case 'link-test':
        this.send({ kind: 'link-test-response' });
        return;
      case 'logout':
        this.send({ kind: 'logout-response' });
        this.close('logout');
        return;
      case 'closing':
        this.close('platform-closing');
        return;
      case 'position':
      case 'back-fill':
        return this.positions(frame, receivedAtMs);
      case 'vehicle-registration':
        this.discovered.add(vehicleKey(message.vehicle));
        await this.deps.store.discoverVehicle({ accessCode, ...trimmed(message.vehicle), seenAtMs: receivedAtMs, registration: message.registration });
        return;
      case 'static-info':
        this.discovered.add(vehicleKey(message.vehicle));
        await this.deps.store.discoverVehicle({ accessCode, ...trimmed(message.vehicle), seenAtMs: receivedAtMs, staticInfo: message.staticInfo });
        return;
      case 'alarm':
        await this.deps.store.recordAlarm({
          accessCode,
          ...trimmed(message.vehicle),
          warnSrc: message.warnSrc,
          warnType: message.warnType,
          warnAtMs: message.warnAtMs,
          infoId: message.infoId,
          infoContent: message.infoContent,
          receivedAtMs,
        });
        return;
      case 'inspection-answer': {
        const infoId = message.infoId >= 0 ? message.infoId : (this.inspectionSerials.get(message.sourceSerial ?? -1) ?? -1);
        const answered = await this.deps.store.recordAnswer({
          accessCode,
          kind: 'inspection',
          infoId,
          answeredAtMs: receivedAtMs,
          answer: { objectType: message.objectType, objectId: message.objectId, infoContent: message.infoContent },
          answerText: message.infoContent,
        });
        this.countAnswer('inspection', answered, infoId);
        return;
      }
      case 'supervision-answer': {
        const answered = await this.deps.store.recordAnswer({
          accessCode,
          kind: 'supervision',
          infoId: message.supervisionId,
          answeredAtMs: receivedAtMs,
          answer: { result: message.result, ...(message.vehicle ? trimmed(message.vehicle) : {}) },
          answerText: String(message.result),
        });
        this.countAnswer('supervision', answered, message.supervisionId);
        return;
      }
      case 'other':
        this.deps.metrics.rejected('unsupported');
        return;
    }
  }

  private countAnswer(kind: LowerPlatformRequestKind, answered: { requestId: string } | undefined, infoId: number): void {
    if (answered) this.deps.metrics.answered(kind);
    else {
      this.deps.metrics.rejected('unknown-answer');
      this.deps.logger.warn({ accessCode: this.accessCode, kind, infoId }, 'jt809: an answer to no open request (unknown, or answered already), ignored');
    }
  }

  private async login(accessCode: number, message: Extract<InboundMessage, { kind: 'login' }>): Promise<void> {
    const platform = await this.deps.platforms.byAccessCode(accessCode);
    const verdict = await checkLogin({
      platform,
      bodyAccessCode: message.bodyAccessCode,
      userId: message.userId,
      password: message.password,
      remoteAddress: this.connection.remoteAddress,
      verifyPassword: this.deps.verifyPassword,
    });
    const params: LinkParams = platform
      ? { accessCode, edition: platform.protocolVersion, keys: platform.encrypt ? platform : undefined }
      : { accessCode, edition: this.pendingEdition };
    if (!verdict.ok) {
      this.deps.metrics.login(verdict.refusal);
      this.deps.logger.warn({ accessCode, userId: message.userId, address: this.connection.remoteAddress, refusal: verdict.refusal }, 'jt809: login refused');
      this.params = params;
      this.send({ kind: 'login-response', result: verdict.result, verifyCode: 0 });
      this.params = undefined;
      this.close(`login-${verdict.refusal}`);
      return;
    }
    this.platform = platform;
    this.params = params;
    this.verifyCode = randomInt(1, 0x1_0000_0000);
    this.deps.metrics.login('ok');
    this.send({ kind: 'login-response', result: 0, verifyCode: this.verifyCode });
    this.deps.logger.info({ accessCode, name: platform!.name, address: this.connection.remoteAddress }, 'jt809: lower platform logged in');
    this.deps.onLoggedIn(this, { downLinkIp: message.downLinkIp, downLinkPort: message.downLinkPort, verifyCode: this.verifyCode });
  }

  /**
   * This frame's positions and those of the position frames queued right behind it, in one
   * publish; retried until Kafka takes them (or the link closes).
   */
  private async positions(first: DecodedFrame<InboundMessage>, receivedAtMs: number): Promise<void> {
    const positions: PositionV1[] = [];
    const take = (message: InboundMessage, atMs: number): void => {
      if (message.kind === 'position') this.mapOne(message.vehicle, message.fix, 'realtime', atMs, positions);
      else if (message.kind === 'back-fill') for (const fix of message.fixes) this.mapOne(message.vehicle, fix, 'blind-area', atMs, positions);
    };
    take(first.message, receivedAtMs);
    while (positions.length < MAX_BATCH && this.queue.length > 0 && this.params) {
      const next = this.deps.wire.decodeMain(this.queue[0]!.frame, this.params);
      if (isWireError(next) || next.accessCode !== this.platform?.accessCode || (next.message.kind !== 'position' && next.message.kind !== 'back-fill')) break;
      const item = this.queue.shift()!;
      this.deps.metrics.frame(next.messageId);
      take(next.message, item.receivedAtMs);
    }
    if (positions.length === 0) return;
    await this.publishUntilTaken(positions);
    await this.discoverNew(positions);
  }

  private mapOne(
    vehicle: LinkVehicle,
    fix: Parameters<typeof toForwardedPosition>[0]['fix'],
    source: 'realtime' | 'blind-area',
    receivedAtMs: number,
    out: PositionV1[],
  ): void {
    const mapped = toForwardedPosition({ accessCode: this.platform!.accessCode, vehicle, fix, source, receivedAtMs, vehicles: this.deps.vehicles });
    if (mapped.ok) {
      out.push(mapped.position);
      this.deps.metrics.position(source, mapped.position.registered);
    } else {
      this.deps.metrics.rejected('invalid-position');
      this.deps.logger.warn({ accessCode: this.accessCode, plate: vehicle.plate, reason: mapped.reason }, 'jt809: position refused');
    }
  }

  private async publishUntilTaken(positions: PositionV1[]): Promise<void> {
    let delayMs = this.deps.retryDelayMs ?? 500;
    for (;;) {
      try {
        await this.deps.publishPositions(positions);
        return;
      } catch (error) {
        if (this.closed) return;
        this.deps.metrics.publishFailed();
        this.deps.logger.warn(
          { err: error, accessCode: this.accessCode, positions: positions.length, retryInMs: delayMs },
          'jt809: publishing positions failed; retrying',
        );
        if (!this.paused) {
          this.paused = true;
          this.connection.pause();
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (this.closed) return;
        delayMs = Math.min(delayMs * 2, this.deps.maxRetryDelayMs ?? 5_000);
      }
    }
  }

  /** A vehicle first seen in this link's positions goes on the discovered list (pending review). */
  private async discoverNew(positions: PositionV1[]): Promise<void> {
    for (const position of positions) {
      const vehicle = { plate: position.plate!, plateColour: position.plateColour! };
      const key = vehicleKey(vehicle);
      if (this.discovered.has(key)) continue;
      this.discovered.add(key);
      await this.deps.store.discoverVehicle({ accessCode: this.platform!.accessCode, ...vehicle, seenAtMs: position.receivedAtMs });
    }
  }
}

const trimmed = (vehicle: LinkVehicle): LinkVehicle => ({ plate: vehicle.plate.trim(), plateColour: vehicle.plateColour });
const vehicleKey = (vehicle: LinkVehicle): string => `${vehicle.plate.trim().toUpperCase()}:${vehicle.plateColour}`;
