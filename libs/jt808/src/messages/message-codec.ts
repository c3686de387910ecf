import { ByteReader, ByteWriter } from '../bytes.js';
import type { HeaderEdition } from '../header.js';

/** What a body codec may depend on besides its bytes. */
export interface BodyContext {
  readonly edition: HeaderEdition;
}

/**
 * One message's body codec. `decode` reads from a reader bounded to the body and throws
 * only `Jt808DecodeError`; `encode` throws only `Jt808EncodeError`.
 */
export interface MessageCodec<TBody> {
  readonly messageId: number;
  readonly name: string;
  decode(reader: ByteReader, context: BodyContext): TBody;
  encode(writer: ByteWriter, body: TBody, context: BodyContext): void;
}

/** Bodies of messages that carry none (heartbeat, logout, location query). */
export type EmptyBody = Record<string, never>;

export function emptyBodyCodec(messageId: number, name: string): MessageCodec<EmptyBody> {
  return {
    messageId,
    name,
    // Trailing bytes are ignored: some terminals pad heartbeats.
    decode: () => ({}),
    encode: () => undefined,
  };
}
