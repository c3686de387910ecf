import {
  buildPlatformGeneralResponse,
  buildRegisterResponse,
  buildResendRequest,
  GeneralResult,
  Jt808StreamDecoder,
  RegisterResult,
  type Jt808DecodeError,
  type Jt808Header,
  type Jt808Message,
  type LocationReport,
} from '@roadwatch/jt808';
import { canonicalTerminalId, unregisteredVehicleIdOf } from '@roadwatch/domain';
import type { DriverCardEventV1, PositionV1, TerminalAreaAlarmV1 } from '@roadwatch/contracts';
import type { Logger } from '@roadwatch/runtime';
import type { FrameAnomalies } from './frame-anomalies';
import type { GatewayMetrics } from './metrics';
import { toPosition, type PositionSource, type ReportingVehicle } from './position-mapper';
import { toAreaAlarms } from './area-alarm-mapper';
import { toDriverCardEvent } from './driver-card-mapper';
import { AckTimeoutError, type PositionBatcher } from './position-batcher';
import type { TerminalRegistrations } from './terminal-registrations';
import type { TerminalVehicleLookup } from './terminal-vehicle-lookup';

/** The transport a session talks through: a TCP socket in production, a fake in unit tests. */
export interface TerminalConnection {
  readonly remoteAddress: string;
  /** False when the peer is not reading fast enough (the caller may drop it). */
  write(frame: Uint8Array): boolean;
  close(reason: string): void;
  readonly closed: boolean;
}

/** Which sessions are online, by terminal; a newer authenticated connection replaces an older one. */
export interface TerminalHub {
  attach(session: TerminalSession): void;
  detach(session: TerminalSession): void;
}

/** The downlink side: answers from terminals to commands sent to them. */
export interface CommandCorrelator {
  onTerminalResponse(session: TerminalSession, answerSerial: number, answerMessageId: number, result: number): void;
  onLocationAnswer(session: TerminalSession, answerSerial: number, position: PositionV1 | null): void;
  onSessionClosed(session: TerminalSession): void;
}

export interface SessionLimits {
  /** Decode errors in a row (no valid frame between) before the connection is dropped. */
  maxConsecutiveErrors: number;
  /** Bytes received since the last valid frame before the connection is dropped. */
  maxBytesWithoutFrame: number;
  /** Failed 0x0102 on one connection before it is dropped. */
  maxAuthFailures: number;
  /** Messages waiting behind an async step (register, authenticate, logout) before the connection is dropped. */
  maxQueuedMessages: number;
  /** A connection not authenticated this long after it opened is dropped (a slow or abusive client holds a socket for nothing). */
  authDeadlineMs: number;
  /**
   * Junk bytes (received bytes that no valid frame accounts for) allowed per `junkWindowMs`.
   * Catches what the two garbage rules above cannot: garbage interleaved with valid frames,
   * which resets both of them.
   */
  maxJunkBytesPerWindow: number;
  junkWindowMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxConsecutiveErrors: 16,
  maxBytesWithoutFrame: 16 * 1024,
  maxAuthFailures: 3,
  maxQueuedMessages: 1024,
  authDeadlineMs: 60_000,
  maxJunkBytesPerWindow: 16 * 1024,
  junkWindowMs: 60_000,
};

/**
 * The most bytes a received frame of this message can have taken on the wire: flags, and
 * header + body + check code all escaped (every byte 0x7e or 0x7d doubles). Crediting the
 * most keeps an honest terminal at zero junk whatever its bytes; a reassembled sub-packaged
 * message is credited its whole body at once, when it completes.
 */
const mostWireBytesOf = (header: Jt808Header): number => {
  const headerBytes = header.edition === '2019' ? 17 : 12;
  return 2 + 2 * (headerBytes + header.bodyLength + 1);
};

export interface SessionContext {
  registrations: TerminalRegistrations;
  vehicles: TerminalVehicleLookup;
  batcher: PositionBatcher;
  hub: TerminalHub;
  commands: CommandCorrelator;
  metrics: GatewayMetrics;
  logger: Logger;
  now(): number;
  limits: SessionLimits;
  /** The frame policy (lenient / strict) and the per-terminal count of accepted anomalies. */
  frames: FrameAnomalies;
  /** Why positions are shed right now (answered 0x8001 result 1 at once, not published), or null. */
  shedCause(): ShedCause | null;
  /** Publishes a 0x0702 report on `drivers.card-events`; resolves when Kafka acknowledged it. */
  publishDriverCard(event: DriverCardEventV1): Promise<void>;
  /** The terminal's own area/route alarms (bits 20–23) of the reports being published, on `terminal.area-alarms`. */
  publishAreaAlarms(alarms: readonly TerminalAreaAlarmV1[]): Promise<void>;
}

/** Kafka is behind (too many positions unacknowledged, or for too long), or this process is (its event loop runs late). */
export type ShedCause = 'kafka' | 'event-loop';

type Addressee = Pick<Jt808Header, 'terminalPhone' | 'edition' | 'protocolVersion'>;

/**
 * One terminal connection: the JT/T 808 conversation, free of node:net.
 *
 * - Before authentication only 0x0100 (register) and 0x0102 (authenticate) are served;
 *   anything else is answered 0x8001 result 1 (failure) and not stored, so a terminal
 *   that lost its session learns it at once and authenticates again instead of waiting
 *   for its response timeout. Terminal responses (0x0001) are ignored.
 * - 0x0200 / 0x0704 positions are answered 0x8001 only after Kafka acknowledged them;
 *   if the publish fails, nothing is answered and the terminal retransmits.
 * - Messages are handled in arrival order; an async step (register, authenticate)
 *   holds the ones behind it.
 */
export class TerminalSession {
  /** Canonical terminal id once known (header of the first frame), see `canonicalTerminalId`. */
  terminalId: string | null = null;
  authenticated = false;
  vehicle: ReportingVehicle | null = null;
  /** The addressee for downlink frames: the phone as the terminal sends it, its edition. */
  addressee: Addressee | null = null;
  private decoder: Jt808StreamDecoder | null = null;
  private serial = 0;
  private consecutiveErrors = 0;
  private bytesSinceFrame = 0;
  private authFailures = 0;
  private readonly queue: Jt808Message[] = [];
  private draining = false;
  private lastExpireMs = 0;
  /** When the terminal last sent bytes (the connection's opening until then): the gateway's idle sweep reads it. */
  lastDataMs: number;
  private junkBytes = 0;
  private junkWindowStartMs: number;
  readonly openedAtMs: number;

  constructor(
    readonly connection: TerminalConnection,
    private readonly ctx: SessionContext,
  ) {
    this.openedAtMs = ctx.now();
    this.junkWindowStartMs = this.openedAtMs;
    this.lastDataMs = this.openedAtMs;
  }

  get queuedMessages(): number {
    return this.queue.length;
  }

  get logFields(): Record<string, unknown> {
    return { terminalId: this.terminalId, vehicleId: this.vehicle?.vehicleId, remote: this.connection.remoteAddress };
  }

  nextSerial(): number {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    return serial;
  }

  /** Bytes from the socket. Never throws: bad input is counted, logged, and bounded. */
  onData(chunk: Uint8Array): void {
    if (this.connection.closed) return;
    const nowMs = this.ctx.now();
    this.lastDataMs = nowMs;
    this.decoder ??= new Jt808StreamDecoder({ lenient: this.ctx.frames.lenient });
    this.bytesSinceFrame += chunk.length;
    if (nowMs - this.junkWindowStartMs >= this.ctx.limits.junkWindowMs) {
      this.junkWindowStartMs = nowMs;
      this.junkBytes = 0;
    }
    this.junkBytes += chunk.length;
    const events = this.decoder.push(chunk, nowMs);
    if (nowMs - this.lastExpireMs > 10_000) {
      this.lastExpireMs = nowMs;
      events.push(...this.decoder.expire(nowMs));
    }
    for (const event of events) {
      if (event.type === 'message') {
        this.consecutiveErrors = 0;
        this.bytesSinceFrame = 0;
        this.junkBytes = Math.max(0, this.junkBytes - mostWireBytesOf(event.message.header));
        this.ctx.metrics.frame(event.message.messageId);
        const { anomalies } = event.message;
        if (anomalies && anomalies.length > 0)
          this.ctx.frames.record(canonicalTerminalId(event.message.header.terminalPhone), event.message.messageId, anomalies, nowMs);
        this.queue.push(event.message);
      } else if (event.type === 'error') {
        this.onDecodeError(event.error);
      } else {
        this.ctx.metrics.decodeError('dropped-subpackages');
        this.ctx.logger.warn({ ...this.logFields, dropped: event.dropped }, 'incomplete sub-package set dropped');
      }
    }
    if (this.connection.closed) return;
    this.requestMissingPackets(nowMs);
    if (this.consecutiveErrors >= this.ctx.limits.maxConsecutiveErrors || this.bytesSinceFrame > this.ctx.limits.maxBytesWithoutFrame) {
      this.ctx.logger.warn(
        { ...this.logFields, consecutiveErrors: this.consecutiveErrors, bytesSinceFrame: this.bytesSinceFrame },
        'dropping a connection that sends no valid frames',
      );
      this.close('garbage');
      return;
    }
    if (this.junkBytes > this.ctx.limits.maxJunkBytesPerWindow) {
      this.ctx.logger.warn(
        { ...this.logFields, junkBytes: this.junkBytes, windowMs: this.ctx.limits.junkWindowMs, limit: this.ctx.limits.maxJunkBytesPerWindow },
        'dropping a connection that sends too many bytes outside valid frames',
      );
      this.close('junk-rate');
      return;
    }
    if (this.queue.length > this.ctx.limits.maxQueuedMessages) {
      this.ctx.logger.warn(
        { ...this.logFields, queued: this.queue.length },
        'dropping a connection that sends faster than its register/authenticate/logout is answered',
      );
      this.close('queue-overflow');
      return;
    }
    this.drain();
  }

  /**
   * Called by the gateway `authDeadlineMs` after the connection opened: a connection that has
   * not authenticated by then (trickling bytes, or registered and never authenticated) is
   * dropped, so slow clients cannot hold sockets and sessions indefinitely.
   */
  enforceAuthDeadline(): void {
    if (this.authenticated || this.connection.closed) return;
    this.ctx.logger.warn(
      { ...this.logFields, openForMs: this.ctx.now() - this.openedAtMs, deadlineMs: this.ctx.limits.authDeadlineMs },
      'dropping a connection that did not authenticate in time',
    );
    this.close('auth-deadline');
  }

  /** The socket closed (by either side). */
  onClosed(): void {
    this.queue.length = 0;
    this.decoder = null;
    this.ctx.hub.detach(this);
    this.ctx.commands.onSessionClosed(this);
  }

  close(reason: string): void {
    if (this.connection.closed) return;
    this.ctx.metrics.disconnect(reason);
    this.connection.close(reason);
  }

  /**
   * Asks the terminal again (0x8003) for the missing packets of its incomplete sub-packaged
   * messages — from `onData` and from the gateway's sweep, since a set goes quiet exactly
   * when packets stop coming. A 2013 request lists at most 255 packets; the rest are asked
   * for on the next attempt.
   */
  requestMissingPackets(nowMs: number): void {
    if (!this.decoder || this.connection.closed) return;
    for (const due of this.decoder.resendRequests(nowMs)) {
      const listed = due.missingIndexes.slice(0, due.header.edition === '2019' ? 0xffff : 0xff);
      this.ctx.metrics.resendRequests.inc();
      this.ctx.logger.info(
        { ...this.logFields, messageId: due.header.messageId, firstSerial: due.firstSerial, missing: due.missingIndexes.length, attempt: due.attempt },
        'asking the terminal to resend missing sub-packages (0x8003)',
      );
      this.write(buildResendRequest(due.header, this.nextSerial(), due.firstSerial, listed));
    }
  }

  /** Frees the decoder of a connection that has been quiet (its buffers are empty by then). */
  releaseIdleBuffers(idleSinceMs: number): void {
    if (this.decoder && this.lastDataMs < idleSinceMs) this.decoder = null;
  }

  write(frame: Uint8Array): void {
    if (this.connection.closed) return;
    this.connection.write(frame);
  }

  private onDecodeError(error: Jt808DecodeError): void {
    this.consecutiveErrors++;
    this.ctx.metrics.decodeError(error.kind);
    const hint = error.header;
    this.ctx.logger.warn(
      { ...this.logFields, terminalPhone: hint?.terminalPhone, kind: error.kind, messageId: hint?.messageId, err: error.message },
      'malformed JT/T 808 frame',
    );
    // With a readable header the terminal can be told: 3 = unsupported, 2 = bad message.
    if (hint && (this.terminalId === null || canonicalTerminalId(hint.terminalPhone) === this.terminalId)) {
      const to = this.addressee ?? {
        terminalPhone: hint.terminalPhone,
        edition: hint.terminalPhone.length > 12 ? '2019' : '2013',
        protocolVersion: hint.terminalPhone.length > 12 ? 1 : null,
      };
      const answered = { ...to, messageId: hint.messageId, serial: hint.serial } as Jt808Header;
      this.write(
        buildPlatformGeneralResponse(answered, this.nextSerial(), error.kind === 'unsupported-message' ? GeneralResult.Unsupported : GeneralResult.BadMessage),
      );
    }
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.connection.closed) {
        const message = this.queue.shift()!;
        const pending = this.handle(message);
        if (pending) {
          pending
            .catch((error: unknown) => this.ctx.logger.error({ ...this.logFields, err: error }, 'error handling a message'))
            .finally(() => {
              this.draining = false;
              this.drain();
            });
          return;
        }
      }
      this.draining = false;
    } catch (error) {
      // A bug in a handler must not take the process down; drop this connection only.
      this.draining = false;
      this.ctx.logger.error({ ...this.logFields, err: error }, 'unexpected error handling a message; closing the connection');
      this.close('internal-error');
    }
  }

  private answer(header: Jt808Header, result: number): void {
    this.write(buildPlatformGeneralResponse(header, this.nextSerial(), result));
  }

  private reject(header: Jt808Header, reason: string): void {
    this.ctx.metrics.rejectedMessage(reason);
    this.answer(header, GeneralResult.Failed);
  }

  /** Handles one message; returns a promise only when later messages must wait for it. */
  private handle(message: Jt808Message): Promise<void> | void {
    const { header } = message;
    switch (message.messageId) {
      case 0x0100:
        return this.register(header, message.body);
      case 0x0102:
        return this.authenticate(header, message.body.authCode);
      case 0x0001:
        // Responses are never answered; before authentication they are ignored.
        if (this.isCurrentTerminal(header))
          this.ctx.commands.onTerminalResponse(this, message.body.answerSerial, message.body.answerMessageId, message.body.result);
        return;
    }
    if (!this.authenticated) return this.reject(header, 'not-authenticated');
    if (!this.isCurrentTerminal(header)) return this.reject(header, 'terminal-id-mismatch');
    this.addressee = header;
    switch (message.messageId) {
      case 0x0002:
        return this.answer(header, GeneralResult.Ok);
      case 0x0003:
        return this.logout(header);
      case 0x0200:
        return this.publishPositions(header, [message.body], 'realtime');
      case 0x0704:
        return this.publishPositions(header, message.body.locations, message.body.blindAreaBackfill ? 'blind-area' : 'batch');
      case 0x0201:
        return this.locationAnswer(message.body.answerSerial, message.body.location);
      case 0x0702:
        return this.driverIdentity(header, message.body);
      default:
        // Platform messages (0x8xxx) coming up from a terminal.
        return this.answer(header, GeneralResult.Unsupported);
    }
  }

  private isCurrentTerminal(header: Jt808Header): boolean {
    return this.terminalId !== null && canonicalTerminalId(header.terminalPhone) === this.terminalId;
  }

  private async register(header: Jt808Header, body: Extract<Jt808Message, { messageId: 0x0100 }>['body']): Promise<void> {
    const terminalId = canonicalTerminalId(header.terminalPhone);
    if (this.authenticated && terminalId !== this.terminalId) return this.reject(header, 'terminal-id-mismatch');
    let authCode: string;
    try {
      authCode = await this.ctx.registrations.register({
        terminalId,
        plate: body.plate,
        plateColour: body.plateColor,
        manufacturerId: body.manufacturerId,
        terminalModel: body.terminalModel,
        deviceId: body.terminalId,
        provinceId: body.provinceId,
        cityId: body.cityId,
      });
    } catch (error) {
      // No answer: the terminal retries its registration.
      this.ctx.logger.error({ terminalId, err: error }, 'terminal registrations unavailable; registration not answered');
      return;
    }
    this.ctx.logger.info({ terminalId, plate: body.plate, plateColour: body.plateColor, remote: this.connection.remoteAddress }, 'terminal registered');
    this.write(buildRegisterResponse(header, this.nextSerial(), RegisterResult.Ok, authCode));
  }

  private async authenticate(header: Jt808Header, authCode: string): Promise<void> {
    const terminalId = canonicalTerminalId(header.terminalPhone);
    if (this.authenticated && terminalId !== this.terminalId) return this.reject(header, 'terminal-id-mismatch');
    let ok: boolean;
    try {
      ok = await this.ctx.registrations.authenticate(terminalId, authCode);
    } catch (error) {
      this.ctx.logger.error({ terminalId, err: error }, 'terminal registrations unavailable; authentication not answered');
      return;
    }
    if (!ok) {
      this.authFailures++;
      this.ctx.logger.warn({ terminalId, remote: this.connection.remoteAddress, failures: this.authFailures }, 'authentication failed');
      this.reject(header, 'bad-auth-code');
      if (this.authFailures >= this.ctx.limits.maxAuthFailures) this.close('auth-failed');
      return;
    }
    let facts;
    try {
      facts = await this.ctx.vehicles.byTerminal(terminalId);
    } catch (error) {
      this.ctx.logger.error({ terminalId, err: error }, 'vehicle registry unavailable; authentication not answered');
      return;
    }
    if (this.connection.closed) return;
    this.terminalId = terminalId;
    this.addressee = header;
    this.vehicle = facts
      ? { terminalId, vehicleId: facts.vehicleId, registered: true, plate: facts.plate, plateColour: facts.plateColour }
      : { terminalId, vehicleId: unregisteredVehicleIdOf(terminalId), registered: false };
    if (!this.authenticated) {
      this.authenticated = true;
      this.ctx.hub.attach(this);
    }
    if (!facts)
      this.ctx.logger.warn(
        { terminalId, vehicleId: this.vehicle.vehicleId },
        'terminal not in the vehicle registry; its positions are kept, flagged unregistered',
      );
    this.answer(header, GeneralResult.Ok);
  }

  private async logout(header: Jt808Header): Promise<void> {
    try {
      await this.ctx.registrations.unregister(this.terminalId!);
    } catch (error) {
      this.ctx.logger.error({ ...this.logFields, err: error }, 'terminal registrations unavailable; logout not answered');
      return;
    }
    this.ctx.logger.info(this.logFields, 'terminal logged out');
    this.answer(header, GeneralResult.Ok);
  }

  private publishPositions(header: Jt808Header, reports: readonly LocationReport[], source: PositionSource): void {
    const vehicle = this.vehicle!;
    // The platform's clock at receipt: what a future-dated or late report is measured against.
    const receivedAtMs = this.ctx.now();
    const messages = [];
    const areaAlarms = [];
    for (const report of reports) {
      const mapped = toPosition(report, vehicle, source, receivedAtMs);
      const evidence = toAreaAlarms(report, vehicle, receivedAtMs);
      areaAlarms.push(...evidence.alarms);
      for (const reason of evidence.invalid) this.ctx.logger.warn({ ...this.logFields, reason }, 'area alarm fails terminalAreaAlarmV1; not published');
      if (mapped.ok) messages.push({ key: vehicle.vehicleId, value: mapped.position });
      else {
        this.ctx.metrics.rejectedMessage('invalid-position');
        this.ctx.logger.warn({ ...this.logFields, reason: mapped.reason }, 'position fails positionV1; not published');
      }
    }
    if (messages.length === 0 && reports.length > 0) return this.answer(header, GeneralResult.BadMessage);
    // The gateway cannot keep up: a clear answer now rather than an 0x8001 seconds later; the terminal keeps the positions.
    const shedCause = this.ctx.shedCause();
    if (shedCause !== null) {
      this.ctx.metrics.shed(shedCause, messages.length);
      return this.answer(header, GeneralResult.Failed);
    }
    // The terminal's own alarms go with their positions: 0x8001 only after Kafka holds both.
    Promise.all([this.ctx.batcher.submit(messages), areaAlarms.length > 0 ? this.ctx.publishAreaAlarms(areaAlarms) : undefined]).then(
      () => {
        this.ctx.metrics.position(source, vehicle.registered, messages.length);
        this.answer(header, GeneralResult.Ok);
      },
      (error: unknown) => {
        if (error instanceof AckTimeoutError) {
          // Kafka did not acknowledge in time: told at once, the terminal re-sends them from its blind-area store.
          this.ctx.metrics.shed('ack-timeout', messages.length);
          this.answer(header, GeneralResult.Failed);
        }
        // A failed publish: not stored, not answered; the terminal retransmits after its response timeout.
        else this.ctx.metrics.rejectedMessage('publish-failed');
      },
    );
  }

  /**
   * 0x0702: the card report goes to `drivers.card-events` with the bound vehicle and is answered
   * 0x8001 only after Kafka acknowledged it (a failed publish is not answered: the terminal
   * retransmits); a report failing the contract is answered "bad message" and changes nothing.
   */
  private driverIdentity(header: Jt808Header, body: Extract<Jt808Message, { messageId: 0x0702 }>['body']): void {
    const vehicle = this.vehicle!;
    const mapped = toDriverCardEvent(body, vehicle, this.ctx.now());
    if (!mapped.ok) {
      this.ctx.metrics.rejectedMessage('invalid-driver-card');
      this.ctx.logger.warn({ ...this.logFields, reason: mapped.reason }, 'driver identity fails driverCardEventV1; not published');
      return this.answer(header, GeneralResult.BadMessage);
    }
    const driverId = body.signedOn ? body.card?.qualificationCode || body.card?.driverIdNumber || undefined : undefined;
    const { driverId: _previous, driverSignedInAtMs: _previousAt, ...rest } = vehicle;
    this.vehicle = driverId ? { ...rest, driverId, driverSignedInAtMs: mapped.event.reportedAtMs } : rest;
    this.ctx.logger.info({ ...this.logFields, driverId, signedOn: body.signedOn }, 'driver identity');
    this.ctx.publishDriverCard(mapped.event).then(
      () => this.answer(header, GeneralResult.Ok),
      (error: unknown) => {
        this.ctx.metrics.rejectedMessage('publish-failed');
        this.ctx.logger.error({ ...this.logFields, err: error }, 'publishing a driver identity failed; not answered, the terminal retransmits');
      },
    );
  }

  private locationAnswer(answerSerial: number, report: LocationReport): void {
    const vehicle = this.vehicle!;
    const mapped = toPosition(report, vehicle, 'realtime', this.ctx.now());
    if (mapped.ok) {
      // A queried position is a position like any other; no 0x8001 is due for a response.
      this.ctx.batcher.submit([{ key: vehicle.vehicleId, value: mapped.position }]).then(
        () => this.ctx.metrics.position('realtime', vehicle.registered),
        () => this.ctx.metrics.rejectedMessage('publish-failed'),
      );
    }
    this.ctx.commands.onLocationAnswer(this, answerSerial, mapped.ok ? mapped.position : null);
  }
}
