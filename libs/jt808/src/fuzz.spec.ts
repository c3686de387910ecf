import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeMessage, type Jt808Message } from './codec.js';
import { Jt808Deframer } from './deframer.js';
import { Jt808DecodeError, Jt808EncodeError } from './errors.js';
import { escapeAndWrap, unescapeFrame, xorChecksum } from './framing.js';
import { decodeEnvelope, encodeEnvelope } from './header.js';
import { Jt808StreamDecoder } from './stream-decoder.js';
import { FIXTURE_DIR, parseFixture } from './testing/fixtures.js';

// Property tests: hostile input only ever yields a typed error or a valid result, and
// finishes. Run counts are sized so the file takes well under 5 s.

const validFrames = readdirSync(FIXTURE_DIR)
  .filter((file) => /^[0-9a-f]{4}-.*\.hex$/.test(file))
  .flatMap((file) => parseFixture(file, readFileSync(new URL(file, FIXTURE_DIR), 'utf8')))
  .map((frame) => frame.bytes);

function decodeOrTypedError(frame: Uint8Array, lenient = false): Jt808Message | Jt808DecodeError {
  try {
    return decodeFrame(frame, { lenient });
  } catch (error) {
    if (error instanceof Jt808DecodeError) return error;
    throw error;
  }
}

/** A decoded message re-encodes to something that decodes to the same body, or refuses with a typed encode error. */
function checkRoundTrip(message: Jt808Message, lenient = false): void {
  let reencoded: Uint8Array;
  try {
    reencoded = encodeMessage(message);
  } catch (error) {
    // e.g. text that decoded to U+FFFD from invalid GBK cannot be encoded again.
    if (error instanceof Jt808EncodeError) return;
    throw error;
  }
  expect(decodeFrame(reencoded, { lenient }).body).toEqual(message.body);
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
  it('random bytes through the de-framer and decoder: typed errors or messages, bounded buffer', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const deframer = new Jt808Deframer({ maxFrameBytes: 512 });
        for (const chunk of chunks) {
          for (const event of deframer.push(chunk)) {
            if (event.type === 'error') expect(event.error).toBeInstanceOf(Jt808DecodeError);
            else decodeOrTypedError(event.frame);
          }
          expect(deframer.bufferedBytes).toBeLessThanOrEqual(512);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes biased towards flags and escapes, arbitrarily chunked, through the stream decoder', () => {
    const byte = fc.oneof(fc.constantFrom(0x7e, 0x7d, 0x01, 0x02, 0x00), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 2000 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), (bytes, chunkSize, lenient) => {
        const decoder = new Jt808StreamDecoder({ maxFrameBytes: 256, maxPendingBytes: 4096, lenient });
        const stream = Uint8Array.from(bytes);
        for (let at = 0; at < stream.length; at += chunkSize) {
          for (const event of decoder.push(stream.subarray(at, at + chunkSize), at)) {
            if (event.type === 'error') expect(event.error).toBeInstanceOf(Jt808DecodeError);
          }
        }
        decoder.expire(Number.MAX_SAFE_INTEGER);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid frames (raw bytes): typed error or a message that round-trips', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validFrames), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (frame, changes, lenient) => {
        const mutated = changes.reduce(mutate, frame);
        const result = decodeOrTypedError(mutated, lenient);
        if (!(result instanceof Jt808DecodeError)) checkRoundTrip(result, lenient);
      }),
      { numRuns: 1500 },
    );
  });

  it('mutated valid frames with a recomputed check code, so the body decoders see the damage', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validFrames), fc.array(mutation, { minLength: 1, maxLength: 4 }), (frame, changes) => {
        const content = unescapeFrame(frame);
        const message = changes.reduce(mutate, content.subarray(0, content.length - 1));
        const withCheck = new Uint8Array(message.length + 1);
        withCheck.set(message);
        withCheck[message.length] = xorChecksum(message);
        const result = decodeOrTypedError(escapeAndWrap(withCheck));
        if (!(result instanceof Jt808DecodeError)) checkRoundTrip(result);
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated bodies re-framed with correct length and check code: body decoders never throw untyped', () => {
    const envelopes = validFrames.map((frame) => decodeEnvelope(frame));
    fc.assert(
      fc.property(fc.constantFrom(...envelopes), fc.array(mutation, { minLength: 1, maxLength: 6 }), (envelope, changes) => {
        const body = changes.reduce(mutate, envelope.body);
        if (body.length > 1023) return;
        const result = decodeOrTypedError(encodeEnvelope(envelope.header, body));
        if (!(result instanceof Jt808DecodeError)) checkRoundTrip(result);
      }),
      { numRuns: 3000 },
    );
  });
});
