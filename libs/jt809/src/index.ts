/**
 * @roadwatch/jt809 — JT/T 809 (2011 / 2019) codec for the upper-platform side of 联网联控.
 * Pure: no I/O, no clock. Decoding throws only `Jt809DecodeError`; encoding only
 * `Jt809EncodeError`; the stream classes return errors as values.
 */
export * from './errors.js';
export { crc16CcittFalse, escapeJt809Frame, unescapeJt809Frame, HEAD_FLAG, TAIL_FLAG } from './framing.js';
export { readUtcSeconds, writeUtcSeconds } from './header.js';
export { jt809Crypt, type Jt809EncryptionKeys } from './encryption.js';
export {
  decodeJt809Envelope,
  encodeJt809Envelope,
  headerLength,
  type Jt809CodecOptions,
  type Jt809Edition,
  type Jt809Envelope,
  type Jt809Header,
  type Jt809HeaderInput,
} from './header.js';
export * from './peek.js';
export * from './deframer.js';
export * from './stream-decoder.js';
export * from './codec.js';
export type { Jt809BodyContext, Jt809EmptyBody, Jt809MessageCodec } from './messages/message-codec.js';
export * from './messages/sub-business.js';
export * from './messages/1001-login.js';
export * from './messages/1002-login-response.js';
export * from './messages/1003-logout.js';
export * from './messages/1004-logout-response.js';
export * from './messages/1005-link-test.js';
export * from './messages/1006-link-test-response.js';
export * from './messages/1007-main-link-broken-notice.js';
export * from './messages/1008-lower-platform-closing-notice.js';
export * from './messages/1200-vehicle-dynamic-info.js';
export * from './messages/1201-vehicle-registration.js';
export * from './messages/1202-real-time-position.js';
export * from './messages/1203-position-backfill.js';
export * from './messages/1300-platform-exchange.js';
export * from './messages/1301-inspection-answer.js';
export * from './messages/1400-alarm-exchange.js';
export * from './messages/1401-supervision-answer.js';
export * from './messages/1402-alarm-report.js';
export * from './messages/1600-static-info.js';
export * from './messages/1601-vehicle-static-info.js';
export * from './messages/9001-sub-link-login.js';
export * from './messages/9002-sub-link-login-response.js';
export * from './messages/9003-sub-link-logout.js';
export * from './messages/9004-sub-link-logout-response.js';
export * from './messages/9005-sub-link-test.js';
export * from './messages/9006-sub-link-test-response.js';
export * from './messages/9007-sub-link-broken-notice.js';
export * from './messages/9008-upper-platform-closing-notice.js';
export * from './messages/9300-platform-exchange-down.js';
export * from './messages/9301-inspection-request.js';
export * from './messages/9400-alarm-exchange-down.js';
export * from './messages/9401-supervision-request.js';
