import { Jt809DecodeError } from './errors.js';
import { HEAD_FLAG, TAIL_FLAG } from './framing.js';

export type Jt809DeframerEvent =
  | { readonly type: 'frame'; /** 0x5b, escaped content, 0x5d — ready for `decodeJt809Frame`. */ readonly frame: Uint8Array; readonly streamOffset: number }
  | { readonly type: 'error'; readonly error: Jt809DecodeError };

export interface Jt809DeframerOptions {
  /** Most escaped bytes kept for one frame (default 64 KiB — far above any message this codec reads). */
  readonly maxFrameBytes?: number;
}

export const DEFAULT_JT809_MAX_FRAME_BYTES = 64 * 1024;

/**
 * Splits a TCP byte stream into JT/T 809 frames. Unlike JT/T 808, head (0x5b) and tail
 * (0x5d) differ and neither appears escaped inside a frame, so: 0x5b opens a frame (an
 * open one without its 0x5d is reported 'truncated' and dropped), 0x5d closes it, and
 * bytes outside frames come out as one 'garbage' error per run. Partial frames stay
 * buffered across chunks; memory is bounded by `maxFrameBytes` ('frame-too-long', then the
 * rest of that frame is skipped up to the next flag). Never throws on input.
 */
export class Jt809Deframer {
  private readonly maxFrameBytes: number;
  private parts: Uint8Array[] = [];
  private buffered = 0;
  private inFrame = false;
  private frameStart = 0;
  private skippedStart = -1;
  private skippedCount = 0;
  private discarding = false;
  private consumed = 0;

  constructor(options: Jt809DeframerOptions = {}) {
    this.maxFrameBytes = Math.max(32, options.maxFrameBytes ?? DEFAULT_JT809_MAX_FRAME_BYTES);
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): Jt809DeframerEvent[] {
    const events: Jt809DeframerEvent[] = [];
    const base = this.consumed;
    this.consumed += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      if (!this.inFrame) {
        const head = chunk.indexOf(HEAD_FLAG, i);
        const end = head < 0 ? chunk.length : head;
        if (end > i) {
          if (this.skippedCount === 0) this.skippedStart = base + i;
          this.skippedCount += end - i;
        }
        if (head < 0) break;
        this.flushGarbage(events);
        this.inFrame = true;
        this.discarding = false;
        this.frameStart = base + head;
        this.parts = [];
        this.buffered = 0;
        i = head;
        this.take(chunk.subarray(head, head + 1), events);
        i += 1;
        continue;
      }
      // In a frame: find its tail, or a head that cuts it short.
      let stop = i;
      while (stop < chunk.length && chunk[stop] !== TAIL_FLAG && chunk[stop] !== HEAD_FLAG) stop += 1;
      this.take(chunk.subarray(i, stop), events);
      if (stop === chunk.length) break;
      if (chunk[stop] === HEAD_FLAG) {
        events.push({
          type: 'error',
          error: new Jt809DecodeError('truncated', this.frameStart, `a frame of ${this.buffered} byte(s) cut off by the next 0x5b`),
        });
        this.inFrame = false;
        this.parts = [];
        this.buffered = 0;
        i = stop;
        continue;
      }
      this.take(chunk.subarray(stop, stop + 1), events);
      if (!this.discarding) events.push({ type: 'frame', frame: this.joined(), streamOffset: this.frameStart });
      this.inFrame = false;
      this.discarding = false;
      this.parts = [];
      this.buffered = 0;
      i = stop + 1;
    }
    return events;
  }

  /** Reports garbage still pending (call when the connection closes). */
  end(): Jt809DeframerEvent[] {
    const events: Jt809DeframerEvent[] = [];
    this.flushGarbage(events);
    if (this.inFrame && !this.discarding) {
      events.push({ type: 'error', error: new Jt809DecodeError('truncated', this.frameStart, `the stream ended inside a frame of ${this.buffered} byte(s)`) });
    }
    this.inFrame = false;
    this.parts = [];
    this.buffered = 0;
    return events;
  }

  private take(bytes: Uint8Array, events: Jt809DeframerEvent[]): void {
    if (this.discarding || bytes.length === 0) return;
    if (this.buffered + bytes.length > this.maxFrameBytes) {
      events.push({
        type: 'error',
        error: new Jt809DecodeError('frame-too-long', this.frameStart, `more than ${this.maxFrameBytes} bytes without a closing 0x5d`),
      });
      this.discarding = true;
      this.parts = [];
      this.buffered = 0;
      return;
    }
    // Copy: the caller may reuse its chunk buffer.
    this.parts.push(bytes.slice());
    this.buffered += bytes.length;
  }

  private joined(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0]!;
    const frame = new Uint8Array(this.buffered);
    let at = 0;
    for (const part of this.parts) {
      frame.set(part, at);
      at += part.length;
    }
    return frame;
  }

  private flushGarbage(events: Jt809DeframerEvent[]): void {
    if (this.skippedCount === 0) return;
    events.push({ type: 'error', error: new Jt809DecodeError('garbage', this.skippedStart, `${this.skippedCount} byte(s) outside any frame`) });
    this.skippedCount = 0;
  }
}
