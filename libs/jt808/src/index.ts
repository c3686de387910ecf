/**
 * @roadwatch/jt808 — JT/T 808 (2011 / 2013 / 2019) codec. Pure: no I/O, no clock.
 * Decoding throws only `Jt808DecodeError`; encoding only `Jt808EncodeError`; the stream
 * classes return errors as values.
 */
export * from './errors.js';
export * from './anomalies.js';
export { ByteReader, ByteWriter, bytesToHex, hexToBytes } from './bytes.js';
export { readBcdTime, writeBcdTime, readBcdDate, writeBcdDate, readBcdDigits, writeBcdDigits } from './bcd.js';
export { decodeGbk, encodeGbk } from './gbk.js';
// GBK string fields with the control-character check; libs/jt809 reads its fields with them too.
export { textOf, readFixedString, writeFixedString, readRestString } from './messages/strings.js';
export { escapeAndWrap, unescapeFrame, unescapeFrameLeniently, xorChecksum, FLAG, ESCAPE } from './framing.js';
export { Jt808Deframer, DEFAULT_MAX_FRAME_BYTES, type DeframerEvent, type DeframerOptions } from './deframer.js';
export * from './header.js';
export * from './reassembler.js';
export * from './stream-decoder.js';
export * from './codec.js';
export * from './builders.js';
export type { BodyContext, EmptyBody, MessageCodec } from './messages/message-codec.js';
export * from './messages/0001-terminal-general-response.js';
export * from './messages/0002-heartbeat.js';
export * from './messages/0003-logout.js';
export * from './messages/0100-register.js';
export * from './messages/0102-authentication.js';
export * from './messages/0200-location-report.js';
export * from './messages/0201-location-query-response.js';
export * from './messages/0702-driver-identity.js';
export * from './messages/0704-batch-location-upload.js';
export * from './messages/8001-platform-general-response.js';
export * from './messages/8003-resend-request.js';
export * from './messages/8100-register-response.js';
export * from './messages/8103-set-parameters.js';
export * from './messages/8201-location-query.js';
export * from './messages/8300-text-message.js';
export * from './messages/area-common.js';
export * from './messages/8600-set-circle-area.js';
export * from './messages/8601-delete-circle-areas.js';
export * from './messages/8602-set-rectangle-area.js';
export * from './messages/8603-delete-rectangle-areas.js';
export * from './messages/8604-set-polygon-area.js';
export * from './messages/8605-delete-polygon-areas.js';
export * from './messages/8606-set-route.js';
export * from './messages/8607-delete-routes.js';
export * from './geofence-downlink.js';
