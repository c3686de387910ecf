import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { createLogger, onShutdown, ServiceMetrics, startOpsServer, type Logger } from '@roadwatch/runtime';
import type { GatewayConfig } from './config';
import { InMemoryConnectionDirectory } from './connection-directory';
import { InMemoryTerminalRegistrations } from './terminal-registrations';
import { serveSharedState } from './worker-shared-state';

/** A worker's instance id: the base id and its index, stable across the worker's restarts (its consumer group on terminal.commands). */
export const workerInstanceId = (baseInstanceId: string, index: number): string => `${baseInstanceId}-w${index}`;

/** Sent by a worker every second: its readiness (listening, commands, Kafka). */
export interface WorkerStatus {
  kind: 'gateway-worker:status';
  ready: boolean;
}

export const isWorkerStatus = (message: unknown): message is WorkerStatus =>
  typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'gateway-worker:status';

const STATUS_FRESH_MS = 5_000;
/** A worker that dies is restarted after this, doubled while it keeps dying within a minute of its start (at most 30 s). */
const RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;

/** The primary's /metrics: every worker's registry, summed (prom-client's cluster aggregation). */
class WorkersMetrics extends ServiceMetrics {
  private readonly aggregator = new AggregatorRegistry();

  override async render(): Promise<{ contentType: string; body: string }> {
    const own = await this.registry.metrics();
    return { contentType: this.aggregator.contentType, body: `${own}\n${await this.aggregator.clusterMetrics()}` };
  }
}

/**
 * The primary of a gateway with several workers (`GATEWAY_WORKERS` > 1): it forks the workers
 * — each a whole gateway with its own Kafka producer, listening on the same port with
 * SO_REUSEPORT so the kernel spreads connections over them and the primary is never on the
 * data path —, restarts one that dies, keeps what they share when it is in memory (the
 * connection directory, the terminals' registrations; `worker-shared-state.ts`), and serves
 * the ops endpoints for all of them: `/metrics` summed over the workers, `/ready` when every
 * worker is.
 */
export const superviseWorkers = async (
  config: GatewayConfig,
  options: { workers: number; baseInstanceId: string; logger?: Logger },
): Promise<{ opsPort: number; close(): Promise<void> }> => {
  const logger = options.logger ?? createLogger('gateway-jt808', config.LOG_LEVEL);
  const shared = {
    ...(config.CONNECTION_DIRECTORY === 'memory' ? { connections: new InMemoryConnectionDirectory() } : {}),
    ...(config.TERMINAL_REGISTRATIONS === 'memory' ? { registrations: new InMemoryTerminalRegistrations() } : {}),
  };
  const metrics = new WorkersMetrics('gateway-jt808', { defaultMetrics: false });
  const restarts = metrics.counter('gateway_worker_restarts_total', 'Gateway workers that died and were started again');
  const workersUp = metrics.gauge('gateway_workers', 'Gateway worker processes running');
  const byIndex = new Map<number, { worker: Worker; startedAt: number; ready: boolean; statusAt: number; restartDelayMs: number }>();
  let stopping = false;

  const start = (index: number, restartDelayMs = RESTART_DELAY_MS): void => {
    const instanceId = workerInstanceId(options.baseInstanceId, index);
    const worker = cluster.fork({
      GATEWAY_WORKER_INDEX: String(index),
      GATEWAY_INSTANCE_ID: instanceId,
      // The primary serves the ops endpoints; a worker's own is on a free port, for debugging.
      OPS_PORT: '0',
    });
    const entry = { worker, startedAt: Date.now(), ready: false, statusAt: 0, restartDelayMs };
    byIndex.set(index, entry);
    workersUp.set(byIndex.size);
    serveSharedState(worker, shared);
    worker.on('message', (message: unknown) => {
      if (!isWorkerStatus(message)) return;
      entry.ready = message.ready;
      entry.statusAt = Date.now();
    });
    worker.on('exit', (code, signal) => {
      if (byIndex.get(index)?.worker === worker) byIndex.delete(index);
      workersUp.set(byIndex.size);
      // Its terminals are held by nobody now: their commands are undeliverable until they reconnect (to another worker).
      const forgotten = shared.connections?.forgetInstance(instanceId) ?? 0;
      if (stopping) return;
      // A worker that keeps dying right after its start is restarted ever more slowly.
      const delayMs = Date.now() - entry.startedAt < 60_000 ? Math.min(MAX_RESTART_DELAY_MS, entry.restartDelayMs * 2) : RESTART_DELAY_MS;
      logger.error(
        { worker: index, instanceId, pid: worker.process.pid, code, signal, forgottenTerminals: forgotten, restartInMs: delayMs },
        'gateway worker died; restarting it',
      );
      restarts.inc();
      setTimeout(() => {
        if (!stopping) start(index, delayMs);
      }, delayMs).unref();
    });
  };

  for (let index = 0; index < options.workers; index++) start(index);
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    metrics,
    readiness: [
      {
        name: 'workers',
        check: () => {
          const now = Date.now();
          const ready = [...byIndex.values()].filter((entry) => entry.ready && now - entry.statusAt < STATUS_FRESH_MS).length;
          return ready === options.workers;
        },
      },
    ],
  });
  logger.info({ workers: options.workers, opsPort: ops.port, port: config.GATEWAY_PORT, sharedInPrimary: Object.keys(shared) }, 'gateway workers started');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopping = true;
      // Each worker closes as a gateway does on SIGTERM: flushes its positions, then goes.
      const exited = [...byIndex.values()].map(
        ({ worker }) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))),
      );
      for (const { worker } of byIndex.values()) worker.process.kill('SIGTERM');
      await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
      await ops.close();
    })());
  onShutdown(logger, [close]);
  return { opsPort: ops.port, close };
};
