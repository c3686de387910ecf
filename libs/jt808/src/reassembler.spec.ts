import { describe, expect, it } from 'vitest';
import { decodeBody, encodeFrame, encodeFrames } from './codec.js';
import { Jt808DecodeError } from './errors.js';
import { decodeEnvelope, encodeSubpackagedFrames } from './header.js';
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
    const envelopes = frames.map(decodeEnvelope).reverse();
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
    const envelopes = frames.map(decodeEnvelope);
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
    const other = encodeFrames({ ...header, serial: 100 }, batch, 300);
    const third = encodeFrames({ ...header, serial: 200 }, batch, 300);
    reassembler.push(decodeEnvelope(frames[0]!), 0);
    reassembler.push(decodeEnvelope(other[0]!), 0);
    const { dropped } = reassembler.push(decodeEnvelope(third[0]!), 0);
    expect(dropped.map((d) => [d.reason, d.firstSerial])).toEqual([['memory', 0xfffe]]);
    expect(reassembler.pendingByteCount).toBeLessThanOrEqual(700);
  });

  it('rejects a packet whose total contradicts its set', () => {
    const reassembler = new Jt808SubpackageReassembler();
    const body = new Uint8Array(10);
    reassembler.push(decodeEnvelope(encodeSubpackagedFrames({ ...header, serial: 10 }, body, 5)[0]!), 0);
    const liar = encodeSubpackagedFrames({ ...header, serial: 10 }, new Uint8Array(15), 5)[0]!;
    expect(() => reassembler.push(decodeEnvelope(liar), 0)).toThrow(Jt808DecodeError);
  });
});

describe('Jt808StreamDecoder', () => {
  it('turns a byte stream with sub-packages, garbage and a bad frame into messages and typed errors', () => {
    const decoder = new Jt808StreamDecoder();
    const heartbeat = encodeFrame({ messageId: 0x0002, terminalPhone: '13912345678', serial: 1 }, {});
    const parts = encodeFrames(header, batch, 300);
    const corrupt = Uint8Array.from(heartbeat);
    corrupt[5] = corrupt[5]! ^ 0x01;
    const stream = Buffer.concat([Buffer.from('garbage'), ...parts.map((p) => Buffer.from(p)), Buffer.from(corrupt), Buffer.from(heartbeat)]);
    const events = [];
    for (let at = 0; at < stream.length; at += 97) events.push(...decoder.push(stream.subarray(at, at + 97), 0));
    expect(events.map((e) => (e.type === 'message' ? e.message.messageId : e.type === 'error' ? e.error.kind : e.type))).toEqual(['garbage', 0x0704, 'bad-checksum', 0x0002]);
  });

  it('reports an unsupported message with the header hint needed to answer it', () => {
    const frame = encodeSubpackagedFrames({ messageId: 0x0900, terminalPhone: '13912345678', serial: 9 }, Uint8Array.of(1, 2, 3))[0]!;
    const [event] = new Jt808StreamDecoder().push(frame, 0);
    expect(event?.type === 'error' && event.error).toMatchObject({ kind: 'unsupported-message', header: { messageId: 0x0900, serial: 9, terminalPhone: '013912345678' } });
  });
});
