import { Jt808DecodeError } from './errors.js';
import { FLAG } from './framing.js';

export type DeframerEvent =
  | { readonly type: 'frame'; /** 0x7e, escaped content, 0x7e — ready for `decodeEnvelope`. */ readonly frame: Uint8Array; readonly streamOffset: number }
  | { readonly type: 'error'; readonly error: Jt808DecodeError };

export interface DeframerOptions {
  /**
   * Most escaped bytes kept between two flags. The largest legal frame is a 2019 header
   * with sub-package fields (21) + 1023 body + check, all escaped: 2 × 1045 = 2090.
   */
  readonly maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 2 * (21 + 1023 + 1);

/**
 * Splits a TCP byte stream into JT/T 808 frames.
 *
 * Feed it arbitrary chunks; it returns the complete frames found so far (partial frames
 * stay buffered) and typed errors for bytes it had to drop. Every 0x7e both closes the
 * current frame and opens the next one, so garbage between frames comes out as a short
 * "frame" that fails to decode instead of desynchronising the stream. Memory is bounded by
 * `maxFrameBytes`: a longer run is dropped with a 'frame-too-long' error and the de-framer
 * skips to the next 0x7e. Work per call is linear in the chunk size.
 */
export class Jt808Deframer {
  private readonly maxFrameBytes: number;
  private readonly buffer: Uint8Array;
  private buffered = 0;
  private inFrame = false;
  private frameStart = 0;
  private skipped = 0;
  private skipStart = 0;
  private skippingOversized = false;
  private consumed = 0;

  constructor(options: DeframerOptions = {}) {
    this.maxFrameBytes = Math.max(16, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.buffer = new Uint8Array(this.maxFrameBytes);
  }

  /** Bytes currently held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): DeframerEvent[] {
    const events: DeframerEvent[] = [];
    const base = this.consumed;
    this.consumed += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      const flag = chunk.indexOf(FLAG, i);
      if (!this.inFrame) {
        const end = flag < 0 ? chunk.length : flag;
        if (end > i && this.skipped === 0) this.skipStart = base + i;
        this.skipped += end - i;
        if (flag < 0) break;
        if (this.skipped > 0 && !this.skippingOversized) {
          events.push({ type: 'error', error: new Jt808DecodeError('garbage', this.skipStart, `${this.skipped} byte(s) outside any frame`) });
        }
        this.skipped = 0;
        this.skippingOversized = false;
        this.openFrame(base + flag);
        i = flag + 1;
        continue;
      }
      const end = flag < 0 ? chunk.length : flag;
      const count = end - i;
      // +2 for the flags the emitted frame carries.
      if (this.buffered + count + 2 > this.maxFrameBytes) {
        events.push({
          type: 'error',
          error: new Jt808DecodeError('frame-too-long', this.frameStart, `no closing 0x7e within ${this.maxFrameBytes} bytes`),
        });
        this.inFrame = false;
        this.buffered = 0;
        this.skippingOversized = true;
        this.skipped = 0;
        i = end; // the flag, if any, is picked up as an opener by the branch above
        continue;
      }
      if (flag >= 0 && this.buffered === 0 && i > 0) {
        // The whole frame is in this chunk, its opening flag at i - 1 (only a flag moves i past 0
        // while in a frame): copied out once, flags included, instead of through the buffer.
        if (count > 0) events.push({ type: 'frame', frame: Uint8Array.prototype.slice.call(chunk, i - 1, flag + 1), streamOffset: this.frameStart });
        this.openFrame(base + flag);
        i = flag + 1;
        continue;
      }
      this.buffer.set(chunk.subarray(i, end), this.buffered);
      this.buffered += count;
      if (flag < 0) break;
      if (this.buffered > 0) {
        const frame = new Uint8Array(this.buffered + 2);
        frame[0] = FLAG;
        frame.set(this.buffer.subarray(0, this.buffered), 1);
        frame[frame.length - 1] = FLAG;
        events.push({ type: 'frame', frame, streamOffset: this.frameStart });
      }
      // The closing flag also opens the next frame (7e…7e7e…7e and 7e…7e…7e both occur).
      this.openFrame(base + flag);
      i = flag + 1;
    }
    return events;
  }

  private openFrame(streamOffset: number): void {
    this.inFrame = true;
    this.buffered = 0;
    this.frameStart = streamOffset;
  }
}
