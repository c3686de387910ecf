/**
 * The only error types the codec throws.
 *
 * Decoding throws `Jt808DecodeError` (or reports it as a value from the streaming
 * classes); encoding throws `Jt808EncodeError`. Anything else escaping the codec is a bug
 * — the fuzz spec checks that.
 */

export type Jt808DecodeErrorKind =
  /** A frame does not start and end with 0x7e, or holds a raw 0x7e inside. */
  | 'missing-flag'
  /** 0x7d followed by something other than 0x01 / 0x02, or 0x7d as the last byte. */
  | 'bad-escape'
  /** The XOR check code does not match header + body. */
  | 'bad-checksum'
  /** A field runs past the end of the frame or of its enclosing structure. */
  | 'truncated'
  /** A declared length (body length, batch count, item length) disagrees with the bytes. */
  | 'length-mismatch'
  /** A BCD nibble above 9. */
  | 'bad-bcd'
  /** A BCD time that is not a calendar time (month 13, 25 o'clock...). */
  | 'bad-time'
  /** A field value the standard does not allow (packet index 0, ...). */
  | 'bad-value'
  /** No body codec for this message id; `header` is set so the caller can still answer 0x8001 result 3. */
  | 'unsupported-message'
  /** The body is encrypted (body attributes bits 10–12); `header` is set. */
  | 'unsupported-encryption'
  /** A sub-package frame was passed to a whole-message decoder; use the reassembler. */
  | 'needs-reassembly'
  /** The de-framer buffered more than its bound without seeing a closing 0x7e. */
  | 'frame-too-long'
  /** Bytes outside any frame (before the first 0x7e, or after an oversized frame). */
  | 'garbage'
  /** A sub-package announcing more packets than the reassembler allows. */
  | 'bad-subpackage';

/** Header fields known at the time of the error, when the header itself decoded. */
export interface Jt808ErrorHeaderHint {
  readonly messageId: number;
  readonly terminalPhone: string;
  readonly serial: number;
}

export class Jt808DecodeError extends Error {
  override readonly name = 'Jt808DecodeError';

  /**
   * @param offset Byte position of the problem. For framing kinds ('missing-flag',
   *   'bad-escape') it indexes the escaped frame as received (0 = the opening 0x7e); for
   *   the de-framer kinds it is the position in the byte stream since the de-framer was
   *   created; for everything else it indexes the unescaped message, 0 = the first byte of
   *   the message id.
   */
  constructor(
    readonly kind: Jt808DecodeErrorKind,
    readonly offset: number,
    detail: string,
    readonly header?: Jt808ErrorHeaderHint,
  ) {
    super(`${kind} at offset ${offset}: ${detail}`);
  }
}

export type Jt808EncodeErrorKind = 'value-out-of-range' | 'string-too-long' | 'unencodable-character' | 'body-too-long' | 'bad-value';

export class Jt808EncodeError extends Error {
  override readonly name = 'Jt808EncodeError';

  constructor(
    readonly kind: Jt808EncodeErrorKind,
    readonly field: string,
    detail: string,
  ) {
    super(`${kind} in ${field}: ${detail}`);
  }
}

export function isJt808DecodeError(value: unknown): value is Jt808DecodeError {
  return value instanceof Jt808DecodeError;
}
