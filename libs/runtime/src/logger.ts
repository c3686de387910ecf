import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs (pino). Every line about a vehicle carries `vehicleId`
 * (CONVENTIONS.md); secrets named in `redact` never reach the log.
 */
export const createLogger = (service: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger =>
  pino({
    name: service,
    level,
    base: { service },
    redact: { paths: ['*.password', '*.apiKey', '*.authCode', '*.token', 'headers.authorization', 'headers["x-api-key"]'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
