import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './bytes.js';
import { Jt808Deframer, type DeframerEvent } from './deframer.js';

const HEARTBEAT = '7e0002000004304832546500b7ca7e';
const LOGOUT = '7e0003000001391234567800093a7e';

const frames = (events: DeframerEvent[]) => events.flatMap((event) => (event.type === 'frame' ? [bytesToHex(event.frame)] : []));
const errors = (events: DeframerEvent[]) => events.flatMap((event) => (event.type === 'error' ? [event.error.kind] : []));

describe('Jt808Deframer', () => {
  it('yields one frame from one chunk', () => {
    expect(frames(new Jt808Deframer().push(hexToBytes(HEARTBEAT)))).toEqual([HEARTBEAT]);
  });

  it('joins a frame split over chunks, down to one byte each', () => {
    const deframer = new Jt808Deframer();
    const out: DeframerEvent[] = [];
    for (const byte of hexToBytes(HEARTBEAT)) out.push(...deframer.push(Uint8Array.of(byte)));
    expect(frames(out)).toEqual([HEARTBEAT]);
    expect(deframer.bufferedBytes).toBe(0);
  });

  it('splits concatenated frames, with and without a shared flag', () => {
    expect(frames(new Jt808Deframer().push(hexToBytes(HEARTBEAT + LOGOUT)))).toEqual([HEARTBEAT, LOGOUT]);
    expect(frames(new Jt808Deframer().push(hexToBytes(HEARTBEAT + LOGOUT.slice(2))))).toEqual([HEARTBEAT, LOGOUT]);
  });

  it('hands out frames that own their bytes: a socket chunk (a Buffer) reused afterwards does not change them', () => {
    const chunk = Buffer.from(hexToBytes(HEARTBEAT + LOGOUT + HEARTBEAT.slice(0, 10)));
    const deframer = new Jt808Deframer();
    const out = deframer.push(chunk);
    chunk.fill(0x55);
    out.push(...deframer.push(Buffer.from(hexToBytes(HEARTBEAT.slice(10)))));
    expect(frames(out)).toEqual([HEARTBEAT, LOGOUT, HEARTBEAT]);
  });

  it('finds whole frames after a frame carried over from the last chunk, and an empty 7e7e between frames', () => {
    const deframer = new Jt808Deframer();
    const first = deframer.push(hexToBytes(HEARTBEAT.slice(0, 12)));
    const rest = deframer.push(hexToBytes(HEARTBEAT.slice(12) + '7e' + LOGOUT + HEARTBEAT));
    expect(frames([...first, ...rest])).toEqual([HEARTBEAT, LOGOUT, HEARTBEAT]);
    expect(errors(rest)).toEqual([]);
    expect(deframer.bufferedBytes).toBe(0);
  });

  it('reports garbage before the first flag and still finds the frame', () => {
    const events = new Jt808Deframer().push(hexToBytes('0102030405' + HEARTBEAT));
    expect(errors(events)).toEqual(['garbage']);
    expect(frames(events)).toEqual([HEARTBEAT]);
    const garbage = events.find((event) => event.type === 'error');
    expect(garbage?.type === 'error' && garbage.error.offset).toBe(0);
  });

  it('passes garbage between frames on as a short frame (it fails to decode, the next one is intact)', () => {
    const out = frames(new Jt808Deframer().push(hexToBytes(HEARTBEAT + 'aabb' + LOGOUT)));
    expect(out).toEqual([HEARTBEAT, '7eaabb7e', LOGOUT]);
  });

  it('bounds the buffer: an endless frame is dropped with frame-too-long and the stream recovers', () => {
    const deframer = new Jt808Deframer({ maxFrameBytes: 64 });
    const events = [...deframer.push(hexToBytes('7e' + '11'.repeat(200))), ...deframer.push(hexToBytes('22'.repeat(100) + HEARTBEAT))];
    expect(errors(events)).toEqual(['frame-too-long']);
    expect(frames(events)).toEqual([HEARTBEAT]);
    expect(deframer.bufferedBytes).toBe(0);
  });

  it('reports stream offsets', () => {
    const deframer = new Jt808Deframer();
    deframer.push(hexToBytes(HEARTBEAT));
    const [event] = deframer.push(hexToBytes(LOGOUT));
    expect(event?.type === 'frame' && event.streamOffset).toBe(HEARTBEAT.length / 2);
  });
});
