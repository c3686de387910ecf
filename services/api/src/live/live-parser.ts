import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

/**
 * An event payload whose JSON text is already built. The live feed assembles each filter
 * room's batch from per-vehicle JSON made once per tick, instead of letting socket.io
 * JSON.stringify every vehicle again for every room it is in.
 *
 * Only `liveParser`'s encoder splices the text in; any other encoder (socket.io's default
 * parser, the Redis adapter's msgpack) goes through `toJSON` and still sends the right
 * payload, just without the saving.
 */
export class PreEncoded<T> {
  constructor(readonly json: string) {}

  toJSON(): T {
    return JSON.parse(this.json) as T;
  }
}

const NON_ASCII = /[\u0080-\uffff]/;
const EVERY_NON_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON.stringify, with every non-ASCII character written as a `\uXXXX` escape (the same
 * value to any JSON parser). Why: one Chinese plate makes a whole joined batch a two-byte
 * string, and socket.io converts each room's batch to UTF-8 — at hundreds of rooms that
 * conversion cost more than building the batches. The latin1 round trip hands back the
 * escaped text as a one-byte string (String#replace keeps the two-byte form), which
 * joins and converts several times faster. Costs 3 bytes per Chinese character on the wire.
 */
export const asciiJson = (value: unknown): string => {
  const text = JSON.stringify(value);
  if (!NON_ASCII.test(text)) return text;
  const escaped = text.replace(EVERY_NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.from(escaped, 'latin1').toString('latin1');
};

/** socket.io's default encoder, except that `emit(event, preEncoded)` writes the prepared text as it is. */
class LiveEncoder extends Encoder {
  override encode(packet: Packet): unknown[] {
    const data: unknown = packet.data;
    if (packet.type === PacketType.EVENT && packet.id === undefined && Array.isArray(data) && data.length === 2 && data[1] instanceof PreEncoded) {
      // The same text socket.io-parser's encodeAsString makes: type, `nsp,` unless '/', then the JSON array.
      const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
      return [`${PacketType.EVENT}${nsp}[${JSON.stringify(data[0])},${data[1].json}]`];
    }
    return super.encode(packet);
  }
}

/** The `parser` option of the API's socket.io server (the decoder is socket.io's own). */
export const liveParser = { Encoder: LiveEncoder, Decoder };
