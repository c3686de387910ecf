import { Jt808EncodeError } from '../errors.js';
import type { MessageCodec } from './message-codec.js';

export interface ResendRequest {
  /** Serial of the first packet of the sub-packaged message (原始消息流水号). */
  readonly firstSerial: number;
  /** 1-based indexes of the packets to send again (重传包 ID 列表). */
  readonly packetIndexes: readonly number[];
}

/**
 * 0x8003 补传分包请求 — the platform asks the terminal to send the listed packets of a
 * sub-packaged message again. The count is a BYTE in 2011/2013 and a WORD in 2019.
 */
export const resendRequestCodec: MessageCodec<ResendRequest> = {
  messageId: 0x8003,
  name: 'resend request',
  decode(reader, context) {
    const firstSerial = reader.u16('original serial');
    const count = context.edition === '2019' ? reader.u16('packet count') : reader.u8('packet count');
    const packetIndexes: number[] = [];
    for (let i = 0; i < count; i += 1) packetIndexes.push(reader.u16('packet id'));
    return { firstSerial, packetIndexes };
  },
  encode(writer, body, context) {
    const limit = context.edition === '2019' ? 0xffff : 0xff;
    if (body.packetIndexes.length === 0) throw new Jt808EncodeError('bad-value', 'packetIndexes', 'a resend request lists at least one packet');
    if (body.packetIndexes.length > limit) {
      throw new Jt808EncodeError(
        'value-out-of-range',
        'packetIndexes',
        `${body.packetIndexes.length} packets; the ${context.edition} count field holds ${limit}`,
      );
    }
    writer.u16(body.firstSerial, 'firstSerial');
    if (context.edition === '2019') writer.u16(body.packetIndexes.length, 'packetCount');
    else writer.u8(body.packetIndexes.length, 'packetCount');
    for (const index of body.packetIndexes) writer.u16(index, 'packetIndexes');
  },
};
