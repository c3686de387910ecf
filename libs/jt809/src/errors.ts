/**
 * The only error types the codec throws.
 *
 * Decoding throws `Jt809DecodeError` (the stream decoder returns it as a value); encoding
 * throws `Jt809EncodeError`. Anything else escaping the codec is a bug — the fuzz spec
 * checks that.
 */

export type Jt809DecodeErrorKind =
  /** A frame does not start with 0x5b and end with 0x5d, or holds a raw flag inside. */
  | 'missing-flag'
  /** 0x5a / 0x5e followed by something other than 0x01 / 0x02, or as the last byte. */
  | 'bad-escape'
  /** The CRC-16/CCITT-FALSE over header and body does not match. */
  | 'bad-crc'
  /** A field runs past the end of the frame or of its enclosing structure. */
  | 'truncated'
  /** A declared length (MSG_LENGTH, DATA_LENGTH, a count) disagrees with the bytes. */
  | 'length-mismatch'
  /** A field value the standard does not allow (a control character in text, a date that is no date...). */
  | 'bad-value'
  /** A time field that is not a calendar time. */
  | 'bad-time'
  /** No body codec for this message id; `header` is set so the caller can still log and answer. */
  | 'unsupported-message'
  /** ENCRYPT_FLAG is set and no keys were given to decrypt with; `header` is set. */
  | 'missing-keys'
  /** The de-framer buffered more than its bound without seeing a closing 0x5d. */
  | 'frame-too-long'
  /** Bytes outside any frame (before a 0x5b, or after an oversized frame). */
  | 'garbage';

/** Header fields known at the time of the error, when the header itself decoded. */
export interface Jt809ErrorHeaderHint {
  readonly messageId: number;
  readonly serial: number;
  readonly accessCode: number;
}

export class Jt809DecodeError extends Error {
  override readonly name = 'Jt809DecodeError';

  /**
   * @param offset Byte position of the problem: in the escaped frame as received (0 = the
   *   0x5b) for 'missing-flag' and 'bad-escape'; in the byte stream since the de-framer was
   *   created for 'frame-too-long' and 'garbage'; otherwise in the unescaped frame (0 = the
   *   0x5b, 1 = the first byte of MSG_LENGTH).
   */
  constructor(
    readonly kind: Jt809DecodeErrorKind,
    readonly offset: number,
    detail: string,
    readonly header?: Jt809ErrorHeaderHint,
  ) {
    super(`${kind} at offset ${offset}: ${detail}`);
  }
}

export type Jt809EncodeErrorKind = 'value-out-of-range' | 'string-too-long' | 'unencodable-character' | 'missing-keys' | 'bad-value';

export class Jt809EncodeError extends Error {
  override readonly name = 'Jt809EncodeError';

  constructor(
    readonly kind: Jt809EncodeErrorKind,
    readonly field: string,
    detail: string,
  ) {
    super(`${kind} in ${field}: ${detail}`);
  }
}
