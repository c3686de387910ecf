import { decodeLocation, encodeLocation, type LocationReport } from './0200-location-report.js';
import type { MessageCodec } from './message-codec.js';

export interface LocationQueryResponse {
  /** Serial of the 0x8201 query being answered. */
  readonly answerSerial: number;
  readonly location: LocationReport;
}

/** 0x0201 位置信息查询应答: answer serial + a 0x0200 body. */
export const locationQueryResponseCodec: MessageCodec<LocationQueryResponse> = {
  messageId: 0x0201,
  name: 'location query response',
  decode: (reader) => ({ answerSerial: reader.u16('answer serial'), location: decodeLocation(reader) }),
  encode(writer, body) {
    writer.u16(body.answerSerial, 'answerSerial');
    encodeLocation(writer, body.location);
  },
};
