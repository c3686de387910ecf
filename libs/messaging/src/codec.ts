import type { z } from 'zod';
import { TOPIC_SCHEMAS, TOPICS, deadLetterTopicOf, deadLetterV1, describeZodError, escapeUnsafeCharacters, type DeadLetterV1 } from '@roadwatch/contracts';
import { InvalidMessageError, type BusTopic, type MessageHeaders, type OutgoingMessage, type PublishOptions } from './bus';

const knownTopics = new Set<string>(Object.values(TOPICS));
const deadLetterTopics = new Map<string, string>(Object.values(TOPICS).map((topic) => [deadLetterTopicOf(topic), topic]));

/** The schema of a topic: its own from TOPIC_SCHEMAS, or deadLetterV1 for a `.dlq` topic. */
export const schemaFor = (topic: string): z.ZodType | undefined => {
  if (knownTopics.has(topic)) return TOPIC_SCHEMAS[topic as keyof typeof TOPIC_SCHEMAS];
  if (deadLetterTopics.has(topic)) return deadLetterV1;
  return undefined;
};

export const isBusTopic = (topic: string): topic is BusTopic => schemaFor(topic) !== undefined;

/** Logical topic names (TOPICS) map to physical ones by a prefix, so tests and tenants never share a topic. */
export class TopicNamer {
  constructor(readonly prefix = '') {}
  physical(topic: string): string {
    return `${this.prefix}${topic}`;
  }
  logical(physical: string): BusTopic {
    const topic = physical.startsWith(this.prefix) ? physical.slice(this.prefix.length) : physical;
    if (!isBusTopic(topic)) throw new Error(`not a roadwatch topic: ${physical}`);
    return topic;
  }
}

export interface EncodedMessage {
  key: string;
  value: string;
  headers: MessageHeaders;
}

/**
 * Validates every value before anything is written: a whole `publish` call is refused when
 * one value is invalid, so a caller never has to guess which part went out. The parsed
 * output is what gets serialised (defaults filled, unknown keys dropped).
 */
export const encodeAll = (topic: string, messages: readonly OutgoingMessage[], options: PublishOptions = {}): EncodedMessage[] => {
  const schema = schemaFor(topic);
  if (!schema) throw new InvalidMessageError(topic, 0, `unknown topic ${topic}: no schema in TOPIC_SCHEMAS`);
  return messages.map((message, index) => {
    if (typeof message.key !== 'string' || message.key.length === 0) {
      throw new InvalidMessageError(topic, index, 'key must be a non-empty string');
    }
    // Parsed by the caller at its edge already (PublishOptions.validated): a second parse would only cost CPU.
    if (options.validated) return { key: message.key, value: JSON.stringify(message.value), headers: { ...(message.headers ?? {}) } };
    const result = schema.safeParse(message.value);
    if (!result.success) throw new InvalidMessageError(topic, index, describeZodError(result.error));
    return { key: message.key, value: JSON.stringify(result.data), headers: { ...(message.headers ?? {}) } };
  });
};

export type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const utf8OrNull = (bytes: Buffer): string | null => {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
};

/** JSON, then the topic's schema; the reason names what failed so an operator can act on it. */
export const decodeValue = (topic: string, value: Buffer | null): Decoded => {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty value' };
  const text = utf8OrNull(value);
  if (text === null) return { ok: false, reason: 'value is not valid UTF-8' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text around the error, which may be the very control character refused.
    return { ok: false, reason: `malformed JSON: ${escapeUnsafeCharacters((error as Error).message)}` };
  }
  const schema = schemaFor(topic);
  if (!schema) return { ok: false, reason: `no schema for topic ${topic}` };
  const result = schema.safeParse(json);
  return result.success ? { ok: true, value: result.data } : { ok: false, reason: `schema ${topic}: ${describeZodError(result.error)}` };
};

export const deadLetterOf = (params: {
  sourceTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  reason: string;
  nowMs: number;
}): DeadLetterV1 => {
  const bytes = params.value ?? Buffer.alloc(0);
  const text = utf8OrNull(bytes);
  return {
    v: 1,
    sourceTopic: params.sourceTopic,
    partition: params.partition,
    offset: params.offset,
    key: params.key,
    reason: params.reason,
    payload: text ?? bytes.toString('base64'),
    payloadEncoding: text === null ? 'base64' : 'utf8',
    failedAtMs: params.nowMs,
  };
};
