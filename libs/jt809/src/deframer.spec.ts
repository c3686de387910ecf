import { bytesToHex, hexToBytes } from '@roadwatch/jt808';
import { describe, expect, it } from 'vitest';
import { encodeJt809Frame } from './codec.js';
import { Jt809Deframer } from './deframer.js';
import { Jt809StreamDecoder } from './stream-decoder.js';

const login = hexToBytes(
  '5B000000480000008510010133EFB8010000000000270F0133EFB832303138303932303132372E302E302E31000000000000000000000000000000000000000000000003296A915D',
);
const heartbeat = encodeJt809Frame({ messageId: 0x1005, serial: 2, accessCode: 20180920, edition: '2011' }, {});
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => Array.from(part)));

describe('Jt809Deframer', () => {
  it('several frames in one chunk, garbage between them reported once per run', () => {
    const events = new Jt809Deframer().push(concat(hexToBytes('0d0a'), login, hexToBytes('ffff'), heartbeat, login));
    expect(events.map((event) => (event.type === 'frame' ? bytesToHex(event.frame).slice(0, 20) : event.error.kind))).toEqual([
      'garbage',
      bytesToHex(login).slice(0, 20),
      'garbage',
      bytesToHex(heartbeat).slice(0, 20),
      bytesToHex(login).slice(0, 20),
    ]);
    const garbage = events.filter((event) => event.type === 'error');
    expect(garbage.map((event) => event.type === 'error' && event.error.offset)).toEqual([0, 2 + login.length]);
  });

  it('a frame split at every possible byte, and byte by byte, comes out whole and once', () => {
    const stream = concat(login, heartbeat);
    for (let cut = 0; cut <= stream.length; cut += 1) {
      const deframer = new Jt809Deframer();
      const frames = [...deframer.push(stream.subarray(0, cut)), ...deframer.push(stream.subarray(cut))];
      expect(frames.map((event) => event.type === 'frame' && bytesToHex(event.frame))).toEqual([bytesToHex(login), bytesToHex(heartbeat)]);
    }
    const deframer = new Jt809Deframer();
    const frames = Array.from(stream).flatMap((byte) => deframer.push(Uint8Array.of(byte)));
    expect(frames).toHaveLength(2);
  });

  it('a frame cut off by the next head is reported and the next frame still decodes', () => {
    const events = new Jt809Deframer().push(concat(login.subarray(0, 30), heartbeat));
    expect(events.map((event) => (event.type === 'frame' ? 'frame' : event.error.kind))).toEqual(['truncated', 'frame']);
  });

  it('memory is bounded: an endless frame is dropped once, and the stream resynchronises', () => {
    const deframer = new Jt809Deframer({ maxFrameBytes: 64 });
    const kinds: string[] = [];
    kinds.push(...deframer.push(Uint8Array.of(0x5b)).map((event) => event.type));
    for (let i = 0; i < 10; i += 1) {
      for (const event of deframer.push(new Uint8Array(50).fill(0x11))) kinds.push(event.type === 'error' ? event.error.kind : 'frame');
      expect(deframer.bufferedBytes).toBeLessThanOrEqual(64);
    }
    for (const event of deframer.push(concat(Uint8Array.of(0x5d), heartbeat))) kinds.push(event.type === 'error' ? event.error.kind : 'frame');
    expect(kinds).toEqual(['frame-too-long', 'frame']);
  });

  it('end() reports a frame the connection closed inside of', () => {
    const deframer = new Jt809Deframer();
    deframer.push(login.subarray(0, 10));
    expect(deframer.end().map((event) => event.type === 'error' && event.error.kind)).toEqual(['truncated']);
  });
});

describe('Jt809StreamDecoder', () => {
  it('decodes, reports bad frames as values and keeps going', () => {
    const badCrc = login.slice();
    badCrc[badCrc.length - 2] = badCrc[badCrc.length - 2]! ^ 1;
    const decoder = new Jt809StreamDecoder({ codec: { edition: '2011' } });
    const events = decoder.push(concat(badCrc, heartbeat, login));
    expect(events.map((event) => (event.type === 'message' ? event.message.messageId : event.error.kind))).toEqual(['bad-crc', 0x1005, 0x1001]);
  });

  it('picks edition and keys per frame from the access code, refusing unknown platforms with a header hint', () => {
    const known = encodeJt809Frame({ messageId: 0x1005, serial: 9, accessCode: 7, edition: '2019', timeMs: 1_700_000_000_000 }, {});
    const unknown = encodeJt809Frame({ messageId: 0x1005, serial: 3, accessCode: 8, edition: '2011' }, {});
    const decoder = new Jt809StreamDecoder({ codec: (peek) => (peek.accessCode === 7 ? { edition: '2019' } : undefined) });
    const [first, second] = decoder.push(concat(known, unknown));
    expect(first?.type === 'message' && first.message.header.timeMs).toBe(1_700_000_000_000);
    expect(second?.type === 'error' && second.error).toMatchObject({ kind: 'unsupported-message', header: { accessCode: 8, serial: 3, messageId: 0x1005 } });
  });
});
