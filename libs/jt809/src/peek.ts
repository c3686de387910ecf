import { ByteReader } from '@roadwatch/jt808';
import { asJt809DecodeError } from './header.js';
import { unescapeJt809Frame } from './framing.js';

/** The header fields that sit at the same place in 2011 and 2019 frames. */
export interface Jt809HeaderPeek {
  readonly length: number;
  readonly serial: number;
  readonly messageId: number;
  readonly accessCode: number;
}

/**
 * Reads MSG_LENGTH, MSG_SN, MSG_ID and MSG_GNSSCENTERID without knowing the edition or
 * checking the CRC — to pick the link's edition and keys before decoding. Throws only
 * `Jt809DecodeError`.
 */
export function peekJt809Header(frame: Uint8Array): Jt809HeaderPeek {
  try {
    const unescaped = unescapeJt809Frame(frame);
    const reader = new ByteReader(unescaped, 1, unescaped.length);
    return { length: reader.u32('MSG_LENGTH'), serial: reader.u32('MSG_SN'), messageId: reader.u16('MSG_ID'), accessCode: reader.u32('MSG_GNSSCENTERID') };
  } catch (error) {
    throw asJt809DecodeError(error);
  }
}
