import type { ByteReader, ByteWriter } from '@roadwatch/jt808';
import type { Jt809Edition } from '../header.js';

/** What a body codec may depend on besides its bytes. */
export interface Jt809BodyContext {
  readonly edition: Jt809Edition;
}

/**
 * One message's body codec over jt808's bounded big-endian reader and writer (their errors
 * are turned into this codec's at its boundary).
 */
export interface Jt809MessageCodec<TBody> {
  readonly messageId: number;
  readonly name: string;
  decode(reader: ByteReader, context: Jt809BodyContext): TBody;
  encode(writer: ByteWriter, body: TBody, context: Jt809BodyContext): void;
}

/** Bodies of messages that carry none (link tests, logout responses). */
export type Jt809EmptyBody = Record<string, never>;

export function jt809EmptyBodyCodec(messageId: number, name: string): Jt809MessageCodec<Jt809EmptyBody> {
  return { messageId, name, decode: () => ({}), encode: () => undefined };
}

/** A body of one BYTE code (results, reasons). */
export function byteCodeCodec<K extends string>(messageId: number, name: string, field: K): Jt809MessageCodec<{ readonly [P in K]: number }> {
  return {
    messageId,
    name,
    decode: (reader) => ({ [field]: reader.u8(field) }) as { readonly [P in K]: number },
    encode: (writer, body) => writer.u8(body[field], field),
  };
}

/** A sub-link request body: the 0x1002 VERIFY_CODE DWORD alone (0x9001 login, 0x9003 logout). */
export interface VerifyCodeBody {
  readonly verifyCode: number;
}

export function verifyCodeCodec(messageId: number, name: string): Jt809MessageCodec<VerifyCodeBody> {
  return {
    messageId,
    name,
    decode: (reader) => ({ verifyCode: reader.u32('VERIFY_CODE') }),
    encode: (writer, body) => writer.u32(body.verifyCode, 'verifyCode'),
  };
}
