import { encodeGbk } from '../gbk.js';
import { Jt808EncodeError } from '../errors.js';
import type { MessageCodec } from './message-codec.js';
import { readRestString } from './strings.js';

export const RegisterResult = {
  Ok: 0,
  VehicleAlreadyRegistered: 1,
  VehicleUnknown: 2,
  TerminalAlreadyRegistered: 3,
  TerminalUnknown: 4,
} as const;

export interface RegisterResponse {
  readonly answerSerial: number;
  /** See `RegisterResult`. */
  readonly result: number;
  /** Present only when `result` is 0; the terminal sends it back in 0x0102. */
  readonly authCode: string | null;
}

/** 0x8100 终端注册应答. */
export const registerResponseCodec: MessageCodec<RegisterResponse> = {
  messageId: 0x8100,
  name: 'register response',
  decode(reader) {
    const answerSerial = reader.u16('answer serial');
    const result = reader.u8('result');
    return { answerSerial, result, authCode: result === RegisterResult.Ok ? readRestString(reader, 'auth code') : null };
  },
  encode(writer, body) {
    writer.u16(body.answerSerial, 'answerSerial');
    writer.u8(body.result, 'result');
    if (body.result === RegisterResult.Ok) {
      if (body.authCode === null) throw new Jt808EncodeError('bad-value', 'authCode', 'a successful registration needs an auth code');
      writer.bytes(encodeGbk(body.authCode, 'authCode'));
    }
  },
};
