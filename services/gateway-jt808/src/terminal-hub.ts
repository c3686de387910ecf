import type { Logger } from '@roadwatch/runtime';
import type { ConnectionDirectory } from './connection-directory';
import type { GatewayMetrics } from './metrics';
import type { TerminalHub, TerminalSession } from './terminal-session';

/**
 * The authenticated sessions of this instance, by terminal. A terminal that comes back
 * on a new socket (its old one half-dead after a network change, as mobile links do)
 * replaces the old session, which is closed.
 */
export class OnlineTerminals implements TerminalHub {
  private readonly sessions = new Map<string, TerminalSession>();

  constructor(
    private readonly instanceId: string,
    private readonly directory: ConnectionDirectory,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(terminalId: string): TerminalSession | undefined {
    return this.sessions.get(terminalId);
  }

  attach(session: TerminalSession): void {
    const terminalId = session.terminalId!;
    const previous = this.sessions.get(terminalId);
    this.sessions.set(terminalId, session);
    if (previous && previous !== session) {
      this.logger.info({ ...previous.logFields, newRemote: session.connection.remoteAddress }, 'terminal reconnected; closing its previous connection');
      previous.close('replaced');
    } else {
      this.metrics.authenticated.inc();
    }
    this.directory
      .claim(terminalId, this.instanceId)
      .catch((error: unknown) => this.logger.warn({ terminalId, err: error }, 'connection directory claim failed'));
  }

  detach(session: TerminalSession): void {
    const terminalId = session.terminalId;
    if (terminalId === null || this.sessions.get(terminalId) !== session) return;
    this.sessions.delete(terminalId);
    this.metrics.authenticated.dec();
    this.directory
      .release(terminalId, this.instanceId)
      .catch((error: unknown) => this.logger.warn({ terminalId, err: error }, 'connection directory release failed'));
  }

  *[Symbol.iterator](): IterableIterator<TerminalSession> {
    yield* this.sessions.values();
  }
}
