import { decodeBody, type Jt808Message } from './codec.js';
import { Jt808Deframer, DEFAULT_MAX_FRAME_BYTES, type DeframerOptions } from './deframer.js';
import { Jt808DecodeError } from './errors.js';
import { FLAG, unescapeFrameLeniently } from './framing.js';
import { decodeEnvelope, type Jt808Envelope } from './header.js';
import { Jt808SubpackageReassembler, type DroppedSubpackageSet, type ReassemblerOptions, type ResendDue } from './reassembler.js';

export type StreamEvent =
  | { readonly type: 'message'; readonly message: Jt808Message }
  | { readonly type: 'error'; readonly error: Jt808DecodeError }
  | { readonly type: 'dropped-subpackages'; readonly dropped: DroppedSubpackageSet };

export interface StreamDecoderOptions extends DeframerOptions, ReassemblerOptions {
  /**
   * Accept the unambiguous frame anomalies (`Jt808FrameAnomaly`), listed on each message's
   * `anomalies`; a raw 0x7e inside a frame is put back by joining the pieces it cut the
   * frame into. Default false: strict, as the standard reads.
   */
  readonly lenient?: boolean;
}

/**
 * One TCP connection's decoder: de-framing, checksum, header, sub-package reassembly and
 * body decoding in one `push(chunk, nowMs)`. Never throws for bad input — every problem
 * comes back as an 'error' event (a `Jt808DecodeError`, with the header hint when the
 * header was readable so the gateway can still answer 0x8001).
 */
export class Jt808StreamDecoder {
  private readonly deframer: Jt808Deframer;
  private readonly reassembler: Jt808SubpackageReassembler;
  private readonly lenient: boolean;
  private readonly maxFrameBytes: number;
  /**
   * Lenient only: a frame shorter than its header declares, held in case a raw 0x7e inside
   * it cut it short — the de-framer takes every 0x7e for a flag — and the next piece is its rest.
   */
  private held: Uint8Array | null = null;

  constructor(options: StreamDecoderOptions = {}) {
    this.deframer = new Jt808Deframer(options);
    this.reassembler = new Jt808SubpackageReassembler(options);
    this.lenient = options.lenient ?? false;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  push(chunk: Uint8Array, nowMs: number): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const event of this.deframer.push(chunk)) {
      if (event.type === 'error') {
        this.releaseHeld(events, nowMs);
        events.push(event);
        continue;
      }
      if (this.held) {
        // held = 7e…7e, frame = 7e…7e: together one frame whose middle 0x7e is data.
        const joined = new Uint8Array(this.held.length + event.frame.length - 1);
        joined.set(this.held);
        joined.set(event.frame.subarray(1), this.held.length);
        const envelope = this.envelopeOf(joined);
        if (!(envelope instanceof Jt808DecodeError)) {
          this.held = null;
          this.deliver(envelope, nowMs, events);
          continue;
        }
        if (joined.length <= this.maxFrameBytes && this.isShort(joined)) {
          this.held = joined;
          continue;
        }
        this.releaseHeld(events, nowMs);
      }
      const envelope = this.envelopeOf(event.frame);
      if (!(envelope instanceof Jt808DecodeError)) this.deliver(envelope, nowMs, events);
      else if (this.lenient && this.isShort(event.frame)) this.held = event.frame;
      else events.push({ type: 'error', error: envelope });
    }
    return events;
  }

  /** Incomplete sub-package sets due a 0x8003 request; call it after `push` and from the connection's timer. */
  resendRequests(nowMs: number): ResendDue[] {
    return this.reassembler.pendingSetCount === 0 ? [] : this.reassembler.resendRequests(nowMs);
  }

  /** Drops stale sub-package sets; call it from the connection's timer. */
  expire(nowMs: number): StreamEvent[] {
    return this.reassembler.expire(nowMs).map((dropped) => ({ type: 'dropped-subpackages', dropped }));
  }

  private envelopeOf(frame: Uint8Array): Jt808Envelope | Jt808DecodeError {
    try {
      return decodeEnvelope(frame, { lenient: this.lenient });
    } catch (error) {
      if (!(error instanceof Jt808DecodeError)) throw error;
      return error;
    }
  }

  private deliver(envelope: Jt808Envelope, nowMs: number, events: StreamEvent[]): void {
    try {
      const { complete, dropped } = this.reassembler.push(envelope, nowMs);
      for (const set of dropped) events.push({ type: 'dropped-subpackages', dropped: set });
      if (complete) events.push({ type: 'message', message: decodeBody(complete) });
    } catch (error) {
      if (!(error instanceof Jt808DecodeError)) throw error;
      events.push({ type: 'error', error });
    }
  }

  /** The held piece did not find its rest: it is the error it is. */
  private releaseHeld(events: StreamEvent[], nowMs: number): void {
    if (!this.held) return;
    const envelope = this.envelopeOf(this.held);
    this.held = null;
    if (envelope instanceof Jt808DecodeError) events.push({ type: 'error', error: envelope });
    else this.deliver(envelope, nowMs, events);
  }

  /** Fewer bytes than a header, or than the header's declared body needs. */
  private isShort(frame: Uint8Array): boolean {
    const unescaped = unescapeFrameLeniently(frame);
    if (!unescaped) return false;
    const { content } = unescaped;
    if (content.length < 13) return content.length > 0 && frame[0] === FLAG;
    const attributes = (content[2]! << 8) | content[3]!;
    const headerBytes = ((attributes & 0x4000) !== 0 ? 17 : 12) + ((attributes & 0x2000) !== 0 ? 4 : 0);
    return content.length < headerBytes + (attributes & 0x3ff) + 1;
  }
}
