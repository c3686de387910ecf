import type { Jt809ProtocolVersion, LowerPlatformKeys } from '@roadwatch/storage';
import type { InboundMessage, OutboundMessage, SubLinkInbound } from './link-messages';

/** What frames of one link are read and written with: the platform's edition, access code and keys. */
export interface LinkParams {
  accessCode: number;
  edition: Jt809ProtocolVersion;
  keys?: LowerPlatformKeys | undefined;
}

/** A frame or bytes that could not be read: the kind counted, the message logged. */
export interface WireError {
  kind: string;
  message: string;
  /** Set when the header decoded (the frame's message id), so the error can name it. */
  messageId?: number | undefined;
}

export const isWireError = (value: unknown): value is WireError =>
  typeof value === 'object' && value !== null && 'kind' in value && 'message' in value && !(value instanceof Uint8Array);

export interface DecodedFrame<M> {
  accessCode: number;
  serial: number;
  messageId: number;
  message: M;
}

/** Splits one connection's byte stream into escaped frames (bounded), reporting what is not one. */
export interface Deframer {
  push(bytes: Uint8Array): Array<Uint8Array | WireError>;
}

/**
 * The gateway's port onto libs/jt809 (`jt809-wire.ts` is the one implementation): frames to
 * plain messages and back. Decoding never throws: a frame it cannot read is a `WireError`.
 */
export interface Jt809Wire {
  deframer(): Deframer;
  /** MSG_GNSSCENTERID of an escaped frame, readable before the edition is known; undefined if the frame is too short. */
  accessCodeOf(frame: Uint8Array): number | undefined;
  decodeMain(frame: Uint8Array, params: LinkParams): DecodedFrame<InboundMessage> | WireError;
  encodeMain(message: OutboundMessage, params: LinkParams, serial: number, nowMs: number): Uint8Array;
  decodeSub(frame: Uint8Array, params: LinkParams): DecodedFrame<SubLinkInbound> | WireError;
  encodeSub(message: OutboundMessage, params: LinkParams, serial: number, nowMs: number): Uint8Array;
}
