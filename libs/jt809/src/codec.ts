import { ByteReader, ByteWriter } from '@roadwatch/jt808';
import { Jt809DecodeError } from './errors.js';
import type { Jt809EncryptionKeys } from './encryption.js';
import {
  asJt809DecodeError,
  asJt809EncodeError,
  decodeJt809Envelope,
  encodeJt809Envelope,
  hintOf,
  type Jt809CodecOptions,
  type Jt809Edition,
  type Jt809Envelope,
  type Jt809Header,
  type Jt809HeaderInput,
} from './header.js';
import { loginRequestCodec, type Jt809LoginRequest } from './messages/1001-login.js';
import { loginResponseCodec, type Jt809LoginResponse } from './messages/1002-login-response.js';
import { logoutRequestCodec, type LogoutRequest } from './messages/1003-logout.js';
import { logoutResponseCodec } from './messages/1004-logout-response.js';
import { linkTestCodec } from './messages/1005-link-test.js';
import { linkTestResponseCodec } from './messages/1006-link-test-response.js';
import { mainLinkBrokenNoticeCodec, type MainLinkBrokenNotice } from './messages/1007-main-link-broken-notice.js';
import { lowerPlatformClosingNoticeCodec, type LowerPlatformClosingNotice } from './messages/1008-lower-platform-closing-notice.js';
import { vehicleDynamicInfoCodec, type VehicleDynamicInfo } from './messages/1200-vehicle-dynamic-info.js';
import { platformExchangeUpCodec, type PlatformExchangeUp } from './messages/1300-platform-exchange.js';
import { alarmExchangeUpCodec, type AlarmExchangeUp } from './messages/1400-alarm-exchange.js';
import { staticInfoExchangeCodec, type StaticInfoExchange } from './messages/1600-static-info.js';
import { platformExchangeDownCodec, type PlatformExchangeDown } from './messages/9300-platform-exchange-down.js';
import { alarmExchangeDownCodec, type AlarmExchangeDown } from './messages/9400-alarm-exchange-down.js';
import { subLinkLoginRequestCodec, type SubLinkLoginRequest } from './messages/9001-sub-link-login.js';
import { subLinkLoginResponseCodec, type SubLinkLoginResponse } from './messages/9002-sub-link-login-response.js';
import { subLinkLogoutRequestCodec, type SubLinkLogoutRequest } from './messages/9003-sub-link-logout.js';
import { subLinkLogoutResponseCodec } from './messages/9004-sub-link-logout-response.js';
import { subLinkTestCodec } from './messages/9005-sub-link-test.js';
import { subLinkTestResponseCodec } from './messages/9006-sub-link-test-response.js';
import { subLinkBrokenNoticeCodec, type SubLinkBrokenNotice } from './messages/9007-sub-link-broken-notice.js';
import { upperPlatformClosingNoticeCodec, type UpperPlatformClosingNotice } from './messages/9008-upper-platform-closing-notice.js';
import type { Jt809EmptyBody, Jt809MessageCodec } from './messages/message-codec.js';

export const Jt809MessageId = {
  LoginRequest: 0x1001,
  LoginResponse: 0x1002,
  LogoutRequest: 0x1003,
  LogoutResponse: 0x1004,
  LinkTest: 0x1005,
  LinkTestResponse: 0x1006,
  MainLinkBrokenNotice: 0x1007,
  LowerPlatformClosingNotice: 0x1008,
  VehicleDynamicInfo: 0x1200,
  PlatformExchangeUp: 0x1300,
  AlarmExchangeUp: 0x1400,
  StaticInfoExchange: 0x1600,
  SubLinkLoginRequest: 0x9001,
  SubLinkLoginResponse: 0x9002,
  SubLinkLogoutRequest: 0x9003,
  SubLinkLogoutResponse: 0x9004,
  SubLinkTest: 0x9005,
  SubLinkTestResponse: 0x9006,
  SubLinkBrokenNotice: 0x9007,
  UpperPlatformClosingNotice: 0x9008,
  PlatformExchangeDown: 0x9300,
  AlarmExchangeDown: 0x9400,
} as const;

/** Body type per supported MSG_ID. */
export interface Jt809BodyMap {
  0x1001: Jt809LoginRequest;
  0x1002: Jt809LoginResponse;
  0x1003: LogoutRequest;
  0x1004: Jt809EmptyBody;
  0x1005: Jt809EmptyBody;
  0x1006: Jt809EmptyBody;
  0x1007: MainLinkBrokenNotice;
  0x1008: LowerPlatformClosingNotice;
  0x1200: VehicleDynamicInfo;
  0x1300: PlatformExchangeUp;
  0x1400: AlarmExchangeUp;
  0x1600: StaticInfoExchange;
  0x9001: SubLinkLoginRequest;
  0x9002: SubLinkLoginResponse;
  0x9003: SubLinkLogoutRequest;
  0x9004: Jt809EmptyBody;
  0x9005: Jt809EmptyBody;
  0x9006: Jt809EmptyBody;
  0x9007: SubLinkBrokenNotice;
  0x9008: UpperPlatformClosingNotice;
  0x9300: PlatformExchangeDown;
  0x9400: AlarmExchangeDown;
}

export type Jt809SupportedMessageId = keyof Jt809BodyMap;

/** A decoded message; narrow on `messageId` to get the body type. */
export type Jt809Message = {
  [K in Jt809SupportedMessageId]: { readonly messageId: K; readonly header: Jt809Header; readonly body: Jt809BodyMap[K] };
}[Jt809SupportedMessageId];

const CODECS: { [K in Jt809SupportedMessageId]: Jt809MessageCodec<Jt809BodyMap[K]> } = {
  0x1001: loginRequestCodec,
  0x1002: loginResponseCodec,
  0x1003: logoutRequestCodec,
  0x1004: logoutResponseCodec,
  0x1005: linkTestCodec,
  0x1006: linkTestResponseCodec,
  0x1007: mainLinkBrokenNoticeCodec,
  0x1008: lowerPlatformClosingNoticeCodec,
  0x1200: vehicleDynamicInfoCodec,
  0x1300: platformExchangeUpCodec,
  0x1400: alarmExchangeUpCodec,
  0x1600: staticInfoExchangeCodec,
  0x9001: subLinkLoginRequestCodec,
  0x9002: subLinkLoginResponseCodec,
  0x9003: subLinkLogoutRequestCodec,
  0x9004: subLinkLogoutResponseCodec,
  0x9005: subLinkTestCodec,
  0x9006: subLinkTestResponseCodec,
  0x9007: subLinkBrokenNoticeCodec,
  0x9008: upperPlatformClosingNoticeCodec,
  0x9300: platformExchangeDownCodec,
  0x9400: alarmExchangeDownCodec,
};

export function isJt809SupportedMessageId(messageId: number): messageId is Jt809SupportedMessageId {
  return Object.hasOwn(CODECS, messageId);
}

export function jt809MessageName(messageId: number): string {
  return isJt809SupportedMessageId(messageId) ? CODECS[messageId].name : `0x${messageId.toString(16).padStart(4, '0')}`;
}

/** Body of a checked envelope → typed message. Throws only `Jt809DecodeError` (with the header hint). */
export function decodeJt809Body(envelope: Jt809Envelope): Jt809Message {
  const { header } = envelope;
  const { messageId } = header;
  if (!isJt809SupportedMessageId(messageId)) {
    throw new Jt809DecodeError('unsupported-message', 9, `no body codec for 0x${messageId.toString(16).padStart(4, '0')}`, hintOf(header));
  }
  const reader = new ByteReader(envelope.message, envelope.bodyOffset, envelope.bodyEnd);
  try {
    const body = (CODECS[messageId] as Jt809MessageCodec<unknown>).decode(reader, { edition: header.edition });
    // Fixed layouts end where the body ends; bytes left over mean the layout is not what was sent.
    if (reader.remaining !== 0) {
      throw new Jt809DecodeError('length-mismatch', reader.offset, `${reader.remaining} byte(s) after the body`);
    }
    return { messageId, header, body } as Jt809Message;
  } catch (error) {
    throw asJt809DecodeError(error, hintOf(header), jt809MessageName(messageId));
  }
}

/**
 * One complete escaped frame (0x5b … 0x5d, as `Jt809Deframer` yields it) → header and typed
 * body. Throws only `Jt809DecodeError`.
 */
export function decodeJt809Frame(frame: Uint8Array, options: Jt809CodecOptions): Jt809Message {
  let envelope: Jt809Envelope;
  try {
    envelope = decodeJt809Envelope(frame, options);
  } catch (error) {
    throw asJt809DecodeError(error);
  }
  return decodeJt809Body(envelope);
}

/** Encodes a body without its frame. Throws only `Jt809EncodeError`. */
export function encodeJt809Body<K extends Jt809SupportedMessageId>(messageId: K, body: Jt809BodyMap[K], edition: Jt809Edition): Uint8Array {
  try {
    const writer = new ByteWriter(64);
    (CODECS[messageId] as Jt809MessageCodec<Jt809BodyMap[K]>).encode(writer, body, { edition });
    return writer.toBytes();
  } catch (error) {
    throw asJt809EncodeError(error);
  }
}

/** Header + typed body → escaped frame, ready for the socket. Throws only `Jt809EncodeError`. */
export function encodeJt809Frame<K extends Jt809SupportedMessageId>(
  header: Jt809HeaderInput & { readonly messageId: K },
  body: Jt809BodyMap[K],
  keys?: Jt809EncryptionKeys,
): Uint8Array {
  return encodeJt809Envelope(header, encodeJt809Body(header.messageId, body, header.edition), keys);
}

/** Re-encodes a decoded message with the same header fields (length and CRC recomputed). */
export function encodeJt809Message(message: Jt809Message, keys?: Jt809EncryptionKeys): Uint8Array {
  return encodeJt809Frame(message.header as Jt809HeaderInput & { readonly messageId: Jt809SupportedMessageId }, message.body as never, keys);
}
