import { describe, expect, it } from 'vitest';
import { decodeBody, encodeFrame, encodeFrames } from './codec.js';
import { Jt808DecodeError } from './errors.js';
import { decodeEnvelope, encodeEnvelope, encodeSubpackagedFrames } from './header.js';
import type { LocationReport } from './messages/0200-location-report.js';
import { Jt808SubpackageReassembler } from './reassembler.js';
import { Jt808StreamDecoder } from './stream-decoder.js';

const location: LocationReport = {
  alarmFlags: 0,
  alarms: {} as never,
  statusFlags: 3,
  status: {} as never,
  latitudeDeg: 30.5,
  longitudeDeg: 114.3,
  altitudeM: 20,
  speedKmh: 60,
  directionDeg: 90,
  deviceTimeMs: Date.UTC(2024, 0, 1),
  items: [{ type: 'mileage', id: 1, mileageKm: 1000 }],
};
const batch = { batchType: 1, blindAreaBackfill: true, locations: Array.from({ length: 40 }, () => location) };
const header = { messageId: 0x0704 as const, terminalPhone: '13912345678', serial: 0xfffe };

describe('Jt808SubpackageReassembler', () => {
  const frames = encodeFrames(header, batch, 300);

  it('splits a long body into sub-packages with consecutive (wrapping) serials', () => {
    const headers = frames.map((frame) => decodeEnvelope(frame).header);
    expect(headers.length).toBeGreaterThan(1);
    expect(headers.map((h) => h.serial)).toEqual(headers.map((_, i) => (0xfffe + i) & 0xffff));
    expect(headers.every((h, i) => h.subpackage?.index === i + 1 && h.subpackage.total === headers.length)).toBe(true);
  });

  it('reassembles packets arriving out of order into the whole message', () => {
    const reassembler = new Jt808SubpackageReassembler();
    const envelopes = frames.map((frame) => decodeEnvelope(frame)).reverse();
    const results = envelopes.map((envelope) => reassembler.push(envelope, 0));
    const complete = results.at(-1)!.complete!;
    expect(results.slice(0, -1).every((r) => r.complete === null)).toBe(true);
    expect(complete.header.serial).toBe(0xfffe);
    const message = decodeBody(complete);
    expect(message.messageId === 0x0704 && message.body.locations).toHaveLength(40);
    expect(reassembler.pendingSetCount).toBe(0);
    expect(reassembler.pendingByteCount).toBe(0);
  });

  it('drops a stale set on expire(now) and names the missing packets', () => {
    const reassembler = new Jt808SubpackageReassembler({ timeoutMs: 1000 });
    reassembler.push(decodeEnvelope(frames[0]!), 5000);
    expect(reassembler.expire(5999)).toEqual([]);
    const [dropped] = reassembler.expire(6000);
    expect(dropped).toMatchObject({ reason: 'timeout', messageId: 0x0704, firstSerial: 0xfffe, total: frames.length });
    expect(dropped!.missingIndexes).toEqual(Array.from({ length: frames.length - 1 }, (_, i) => i + 2));
    expect(reassembler.pendingByteCount).toBe(0);
  });

  it('asks for the missing packets of a quiet set (0x8003), at most maxResendRequests times', () => {
    const reassembler = new Jt808SubpackageReassembler({ resendAfterMs: 10_000, maxResendRequests: 2, timeoutMs: 60_000 });
    reassembler.push(decodeEnvelope(frames[0]!), 1_000);
    reassembler.push(decodeEnvelope(frames[2]!), 2_000);
    expect(reassembler.resendRequests(11_999)).toEqual([]);
    const [first] = reassembler.resendRequests(12_000);
    const missing = Array.from({ length: frames.length }, (_, i) => i + 1).filter((i) => i !== 1 && i !== 3);
    expect(first).toMatchObject({ firstSerial: 0xfffe, missingIndexes: missing, attempt: 1 });
    expect(first!.header.terminalPhone).toBe('013912345678');
    expect(reassembler.resendRequests(21_999)).toEqual([]);
    expect(reassembler.resendRequests(22_000).map((due) => due.attempt)).toEqual([2]);
    expect(reassembler.resendRequests(60_000)).toEqual([]);
  });

  it('asks 1 s after the last-numbered packet when some before it never came, and a resend completes the set', () => {
    const reassembler = new Jt808SubpackageReassembler();
    const envelopes = frames.map((frame) => decodeEnvelope(frame));
    envelopes.forEach((envelope, i) => i !== 1 && reassembler.push(envelope, 5_000));
    expect(reassembler.resendRequests(5_999)).toEqual([]);
    expect(reassembler.resendRequests(6_000).map((due) => due.missingIndexes)).toEqual([[2]]);
    const { complete } = reassembler.push(envelopes[1]!, 6_500);
    const message = decodeBody(complete!);
    expect(message.messageId === 0x0704 && message.body.locations).toHaveLength(40);
    expect(reassembler.resendRequests(60_000)).toEqual([]);
  });

  it('evicts the oldest sets to stay within its memory bound', () => {
    const reassembler = new Jt808SubpackageReassembler({ maxPendingBytes: 700 });
    const other = encodeFrames({ ...header, terminalPhone: '13900000002', serial: 100 }, batch, 300);
    const third = encodeFrames({ ...header, terminalPhone: '13900000003', serial: 200 }, batch, 300);
    reassembler.push(decodeEnvelope(frames[0]!), 0);
    reassembler.push(decodeEnvelope(other[0]!), 0);
    const { dropped } = reassembler.push(decodeEnvelope(third[0]!), 0);
    expect(dropped.map((d) => [d.reason, d.firstSerial])).toEqual([['memory', 0xfffe]]);
    expect(reassembler.pendingByteCount).toBeLessThanOrEqual(700);
  });

  it('refuses a packet announcing more packets than allowed', () => {
    const reassembler = new Jt808SubpackageReassembler({ maxPacketsPerSet: 2 });
    const liar = encodeSubpackagedFrames({ ...header, serial: 10 }, new Uint8Array(15), 5)[0]!;
    expect(() => reassembler.push(decodeEnvelope(liar), 0)).toThrow(Jt808DecodeError);
  });
});

/** Packet `index` of `total` of a 0x0704 with the given serial. */
function encodeEnvelopeAs(terminalPhone: string, serial: number, index: number, total: number, part: Uint8Array): Uint8Array {
  return encodeEnvelope({ messageId: 0x0704, terminalPhone, serial, subpackage: { index, total } }, part);
}

/** The sub-packaged 0x0704 of `batch`, its packets carrying the given serials (a terminal numbering everything it sends). */
function packetsWithSerials(serials: readonly number[], phone = '13912345678'): Uint8Array[] {
  const parts = encodeFrames({ ...header, terminalPhone: phone, serial: 0 }, batch, 300).map((frame) => decodeEnvelope(frame).body);
  expect(parts).toHaveLength(serials.length);
  return parts.map((part, i) => encodeEnvelopeAs(phone, serials[i]!, i + 1, parts.length, part));
}

describe('sub-packages keyed by terminal, message id and packet count, placed by index', () => {
  const heartbeat = (serial: number) => encodeFrame({ messageId: 0x0002, terminalPhone: '13912345678', serial }, {});
  const report = (serial: number) => encodeFrame({ messageId: 0x0200, terminalPhone: '13912345678', serial }, location);
  const locationsOf = (events: ReturnType<Jt808StreamDecoder['push']>) =>
    events.flatMap((e) => (e.type === 'message' && e.message.messageId === 0x0704 ? [e.message.body.locations.length] : []));

  it('reassembles a set whose packets have a heartbeat and a 0x0200 between them (serials not consecutive)', () => {
    // Packet 1 serial 7, heartbeat 8, packet 2 serial 9, report 10, packet 3 serial 11, ...
    const count = encodeFrames(header, batch, 300).length;
    const serials = Array.from({ length: count }, (_, i) => 7 + 2 * i);
    const packets = packetsWithSerials(serials);
    const decoder = new Jt808StreamDecoder();
    const events = packets.flatMap((packet, i) => decoder.push(concat(packet, i % 2 === 0 ? heartbeat(serials[i]! + 1) : report(serials[i]! + 1)), 0));
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(locationsOf(events)).toEqual([40]);
    const message = events.find((e) => e.type === 'message' && e.message.messageId === 0x0704);
    expect(message?.type === 'message' && message.message.header.serial).toBe(7);
    expect(events.filter((e) => e.type === 'message' && e.message.messageId === 0x0002)).toHaveLength(Math.ceil(count / 2));
    expect(decoder.resendRequests(1_000_000)).toEqual([]);
  });

  it('reassembles packets out of order, with duplicates, into one message', () => {
    const count = encodeFrames(header, batch, 300).length;
    const packets = packetsWithSerials(Array.from({ length: count }, (_, i) => 100 + 3 * i));
    const order = [
      2,
      0,
      0,
      2,
      ...Array.from({ length: count }, (_, i) => i)
        .filter((i) => i !== 0 && i !== 2)
        .reverse(),
    ];
    const decoder = new Jt808StreamDecoder();
    const events = order.flatMap((i) => decoder.push(packets[i]!, 0));
    expect(locationsOf(events)).toEqual([40]);
    // A late duplicate of packet 2 after completion starts nothing that could complete wrongly.
    expect(locationsOf(decoder.push(packets[1]!, 1))).toEqual([]);
  });

  it('asks for a lost packet with the serial of packet 1 (0x8003), and the resent packet (new serial) completes the set', () => {
    const count = encodeFrames(header, batch, 300).length;
    const serials = Array.from({ length: count }, (_, i) => 500 + 2 * i);
    const packets = packetsWithSerials(serials);
    const decoder = new Jt808StreamDecoder({ resendAfterMs: 10_000 });
    const events = packets.flatMap((packet, i) => (i === 1 ? [] : decoder.push(packet, 1_000)));
    expect(locationsOf(events)).toEqual([]);
    const [due] = decoder.resendRequests(2_001);
    expect(due).toMatchObject({ firstSerial: 500, missingIndexes: [2], attempt: 1 });
    const resent = encodeEnvelopeAs('13912345678', 900, 2, count, decodeEnvelope(packets[1]!).body);
    expect(locationsOf(decoder.push(resent, 3_000))).toEqual([40]);
  });

  it("keeps two terminals' sets and two message ids apart", () => {
    const count = encodeFrames(header, batch, 300).length;
    const a = packetsWithSerials(
      Array.from({ length: count }, (_, i) => i + 1),
      '13900000001',
    );
    const b = packetsWithSerials(
      Array.from({ length: count }, (_, i) => i + 1),
      '13900000002',
    );
    const reassembler = new Jt808SubpackageReassembler();
    const results = a.flatMap((packet, i) => [reassembler.push(decodeEnvelope(packet), 0), reassembler.push(decodeEnvelope(b[i]!), 0)]);
    const complete = results.filter((r) => r.complete).map((r) => r.complete!.header.terminalPhone);
    expect(complete).toEqual(['013900000001', '013900000002']);
  });
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
