import type { Counter } from 'prom-client';
import type { ServiceMetrics } from '@roadwatch/runtime';

/** Distinct terminals labelled on `gateway_frame_anomalies_total`. */
const MAX_ANOMALY_TERMINALS = 1_000;

const hexId = (messageId: number): string => `0x${messageId.toString(16).padStart(4, '0')}`;

/**
 * The gateway's Prometheus metrics. Label children are cached: `labels()` hashes its
 * arguments on every call, which shows at tens of thousands of frames per second.
 */
export class GatewayMetrics {
  readonly connections;
  readonly authenticated;
  readonly inFlight;
  readonly pausedSockets;
  readonly publishSeconds;
  readonly publishFailures;
  private readonly backpressurePauses;
  private readonly shedPositions;
  readonly eventLoopDelay;
  private readonly frames;
  private readonly decodeErrors;
  private readonly positions;
  private readonly disconnects;
  private readonly commandResults;
  private readonly rejected;
  readonly resendRequests;
  private readonly frameAnomalies;
  private readonly anomalyTerminals = new Set<string>();
  private readonly cache = new Map<string, { inc(value?: number): void }>();
  /** Per message id and per source × registered: the calls made for every frame and position, without building a key string. */
  private readonly frameChildren = new Map<number, { inc(value?: number): void }>();
  private readonly positionChildren = new Map<string, Array<{ inc(value?: number): void } | undefined>>();

  constructor(metrics: ServiceMetrics) {
    this.connections = metrics.gauge('gateway_connections', 'Open TCP connections from terminals');
    this.authenticated = metrics.gauge('gateway_authenticated_terminals', 'Terminals authenticated on this instance');
    this.inFlight = metrics.gauge('gateway_positions_in_flight', 'Positions submitted for publishing and not yet acknowledged by Kafka');
    this.pausedSockets = metrics.gauge('gateway_paused_sockets', 'Sockets whose reading is paused by back-pressure');
    this.publishSeconds = metrics.histogram(
      'gateway_kafka_publish_seconds',
      'Duration of one batched publish of positions, until Kafka acknowledged it',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
    this.publishFailures = metrics.counter(
      'gateway_kafka_publish_failures_total',
      'Batched publishes of positions that failed (their terminals got no 0x8001)',
    );
    this.backpressurePauses = metrics.counter(
      'gateway_backpressure_pauses_total',
      'Times an authenticated socket was paused because the event loop ran far behind (twice MAX_EVENT_LOOP_DELAY_MS)',
      ['cause'],
    );
    this.shedPositions = metrics.counter(
      'gateway_shed_positions_total',
      'Positions answered 0x8001 result 1 instead of published (the terminal re-sends them as 0x0704): cause kafka (too many or too old awaiting Kafka), event-loop (the process ran late), ack-timeout (Kafka did not acknowledge within MAX_ACK_WAIT_MS)',
      ['cause'],
    );
    this.eventLoopDelay = metrics.gauge(
      'gateway_event_loop_delay_seconds',
      'How late the last event-loop probe ran (positions are shed above MAX_EVENT_LOOP_DELAY_MS, authenticated sockets paused above twice it)',
    );
    this.frames = metrics.counter('gateway_frames_total', 'Frames received and decoded, by message id', ['message_id']);
    this.decodeErrors = metrics.counter('gateway_decode_errors_total', 'Frames or bytes that failed to decode, by error kind', ['kind']);
    this.positions = metrics.counter('gateway_positions_total', 'Positions accepted for publishing, by source and registration', ['source', 'registered']);
    this.disconnects = metrics.counter('gateway_disconnects_total', 'Connections closed, by reason', ['reason']);
    this.commandResults = metrics.counter('gateway_command_results_total', 'Command results published, by status', ['status']);
    this.rejected = metrics.counter('gateway_rejected_messages_total', 'Messages answered with a failure, by reason', ['reason']);
    this.resendRequests = metrics.counter('gateway_resend_requests_total', '0x8003 requests for missing sub-packages sent to terminals');
    this.frameAnomalies = metrics.counter(
      'gateway_frame_anomalies_total',
      `Frames accepted despite an anomaly (lenient policy), by terminal and kind; terminals beyond the first ${MAX_ANOMALY_TERMINALS} are counted as "other"`,
      ['terminal_id', 'kind'],
    );
  }

  private child(counter: Counter<string>, label: string, value: string): { inc(value?: number): void } {
    const key = `${label}\u0000${value}\u0000${(counter as unknown as { name: string }).name}`;
    let child = this.cache.get(key);
    if (!child) {
      child = counter.labels({ [label]: value });
      this.cache.set(key, child);
    }
    return child;
  }

  frame(messageId: number): void {
    let child = this.frameChildren.get(messageId);
    if (!child) {
      child = this.child(this.frames, 'message_id', hexId(messageId));
      this.frameChildren.set(messageId, child);
    }
    child.inc();
  }
  decodeError(kind: string): void {
    this.child(this.decodeErrors, 'kind', kind).inc();
  }
  position(source: string, registered: boolean, count = 1): void {
    let children = this.positionChildren.get(source);
    if (!children) {
      children = [undefined, undefined];
      this.positionChildren.set(source, children);
    }
    const slot = registered ? 1 : 0;
    (children[slot] ??= this.positions.labels({ source, registered: String(registered) })).inc(count);
  }
  backpressurePause(cause: 'event-loop'): void {
    this.child(this.backpressurePauses, 'cause', cause).inc();
  }
  shed(cause: 'kafka' | 'event-loop' | 'ack-timeout', positions: number): void {
    this.child(this.shedPositions, 'cause', cause).inc(positions);
  }
  disconnect(reason: string): void {
    this.child(this.disconnects, 'reason', reason).inc();
  }
  commandResult(status: string): void {
    this.child(this.commandResults, 'status', status).inc();
  }
  frameAnomaly(terminalId: string, kind: string): void {
    // Bounded label set: a fleet with a broken firmware must not grow /metrics without limit.
    if (!this.anomalyTerminals.has(terminalId) && this.anomalyTerminals.size < MAX_ANOMALY_TERMINALS) this.anomalyTerminals.add(terminalId);
    const terminal = this.anomalyTerminals.has(terminalId) ? terminalId : 'other';
    const key = `anomaly\u0000${terminal}\u0000${kind}`;
    let child = this.cache.get(key);
    if (!child) {
      child = this.frameAnomalies.labels({ terminal_id: terminal, kind });
      this.cache.set(key, child);
    }
    child.inc();
  }
  rejectedMessage(reason: string): void {
    this.child(this.rejected, 'reason', reason).inc();
  }
}
