import { decodeBody, type Jt808Message } from './codec.js';
import { Jt808Deframer, type DeframerOptions } from './deframer.js';
import { Jt808DecodeError } from './errors.js';
import { decodeEnvelope } from './header.js';
import { Jt808SubpackageReassembler, type DroppedSubpackageSet, type ReassemblerOptions, type ResendDue } from './reassembler.js';

export type StreamEvent =
  | { readonly type: 'message'; readonly message: Jt808Message }
  | { readonly type: 'error'; readonly error: Jt808DecodeError }
  | { readonly type: 'dropped-subpackages'; readonly dropped: DroppedSubpackageSet };

/**
 * One TCP connection's decoder: de-framing, checksum, header, sub-package reassembly and
 * body decoding in one `push(chunk, nowMs)`. Never throws for bad input — every problem
 * comes back as an 'error' event (a `Jt808DecodeError`, with the header hint when the
 * header was readable so the gateway can still answer 0x8001).
 */
export class Jt808StreamDecoder {
  private readonly deframer: Jt808Deframer;
  private readonly reassembler: Jt808SubpackageReassembler;

  constructor(options: DeframerOptions & ReassemblerOptions = {}) {
    this.deframer = new Jt808Deframer(options);
    this.reassembler = new Jt808SubpackageReassembler(options);
  }

  push(chunk: Uint8Array, nowMs: number): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const event of this.deframer.push(chunk)) {
      if (event.type === 'error') {
        events.push(event);
        continue;
      }
      try {
        const envelope = decodeEnvelope(event.frame);
        const { complete, dropped } = this.reassembler.push(envelope, nowMs);
        for (const set of dropped) events.push({ type: 'dropped-subpackages', dropped: set });
        if (complete) events.push({ type: 'message', message: decodeBody(complete) });
      } catch (error) {
        if (!(error instanceof Jt808DecodeError)) throw error;
        events.push({ type: 'error', error });
      }
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
}
