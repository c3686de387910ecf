import type { MessageCodec } from './message-codec.js';

/** Result codes shared by 0x0001 and 0x8001. */
export const GeneralResult = {
  Ok: 0,
  Failed: 1,
  BadMessage: 2,
  Unsupported: 3,
  /** 0x8001 only: alarm handling confirmed. */
  AlarmConfirmed: 4,
} as const;

export interface GeneralResponse {
  /** Serial of the message being answered. */
  readonly answerSerial: number;
  readonly answerMessageId: number;
  /** See `GeneralResult`. */
  readonly result: number;
}

export type TerminalGeneralResponse = GeneralResponse;

export function generalResponseCodec(messageId: number, name: string): MessageCodec<GeneralResponse> {
  return {
    messageId,
    name,
    decode: (reader) => ({
      answerSerial: reader.u16('answer serial'),
      answerMessageId: reader.u16('answer message id'),
      result: reader.u8('result'),
    }),
    encode: (writer, body) => {
      writer.u16(body.answerSerial, 'answerSerial');
      writer.u16(body.answerMessageId, 'answerMessageId');
      writer.u8(body.result, 'result');
    },
  };
}

/** 0x0001 终端通用应答 — the terminal acknowledges a platform message. */
export const terminalGeneralResponseCodec = generalResponseCodec(0x0001, 'terminal general response');
