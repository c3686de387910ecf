import { describe, expect, it, vi } from 'vitest';
import avro from 'avsc';
import {
  BINARY_RECORD_MARKER,
  POSITION_V1_FIRST_FIELD_COUNT,
  POSITION_WIRE_VERSION,
  positionV1Avro,
  TOPICS,
  deadLetterV1,
  positionV1,
  unsafeCharacterIn,
  type PositionV1,
} from '@roadwatch/contracts';
import { deadLetterOf, decodeValue, encodeAll, isBinaryRecord, payloadBytesOf, schemaFor, TopicNamer } from './codec';
import { InvalidMessageError } from './bus';
import { RepeatSuppressor } from './logger';
import { sampleMessages } from './sample-messages';

describe('codec', () => {
  it('serialises the parsed value: defaults filled, unknown keys dropped', () => {
    const command = sampleMessages[TOPICS.terminalCommands](1);
    const [encoded] = encodeAll(TOPICS.terminalCommands, [
      { key: command.key, value: { ...command.value, command: { type: 'text', text: 'slow down' }, extra: 'dropped' } as never },
    ]);
    const json = JSON.parse(encoded!.value as string);
    expect(json.command).toEqual({ type: 'text', text: 'slow down', tts: true, display: true, urgent: false });
    expect(json.extra).toBeUndefined();
  });

  it('refuses the whole call when one value is invalid, naming index and field', () => {
    const ok = sampleMessages[TOPICS.alerts](1);
    expect(() => encodeAll(TOPICS.alerts, [ok, { key: 'V1', value: { ...ok.value, severity: 'apocalyptic' } as never }])).toThrow(InvalidMessageError);
    expect(() => encodeAll(TOPICS.alerts, [ok, { key: 'V1', value: { ...ok.value, severity: 'apocalyptic' } as never }])).toThrow(/#1.*severity/);
    expect(() => encodeAll(TOPICS.alerts, [{ ...ok, key: '' }])).toThrow(/key/);
    expect(() => encodeAll('no.such.topic', [ok])).toThrow(/unknown topic/);
  });

  it('serialises values the caller validated at its edge without parsing them again; the key is still checked', () => {
    const position = sampleMessages[TOPICS.positions](1);
    const schema = schemaFor(TOPICS.positions)!;
    const parse = vi.spyOn(schema, 'safeParse');
    try {
      const [encoded] = encodeAll(TOPICS.positions, [position], { validated: true });
      expect(decodeValue(TOPICS.positions, encoded!.value as Buffer)).toEqual({ ok: true, value: position.value });
      expect(parse).not.toHaveBeenCalled();
      expect(() => encodeAll(TOPICS.positions, [{ ...position, key: '' }], { validated: true })).toThrow(/key/);
      encodeAll(TOPICS.positions, [position]);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('decodes a binary position with the cheap checks only: no zod parse in the consumer', () => {
    const [encoded] = encodeAll(TOPICS.positions, [sampleMessages[TOPICS.positions](1)]);
    const parse = vi.spyOn(schemaFor(TOPICS.positions)!, 'safeParse');
    try {
      expect(decodeValue(TOPICS.positions, encoded!.value as Buffer).ok).toBe(true);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('knows every topic and its dead-letter topic', () => {
    for (const topic of Object.values(TOPICS)) {
      expect(schemaFor(topic)).toBeDefined();
      expect(schemaFor(`${topic}.dlq`)).toBe(deadLetterV1);
    }
    expect(schemaFor('elsewhere')).toBeUndefined();
  });

  it('decodes with reasons for empty, binary, malformed and schema-invalid values', () => {
    expect(decodeValue(TOPICS.positions, null)).toEqual({ ok: false, reason: 'empty value' });
    expect(decodeValue(TOPICS.positions, Buffer.from([0xc3, 0x28]))).toMatchObject({ ok: false, reason: expect.stringMatching(/UTF-8/) });
    expect(decodeValue(TOPICS.positions, Buffer.from('{'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^malformed JSON/) });
    expect(decodeValue(TOPICS.positions, Buffer.from('{"v":1}'))).toMatchObject({ ok: false, reason: expect.stringMatching(/vehicleId/) });
    expect(decodeValue(TOPICS.positions, Buffer.from(JSON.stringify(sampleMessages[TOPICS.positions](1).value))).ok).toBe(true);
  });

  it('refuses a NUL, a control character or a lone surrogate in any string, naming field and index, and the reason holds none itself', () => {
    const position = sampleMessages[TOPICS.positions](1).value;
    const withNul = Buffer.from(JSON.stringify({ ...position, plate: '京A\u00001234' }));
    expect(withNul.includes(0)).toBe(false); // JSON escapes it: `\u0000` on the wire, NUL after parsing
    expect(decodeValue(TOPICS.positions, withNul)).toEqual({
      ok: false,
      reason: `schema ${TOPICS.positions}: plate: contains a NUL character (U+0000) at index 2`,
    });
    expect(decodeValue(TOPICS.positions, Buffer.from(JSON.stringify({ ...position, driverId: 'D\ud800' })))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('driverId: contains an unpaired UTF-16 surrogate (U+D800) at index 1'),
    });
    expect(decodeValue(TOPICS.wimStationRecords, Buffer.from('{"plate":"\\u001b[2J"}'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('plate: contains an escape character (U+001B) at index 0'),
    });
    // A raw NUL byte in the JSON text: V8's message quotes it; the reason must not.
    const raw = decodeValue(TOPICS.positions, Buffer.from('\u0000{"v":1}', 'utf8'));
    expect(raw).toMatchObject({ ok: false, reason: expect.stringMatching(/^malformed JSON/) });
    if (!raw.ok) expect(unsafeCharacterIn(raw.reason)).toBeUndefined();
  });

  it('builds schema-valid dead letters, base64 when the payload is not UTF-8', () => {
    const letter = deadLetterOf({ sourceTopic: 'x', partition: 0, offset: '7', key: null, value: Buffer.from([0xff]), reason: 'r', nowMs: 1 });
    expect(deadLetterV1.parse(letter)).toEqual(letter);
    expect(letter).toMatchObject({ payload: '/w==', payloadEncoding: 'base64' });
  });

  it('maps logical and physical topic names by prefix', () => {
    const namer = new TopicNamer('t1.');
    expect(namer.physical(TOPICS.alerts)).toBe('t1.alerts');
    expect(namer.logical('t1.alerts.dlq')).toBe('alerts.dlq');
    expect(() => namer.logical('t1.other')).toThrow(/not a roadwatch topic/);
  });
});

const everyField = (): PositionV1 => ({
  v: 1,
  vehicleId: '京A12345:2',
  terminalId: '013912345678',
  plate: '京A12345',
  plateColour: 2,
  registered: false,
  driverId: '驾Q123456789',
  deviceTimeMs: 4_102_444_799_999,
  receivedAtMs: 1_764_000_000_001,
  latitudeDeg: -89.999999,
  longitudeDeg: 179.123456789,
  altitudeM: -0.5,
  speedKmh: 0.1 + 0.2,
  headingDeg: 360,
  alarmFlags: 0xffff_ffff,
  statusFlags: 2 ** 40 + 1,
  accOn: false,
  gnssFixed: true,
  mileageKm: 987_654.3,
  recorderSpeedKmh: 1e-9,
  satellites: 0,
  source: 'blind-area',
  signalStrength: 99,
  sourcePlatform: '20190001',
});

const binaryOf = (value: unknown): Buffer => encodeAll(TOPICS.positions, [{ key: 'V1', value: value as PositionV1 }], { validated: true })[0]!.value as Buffer;

describe('telemetry.positions in its binary form (Avro, positionV1Avro)', () => {
  it('round-trips every field of positionV1 bit for bit, and every optional field when absent', () => {
    const full = everyField();
    expect(Object.keys(full).sort()).toEqual(Object.keys(positionV1.shape).sort());
    expect(decodeValue(TOPICS.positions, binaryOf(full))).toEqual({ ok: true, value: full });
    const decoded = decodeValue(TOPICS.positions, binaryOf(full));
    if (!decoded.ok) throw new Error(decoded.reason);
    for (const [field, value] of Object.entries(full)) expect(Object.is((decoded.value as Record<string, unknown>)[field], value), field).toBe(true);
    const bare: Record<string, unknown> = { ...full };
    for (const field of ['plate', 'plateColour', 'driverId', 'mileageKm', 'recorderSpeedKmh', 'satellites', 'signalStrength', 'sourcePlatform'])
      delete bare[field];
    const back = decodeValue(TOPICS.positions, binaryOf(bare));
    expect(back).toEqual({ ok: true, value: bare });
    expect(back.ok && positionV1.parse(back.value)).toEqual(bare);
  });

  it('reads a record an older producer wrote before any field was appended (its fields only, the appended ones absent)', () => {
    const { sourcePlatform: _platform, signalStrength: _signal, ...older } = everyField();
    const olderSchema = { ...positionV1Avro, fields: positionV1Avro.fields.slice(0, POSITION_V1_FIRST_FIELD_COUNT) };
    expect(olderSchema.fields.at(-1)?.name).toBe('source');
    const body = avro.Type.forSchema(olderSchema as unknown as avro.Schema).toBuffer(older);
    const bytes = Buffer.concat([Buffer.from([BINARY_RECORD_MARKER, POSITION_WIRE_VERSION]), body]);
    // The current reader alone finds it truncated; the older writer's reader reads it whole.
    expect(decodeValue(TOPICS.positions, bytes)).toEqual({ ok: true, value: older });
    // One byte short of the older record is still refused as truncated, not read as something shorter.
    expect(decodeValue(TOPICS.positions, bytes.subarray(0, bytes.length - 1))).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated/) });
  });

  it('encodes a position larger than its scratch buffer whole, and the next small one unharmed', () => {
    const long = { ...everyField(), driverId: '驾'.repeat(20_000), vehicleId: 'V'.repeat(5_000) };
    expect(decodeValue(TOPICS.positions, binaryOf(long))).toEqual({ ok: true, value: long });
    expect(decodeValue(TOPICS.positions, binaryOf(everyField()))).toEqual({ ok: true, value: everyField() });
  });

  it('writes the marker and version first, is never UTF-8, and is a fraction of the JSON', () => {
    const bytes = binaryOf(everyField());
    expect([...bytes.subarray(0, 2)]).toEqual([BINARY_RECORD_MARKER, POSITION_WIRE_VERSION]);
    expect(isBinaryRecord(bytes)).toBe(true);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(bytes.length).toBeLessThan(Buffer.byteLength(JSON.stringify(everyField())) / 2);
    // Every other topic stays JSON.
    expect(typeof encodeAll(TOPICS.alerts, [sampleMessages[TOPICS.alerts](1)])[0]!.value).toBe('string');
  });

  it('reads a record written after signalStrength was appended and before sourcePlatform (every shorter writer is tried)', () => {
    const { sourcePlatform: _new, ...older } = everyField();
    expect(older.signalStrength).toBeDefined();
    const fields = positionV1Avro.fields.slice(0, POSITION_V1_FIRST_FIELD_COUNT + 1);
    expect(fields.at(-1)?.name).toBe('signalStrength');
    const writer = avro.Type.forSchema({ ...positionV1Avro, fields } as unknown as avro.Schema);
    const bytes = Buffer.concat([Buffer.from([BINARY_RECORD_MARKER, POSITION_WIRE_VERSION]), writer.toBuffer(older)]);
    expect(decodeValue(TOPICS.positions, bytes)).toEqual({ ok: true, value: older });
    // The same record from today's writer carries the field.
    expect(decodeValue(TOPICS.positions, binaryOf({ ...older, sourcePlatform: '20190002' }))).toEqual({
      ok: true,
      value: { ...older, sourcePlatform: '20190002' },
    });
  });

  it('still reads a JSON position (written before the upgrade) on the same topic, with the zod schema', () => {
    const json = Buffer.from(JSON.stringify(everyField()));
    expect(isBinaryRecord(json)).toBe(false);
    expect(decodeValue(TOPICS.positions, json)).toEqual({ ok: true, value: everyField() });
  });

  it('refuses garbage, truncated, trailing, unknown-version and misplaced binary records with a reason', () => {
    const good = binaryOf(everyField());
    const reasonOf = (bytes: Buffer, topic: string = TOPICS.positions): string => {
      const decoded = decodeValue(topic, bytes);
      if (decoded.ok) throw new Error(`decoded ${bytes.toString('hex')}`);
      expect(unsafeCharacterIn(decoded.reason)).toBeUndefined();
      return decoded.reason;
    };
    expect(reasonOf(Buffer.from([BINARY_RECORD_MARKER]))).toMatch(/unknown version none/);
    expect(reasonOf(Buffer.from([BINARY_RECORD_MARKER, 9, ...good.subarray(2)]))).toMatch(/unknown version 9 .*reads version 1/);
    // Cut inside `source` (a first-schema field): a cut exactly before the appended fields reads as an older record.
    expect(reasonOf(good.subarray(0, good.length - 5))).toMatch(/^malformed binary record: truncated/);
    expect(reasonOf(Buffer.concat([good, Buffer.from([0])]))).toMatch(/^malformed binary record: 1 trailing bytes/);
    expect(reasonOf(Buffer.from([BINARY_RECORD_MARKER, POSITION_WIRE_VERSION, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toMatch(/^malformed binary record/);
    expect(reasonOf(good, TOPICS.alerts)).toMatch(/has no binary form/);
    // Bytes of the right types but values positionV1 refuses: named like zod would.
    expect(reasonOf(binaryOf({ ...everyField(), latitudeDeg: 123 }))).toBe(`schema ${TOPICS.positions}: latitudeDeg: 123 is not within -90…90`);
    expect(reasonOf(binaryOf({ ...everyField(), plate: '京A\u00001234' }))).toBe(
      `schema ${TOPICS.positions}: plate: contains a NUL character (U+0000) at index 2`,
    );
    expect(reasonOf(binaryOf({ ...everyField(), speedKmh: Number.NaN }))).toMatch(/speedKmh: NaN/);
  });

  it('decodes random bytes behind the marker to a reason, never a throw or a value positionV1 refuses', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const good = binaryOf(everyField());
    for (let i = 0; i < 2_000; i += 1) {
      const bytes = Buffer.from(good);
      // Flip a few bytes past the prefix, or cut the record short.
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips -= 1) bytes[2 + Math.floor(random() * (bytes.length - 2))] = Math.floor(random() * 256);
      const decoded = decodeValue(TOPICS.positions, i % 5 === 0 ? bytes.subarray(0, 2 + Math.floor(random() * (bytes.length - 2))) : bytes);
      if (decoded.ok) expect(positionV1.safeParse(decoded.value).success).toBe(true);
    }
  });

  it('keeps a binary record’s dead-letter payload as base64, whose bytes decode again', () => {
    const bytes = binaryOf(everyField());
    const letter = deadLetterOf({ sourceTopic: TOPICS.positions, partition: 0, offset: '1', key: 'V1', value: bytes, reason: 'r', nowMs: 1 });
    expect(letter.payloadEncoding).toBe('base64');
    expect(payloadBytesOf(letter)).toEqual(bytes);
    expect(decodeValue(TOPICS.positions, payloadBytesOf(letter))).toEqual({ ok: true, value: everyField() });
  });
});

describe('RepeatSuppressor', () => {
  it('lets a line through once per window and counts what it dropped', () => {
    const suppressor = new RepeatSuppressor(1000);
    expect(suppressor.admit('a', 0)).toBe(0);
    expect(suppressor.admit('a', 10)).toBeNull();
    expect(suppressor.admit('a', 20)).toBeNull();
    expect(suppressor.admit('b', 20)).toBe(0);
    expect(suppressor.admit('a', 1001)).toBe(2);
  });
});
