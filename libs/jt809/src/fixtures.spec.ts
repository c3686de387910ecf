import { readdirSync, readFileSync } from 'node:fs';
import { bytesToHex } from '@roadwatch/jt808';
import { describe, expect, it } from 'vitest';
import { decodeJt809Frame, encodeJt809Message } from './codec.js';
import { Jt809DecodeError } from './errors.js';
import type { Jt809Edition } from './header.js';
import { JT809_FIXTURE_DIR, parseJt809Fixture } from './testing/fixtures.js';

const loadFixture = (file: string) => parseJt809Fixture(file, readFileSync(new URL(file, JT809_FIXTURE_DIR), 'utf8'));
const messageFiles = readdirSync(JT809_FIXTURE_DIR)
  .filter((file) => /^[0-9a-f]{4}-.*\.(2011|2019)\.hex$/.test(file))
  .sort();

describe('fixtures: every public frame decodes and re-encodes byte for byte', () => {
  it('has frames of both editions', () => {
    expect(messageFiles.some((file) => file.endsWith('.2011.hex'))).toBe(true);
    expect(messageFiles.some((file) => file.endsWith('.2019.hex'))).toBe(true);
  });

  for (const file of messageFiles) {
    const [, idHex, edition] = /^([0-9a-f]{4})-.*\.(2011|2019)\.hex$/.exec(file)!;
    for (const frame of loadFixture(file)) {
      it(`${file}:${frame.line}`, () => {
        const message = decodeJt809Frame(frame.bytes, { edition: edition as Jt809Edition, keys: frame.keys });
        expect(message.messageId).toBe(parseInt(idHex!, 16));
        expect(message.header.edition).toBe(edition);
        expect(bytesToHex(encodeJt809Message(message, frame.keys))).toBe(frame.hex);
      });
    }
  }
});

describe('fixtures: invalid frames fail with the expected typed error', () => {
  for (const frame of loadFixture('invalid-frames.hex')) {
    it(`${frame.label} (line ${frame.line})`, () => {
      const [kind, edition] = frame.label!.split('@') as [string, Jt809Edition | undefined];
      let failure: unknown;
      try {
        decodeJt809Frame(frame.bytes, { edition: edition ?? '2011', keys: frame.keys });
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(Jt809DecodeError);
      expect((failure as Jt809DecodeError).kind).toBe(kind);
    });
  }
});
