import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JT808_FRAME_ANOMALIES, type Jt808FrameAnomaly } from './anomalies.js';
import { buildPlatformGeneralResponse } from './builders.js';
import { bytesToHex } from './bytes.js';
import { decodeFrame, encodeFrame, type Jt808Message } from './codec.js';
import { Jt808DecodeError } from './errors.js';
import { escapeAndWrap, unescapeFrame, xorChecksum } from './framing.js';
import { decodeEnvelope, encodeEnvelope } from './header.js';
import { Jt808StreamDecoder, type StreamEvent } from './stream-decoder.js';
import { FIXTURE_DIR, parseFixture } from './testing/fixtures.js';

const load = (file: string) => parseFixture(file, readFileSync(new URL(file, FIXTURE_DIR), 'utf8'));
const anomalous = load('anomalous-frames.hex');
const byKind = (kind: Jt808FrameAnomaly) => anomalous.find((frame) => frame.label === kind)!;
const messagesOf = (events: StreamEvent[]): Jt808Message[] => events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
const errorsOf = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e.error.kind] : []));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, part) => (out.set(part, at), at + part.length), 0);
  return out;
};
/** The Traccar frame the derived fixtures were made from. */
const ORIGINAL = load('0200-location-report.2013.hex').find((frame) => frame.hex.startsWith('7e0200002a0138335017'))!;

describe('anomalous frames of real terminals (fixtures/anomalous-frames.hex)', () => {
  it('has a fixture for every anomaly kind', () => {
    expect(new Set(anomalous.flatMap((frame) => frame.label!.split(',')))).toEqual(new Set(JT808_FRAME_ANOMALIES));
  });

  for (const frame of anomalous) {
    const kinds = frame.label!.split(',');
    it(`${frame.label} (line ${frame.line}): refused strictly, accepted leniently with exactly its anomalies`, () => {
      expect(() => decodeFrame(frame.bytes)).toThrow(Jt808DecodeError);
      const message = decodeFrame(frame.bytes, { lenient: true });
      expect([...(message.anomalies ?? [])].sort()).toEqual([...kinds].sort());
    });

    it(`${frame.label} (line ${frame.line}): through the stream decoder, whole and byte by byte`, () => {
      const whole = new Jt808StreamDecoder({ lenient: true }).push(frame.bytes, 0);
      expect(errorsOf(whole)).toEqual([]);
      expect(messagesOf(whole).map((m) => [...(m.anomalies ?? [])].sort())).toEqual([[...kinds].sort()]);
      const decoder = new Jt808StreamDecoder({ lenient: true });
      const bytewise = [...frame.bytes].flatMap((byte) => decoder.push(Uint8Array.of(byte), 0));
      expect(messagesOf(bytewise)).toEqual(messagesOf(whole));
      const strict = new Jt808StreamDecoder().push(frame.bytes, 0);
      expect(messagesOf(strict)).toEqual([]);
      expect(errorsOf(strict).length).toBeGreaterThan(0);
    });
  }

  it('reads a hex phone as its hex digits and answers it with the same bytes', () => {
    const message = decodeFrame(byKind('hex-terminal-id').bytes, { lenient: true });
    expect(message.header.terminalPhone).toBe('4EB6FB4AFD9E');
    expect(message.messageId === 0x0704 && message.body.locations).toHaveLength(6);
    const answer = decodeEnvelope(buildPlatformGeneralResponse(message.header, 1), { lenient: true });
    expect(answer.header.terminalPhone).toBe('4EB6FB4AFD9E');
    expect(bytesToHex(answer.message.subarray(4, 10))).toBe('4eb6fb4afd9e');
  });

  it('keeps the raw 0x7e and 0x7d bytes as data in the items', () => {
    const stray = decodeFrame(anomalous[0]!.bytes, { lenient: true });
    expect(stray.messageId === 0x0200 && stray.body).toMatchObject({ latitudeDeg: 22.601623, longitudeDeg: 113.860715 });
    const escape = decodeFrame(byKind('bad-escape').bytes, { lenient: true });
    const cells = escape.messageId === 0x0200 ? escape.body.items.find((item) => item.id === 0x5d) : undefined;
    expect(cells && 'value' in cells && bytesToHex(cells.value as Uint8Array)).toContain('0a7da003');
  });

  it.each(['version-bit-on-2013-header', 'trailing-byte', 'bad-checksum'] as const)('%s: decodes to the position of the frame it was derived from', (kind) => {
    const message = decodeFrame(byKind(kind).bytes, { lenient: true });
    const original = decodeFrame(ORIGINAL.bytes);
    expect(message.body).toEqual(original.body);
    expect(message.header).toEqual({ ...original.header });
  });

  it('a stray 0x7e cut frame is joined across chunks and the frames around it still decode', () => {
    const report = encodeFrame({ messageId: 0x0200, terminalPhone: '13912345678', serial: 1 }, decodeFrame(ORIGINAL.bytes).body as never);
    const stream = concat(report, anomalous[0]!.bytes, report);
    const decoder = new Jt808StreamDecoder({ lenient: true });
    const events = [decoder.push(stream.subarray(0, 150), 0), decoder.push(stream.subarray(150), 0)].flat();
    expect(errorsOf(events)).toEqual([]);
    expect(messagesOf(events).map((m) => m.anomalies ?? [])).toEqual([[], ['stray-flag'], []]);
  });

  it('a short piece that no rest completes is reported, and the next frame is not lost', () => {
    const decoder = new Jt808StreamDecoder({ lenient: true });
    const cut = ORIGINAL.bytes.subarray(0, 30);
    const events = decoder.push(concat(cut, ORIGINAL.bytes), 0);
    expect(errorsOf(events)).toEqual(['bad-checksum']);
    expect(messagesOf(events)).toHaveLength(1);
  });

  it('refuses what is ambiguous: a stray 0x7e with a wrong check code, padding with a wrong check code, two trailing bytes', () => {
    for (const frame of load('invalid-frames.hex').slice(-3)) {
      expect(() => decodeFrame(frame.bytes, { lenient: true })).toThrow(Jt808DecodeError);
      const events = new Jt808StreamDecoder({ lenient: true }).push(frame.bytes, 0);
      expect(messagesOf(events)).toEqual([]);
      expect(errorsOf(events)).toHaveLength(1);
    }
  });

  it('lists the anomalies of every packet on the reassembled message', () => {
    const body = decodeEnvelope(ORIGINAL.bytes).body;
    const packet = (index: number) =>
      encodeEnvelope(
        { messageId: 0x0200, terminalPhone: '13912345678', serial: 40 + index, subpackage: { index, total: 2 } },
        body.subarray((index - 1) * 21, index * 21),
      );
    // Packet 2 padded with one byte, its check code recomputed.
    const content = unescapeFrame(packet(2));
    const padded = new Uint8Array(content.length + 1);
    padded.set(content.subarray(0, content.length - 1));
    padded[content.length] = xorChecksum(padded, 0, content.length);
    const events = new Jt808StreamDecoder({ lenient: true }).push(concat(packet(1), escapeAndWrap(padded)), 0);
    expect(errorsOf(events)).toEqual([]);
    const [message] = messagesOf(events);
    expect(message?.anomalies).toEqual(['trailing-byte']);
    expect(message?.body).toEqual(decodeFrame(ORIGINAL.bytes).body);
  });
});
