import { describe, expect, it, vi } from 'vitest';
import { TOPICS, deadLetterV1, unsafeCharacterIn } from '@roadwatch/contracts';
import { deadLetterOf, decodeValue, encodeAll, schemaFor, TopicNamer } from './codec';
import { InvalidMessageError } from './bus';
import { RepeatSuppressor } from './logger';
import { sampleMessages } from './sample-messages';

describe('codec', () => {
  it('serialises the parsed value: defaults filled, unknown keys dropped', () => {
    const command = sampleMessages[TOPICS.terminalCommands](1);
    const [encoded] = encodeAll(TOPICS.terminalCommands, [
      { key: command.key, value: { ...command.value, command: { type: 'text', text: 'slow down' }, extra: 'dropped' } as never },
    ]);
    const json = JSON.parse(encoded!.value);
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
      expect(JSON.parse(encoded!.value)).toEqual(position.value);
      expect(parse).not.toHaveBeenCalled();
      expect(() => encodeAll(TOPICS.positions, [{ ...position, key: '' }], { validated: true })).toThrow(/key/);
      encodeAll(TOPICS.positions, [position]);
      expect(parse).toHaveBeenCalledTimes(1);
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
