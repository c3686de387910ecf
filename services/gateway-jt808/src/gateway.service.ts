import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { TOPICS, type DriverCardEventV1, type TerminalAreaAlarmV1 } from '@roadwatch/contracts';
import type { Bus, Subscription } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics, type Logger } from '@roadwatch/runtime';
import { CommandDispatcher } from './command-dispatcher';
import { InMemoryConnectionDirectory, type ConnectionDirectory } from './connection-directory';
import { FrameAnomalies, type FramePolicy } from './frame-anomalies';
import { GatewayMetrics } from './metrics';
import { PositionBatcher } from './position-batcher';
import { SocketOutbox } from './socket-outbox';
import { OnlineTerminals } from './terminal-hub';
import { InMemoryTerminalRegistrations, type TerminalRegistrations } from './terminal-registrations';
import { DEFAULT_SESSION_LIMITS, TerminalSession, type SessionLimits, type ShedCause, type TerminalConnection } from './terminal-session';
import type { TerminalVehicleLookup } from './terminal-vehicle-lookup';

export interface GatewayOptions {
  /** Kafka in cluster mode, the in-process bus in standalone mode; its topic prefix isolates tests. */
  bus: Bus;
  /** Terminal → vehicle, from the registry. */
  vehicles: TerminalVehicleLookup;
  /** The terminals' JT/T 808 registrations and auth codes. */
  registrations?: TerminalRegistrations;
  /** Shared by all instances in cluster mode (Redis); in memory for one instance. */
  connections?: ConnectionDirectory;
  /** 0 = any free port (tests). */
  port: number;
  /**
   * Several processes listen on the same port (SO_REUSEPORT; the kernel spreads new connections
   * over them): the gateway's workers (`GATEWAY_WORKERS`). Linux; needs a fixed port.
   */
  reusePort?: boolean;
  host?: string;
  instanceId?: string;
  logger?: Logger;
  metrics?: ServiceMetrics;
  /** Close a connection that sent nothing for this long (heartbeats count; the gateway's own writes do not). Default 180 s. */
  idleTimeoutMs?: number;
  publishLingerMs?: number;
  publishMaxBatch?: number;
  /** Shed new positions (0x8001 result 1 at once) while more than this many await Kafka. */
  maxInFlightPositions?: number;
  /**
   * While the event loop runs later than this (the process is short of CPU) positions are
   * shed — answered 0x8001 result 1 at once; above twice this, authenticated sockets are
   * paused too, so that accepting connections and answering register/auth do not wait behind
   * position frames; both end once it is back under half. Default 200 ms.
   */
  maxEventLoopDelayMs?: number;
  /**
   * A position Kafka has not acknowledged this long after it was read is answered 0x8001
   * result 1 (the terminal re-sends it as 0x0704); while the oldest waiting one is older than
   * half of this, new positions are shed at once. Default 800 ms (frame→answer under 1 s).
   */
  maxAckWaitMs?: number;
  commandAnswerTimeoutMs?: number;
  commandMaxAgeMs?: number;
  /** Read `terminal.commands` (default true). */
  commands?: boolean;
  /** Start a new consumer group at the oldest command (commands older than commandMaxAgeMs are skipped). */
  commandsFromBeginning?: boolean;
  limits?: Partial<SessionLimits>;
  /** A peer that does not read its downlink: dropped above this many buffered bytes. */
  maxWriteBufferBytes?: number;
  /** How often sessions are swept for quiet sub-package sets (0x8003) and idle buffers. Default 5 s. */
  sweepIntervalMs?: number;
  /** The platform clock (default Date.now): stamps each position's `receivedAtMs`. */
  now?: () => number;
  /**
   * `lenient` (default): frames with the unambiguous anomalies of real terminals (`Jt808FrameAnomaly`)
   * are accepted, counted per terminal and kind on /metrics and on the terminal's record;
   * `strict`: refused as the standard reads (0x8001 result 2 when the header is readable).
   */
  framePolicy?: FramePolicy;
}

export interface RunningGateway {
  port: number;
  host: string;
  instanceId: string;
  metrics: ServiceMetrics;
  /** Readiness: listening, commands subscribed, no publish stuck for long. */
  readiness(): { listening: boolean; commands: boolean; kafka: boolean };
  stats(): { connections: number; authenticated: number; inFlightPositions: number; pausedSockets: number; eventLoopBehind: boolean };
  close(): Promise<void>;
}

/** Paused sockets resumed per event-loop turn once the event loop caught up. */
const RESUMED_PER_TURN = 16;

/**
 * The JT/T 808 gateway: TCP server (plain node:net), one TerminalSession per connection,
 * positions batched onto `telemetry.positions` and acknowledged after Kafka did, the
 * downlink from `terminal.commands`.
 */
export const startGateway = async (options: GatewayOptions): Promise<RunningGateway> => {
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
  const logger = options.logger ?? createLogger('gateway-jt808');
  const serviceMetrics = options.metrics ?? new ServiceMetrics('gateway-jt808', { defaultMetrics: false });
  const metrics = new GatewayMetrics(serviceMetrics);
  const registrations = options.registrations ?? new InMemoryTerminalRegistrations();
  const connections = options.connections ?? new InMemoryConnectionDirectory();
  const idleTimeoutMs = options.idleTimeoutMs ?? 180_000;
  const maxInFlight = options.maxInFlightPositions ?? 50_000;
  const maxWriteBuffer = options.maxWriteBufferBytes ?? 256 * 1024;
  const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };

  // Shedding (issue #13 item 3): when the gateway cannot keep up — Kafka is behind (more than
  // maxInFlight positions unacknowledged, or the oldest has waited more than half of
  // maxAckWaitMs) or this process is (its event loop runs late) — a position is answered at
  // once with 0x8001 result 1: the terminal keeps it in its blind-area store and re-sends it
  // as 0x0704, instead of the frame queuing for seconds. A position already handed to Kafka
  // and not acknowledged within maxAckWaitMs is answered result 1 too (if Kafka stores it
  // after all, the re-send is a duplicate: at-least-once). An 0x8001 result 0 still comes
  // only after Kafka acknowledged.
  //
  // Pausing is the last resort, when the loop is far behind (twice the bound: even decoding and
  // shedding is more than the CPU does): authenticated sockets stop being read, so accepting
  // connections and a new terminal's 0x0100 / 0x0102 do not wait behind position frames. A
  // terminal still registering is never paused: it publishes nothing, and pausing it left its
  // 0x0102 unread past its answer timeout (issue #10 item 11).
  const maxLoopDelayMs = options.maxEventLoopDelayMs ?? 200;
  const maxAckWaitMs = options.maxAckWaitMs ?? 800;
  let loopDelayMs = 0;
  let loopBehind = false;
  let loopFarBehind = false;
  const intakeFull = (): boolean => loopFarBehind;
  const shedCause = (): ShedCause | null => {
    if (loopBehind) return 'event-loop';
    if (batcher.inFlight > maxInFlight || batcher.oldestWaitMs() > maxAckWaitMs / 2) return 'kafka';
    return null;
  };
  const loopProbeMs = 50;
  let expectedProbeAt = performance.now() + loopProbeMs;
  const loopProbe = setInterval(() => {
    const now = performance.now();
    loopDelayMs = Math.max(0, now - expectedProbeAt);
    expectedProbeAt = now + loopProbeMs;
    const wasFarBehind = loopFarBehind;
    // Hysteresis: behind above the bound, caught up again below half of it.
    loopBehind = loopBehind ? loopDelayMs > maxLoopDelayMs / 2 : loopDelayMs > maxLoopDelayMs;
    loopFarBehind = loopFarBehind ? loopDelayMs > maxLoopDelayMs / 2 : loopDelayMs > 2 * maxLoopDelayMs;
    metrics.eventLoopDelay.set(loopDelayMs / 1000);
    batcher.expireLate();
    if (wasFarBehind && !loopFarBehind && paused.size > 0) scheduleResume();
  }, loopProbeMs);
  loopProbe.unref();

  // Paused sockets, oldest first, resumed a few per event-loop turn rather than all at once:
  // a resumed socket hands over everything it buffered while paused in the same tick, so
  // resuming thousands together decoded hundreds of thousands of frames before the loop
  // could accept a connection or read a 0x0100 (seconds of event-loop delay under load).
  // Between turns the poll phase serves everyone else.
  const paused = new Set<Socket>();
  let resumeScheduled = false;
  const pause = (socket: Socket, cause: 'event-loop'): void => {
    socket.pause();
    paused.add(socket);
    metrics.backpressurePause(cause);
    metrics.pausedSockets.set(paused.size);
  };
  const resumeSome = (): void => {
    resumeScheduled = false;
    let resumed = 0;
    for (const socket of paused) {
      if (resumed >= RESUMED_PER_TURN || intakeFull()) break;
      paused.delete(socket);
      if (socket.destroyed) continue;
      socket.resume();
      resumed++;
    }
    metrics.pausedSockets.set(paused.size);
    // Keep resuming, turn by turn, until the loop lags again.
    if (paused.size > 0 && !intakeFull()) scheduleResume();
  };
  const scheduleResume = (): void => {
    if (resumeScheduled) return;
    resumeScheduled = true;
    setImmediate(resumeSome);
  };
  // Kafka is healthy when nothing waits for it, or it acknowledged something lately.
  let inFlightSince = 0;
  let lastPublishOkAt = 0;
  const batcher = new PositionBatcher({
    bus: options.bus,
    lingerMs: options.publishLingerMs ?? 5,
    maxBatch: options.publishMaxBatch ?? 2_000,
    maxAckWaitMs,
    onPublished: (durationMs, count, ok, error) => {
      metrics.publishSeconds.observe(durationMs / 1000);
      if (ok) lastPublishOkAt = Date.now();
      else {
        metrics.publishFailures.inc();
        logger.error({ err: error, positions: count }, 'publishing positions failed; their terminals get no 0x8001 and retransmit');
      }
    },
    onInFlightChange: (inFlight) => {
      metrics.inFlight.set(inFlight);
      if (inFlight === 0) inFlightSince = 0;
      else if (inFlightSince === 0) inFlightSince = Date.now();
    },
  });
  const online = new OnlineTerminals(instanceId, connections, metrics, logger);
  const dispatcher = new CommandDispatcher({
    instanceId,
    online,
    directory: connections,
    bus: options.bus,
    metrics,
    logger,
    answerTimeoutMs: options.commandAnswerTimeoutMs ?? 30_000,
    maxAgeMs: options.commandMaxAgeMs ?? 300_000,
  });
  const frames = new FrameAnomalies(options.framePolicy ?? 'lenient', metrics, registrations, logger);
  const ctx = {
    registrations,
    vehicles: options.vehicles,
    batcher,
    hub: online,
    commands: dispatcher,
    metrics,
    logger,
    now: options.now ?? Date.now,
    limits,
    frames,
    shedCause,
    publishDriverCard: async (event: DriverCardEventV1) => {
      await options.bus.publish(TOPICS.driverCardEvents, [{ key: event.vehicleId, value: event }]);
    },
    publishAreaAlarms: async (alarms: readonly TerminalAreaAlarmV1[]) => {
      await options.bus.publish(
        TOPICS.terminalAreaAlarms,
        alarms.map((alarm) => ({ key: alarm.vehicleId, value: alarm })),
      );
    },
  };
  const sessions = new Set<TerminalSession>();

  const onSocket = (socket: Socket): void => {
    const remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    // No socket.setTimeout: it refreshed a timer on every read and every write; the idle sweep
    // below reads the session's last-data time instead.
    socket.setNoDelay(true);
    const outbox = new SocketOutbox(socket, maxWriteBuffer, () => metrics.disconnect('slow-reader'));
    const connection: TerminalConnection = {
      remoteAddress,
      get closed() {
        return socket.destroyed;
      },
      write: (frame) => outbox.write(frame),
      close() {
        outbox.flush();
        socket.destroy();
      },
    };
    const session = new TerminalSession(connection, ctx);
    sessions.add(session);
    metrics.connections.inc();
    const authDeadline = setTimeout(() => session.enforceAuthDeadline(), limits.authDeadlineMs);
    authDeadline.unref();
    socket.on('data', (chunk: Buffer) => {
      session.onData(chunk);
      // Back-pressure: stop reading this socket while the event loop is far behind; the
      // terminal's TCP window fills and it slows down instead of the gateway buffering
      // without bound. Never a socket that has not authenticated (see above); the auth
      // deadline, the junk and queue bounds limit what such a connection can cost meanwhile.
      if (session.authenticated && !socket.destroyed && !paused.has(socket) && intakeFull()) pause(socket, 'event-loop');
    });
    socket.on('error', (error) => logger.debug({ ...session.logFields, err: error }, 'socket error'));
    socket.on('close', () => {
      clearTimeout(authDeadline);
      sessions.delete(session);
      paused.delete(socket);
      metrics.connections.dec();
      session.onClosed();
    });
  };

  const server: Server = createServer({ noDelay: true }, onSocket);
  server.on('error', (error) => logger.error({ err: error }, 'gateway server error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // `exclusive`: a cluster worker binds its own socket instead of asking the primary for a shared handle.
    const shared = options.reusePort ? { reusePort: true, exclusive: true } : {};
    server.listen({ port: options.port, host: options.host ?? '0.0.0.0', backlog: 4096, ...shared }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  // Incomplete sub-package sets that went quiet get their 0x8003 request; quiet connections
  // give their decoder buffers back (they hold ~2 KiB each).
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const session of sessions) {
      session.requestMissingPackets(now);
      session.releaseIdleBuffers(now - 60_000);
    }
    // The sweep does not wait for the registry write; flush() logs a failed write and keeps the counts for the next sweep.
    void frames.flush().catch((error: unknown) => logger.warn({ err: error }, 'frame anomalies: registry write failed'));
  }, options.sweepIntervalMs ?? 5_000);
  sweep.unref();

  // A connection that sent nothing (heartbeats count; what the gateway writes does not) for
  // idleTimeoutMs is closed, within a tenth of it (at most 5 s) after.
  const idleSweep = setInterval(
    () => {
      const quietSinceMs = ctx.now() - idleTimeoutMs;
      for (const session of sessions) if (session.lastDataMs < quietSinceMs) session.close('idle');
    },
    Math.max(10, Math.min(5_000, Math.floor(idleTimeoutMs / 10))),
  );
  idleSweep.unref();

  let subscription: Subscription | null = null;
  if (options.commands ?? true) {
    subscription = await options.bus.subscribe({
      groupId: `gateway-jt808.${instanceId}`,
      topics: [TOPICS.terminalCommands],
      fromBeginning: options.commandsFromBeginning ?? true,
      handleBatch: async (batch) => {
        for (const message of batch.messages) await dispatcher.dispatch(message.value);
      },
    });
  }

  logger.info({ port: address.port, host: address.address, instanceId, framePolicy: frames.policy }, 'JT/T 808 gateway listening');
  let closing = false;
  return {
    port: address.port,
    host: address.address,
    instanceId,
    metrics: serviceMetrics,
    readiness: () => ({
      listening: server.listening && !closing,
      commands: subscription !== null || !(options.commands ?? true),
      kafka: batcher.inFlight === 0 || Date.now() - Math.max(lastPublishOkAt, inFlightSince) < 30_000,
    }),
    stats: () => ({
      connections: sessions.size,
      authenticated: online.size,
      inFlightPositions: batcher.inFlight,
      pausedSockets: paused.size,
      eventLoopBehind: loopBehind,
    }),
    close: async () => {
      if (closing) return;
      closing = true;
      clearInterval(sweep);
      clearInterval(idleSweep);
      clearInterval(loopProbe);
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await subscription?.close();
      // Give positions already read their publish (and their 0x8001) before the sockets go.
      await Promise.race([batcher.flush(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      for (const session of sessions) session.close('shutdown');
      await serverClosed;
      await frames.flush();
      dispatcher.close();
    },
  };
};
