import type { ServiceMetrics } from '@roadwatch/runtime';

const hexId = (messageId: number): string => `0x${messageId.toString(16).padStart(4, '0')}`;

/** The JT/T 809 gateway's Prometheus metrics (`roadwatch_jt809_…`). */
export class Jt809Metrics {
  readonly links;
  readonly loggedIn;
  readonly subLinks;
  private readonly frames;
  private readonly decodeErrors;
  private readonly positions;
  private readonly logins;
  private readonly disconnects;
  private readonly rejectedMessages;
  private readonly sentMessages;
  private readonly answers;
  private readonly publishFailures;

  constructor(metrics: ServiceMetrics) {
    this.links = metrics.gauge('jt809_links', 'Open main-link TCP connections from lower platforms');
    this.loggedIn = metrics.gauge('jt809_logged_in_platforms', 'Lower platforms logged in on this instance');
    this.subLinks = metrics.gauge('jt809_sub_links', 'Sub-links (从链路) to lower platforms logged in');
    this.frames = metrics.counter('jt809_frames_total', 'Main-link frames read, by message id', ['message_id']);
    this.decodeErrors = metrics.counter('jt809_decode_errors_total', 'Frames or bytes that could not be read, by kind', ['kind']);
    this.positions = metrics.counter('jt809_positions_total', 'Forwarded positions put on telemetry.positions, by source and registration', [
      'source',
      'registered',
    ]);
    this.logins = metrics.counter('jt809_logins_total', 'Logins (0x1001), by outcome: ok or the refusal', ['outcome']);
    this.disconnects = metrics.counter('jt809_disconnects_total', 'Main links closed, by reason', ['reason']);
    this.rejectedMessages = metrics.counter('jt809_rejected_messages_total', 'Messages read and not acted on, by reason', ['reason']);
    this.sentMessages = metrics.counter('jt809_sent_messages_total', 'Messages written to lower platforms, by kind', ['kind']);
    this.answers = metrics.counter('jt809_answers_total', '查岗 (0x1301) and 督办 (0x1401) answers recorded, by kind', ['kind']);
    this.publishFailures = metrics.counter(
      'jt809_kafka_publish_failures_total',
      'Publishes of forwarded positions that failed (retried while the link stops reading)',
    );
  }

  frame(messageId: number): void {
    this.frames.labels(hexId(messageId)).inc();
  }
  decodeError(kind: string): void {
    this.decodeErrors.labels(kind).inc();
  }
  position(source: string, registered: boolean): void {
    this.positions.labels(source, String(registered)).inc();
  }
  login(outcome: string): void {
    this.logins.labels(outcome).inc();
  }
  disconnected(reason: string): void {
    this.disconnects.labels(reason).inc();
  }
  rejected(reason: string): void {
    this.rejectedMessages.labels(reason).inc();
  }
  sent(kind: string): void {
    this.sentMessages.labels(kind).inc();
  }
  answered(kind: string): void {
    this.answers.labels(kind).inc();
  }
  publishFailed(): void {
    this.publishFailures.inc();
  }
}
