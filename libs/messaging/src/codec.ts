import avro from 'avsc';
import type { z } from 'zod';
import {
  BINARY_RECORD_MARKER,
  checkDecodedPosition,
  POSITION_WIRE_VERSION,
  positionV1Avro,
  POSITION_V1_FIRST_FIELD_COUNT,
  TOPIC_SCHEMAS,
  TOPICS,
  deadLetterTopicOf,
  deadLetterV1,
  describeZodError,
  escapeUnsafeCharacters,
  type DeadLetterV1,
} from '@roadwatch/contracts';
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
  /** JSON text, or the bytes of a topic with a binary form (`BINARY_RECORD_MARKER`, version, body). */
  value: string | Buffer;
  headers: MessageHeaders;
}

/**
 * A topic's compact binary form: an Avro schema from contracts compiled by avsc, behind a
 * two-byte prefix (`BINARY_RECORD_MARKER`, the wire version). Only `telemetry.positions`, the
 * one topic whose volume makes JSON cost, has one; every other topic stays JSON.
 */
interface BinaryForm {
  version: number;
  type: avro.Type;
  /**
   * Readers of records older producers wrote with fewer (appended, optional) fields, longest
   * first: tried only when `type` finds the record truncated.
   */
  olderWriters: readonly avro.Resolver[];
  /** The checks left after Avro's own (ranges, safe strings): a reason, or undefined. Normalises in place. */
  check(value: Record<string, unknown>): string | undefined;
}

/** The form of an Avro record schema whose fields after the first `firstFieldCount` were appended later (optional, null default). */
const appendableForm = (schema: { readonly fields: readonly unknown[] }, firstFieldCount: number, version: number, check: BinaryForm['check']): BinaryForm => {
  const type = avro.Type.forSchema(schema as unknown as avro.Schema);
  const olderWriters: avro.Resolver[] = [];
  for (let count = schema.fields.length - 1; count >= firstFieldCount; count -= 1) {
    const writer = avro.Type.forSchema({ ...schema, fields: schema.fields.slice(0, count) } as unknown as avro.Schema);
    olderWriters.push(type.createResolver(writer));
  }
  return { version, type, olderWriters, check };
};

const BINARY_FORMS: ReadonlyMap<string, BinaryForm> = new Map([
  [TOPICS.positions, appendableForm(positionV1Avro, POSITION_V1_FIRST_FIELD_COUNT, POSITION_WIRE_VERSION, checkDecodedPosition)],
]);

/** A record an older producer wrote, without the fields appended since: the first older writer that reads it exactly. */
const decodeOlder = (form: BinaryForm, value: Buffer): Record<string, unknown> | undefined => {
  for (const resolver of form.olderWriters) {
    try {
      const { value: record, offset } = form.type.decode(value, 2, resolver);
      if (offset === value.length) return record as Record<string, unknown>;
    } catch {
      // Not this writer's record; try the next (shorter) one.
    }
  }
  return undefined;
};

/** Grows when a record does not fit; encoded records are copied out of it, so one is enough. */
let scratch = Buffer.allocUnsafe(4096);

const encodeBinary = (form: BinaryForm, value: unknown): Buffer => {
  for (;;) {
    scratch[0] = BINARY_RECORD_MARKER;
    scratch[1] = form.version;
    const end = form.type.encode(value, scratch, 2);
    // avsc answers a negative end when the buffer was too small, by how much.
    if (end >= 0) return Buffer.from(scratch.subarray(0, end));
    scratch = Buffer.allocUnsafe(scratch.length * 2 - end);
  }
};

/** The bytes a topic carries for a value already valid for its schema: its binary form when it has one, else JSON. */
const serialise = (topic: string, value: unknown): string | Buffer => {
  const form = BINARY_FORMS.get(topic);
  return form ? encodeBinary(form, value) : JSON.stringify(value);
};

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
    if (options.validated) return { key: message.key, value: serialise(topic, message.value), headers: { ...(message.headers ?? {}) } };
    const result = schema.safeParse(message.value);
    if (!result.success) throw new InvalidMessageError(topic, index, describeZodError(result.error));
    return { key: message.key, value: serialise(topic, result.data), headers: { ...(message.headers ?? {}) } };
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

/**
 * A binary record: Avro, then the cheap checks of its form (the producer validated it with
 * zod at its edge; no second parse here).
 */
const decodeBinary = (topic: string, value: Buffer): Decoded => {
  const form = BINARY_FORMS.get(topic);
  if (!form) return { ok: false, reason: `not valid UTF-8 JSON: a binary record on ${topic}, which has no binary form` };
  if (value.length < 2 || value[1] !== form.version) {
    return {
      ok: false,
      reason: `binary record of unknown version ${value.length < 2 ? 'none' : value[1]} on ${topic} (this consumer reads version ${form.version})`,
    };
  }
  let decoded: Record<string, unknown>;
  try {
    const { value: record, offset } = form.type.decode(value, 2);
    const older = offset < 0 ? decodeOlder(form, value) : undefined;
    // avsc answers a negative offset for a truncated record, and reads less than all for trailing bytes.
    if (older) decoded = older;
    else if (offset !== value.length)
      return { ok: false, reason: `malformed binary record: ${offset < 0 ? 'truncated' : `${value.length - offset} trailing bytes`}` };
    else decoded = record as Record<string, unknown>;
  } catch (error) {
    return { ok: false, reason: `malformed binary record: ${escapeUnsafeCharacters((error as Error).message)}` };
  }
  const why = form.check(decoded);
  return why === undefined ? { ok: true, value: decoded } : { ok: false, reason: `schema ${topic}: ${why}` };
};

/** Whether a record's bytes are a binary form (else JSON text). */
export const isBinaryRecord = (value: Buffer): boolean => value.length > 0 && value[0] === BINARY_RECORD_MARKER;

/**
 * A record's value: the binary form when it starts with `BINARY_RECORD_MARKER`, else JSON and
 * then the topic's zod schema — a topic may hold both (records written before an upgrade, or by
 * an older producer). The reason names what failed so an operator can act on it.
 */
export const decodeValue = (topic: string, value: Buffer | null): Decoded => {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty value' };
  if (isBinaryRecord(value)) return decodeBinary(topic, value);
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

/** The bytes of the record a dead letter refused, as they came (its payload is UTF-8 text, or base64 for anything else). */
export const payloadBytesOf = (letter: Pick<DeadLetterV1, 'payload' | 'payloadEncoding'>): Buffer =>
  Buffer.from(letter.payload, letter.payloadEncoding === 'base64' ? 'base64' : 'utf8');

/**
 * The value of the record a dead letter refused, from its wire form — Avro for a binary record
 * (with its cheap checks), JSON.parse for text, no zod: whoever republishes it (dead-letter
 * replay) goes through the topic's schema again. The reason says why there is nothing to replay.
 */
export const deadLetterValueOf = (topic: string, letter: Pick<DeadLetterV1, 'payload' | 'payloadEncoding'>): Decoded => {
  const bytes = payloadBytesOf(letter);
  if (isBinaryRecord(bytes)) {
    const decoded = decodeValue(topic, bytes);
    return decoded.ok ? decoded : { ok: false, reason: `payload does not decode: ${decoded.reason}` };
  }
  if (letter.payloadEncoding !== 'utf8') return { ok: false, reason: 'payload is not UTF-8 text (refused as bytes; nothing to replay)' };
  try {
    return { ok: true, value: JSON.parse(letter.payload) };
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
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
