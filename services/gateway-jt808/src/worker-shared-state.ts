import type { Worker } from 'node:cluster';
import type { ConnectionDirectory } from './connection-directory';
import type { TerminalRegistrations } from './terminal-registrations';

/**
 * What the gateway's workers (`GATEWAY_WORKERS`) must share when it is kept in memory: the
 * connection directory (which worker holds which terminal, for downlink commands) and the
 * terminals' registrations (a terminal may register through one worker and authenticate, after
 * a reconnect, through another). The primary process keeps the one in-memory copy; each worker
 * calls it over the cluster's IPC channel. With Redis / PostgreSQL the workers use those
 * directly and nothing goes through here.
 *
 * Only the methods listed are callable, so a worker cannot close the primary's objects.
 */
const SHARED_METHODS = {
  connections: ['claim', 'release', 'ownerOf', 'claimReport'],
  registrations: ['register', 'authenticate', 'unregister', 'recordFrameAnomalies', 'frameAnomaliesOf'],
} as const;

type SharedTarget = keyof typeof SHARED_METHODS;

interface SharedStateCall {
  kind: 'gateway-shared-state:call';
  id: number;
  target: SharedTarget;
  method: string;
  args: unknown[];
}

interface SharedStateReply {
  kind: 'gateway-shared-state:reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

const isCall = (message: unknown): message is SharedStateCall =>
  typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'gateway-shared-state:call';

const isReply = (message: unknown): message is SharedStateReply =>
  typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'gateway-shared-state:reply';

/** Primary side: answers one worker's calls on the shared objects (those present: a Redis / PostgreSQL kind is not served). */
export const serveSharedState = (worker: Worker, shared: { connections?: ConnectionDirectory; registrations?: TerminalRegistrations }): void => {
  worker.on('message', (message: unknown) => {
    if (!isCall(message)) return;
    const reply = (outcome: Omit<SharedStateReply, 'kind' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ kind: 'gateway-shared-state:reply', id: message.id, ...outcome } satisfies SharedStateReply);
    };
    const target = shared[message.target] as Record<string, (...args: unknown[]) => Promise<unknown>> | undefined;
    const allowed = (SHARED_METHODS[message.target] as readonly string[] | undefined)?.includes(message.method) ?? false;
    if (!target || !allowed) return reply({ ok: false, error: `no shared ${message.target}.${message.method} in the primary` });
    Promise.resolve()
      .then(() => target[message.method]!(...message.args))
      .then(
        (value) => reply({ ok: true, value }),
        (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
};

/** Worker side: calls the primary and waits for its answer (rejects when the channel is gone or after `timeoutMs`). */
export class PrimaryStateClient {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly channel: Pick<NodeJS.Process, 'send' | 'on'> = process,
    private readonly timeoutMs = 10_000,
  ) {
    channel.on('message', (message: unknown) => {
      if (!isReply(message)) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`primary: ${message.error}`));
    });
  }

  call<T>(target: SharedTarget, method: string, args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`primary did not answer ${target}.${method} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      const call: SharedStateCall = { kind: 'gateway-shared-state:call', id, target, method, args };
      const sent = this.channel.send?.(call, undefined, undefined, (error: Error | null) => {
        if (!error) return;
        this.pending.delete(id);
        clearTimeout(timer);
        reject(error);
      });
      if (sent === undefined) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new Error('not a cluster worker: no IPC channel to the primary'));
      }
    });
  }
}

/** The primary's connection directory, seen from a worker. */
export const primaryConnectionDirectory = (client: PrimaryStateClient): ConnectionDirectory => ({
  claim: (terminalId, instanceId) => client.call('connections', 'claim', [terminalId, instanceId]),
  release: (terminalId, instanceId) => client.call('connections', 'release', [terminalId, instanceId]),
  ownerOf: (terminalId) => client.call('connections', 'ownerOf', [terminalId]),
  claimReport: (key, ttlMs) => client.call('connections', 'claimReport', [key, ttlMs]),
  // The primary owns it.
  close: async () => undefined,
});

/** The primary's terminal registrations, seen from a worker. */
export const primaryTerminalRegistrations = (client: PrimaryStateClient): TerminalRegistrations => ({
  register: (registration) => client.call('registrations', 'register', [registration]),
  authenticate: (terminalId, authCode) => client.call('registrations', 'authenticate', [terminalId, authCode]),
  unregister: (terminalId) => client.call('registrations', 'unregister', [terminalId]),
  recordFrameAnomalies: (terminalId, counts, lastKind, atMs) => client.call('registrations', 'recordFrameAnomalies', [terminalId, counts, lastKind, atMs]),
  frameAnomaliesOf: (terminalId) => client.call('registrations', 'frameAnomaliesOf', [terminalId]),
  close: async () => undefined,
});
