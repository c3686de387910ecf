import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJt809Frame, encodeJt809Message, type Jt809Message } from './codec.js';
import { Jt809Deframer } from './deframer.js';
import { jt809Crypt } from './encryption.js';
import { Jt809DecodeError, Jt809EncodeError } from './errors.js';
import { crc16CcittFalse, escapeJt809Frame, unescapeJt809Frame } from './framing.js';
import type { Jt809CodecOptions, Jt809Edition } from './header.js';
import { Jt809StreamDecoder } from './stream-decoder.js';
import { JT809_FIXTURE_DIR, parseJt809Fixture } from './testing/fixtures.js';

// Property tests: hostile input only ever yields a typed error or a valid result, and
// finishes. Run counts keep the file well under 5 s on a loaded box.

const fixtures = readdirSync(JT809_FIXTURE_DIR)
  .filter((file) => /^[0-9a-f]{4}-.*\.(2011|2019)\.hex$/.test(file))
  .flatMap((file) =>
    parseJt809Fixture(file, readFileSync(new URL(file, JT809_FIXTURE_DIR), 'utf8')).map((frame) => ({
      bytes: frame.bytes,
      options: { edition: /\.(2011|2019)\.hex$/.exec(file)![1] as Jt809Edition, keys: frame.keys } satisfies Jt809CodecOptions,
    })),
  );

function decodeOrTypedError(frame: Uint8Array, options: Jt809CodecOptions): Jt809Message | Jt809DecodeError {
  try {
    return decodeJt809Frame(frame, options);
  } catch (error) {
    if (error instanceof Jt809DecodeError) return error;
    throw error;
  }
}

/** A decoded message re-encodes to something that decodes to the same body, or refuses with a typed encode error. */
function checkRoundTrip(message: Jt809Message, options: Jt809CodecOptions): void {
  let reencoded: Uint8Array;
  try {
    reencoded = encodeJt809Message(message, options.keys);
  } catch (error) {
    if (error instanceof Jt809EncodeError) return;
    throw error;
  }
  expect(decodeJt809Frame(reencoded, options).body).toEqual(message.body);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(content: Uint8Array, change: Mutation): Uint8Array {
  const bytes = Array.from(content);
  const at = bytes.length === 0 ? 0 : change.at % bytes.length;
  if (change.kind === 'flip' && bytes.length > 0) bytes[at] = bytes[at]! ^ change.xor;
  if (change.kind === 'truncate') bytes.length = at;
  if (change.kind === 'insert') bytes.splice(at, 0, ...change.bytes);
  if (change.kind === 'delete') bytes.splice(at, change.count);
  return Uint8Array.from(bytes);
}

describe('fuzz', () => {
  it('random bytes, arbitrarily chunked, biased towards flags and escapes, through the stream decoder of either edition', () => {
    const byte = fc.oneof(fc.constantFrom(0x5b, 0x5d, 0x5a, 0x5e, 0x01, 0x02, 0x00), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 1500 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom<Jt809Edition>('2011', '2019'),
        (bytes, chunkSize, edition) => {
          const decoder = new Jt809StreamDecoder({ codec: { edition, keys: { m1: 1, ia1: 2, ic1: 3 } }, maxFrameBytes: 512 });
          const stream = Uint8Array.from(bytes);
          for (let at = 0; at < stream.length; at += chunkSize) {
            for (const event of decoder.push(stream.subarray(at, at + chunkSize))) {
              if (event.type === 'error') expect(event.error).toBeInstanceOf(Jt809DecodeError);
            }
            expect(decoder.bufferedBytes).toBeLessThanOrEqual(512);
          }
          for (const event of decoder.end()) expect(event.type === 'error' && event.error).toBeInstanceOf(Jt809DecodeError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mutated header and body, re-framed with a correct MSG_LENGTH and CRC so the body decoders see them', () => {
    let decoded = 0;
    fc.assert(
      fc.property(fc.nat(), mutation, fc.boolean(), (pick, change, fixLength) => {
        const fixture = fixtures[pick % fixtures.length]!;
        const unescaped = unescapeJt809Frame(fixture.bytes);
        const changed = mutate(unescaped.subarray(1, -3), change);
        const content = new Uint8Array(changed.length + 2);
        content.set(changed);
        if (fixLength && changed.length >= 4) new DataView(content.buffer).setUint32(0, changed.length + 4);
        const crc = crc16CcittFalse(content, 0, changed.length);
        content[changed.length] = crc >>> 8;
        content[changed.length + 1] = crc & 0xff;
        const result = decodeOrTypedError(escapeJt809Frame(content), fixture.options);
        if (!(result instanceof Jt809DecodeError)) {
          decoded += 1;
          checkRoundTrip(result, fixture.options);
        }
      }),
      { numRuns: 1500 },
    );
    // Flips of a padding byte or a free field leave a valid message: the property saw both outcomes.
    expect(decoded).toBeGreaterThan(0);
  });

  it('mutated escaped frames straight into decodeJt809Frame, in both editions, with and without keys', () => {
    fc.assert(
      fc.property(fc.nat(), mutation, fc.boolean(), (pick, change, swapEdition) => {
        const fixture = fixtures[pick % fixtures.length]!;
        const edition: Jt809Edition = swapEdition ? (fixture.options.edition === '2011' ? '2019' : '2011') : fixture.options.edition;
        for (const keys of [fixture.options.keys, undefined]) {
          const result = decodeOrTypedError(mutate(fixture.bytes, change), { edition, keys });
          if (!(result instanceof Jt809DecodeError)) checkRoundTrip(result, { edition, keys });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('encryption is its own inverse for any keys and key', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        (bytes, key, m1, ia1, ic1) => {
          const keys = { m1, ia1, ic1 };
          expect(jt809Crypt(jt809Crypt(bytes, key, keys), key, keys)).toEqual(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('escaping round-trips any content, and the escaped frame never holds a raw flag', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (content) => {
        const framed = escapeJt809Frame(content);
        expect(framed.subarray(1, -1).some((byte) => byte === 0x5b || byte === 0x5d)).toBe(false);
        expect(unescapeJt809Frame(framed).subarray(1, -1)).toEqual(content);
      }),
      { numRuns: 300 },
    );
  });

  it('the de-framer gives the same frames however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }), (picks, cuts) => {
        const stream = Uint8Array.from(picks.flatMap((pick) => Array.from(fixtures[pick % fixtures.length]!.bytes)));
        const whole = new Jt809Deframer().push(stream);
        const deframer = new Jt809Deframer();
        const pieces = [];
        let at = 0;
        for (let i = 0; at < stream.length; i += 1) {
          const next = at + cuts[i % cuts.length]!;
          pieces.push(...deframer.push(stream.subarray(at, next)));
          at = next;
        }
        expect(pieces).toEqual(whole);
        expect(whole).toHaveLength(picks.length);
      }),
      { numRuns: 200 },
    );
  });
});
