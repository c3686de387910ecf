import { defaultBackoff, type BackoffOptions } from './backoff';

/**
 * What a handler failure says about its batch:
 * - `transient`: the outside world is down or busy (connection refused/reset, timeouts,
 *   PostgreSQL 08xxx / 53xxx / 57P0x / 40001 / 40P01, a pool out of connections, Redis or
 *   Kafka connection trouble). The records are fine: retry for as long as it takes, never
 *   dead-letter.
 * - `data`: the records themselves are refused (PostgreSQL 21xxx / 22xxx / 23xxx / 42xxx /
 *   44xxx, a schema refusing a value on publish). Retrying the same batch cannot help: find
 *   the refused record(s) at once.
 * - `unknown`: anything else. Retried up to `maxAttempts`, then treated as persistent.
 */
export type FailureKind = 'transient' | 'data' | 'unknown';

export interface FailurePolicy {
  /** Attempts of a batch failing with an unknown error before its records are isolated. Default 5. */
  maxAttempts: number;
  /** Wait between attempts (exponential). */
  backoff: BackoffOptions;
  classify(error: unknown): FailureKind;
}

export type FailurePolicyOptions = Partial<FailurePolicy>;

/** SQLSTATE classes and codes of a server that cannot serve now, whatever the statement. */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '53']);
const TRANSIENT_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '57P04',
  '57P05',
  '57014',
  '40001',
  '40P01',
  '55P03',
  '55006',
  // A connection whose prepared statements the client and the server see differently
  // (duplicate_prepared_statement, invalid_sql_statement_name): the session is wrong, not
  // the record — never dead-letter for it (the watchdog reports the stall if it persists).
  '42P05',
  '26000',
]);
/** SQLSTATE classes of a statement refused for what it carries: the same rows fail again. */
const DATA_SQLSTATE_CLASSES = new Set(['21', '22', '23', '42', '44']);

/** Node's and DNS's error codes for a peer that cannot be reached or dropped the connection. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ESOCKETTIMEDOUT',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
]);

const TRANSIENT_NAMES = new Set([
  // kafkajs (a handler that publishes while the broker is away)
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  // ioredis
  'MaxRetriesPerRequestError',
  // AbortSignal.timeout() and fetch
  'TimeoutError',
]);

const DATA_NAMES = new Set(['InvalidMessageError', 'ZodError']);

/** pg and pg-pool report these without a code; Redis replies with these prefixes while it cannot serve. */
const TRANSIENT_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /connection (is )?closed/i,
  /client has encountered a connection error/i,
  /stream isn't writeable/i,
  /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY)\b/,
  /\btimed? ?out\b/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

/** The error and every error it wraps (`cause`, kafkajs' `originalError`, AggregateError's `errors`). */
const chainOf = (error: unknown): ErrorLike[] => {
  const out: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 20) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || out.includes(next as ErrorLike)) continue;
    const e = next as ErrorLike;
    out.push(e);
    queue.push(e.cause, e.originalError);
    if (Array.isArray(e.errors)) queue.push(...e.errors);
  }
  return out;
};

const kindOfOne = (e: ErrorLike): FailureKind => {
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) return 'transient';
    if (DATA_SQLSTATE_CLASSES.has(code.slice(0, 2))) return 'data';
  }
  if (TRANSIENT_SYSTEM_CODES.has(code)) return 'transient';
  const name = typeof e.name === 'string' ? e.name : '';
  if (TRANSIENT_NAMES.has(name) || e.retriable === true) return 'transient';
  if (DATA_NAMES.has(name)) return 'data';
  const message = typeof e.message === 'string' ? e.message : '';
  if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return 'transient';
  return 'unknown';
};

/**
 * Transient wins over data anywhere in the chain: a record must never be dead-lettered
 * because its write failed while the database was away.
 */
export const classifyFailure = (error: unknown): FailureKind => {
  const kinds = chainOf(error).map(kindOfOne);
  if (kinds.includes('transient')) return 'transient';
  if (kinds.includes('data')) return 'data';
  return 'unknown';
};

/** A short description for a dead letter's reason: the SQLSTATE when there is one, and the message. */
export const describeFailure = (error: unknown): string => {
  const chain = chainOf(error);
  const withCode = chain.find((e) => typeof e.code === 'string');
  const head = chain[0];
  const message = typeof head?.message === 'string' ? head.message : String(error);
  const code = typeof withCode?.code === 'string' ? ` [${withCode.code}]` : '';
  return `${message}${code}`.slice(0, 2_000);
};

export const defaultFailurePolicy: FailurePolicy = { maxAttempts: 5, backoff: defaultBackoff, classify: classifyFailure };

export const failurePolicyOf = (...layers: (FailurePolicyOptions | undefined)[]): FailurePolicy => {
  const policy = Object.assign(
    {},
    defaultFailurePolicy,
    ...layers.map((layer) => Object.fromEntries(Object.entries(layer ?? {}).filter(([, v]) => v !== undefined))),
  ) as FailurePolicy;
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    throw new Error(`failure policy: maxAttempts must be an integer ≥ 1, got ${policy.maxAttempts}`);
  return policy;
};
