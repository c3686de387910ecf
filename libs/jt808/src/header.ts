import { readBcdDigits, writeBcdDigits } from './bcd.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { Jt808DecodeError, Jt808EncodeError } from './errors.js';
import type { Jt808FrameAnomaly } from './anomalies.js';
import { escapeAndWrap, unescapeFrame, unescapeFrameLeniently, xorChecksum } from './framing.js';

/**
 * Header layout edition. 2011 and 2013 share the header (BCD[6] phone, no version byte);
 * 2019 is announced by bit 14 of the body attributes.
 */
export type HeaderEdition = '2013' | '2019';

export interface SubpackageInfo {
  /** Total number of packets, ≥ 1. */
  readonly total: number;
  /** 1-based index of this packet. */
  readonly index: number;
}

export interface Jt808Header {
  readonly messageId: number;
  readonly edition: HeaderEdition;
  /** 2019 protocol version byte (1 for the first 2019 revision); null before 2019. */
  readonly protocolVersion: number | null;
  /** Body length from the attributes (bits 0–9). */
  readonly bodyLength: number;
  /** Bits 10–12: 0 none, 1 (bit 10) RSA. */
  readonly encryption: number;
  /** Bit 15, reserved; kept so that re-encoding reproduces the frame. */
  readonly reservedBit: boolean;
  /** BCD digits as sent: 12 (2011/2013) or 20 (2019), leading zeros kept. */
  readonly terminalPhone: string;
  /** Message serial number, 0–65535, wraps. */
  readonly serial: number;
  readonly subpackage: SubpackageInfo | null;
}

/** A checked frame split into header and (still encoded) body. */
export interface Jt808Envelope {
  readonly header: Jt808Header;
  /** The body bytes, a view into the unescaped message. */
  readonly body: Uint8Array;
  /** Offset of the body in the unescaped message, for error offsets. */
  readonly bodyOffset: number;
  /** The whole unescaped message (header + body, without check code). */
  readonly message: Uint8Array;
  /** What was off about the frame and accepted anyway (lenient decoding only); usually empty. */
  readonly anomalies: readonly Jt808FrameAnomaly[];
}

export const MAX_BODY_LENGTH = 0x3ff;

const LENGTH_MASK = 0x03ff;
const ENCRYPTION_SHIFT = 10;
const SUBPACKAGE_BIT = 1 << 13;
const VERSION_BIT = 1 << 14;
const RESERVED_BIT = 1 << 15;

/** How `decodeEnvelope` treats frames that break the standard in ways real terminals do. */
export interface DecodeOptions {
  /**
   * Accept the unambiguous anomalies of `Jt808FrameAnomaly` (listed on the envelope)
   * instead of refusing the frame. Default false: the standard, strictly.
   */
  readonly lenient?: boolean;
}

/** Anomalies that a structural check (the check code) must confirm before they are accepted. */
const NEEDS_CHECK_CODE: ReadonlySet<Jt808FrameAnomaly> = new Set(['stray-flag', 'bad-escape', 'version-bit-on-2013-header', 'trailing-byte']);

/**
 * Unescapes a received frame (with its 0x7e flags), verifies the check code and the body
 * length, and parses the header. Throws only `Jt808DecodeError`.
 *
 * With `{ lenient: true }` a frame with the anomalies of `Jt808FrameAnomaly` is accepted
 * when its reading is unambiguous, and the anomalies are listed on the envelope: at most
 * one of the two verifications (check code, declared length) may be the thing that is off,
 * and whatever the frame's bytes are re-read as (a raw 0x7e or 0x7d, a 2013 layout, a
 * padding byte) must be confirmed by the other. A frame refused leniently fails with the
 * error the strict reading gives.
 */
export function decodeEnvelope(frame: Uint8Array, options: DecodeOptions = {}): Jt808Envelope {
  if (!options.lenient) return decodeContent(unescapeFrame(frame), false);
  const unescaped = unescapeFrameLeniently(frame);
  if (!unescaped) return decodeContent(unescapeFrame(frame), false);
  try {
    return decodeContent(unescaped.content, true, unescaped.anomalies);
  } catch (error) {
    // Not acceptable leniently either: report it as the standard reading sees it.
    if (!(error instanceof Jt808DecodeError)) throw error;
    return decodeContent(unescapeFrame(frame), false);
  }
}

// Module level, not a closure in decodeContent: it is built only for a bad frame, the closure was built for every frame.
function badChecksumError(content: Uint8Array, checkAt: number, expected: number): Jt808DecodeError {
  return new Jt808DecodeError(
    'bad-checksum',
    checkAt,
    `check code 0x${content[checkAt]!.toString(16).padStart(2, '0')}, computed 0x${expected.toString(16).padStart(2, '0')}`,
  );
}

function decodeContent(content: Uint8Array, lenient: boolean, framingAnomalies: readonly Jt808FrameAnomaly[] = []): Jt808Envelope {
  if (content.length < 13) throw new Jt808DecodeError('truncated', content.length, `${content.length} byte(s) cannot hold a header and check code`);
  const checkAt = content.length - 1;
  const expected = xorChecksum(content, 0, checkAt);
  const checkCodeOk = expected === content[checkAt];
  if (!checkCodeOk && !lenient) throw badChecksumError(content, checkAt, expected);
  const anomalies: Jt808FrameAnomaly[] = [...framingAnomalies];
  const whole = content.subarray(0, checkAt);
  const reader = new ByteReader(whole, 0, whole.length);
  const messageId = reader.u16('message id');
  const attributes = reader.u16('body attributes');
  const bodyLength = attributes & LENGTH_MASK;
  const subpackageBytes = (attributes & SUBPACKAGE_BIT) !== 0 ? 4 : 0;
  let is2019 = (attributes & VERSION_BIT) !== 0;
  // Bit 14 on a frame laid out as 2013 (the 2019 header is 5 bytes longer, so at most one
  // layout can match the declared length exactly).
  if (lenient && is2019 && whole.length !== 17 + subpackageBytes + bodyLength && whole.length === 12 + subpackageBytes + bodyLength) {
    is2019 = false;
    anomalies.push('version-bit-on-2013-header');
  }
  const protocolVersion = is2019 ? reader.u8('protocol version') : null;
  const terminalPhone = readPhone(reader, is2019 ? 10 : 6, lenient, anomalies);
  const serial = reader.u16('serial');
  const hint = { messageId, terminalPhone, serial };
  let subpackage: SubpackageInfo | null = null;
  if (subpackageBytes > 0) {
    const at = reader.offset;
    const total = reader.u16('packet count');
    const index = reader.u16('packet index');
    if (total === 0 || index === 0 || index > total) {
      throw new Jt808DecodeError('bad-value', at, `packet ${index} of ${total}`, hint);
    }
    subpackage = { total, index };
  }
  let message = whole;
  if (reader.remaining !== bodyLength) {
    // One byte after the declared body, covered by a correct check code: padding.
    if (!(lenient && reader.remaining === bodyLength + 1)) {
      if (!checkCodeOk) throw badChecksumError(content, checkAt, expected);
      throw new Jt808DecodeError('length-mismatch', reader.offset, `attributes say ${bodyLength} body byte(s), frame has ${reader.remaining}`, hint);
    }
    anomalies.push('trailing-byte');
    message = whole.subarray(0, reader.offset + bodyLength);
  }
  if (!checkCodeOk) {
    // A wrong check code is accepted only on a frame that is otherwise exactly standard.
    if (anomalies.some((anomaly) => NEEDS_CHECK_CODE.has(anomaly))) throw badChecksumError(content, checkAt, expected);
    anomalies.push('bad-checksum');
  }
  const header: Jt808Header = {
    messageId,
    edition: is2019 ? '2019' : '2013',
    protocolVersion,
    bodyLength,
    encryption: (attributes >>> ENCRYPTION_SHIFT) & 0x07,
    reservedBit: (attributes & RESERVED_BIT) !== 0,
    terminalPhone,
    serial,
    subpackage,
  };
  return { header, body: message.subarray(reader.offset), bodyOffset: reader.offset, message, anomalies };
}

/**
 * The phone: BCD digits; leniently, nibbles A–F are read as the hex digits some terminals
 * send (the field is fixed-width, so the reading is unambiguous) and flagged.
 */
function readPhone(reader: ByteReader, width: number, lenient: boolean, anomalies: Jt808FrameAnomaly[]): string {
  if (!lenient) return readBcdDigits(reader, width, 'terminal phone');
  const bytes = reader.bytes(width, 'terminal phone');
  let digits = '';
  let hex = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const high = bytes[i]! >>> 4;
    const low = bytes[i]! & 0x0f;
    if (high > 9 || low > 9) hex = true;
    // '0'–'9', then 'A'–'F' (55 + 10 = 65, 'A').
    digits += String.fromCharCode(high > 9 ? 55 + high : 48 + high, low > 9 ? 55 + low : 48 + low);
  }
  if (hex) anomalies.push('hex-terminal-id');
  return digits;
}

/** What a caller supplies to encode a header; the body length is computed. */
export interface Jt808HeaderInput {
  readonly messageId: number;
  readonly terminalPhone: string;
  readonly serial: number;
  /** Default '2013'. */
  readonly edition?: HeaderEdition;
  /** 2019 only; default 1. */
  readonly protocolVersion?: number | null;
  readonly encryption?: number;
  readonly reservedBit?: boolean;
  readonly subpackage?: SubpackageInfo | null;
}

/** Header + body → escaped frame with flags and check code. Throws `Jt808EncodeError`. */
export function encodeEnvelope(header: Jt808HeaderInput, body: Uint8Array): Uint8Array {
  if (body.length > MAX_BODY_LENGTH) {
    throw new Jt808EncodeError('body-too-long', 'body', `${body.length} bytes exceed ${MAX_BODY_LENGTH}; split it with encodeSubpackagedFrames`);
  }
  const edition = header.edition ?? '2013';
  const encryption = header.encryption ?? 0;
  if (!Number.isInteger(encryption) || encryption < 0 || encryption > 7) throw new Jt808EncodeError('value-out-of-range', 'encryption', `${encryption}`);
  const subpackage = header.subpackage ?? null;
  let attributes = body.length | (encryption << ENCRYPTION_SHIFT);
  if (subpackage) attributes |= SUBPACKAGE_BIT;
  if (edition === '2019') attributes |= VERSION_BIT;
  if (header.reservedBit) attributes |= RESERVED_BIT;

  const writer = new ByteWriter(body.length + 23);
  writer.u16(header.messageId, 'messageId');
  writer.u16(attributes, 'attributes');
  if (edition === '2019') writer.u8(header.protocolVersion ?? 1, 'protocolVersion');
  writePhone(writer, header.terminalPhone, edition === '2019' ? 10 : 6);
  writer.u16(header.serial, 'serial');
  if (subpackage) {
    if (subpackage.index < 1 || subpackage.index > subpackage.total) {
      throw new Jt808EncodeError('bad-value', 'subpackage', `packet ${subpackage.index} of ${subpackage.total}`);
    }
    writer.u16(subpackage.total, 'subpackage.total');
    writer.u16(subpackage.index, 'subpackage.index');
  }
  writer.bytes(body);
  const message = writer.toBytes();
  const content = new Uint8Array(message.length + 1);
  content.set(message);
  content[message.length] = xorChecksum(message);
  return escapeAndWrap(content);
}

/**
 * Splits a body longer than 1023 bytes into sub-package frames with consecutive serials
 * starting at `header.serial`. A body that fits yields a single ordinary frame.
 */
export function encodeSubpackagedFrames(header: Jt808HeaderInput, body: Uint8Array, maxPacketBody = MAX_BODY_LENGTH): Uint8Array[] {
  if (body.length <= maxPacketBody) return [encodeEnvelope({ ...header, subpackage: null }, body)];
  if (!Number.isInteger(maxPacketBody) || maxPacketBody < 1 || maxPacketBody > MAX_BODY_LENGTH) {
    throw new Jt808EncodeError('value-out-of-range', 'maxPacketBody', `${maxPacketBody}`);
  }
  const total = Math.ceil(body.length / maxPacketBody);
  if (total > 0xffff) throw new Jt808EncodeError('body-too-long', 'body', `${total} packets exceed 65535`);
  const frames: Uint8Array[] = [];
  for (let index = 1; index <= total; index += 1) {
    const part = body.subarray((index - 1) * maxPacketBody, index * maxPacketBody);
    frames.push(encodeEnvelope({ ...header, serial: (header.serial + index - 1) & 0xffff, subpackage: { total, index } }, part));
  }
  return frames;
}

/** Writes the phone as BCD; a phone read leniently as hex (A–F nibbles) is answered as it came. */
function writePhone(writer: ByteWriter, phone: string, width: number): void {
  if (/^\d*$/.test(phone) || !/^[0-9A-Fa-f]+$/.test(phone) || phone.length > width * 2) {
    writeBcdDigits(writer, phone, width, 'terminalPhone');
    return;
  }
  const padded = phone.padStart(width * 2, '0');
  for (let i = 0; i < width; i += 1) writer.u8(parseInt(padded.slice(i * 2, i * 2 + 2), 16), 'terminalPhone');
}

/** The phone without BCD left padding, so 2013 and 2019 frames of one SIM share a key. */
export function terminalPhoneKey(terminalPhone: string): string {
  const trimmed = terminalPhone.replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}
