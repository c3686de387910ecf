import type { InboundMessage, OutboundMessage } from '../link-messages';
import type { DecodedFrame, Deframer, Jt809Wire, LinkParams, WireError } from '../wire';

/**
 * A stand-in for the JT/T 809 codec in the link's unit tests: a "frame" is the JSON of
 * `{ accessCode, serial, messageId, edition, message }`, so a test speaks plain messages and
 * checks the link's decisions apart from the bytes (those are libs/jt809's, and the e2e test's).
 * A frame whose edition is not the link's fails like a misread frame would.
 */
export interface JsonFrame {
  accessCode: number;
  serial?: number;
  messageId?: number;
  edition?: LinkParams['edition'];
  message: InboundMessage | OutboundMessage | { kind: 'garbage' };
}

export const jsonFrame = (frame: JsonFrame): Uint8Array => new TextEncoder().encode(JSON.stringify(frame));
export const readJsonFrame = (bytes: Uint8Array): JsonFrame & { params: LinkParams } => JSON.parse(new TextDecoder().decode(bytes));

const decode = <M>(bytes: Uint8Array, params: LinkParams): DecodedFrame<M> | WireError => {
  let frame: JsonFrame;
  try {
    frame = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { kind: 'bad-crc', message: 'not a frame' };
  }
  if (frame.message.kind === 'garbage') return { kind: 'truncated', message: 'garbage frame', messageId: frame.messageId };
  if ((frame.edition ?? '2011') !== params.edition) return { kind: 'length-mismatch', message: `a ${frame.edition} frame read as ${params.edition}` };
  return { accessCode: frame.accessCode, serial: frame.serial ?? 0, messageId: frame.messageId ?? 0x1000, message: frame.message as M };
};

export const jsonWire: Jt809Wire = {
  deframer: (): Deframer => ({ push: (bytes) => [bytes] }),
  accessCodeOf: (frame) => {
    try {
      return (JSON.parse(new TextDecoder().decode(frame)) as JsonFrame).accessCode;
    } catch {
      return undefined;
    }
  },
  decodeMain: (frame, params) => decode<InboundMessage>(frame, params),
  decodeSub: (frame, params) => decode(frame, params),
  encodeMain: (message, params, serial) =>
    new TextEncoder().encode(JSON.stringify({ accessCode: params.accessCode, serial, edition: params.edition, params, message })),
  encodeSub: (message, params, serial) =>
    new TextEncoder().encode(JSON.stringify({ accessCode: params.accessCode, serial, edition: params.edition, params, message })),
};
