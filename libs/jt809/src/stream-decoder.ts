import { decodeJt809Frame, type Jt809Message } from './codec.js';
import { Jt809Deframer, type Jt809DeframerOptions } from './deframer.js';
import { Jt809DecodeError } from './errors.js';
import type { Jt809CodecOptions } from './header.js';
import { peekJt809Header, type Jt809HeaderPeek } from './peek.js';

export type Jt809StreamEvent = { readonly type: 'message'; readonly message: Jt809Message } | { readonly type: 'error'; readonly error: Jt809DecodeError };

export interface Jt809StreamDecoderOptions extends Jt809DeframerOptions {
  /**
   * The link's edition and keys — fixed, or chosen per frame from the fields every edition
   * has at the same place (access code, message id), e.g. looked up in the registry of lower
   * platforms when the login arrives. `undefined` from the function: the frame is reported as
   * an 'unsupported-message' error with its header hint.
   */
  readonly codec: Jt809CodecOptions | ((peek: Jt809HeaderPeek) => Jt809CodecOptions | undefined);
}

/** Per connection: TCP chunks in, decoded messages and typed errors out. Never throws on input. */
export class Jt809StreamDecoder {
  private readonly deframer: Jt809Deframer;

  constructor(private readonly options: Jt809StreamDecoderOptions) {
    this.deframer = new Jt809Deframer(options);
  }

  get bufferedBytes(): number {
    return this.deframer.bufferedBytes;
  }

  push(chunk: Uint8Array): Jt809StreamEvent[] {
    return this.deframer.push(chunk).map((event) => (event.type === 'error' ? event : this.decode(event.frame)));
  }

  /** Call when the connection closes: reports a frame cut off by the close and trailing garbage. */
  end(): Jt809StreamEvent[] {
    return this.deframer.end().map((event) => (event.type === 'error' ? event : this.decode(event.frame)));
  }

  private decode(frame: Uint8Array): Jt809StreamEvent {
    try {
      const { codec } = this.options;
      let options: Jt809CodecOptions | undefined;
      if (typeof codec === 'function') {
        const peek = peekJt809Header(frame);
        options = codec(peek);
        if (!options) {
          const hint = { messageId: peek.messageId, serial: peek.serial, accessCode: peek.accessCode };
          return { type: 'error', error: new Jt809DecodeError('unsupported-message', 11, `no codec options for access code ${peek.accessCode}`, hint) };
        }
      } else {
        options = codec;
      }
      return { type: 'message', message: decodeJt809Frame(frame, options) };
    } catch (error) {
      if (error instanceof Jt809DecodeError) return { type: 'error', error };
      throw error;
    }
  }
}
