import { TOPICS, type CommandResultV1, type PositionV1, type TerminalCommandV1 } from '@roadwatch/contracts';
import {
  buildLocationQuery,
  buildSetCircleAreas,
  buildSetParameters,
  buildSetPolygonArea,
  buildSetRoute,
  buildTextMessage,
  setCircleAreaFrom,
  setPolygonAreaFromRing,
  setRouteFromPolyline,
  GeneralResult,
  Jt808EncodeError,
  TERMINAL_PARAMETERS,
  type TerminalParameter,
  type TerminalParameterName,
} from '@roadwatch/jt808';
import type { Bus } from '@roadwatch/messaging';
import type { Logger } from '@roadwatch/runtime';
import type { ConnectionDirectory } from './connection-directory';
import type { GatewayMetrics } from './metrics';
import type { OnlineTerminals } from './terminal-hub';
import { canonicalTerminalId } from '@roadwatch/domain';
import type { CommandCorrelator, TerminalSession } from './terminal-session';

interface PendingCommand {
  commandId: string;
  terminalId: string;
  session: TerminalSession;
  /** The message id the terminal's answer refers to (0x8300, 0x8103, 0x8600/0x8604/0x8606 → 0x0001; 0x8201 → 0x0201). */
  sentMessageId: number;
  timer: NodeJS.Timeout;
}

export interface CommandDispatcherOptions {
  instanceId: string;
  online: OnlineTerminals;
  directory: ConnectionDirectory;
  bus: Pick<Bus, 'publish'>;
  metrics: GatewayMetrics;
  logger: Logger;
  /** A terminal that has not answered by then: `failed`, reason "no answer". */
  answerTimeoutMs: number;
  /** Commands older than this (by `issuedAtMs`) when read are not sent: `undeliverable`. */
  maxAgeMs: number;
  now?: () => number;
}

const PARAMETER_NAMES = new Map<number, TerminalParameterName>(
  (Object.keys(TERMINAL_PARAMETERS) as TerminalParameterName[]).map((name) => [TERMINAL_PARAMETERS[name].id, name]),
);

const GENERAL_RESULT_STATUS: Record<number, { status: CommandResultV1['status']; reason?: string }> = {
  [GeneralResult.Ok]: { status: 'acknowledged' },
  [GeneralResult.Failed]: { status: 'failed', reason: 'terminal answered failure' },
  [GeneralResult.BadMessage]: { status: 'failed', reason: 'terminal answered bad message' },
  [GeneralResult.Unsupported]: { status: 'unsupported' },
};

/**
 * Downlink: a `terminal.commands` message → the JT/T 808 frame to the terminal → its
 * answer (0x0001 by serial, 0x0201 for a location query) → `terminal.command-results`.
 * Results: `sent` when written to the socket, then one of `acknowledged`, `answered`,
 * `failed`, `unsupported`; `undeliverable` when no instance holds the terminal (see
 * ConnectionDirectory) or the command expired before it could be sent.
 */
export class CommandDispatcher implements CommandCorrelator {
  private readonly pending = new Map<string, PendingCommand>();
  private readonly now: () => number;

  constructor(private readonly options: CommandDispatcherOptions) {
    this.now = options.now ?? Date.now;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  async dispatch(command: TerminalCommandV1): Promise<void> {
    const { online, directory, instanceId, logger } = this.options;
    const terminalId = canonicalTerminalId(command.terminalId);
    const nowMs = this.now();
    const expired = (command.expiresAtMs !== undefined && command.expiresAtMs <= nowMs) || command.issuedAtMs < nowMs - this.options.maxAgeMs;
    const session = online.get(terminalId);
    if (!session || session.connection.closed || expired) {
      if (!expired) {
        const owner = await directory.ownerOf(terminalId);
        // Another live instance holds the terminal: that instance sends the command.
        if (owner !== undefined && owner !== instanceId) return;
      }
      // Exactly one instance reports it (they all read every command).
      if (!(await directory.claimReport(`undeliverable:${command.commandId}`, 3_600_000))) return;
      logger.info({ commandId: command.commandId, terminalId, expired }, 'command undeliverable');
      await this.publishResult({
        commandId: command.commandId,
        terminalId,
        status: 'undeliverable',
        reason: expired ? 'expired before delivery' : 'terminal not connected to any gateway instance',
      });
      return;
    }
    const to = session.addressee!;
    const serial = session.nextSerial();
    let frame: Uint8Array;
    let sentMessageId: number;
    try {
      switch (command.command.type) {
        case 'text':
          frame = buildTextMessage(to, serial, command.command.text, {
            display: command.command.display,
            tts: command.command.tts,
            emergency: command.command.urgent,
          });
          sentMessageId = 0x8300;
          break;
        case 'location_query':
          frame = buildLocationQuery(to, serial);
          sentMessageId = 0x8201;
          break;
        case 'set_params':
          frame = buildSetParameters(to, serial, command.command.params.map(toTerminalParameter));
          sentMessageId = 0x8103;
          break;
        // Routes and areas in the terminal's own edition (2019 adds names); answered by 0x0001.
        case 'set_route':
          frame = buildSetRoute(to, serial, setRouteFromPolyline(command.command, to.edition));
          sentMessageId = 0x8606;
          break;
        case 'set_polygon_area':
          frame = buildSetPolygonArea(to, serial, setPolygonAreaFromRing(command.command, to.edition));
          sentMessageId = 0x8604;
          break;
        case 'set_circle_area':
          frame = buildSetCircleAreas(to, serial, setCircleAreaFrom(command.command, to.edition));
          sentMessageId = 0x8600;
          break;
      }
    } catch (error) {
      const reason = error instanceof Jt808EncodeError || error instanceof UnknownParameterError ? error.message : String(error);
      await this.publishResult({ commandId: command.commandId, terminalId, status: 'failed', reason: `cannot encode: ${reason}` });
      return;
    }
    const key = `${terminalId}\u0000${serial}`;
    const timer = setTimeout(() => {
      if (this.pending.get(key)?.commandId !== command.commandId) return;
      this.pending.delete(key);
      void this.publishResult({
        commandId: command.commandId,
        terminalId,
        status: 'failed',
        reason: `no answer within ${this.options.answerTimeoutMs} ms`,
      }).catch(() => undefined);
    }, this.options.answerTimeoutMs);
    timer.unref();
    this.pending.set(key, { commandId: command.commandId, terminalId, session, sentMessageId, timer });
    session.write(frame);
    logger.info({ ...session.logFields, commandId: command.commandId, type: command.command.type, serial }, 'command sent to terminal');
    await this.publishResult({ commandId: command.commandId, terminalId, status: 'sent' });
  }

  onTerminalResponse(session: TerminalSession, answerSerial: number, answerMessageId: number, result: number): void {
    const pending = this.take(session, answerSerial);
    if (!pending) return;
    if (answerMessageId !== pending.sentMessageId) {
      this.options.logger.warn(
        { ...session.logFields, answerMessageId, expected: pending.sentMessageId },
        'terminal answered a different message id for this serial',
      );
    }
    const mapped = GENERAL_RESULT_STATUS[result] ?? { status: 'failed' as const, reason: `terminal result ${result}` };
    this.fire({ commandId: pending.commandId, terminalId: pending.terminalId, ...mapped, answer: { result } });
  }

  onLocationAnswer(session: TerminalSession, answerSerial: number, position: PositionV1 | null): void {
    const pending = this.take(session, answerSerial);
    if (!pending) return;
    if (!position) {
      this.fire({ commandId: pending.commandId, terminalId: pending.terminalId, status: 'failed', reason: 'terminal answered an invalid position' });
      return;
    }
    const { latitudeDeg, longitudeDeg, speedKmh, headingDeg, deviceTimeMs, altitudeM, alarmFlags, statusFlags, gnssFixed } = position;
    this.fire({
      commandId: pending.commandId,
      terminalId: pending.terminalId,
      status: 'answered',
      answer: { latitudeDeg, longitudeDeg, speedKmh, headingDeg, deviceTimeMs, altitudeM, alarmFlags, statusFlags, gnssFixed },
    });
  }

  onSessionClosed(session: TerminalSession): void {
    for (const [key, pending] of this.pending) {
      if (pending.session !== session) continue;
      clearTimeout(pending.timer);
      this.pending.delete(key);
      this.fire({ commandId: pending.commandId, terminalId: pending.terminalId, status: 'failed', reason: 'connection closed before the terminal answered' });
    }
  }

  close(): void {
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
  }

  private take(session: TerminalSession, answerSerial: number): PendingCommand | undefined {
    const key = `${session.terminalId}\u0000${answerSerial}`;
    const pending = this.pending.get(key);
    if (!pending || pending.session !== session) return undefined;
    this.pending.delete(key);
    clearTimeout(pending.timer);
    return pending;
  }

  private fire(result: Omit<CommandResultV1, 'v' | 'answeredAtMs'>): void {
    this.publishResult(result).catch((error: unknown) =>
      this.options.logger.error({ commandId: result.commandId, err: error }, 'could not publish a command result'),
    );
  }

  private async publishResult(result: Omit<CommandResultV1, 'v' | 'answeredAtMs'>): Promise<void> {
    this.options.metrics.commandResult(result.status);
    await this.options.bus.publish(TOPICS.commandResults, [{ key: result.terminalId, value: { v: 1, answeredAtMs: this.now(), ...result } }]);
  }
}

class UnknownParameterError extends Error {}

const toTerminalParameter = (param: { id: number; value: number | string }): TerminalParameter => {
  const name = PARAMETER_NAMES.get(param.id);
  if (!name) throw new UnknownParameterError(`parameter 0x${param.id.toString(16).padStart(4, '0')} has no known type`);
  return { id: param.id, name, value: param.value };
};
