import { ByteReader, ByteWriter, Jt808DecodeError, Jt808EncodeError } from '@roadwatch/jt808';
import { Jt809DecodeError, Jt809EncodeError, type Jt809DecodeErrorKind, type Jt809ErrorHeaderHint } from './errors.js';
import { jt809Crypt, type Jt809EncryptionKeys } from './encryption.js';
import { crc16CcittFalse, escapeJt809Frame, HEAD_FLAG, unescapeJt809Frame } from './framing.js';

/**
 * Which standard a link speaks. Nothing in a frame says so reliably (real 2019 platforms
 * send VERSION_FLAG 1.0.0, see the SmallChi 0x1202 fixture), so the caller — who knows the
 * lower platform it registered — passes it in.
 */
export type Jt809Edition = '2011' | '2019';

export interface Jt809Header {
  readonly edition: Jt809Edition;
  /** MSG_LENGTH: the whole unescaped frame, both flags and the CRC included. */
  readonly length: number;
  /** MSG_SN. */
  readonly serial: number;
  /** MSG_ID (业务数据类型). */
  readonly messageId: number;
  /** MSG_GNSSCENTERID: the lower platform's access code (下级平台接入码). */
  readonly accessCode: number;
  /** VERSION_FLAG as "major.minor.patch". */
  readonly version: string;
  /** ENCRYPT_FLAG = 1: the body is encrypted with ENCRYPT_KEY and the link's M1/IA1/IC1. */
  readonly encrypted: boolean;
  readonly encryptKey: number;
  /** 2019 TIME (UTC seconds since 1970) in epoch ms; null for 2011, which has no such field. */
  readonly timeMs: number | null;
}

export interface Jt809HeaderInput {
  readonly messageId: number;
  readonly serial: number;
  readonly accessCode: number;
  readonly edition: Jt809Edition;
  /** Default "1.0.0" (2011) / "1.0.0" as 2019 platforms send it. */
  readonly version?: string;
  readonly encrypted?: boolean;
  readonly encryptKey?: number;
  /** Required for 2019 (the caller's clock; the codec has none). Sub-second parts are dropped. */
  readonly timeMs?: number | null;
}

export interface Jt809CodecOptions {
  readonly edition: Jt809Edition;
  /** The link's keys; needed to read or write frames with ENCRYPT_FLAG = 1. */
  readonly keys?: Jt809EncryptionKeys;
}

/** A checked frame: header decoded, body decrypted, CRC verified. */
export interface Jt809Envelope {
  readonly header: Jt809Header;
  /** The unescaped frame with flags, the body decrypted; offsets in errors index it. */
  readonly message: Uint8Array;
  readonly bodyOffset: number;
  readonly bodyEnd: number;
}

/** Header bytes (without the 0x5b): 22 in 2011, 30 in 2019 (TIME, 8 bytes). */
export const headerLength = (edition: Jt809Edition): number => (edition === '2019' ? 30 : 22);
/** 0x5b + header + CRC + 0x5d, without a body. */
const overhead = (edition: Jt809Edition): number => headerLength(edition) + 4;

const DEFAULT_VERSION = '1.0.0';
const TWO_TO_32 = 0x1_0000_0000;

export function hintOf(header: Jt809Header): Jt809ErrorHeaderHint {
  return { messageId: header.messageId, serial: header.serial, accessCode: header.accessCode };
}

/** jt808's reader and writer throw their own errors; this codec speaks only its own. */
export function asJt809DecodeError(error: unknown, hint?: Jt809ErrorHeaderHint, context?: string): unknown {
  if (error instanceof Jt809DecodeError) {
    return hint && !error.header ? new Jt809DecodeError(error.kind, error.offset, `${context ? `${context}: ` : ''}${error.message}`, hint) : error;
  }
  if (error instanceof Jt808DecodeError) {
    const kind: Jt809DecodeErrorKind = error.kind === 'truncated' || error.kind === 'length-mismatch' || error.kind === 'bad-time' ? error.kind : 'bad-value';
    return new Jt809DecodeError(kind, error.offset, `${context ? `${context}: ` : ''}${error.message}`, hint);
  }
  return error;
}

export function asJt809EncodeError(error: unknown): unknown {
  if (error instanceof Jt808EncodeError) {
    return new Jt809EncodeError(error.kind === 'body-too-long' ? 'value-out-of-range' : error.kind, error.field, error.message);
  }
  return error;
}

/** UTC seconds as a 64-bit unsigned integer (2019 TIME, WARN_TIME...) → epoch ms. */
export function readUtcSeconds(reader: ByteReader, what: string): number {
  const at = reader.offset;
  const high = reader.u32(what);
  const low = reader.u32(what);
  // Beyond Number.MAX_SAFE_INTEGER ms the value is no time a platform can mean.
  if ((high * TWO_TO_32 + low) * 1000 > Number.MAX_SAFE_INTEGER)
    throw new Jt809DecodeError('bad-time', at, `${what}: ${high}·2^32+${low} seconds is not a time`);
  return (high * TWO_TO_32 + low) * 1000;
}

export function writeUtcSeconds(writer: ByteWriter, epochMs: number, field: string): void {
  if (!Number.isFinite(epochMs) || epochMs < 0) throw new Jt809EncodeError('bad-value', field, `${epochMs} is not a time after 1970`);
  const seconds = Math.floor(epochMs / 1000);
  writer.u32(Math.floor(seconds / TWO_TO_32), field);
  writer.u32(seconds % TWO_TO_32, field);
}

function versionBytes(version: string): [number, number, number] {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(version);
  const numbers = parts ? [Number(parts[1]), Number(parts[2]), Number(parts[3])] : [];
  if (numbers.length !== 3 || numbers.some((part) => part > 255))
    throw new Jt809EncodeError('bad-value', 'version', `"${version}" is not major.minor.patch of bytes`);
  return numbers as [number, number, number];
}

/**
 * Escaped frame → checked envelope: flags, escapes, MSG_LENGTH, CRC, header, decryption.
 * Throws only `Jt809DecodeError`.
 */
export function decodeJt809Envelope(frame: Uint8Array, options: Jt809CodecOptions): Jt809Envelope {
  const unescaped = unescapeJt809Frame(frame);
  const { edition } = options;
  if (unescaped.length < overhead(edition)) {
    throw new Jt809DecodeError('truncated', 0, `${unescaped.length} bytes unescaped, a ${edition} frame has at least ${overhead(edition)}`);
  }
  const crcAt = unescaped.length - 3;
  const expectedCrc = (unescaped[crcAt]! << 8) | unescaped[crcAt + 1]!;
  const actualCrc = crc16CcittFalse(unescaped, 1, crcAt);
  const reader = new ByteReader(unescaped, 1, crcAt);
  const length = reader.u32('MSG_LENGTH');
  if (length !== unescaped.length) {
    throw new Jt809DecodeError('length-mismatch', 1, `MSG_LENGTH says ${length}, the unescaped frame has ${unescaped.length} bytes`);
  }
  if (expectedCrc !== actualCrc) {
    throw new Jt809DecodeError(
      'bad-crc',
      crcAt,
      `CRC_CODE 0x${expectedCrc.toString(16).padStart(4, '0')}, computed 0x${actualCrc.toString(16).padStart(4, '0')}`,
    );
  }
  const serial = reader.u32('MSG_SN');
  const messageId = reader.u16('MSG_ID');
  const accessCode = reader.u32('MSG_GNSSCENTERID');
  const version = Array.from(reader.bytes(3, 'VERSION_FLAG')).join('.');
  const flagAt = reader.offset;
  const encryptFlag = reader.u8('ENCRYPT_FLAG');
  const encryptKey = reader.u32('ENCRYPT_KEY');
  let timeMs: number | null = null;
  try {
    if (edition === '2019') timeMs = readUtcSeconds(reader, 'TIME');
  } catch (error) {
    throw asJt809DecodeError(error, { messageId, serial, accessCode });
  }
  const header: Jt809Header = { edition, length, serial, messageId, accessCode, version, encrypted: encryptFlag === 1, encryptKey, timeMs };
  if (encryptFlag > 1) throw new Jt809DecodeError('bad-value', flagAt, `ENCRYPT_FLAG ${encryptFlag} (0 = plain, 1 = encrypted)`, hintOf(header));
  const bodyOffset = reader.offset;
  if (header.encrypted) {
    if (!options.keys) throw new Jt809DecodeError('missing-keys', flagAt, 'the body is encrypted and this link has no M1/IA1/IC1', hintOf(header));
    unescaped.set(jt809Crypt(unescaped.subarray(bodyOffset, crcAt), encryptKey, options.keys), bodyOffset);
  }
  return { header, message: unescaped, bodyOffset, bodyEnd: crcAt };
}

/**
 * Header + body bytes → escaped frame with MSG_LENGTH and CRC. Encrypts the body when
 * `header.encrypted` (keys required). Throws only `Jt809EncodeError`.
 */
export function encodeJt809Envelope(header: Jt809HeaderInput, body: Uint8Array, keys?: Jt809EncryptionKeys): Uint8Array {
  try {
    const { edition } = header;
    const writer = new ByteWriter(overhead(edition) + body.length);
    writer.u8(HEAD_FLAG);
    writer.u32(overhead(edition) + body.length, 'MSG_LENGTH');
    writer.u32(header.serial, 'serial');
    writer.u16(header.messageId, 'messageId');
    writer.u32(header.accessCode, 'accessCode');
    for (const part of versionBytes(header.version ?? DEFAULT_VERSION)) writer.u8(part, 'version');
    const encrypted = header.encrypted ?? false;
    const encryptKey = header.encryptKey ?? 0;
    writer.u8(encrypted ? 1 : 0, 'encrypted');
    writer.u32(encryptKey, 'encryptKey');
    if (edition === '2019') {
      if (header.timeMs === undefined || header.timeMs === null)
        throw new Jt809EncodeError('bad-value', 'timeMs', 'a 2019 header carries TIME; pass the clock’s now');
      writeUtcSeconds(writer, header.timeMs, 'timeMs');
    }
    if (encrypted && !keys) throw new Jt809EncodeError('missing-keys', 'encrypted', 'an encrypted body needs the link’s M1/IA1/IC1');
    writer.bytes(encrypted && keys ? jt809Crypt(body, encryptKey, keys) : body);
    const content = writer.toBytes();
    const crc = crc16CcittFalse(content, 1, content.length);
    const framed = new Uint8Array(content.length + 2);
    framed.set(content);
    framed[content.length] = crc >>> 8;
    framed[content.length + 1] = crc & 0xff;
    return escapeJt809Frame(framed.subarray(1));
  } catch (error) {
    throw asJt809EncodeError(error);
  }
}
