import type { Logger } from '@roadwatch/runtime';

/**
 * Where an SMS goes (issue #14: SMS behind a provider interface). A vendor's adapter
 * implements `send` and throws when the vendor refused the message (the delivery is retried
 * like a webhook). No vendor is called in tests or by default.
 */
export interface SmsProvider {
  readonly name: string;
  send(message: { to: string; text: string; idempotencyKey: string }): Promise<void>;
}

/** The default provider: logs the message instead of sending it (a deployment plugs its vendor's adapter in). */
export class LoggingSmsProvider implements SmsProvider {
  readonly name = 'logging';
  /** The last 100 messages (tests and the demo read them; bounded, the embedded default runs for months). */
  readonly sent: Array<{ to: string; text: string; idempotencyKey: string }> = [];

  constructor(private readonly logger: Logger) {}

  send(message: { to: string; text: string; idempotencyKey: string }): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > 100) this.sent.shift();
    // Only the last 4 digits of the number: the log is read more widely than the routing table.
    this.logger.info({ to: `…${message.to.slice(-4)}`, idempotencyKey: message.idempotencyKey, text: message.text }, 'SMS (logging provider, not sent)');
    return Promise.resolve();
  }
}
