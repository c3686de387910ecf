import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../bytes.js';
import { decodeFrame, encodeFrame } from '../codec.js';
import { Jt808DecodeError } from '../errors.js';
import { FIXTURE_DIR, parseFixture } from '../testing/fixtures.js';
import { findLocationItem } from './0200-location-report.js';

const frames = parseFixture('0704', readFileSync(new URL('0704-batch-location-upload.2013.hex', FIXTURE_DIR), 'utf8'));

describe('0x0704 batch / blind-area upload', () => {
  it('decodes a real blind-area batch of 8 positions', () => {
    const message = decodeFrame(frames[1]!.bytes);
    if (message.messageId !== 0x0704) throw new Error('wrong id');
    expect(message.body.blindAreaBackfill).toBe(true);
    expect(message.body.locations).toHaveLength(8);
    const first = message.body.locations[0]!;
    expect(first.latitudeDeg).toBeCloseTo(22.639634, 6);
    expect(first.speedKmh).toBe(0);
    expect(new Date(first.deviceTimeMs!).toISOString()).toBe('2016-05-27T01:06:24.000Z');
    expect(findLocationItem(first.items, 'mileage')?.mileageKm).toBe(2.9);
  });

  it('rejects a count that promises more items than the body holds', () => {
    const message = decodeFrame(frames[2]!.bytes);
    if (message.messageId !== 0x0704) throw new Error('wrong id');
    const tooMany = { ...message.body, locations: message.body.locations };
    const frame = encodeFrame({ messageId: 0x0704, terminalPhone: '1', serial: 1 }, tooMany);
    // Patch the count WORD (first body bytes, after 1 flag + 12 header bytes) from 4 to 5
    // and fix the check code.
    const content = Uint8Array.from(frame.subarray(1, frame.length - 2));
    content[13] = 5;
    let check = 0;
    for (const byte of content) check ^= byte;
    const patched = hexToBytes('7e' + Buffer.from(content).toString('hex') + check.toString(16).padStart(2, '0') + '7e');
    expect(() => decodeFrame(patched)).toThrowError(expect.objectContaining({ kind: 'truncated' }) as Jt808DecodeError);
  });
});
