import { ByteReader, ByteWriter } from './bytes.js';
import { Jt808DecodeError } from './errors.js';
import type { Jt808FrameAnomaly } from './anomalies.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  encodeSubpackagedFrames,
  type DecodeOptions,
  type Jt808Envelope,
  type Jt808Header,
  type Jt808HeaderInput,
} from './header.js';
import { terminalGeneralResponseCodec, type TerminalGeneralResponse } from './messages/0001-terminal-general-response.js';
import { heartbeatCodec } from './messages/0002-heartbeat.js';
import { logoutCodec } from './messages/0003-logout.js';
import { registerCodec, type Register } from './messages/0100-register.js';
import { authenticationCodec, type Authentication } from './messages/0102-authentication.js';
import { locationReportCodec, type LocationReport } from './messages/0200-location-report.js';
import { locationQueryResponseCodec, type LocationQueryResponse } from './messages/0201-location-query-response.js';
import { driverIdentityCodec, type DriverIdentity } from './messages/0702-driver-identity.js';
import { batchLocationUploadCodec, type BatchLocationUpload } from './messages/0704-batch-location-upload.js';
import { platformGeneralResponseCodec, type PlatformGeneralResponse } from './messages/8001-platform-general-response.js';
import { resendRequestCodec, type ResendRequest } from './messages/8003-resend-request.js';
import { registerResponseCodec, type RegisterResponse } from './messages/8100-register-response.js';
import { setParametersCodec, type SetParameters } from './messages/8103-set-parameters.js';
import { locationQueryCodec } from './messages/8201-location-query.js';
import { textMessageCodec, type TextMessage } from './messages/8300-text-message.js';
import { setCircleAreasCodec, type SetCircleAreas } from './messages/8600-set-circle-area.js';
import { deleteCircleAreasCodec } from './messages/8601-delete-circle-areas.js';
import { setRectangleAreasCodec, type SetRectangleAreas } from './messages/8602-set-rectangle-area.js';
import { deleteRectangleAreasCodec } from './messages/8603-delete-rectangle-areas.js';
import { setPolygonAreaCodec, type SetPolygonArea } from './messages/8604-set-polygon-area.js';
import { deletePolygonAreasCodec } from './messages/8605-delete-polygon-areas.js';
import { setRouteCodec, type SetRoute } from './messages/8606-set-route.js';
import { deleteRoutesCodec } from './messages/8607-delete-routes.js';
import type { DeleteAreas } from './messages/area-common.js';
import type { EmptyBody, MessageCodec } from './messages/message-codec.js';

export const MessageId = {
  TerminalGeneralResponse: 0x0001,
  Heartbeat: 0x0002,
  Logout: 0x0003,
  Register: 0x0100,
  Authentication: 0x0102,
  LocationReport: 0x0200,
  LocationQueryResponse: 0x0201,
  DriverIdentity: 0x0702,
  BatchLocationUpload: 0x0704,
  PlatformGeneralResponse: 0x8001,
  ResendRequest: 0x8003,
  RegisterResponse: 0x8100,
  SetParameters: 0x8103,
  LocationQuery: 0x8201,
  TextMessage: 0x8300,
  SetCircleAreas: 0x8600,
  DeleteCircleAreas: 0x8601,
  SetRectangleAreas: 0x8602,
  DeleteRectangleAreas: 0x8603,
  SetPolygonArea: 0x8604,
  DeletePolygonAreas: 0x8605,
  SetRoute: 0x8606,
  DeleteRoutes: 0x8607,
} as const;

/** Body type per supported message id. */
export interface Jt808BodyMap {
  0x0001: TerminalGeneralResponse;
  0x0002: EmptyBody;
  0x0003: EmptyBody;
  0x0100: Register;
  0x0102: Authentication;
  0x0200: LocationReport;
  0x0201: LocationQueryResponse;
  0x0702: DriverIdentity;
  0x0704: BatchLocationUpload;
  0x8001: PlatformGeneralResponse;
  0x8003: ResendRequest;
  0x8100: RegisterResponse;
  0x8103: SetParameters;
  0x8201: EmptyBody;
  0x8300: TextMessage;
  0x8600: SetCircleAreas;
  0x8601: DeleteAreas;
  0x8602: SetRectangleAreas;
  0x8603: DeleteAreas;
  0x8604: SetPolygonArea;
  0x8605: DeleteAreas;
  0x8606: SetRoute;
  0x8607: DeleteAreas;
}

export type SupportedMessageId = keyof Jt808BodyMap;

/**
 * A decoded message; narrow on `messageId` to get the body type. `anomalies` lists what was
 * off about its frame(s) and accepted by lenient decoding (empty or absent when nothing was).
 */
export type Jt808Message = {
  [K in SupportedMessageId]: {
    readonly messageId: K;
    readonly header: Jt808Header;
    readonly body: Jt808BodyMap[K];
    readonly anomalies?: readonly Jt808FrameAnomaly[];
  };
}[SupportedMessageId];

const CODECS: { [K in SupportedMessageId]: MessageCodec<Jt808BodyMap[K]> } = {
  0x0001: terminalGeneralResponseCodec,
  0x0002: heartbeatCodec,
  0x0003: logoutCodec,
  0x0100: registerCodec,
  0x0102: authenticationCodec,
  0x0200: locationReportCodec,
  0x0201: locationQueryResponseCodec,
  0x0702: driverIdentityCodec,
  0x0704: batchLocationUploadCodec,
  0x8001: platformGeneralResponseCodec,
  0x8003: resendRequestCodec,
  0x8100: registerResponseCodec,
  0x8103: setParametersCodec,
  0x8201: locationQueryCodec,
  0x8300: textMessageCodec,
  0x8600: setCircleAreasCodec,
  0x8601: deleteCircleAreasCodec,
  0x8602: setRectangleAreasCodec,
  0x8603: deleteRectangleAreasCodec,
  0x8604: setPolygonAreaCodec,
  0x8605: deletePolygonAreasCodec,
  0x8606: setRouteCodec,
  0x8607: deleteRoutesCodec,
};

export function isSupportedMessageId(messageId: number): messageId is SupportedMessageId {
  return Object.hasOwn(CODECS, messageId);
}

export function messageName(messageId: number): string {
  return isSupportedMessageId(messageId) ? CODECS[messageId].name : `0x${messageId.toString(16).padStart(4, '0')}`;
}

function hintOf(header: Jt808Header) {
  return { messageId: header.messageId, terminalPhone: header.terminalPhone, serial: header.serial };
}

/**
 * Decodes the body of a checked, whole (not sub-packaged, or already reassembled)
 * envelope. Throws only `Jt808DecodeError`; body errors carry the header hint so the
 * caller can still answer 0x8001 with result 2 or 3.
 */
export function decodeBody(envelope: Jt808Envelope): Jt808Message {
  const { header } = envelope;
  if (header.subpackage) throw new Jt808DecodeError('needs-reassembly', 0, `packet ${header.subpackage.index} of ${header.subpackage.total}`, hintOf(header));
  if (header.encryption !== 0) throw new Jt808DecodeError('unsupported-encryption', 2, `encryption mode ${header.encryption}`, hintOf(header));
  const messageId = header.messageId;
  if (!isSupportedMessageId(messageId)) {
    throw new Jt808DecodeError('unsupported-message', 0, `no body codec for 0x${messageId.toString(16).padStart(4, '0')}`, hintOf(header));
  }
  const reader = new ByteReader(envelope.message, envelope.bodyOffset, envelope.message.length);
  try {
    const body = (CODECS[messageId] as MessageCodec<unknown>).decode(reader, { edition: header.edition });
    return (envelope.anomalies.length > 0 ? { messageId, header, body, anomalies: envelope.anomalies } : { messageId, header, body }) as Jt808Message;
  } catch (error) {
    if (error instanceof Jt808DecodeError && !error.header)
      throw new Jt808DecodeError(error.kind, error.offset, `${messageName(messageId)}: ${error.message}`, hintOf(header));
    throw error;
  }
}

/**
 * One complete frame (with its 0x7e flags, as the de-framer yields it) → header and typed
 * body, dispatched by message id. Throws only `Jt808DecodeError`; sub-package frames throw
 * 'needs-reassembly' — feed their envelopes to `Jt808SubpackageReassembler` instead.
 */
export function decodeFrame(frame: Uint8Array, options?: DecodeOptions): Jt808Message {
  return decodeBody(decodeEnvelope(frame, options));
}

/** Encodes a message body without framing it. Throws only `Jt808EncodeError`. */
export function encodeBody<K extends SupportedMessageId>(messageId: K, body: Jt808BodyMap[K], edition: Jt808Header['edition'] = '2013'): Uint8Array {
  const writer = new ByteWriter(64);
  (CODECS[messageId] as MessageCodec<Jt808BodyMap[K]>).encode(writer, body, { edition });
  return writer.toBytes();
}

/**
 * Header + typed body → escaped frame with flags and check code, ready for the socket.
 * Throws only `Jt808EncodeError` (a body over 1023 bytes included; see
 * `encodeFrames` for sub-packaging).
 */
export function encodeFrame<K extends SupportedMessageId>(header: Jt808HeaderInput & { readonly messageId: K }, body: Jt808BodyMap[K]): Uint8Array {
  return encodeEnvelope(header, encodeBody(header.messageId, body, header.edition ?? '2013'));
}

/** Like `encodeFrame`, splitting bodies over `maxPacketBody` bytes into sub-packages. */
export function encodeFrames<K extends SupportedMessageId>(
  header: Jt808HeaderInput & { readonly messageId: K },
  body: Jt808BodyMap[K],
  maxPacketBody?: number,
): Uint8Array[] {
  return encodeSubpackagedFrames(header, encodeBody(header.messageId, body, header.edition ?? '2013'), maxPacketBody);
}

/** Re-encodes a decoded message (same header fields, recomputed length and check code). */
export function encodeMessage(message: Jt808Message): Uint8Array {
  const { header } = message;
  return encodeEnvelope({ ...header, subpackage: null }, encodeBody(message.messageId, message.body as never, header.edition));
}
