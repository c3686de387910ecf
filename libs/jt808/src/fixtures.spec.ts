import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes.js';
import { decodeFrame, encodeMessage } from './codec.js';
import { Jt808DecodeError } from './errors.js';
import { FIXTURE_DIR, parseFixture } from './testing/fixtures.js';

const loadFixture = (file: string) => parseFixture(file, readFileSync(new URL(file, FIXTURE_DIR), 'utf8'));
const messageFiles = readdirSync(FIXTURE_DIR)
  .filter((file) => /^[0-9a-f]{4}-.*\.hex$/.test(file))
  .sort();

describe('fixtures: every frame decodes, matches its file and re-encodes byte for byte', () => {
  it('has a fixture for every message and edition the codec covers', () => {
    expect(messageFiles.length).toBeGreaterThanOrEqual(25);
  });

  for (const file of messageFiles) {
    const [, idHex, edition] = /^([0-9a-f]{4})-.*\.(2011|2013|2019)\.hex$/.exec(file) ?? [];
    for (const frame of loadFixture(file)) {
      it(`${file}:${frame.line}`, () => {
        const message = decodeFrame(frame.bytes);
        expect(message.messageId).toBe(parseInt(idHex!, 16));
        expect(message.header.edition).toBe(edition === '2019' ? '2019' : '2013');
        if (message.messageId === 0x0100) expect(message.body.edition).toBe(edition);
        expect(bytesToHex(encodeMessage(message))).toBe(frame.hex);
      });
    }
  }
});

describe('fixtures: invalid frames fail with the expected typed error', () => {
  // The few that lenient decoding accepts are in anomalous-frames.hex as well.
  const acceptedLeniently = new Set(loadFixture('anomalous-frames.hex').map((frame) => frame.hex));
  const failure = (decode: () => unknown): unknown => {
    try {
      decode();
    } catch (error) {
      return error;
    }
    return undefined;
  };
  for (const frame of loadFixture('invalid-frames.hex')) {
    it(`${frame.label} (line ${frame.line})`, () => {
      const caught = failure(() => decodeFrame(frame.bytes));
      expect(caught).toBeInstanceOf(Jt808DecodeError);
      expect((caught as Jt808DecodeError).kind).toBe(frame.label);
      if (acceptedLeniently.has(frame.hex)) return;
      const lenient = failure(() => decodeFrame(frame.bytes, { lenient: true }));
      expect(lenient).toBeInstanceOf(Jt808DecodeError);
      expect((lenient as Jt808DecodeError).kind).toBe(frame.label);
    });
  }
});
