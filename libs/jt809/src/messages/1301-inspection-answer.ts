import { readFixedString, writeFixedString } from '@roadwatch/jt808';
import { hasObjectPrefix2011 } from './9301-inspection-request.js';
import type { SubBusinessCodec } from './sub-business.js';
import { readLongText, writeLongText } from './text.js';

/**
 * 0x1301 平台查岗应答 (UP_PLATFORM_MSG_POST_QUERY_ACK).
 * - 2011 (表 41): INFO_ID (the request's), INFO_LENGTH, INFO_CONTENT; or, by the supplement,
 *   OBJECT_TYPE and OBJECT_ID (12) first — told apart by the lengths, as for 0x9301.
 * - 2019: OBJECT_TYPE, RESPONDER (16), RESPONDER_TEL (20), OBJECT_ID (20), SOURCE_DATA_TYPE
 *   and SOURCE_MSG_SN (the 0x9300 frame answered), INFO_LENGTH, INFO_CONTENT — no INFO_ID.
 */
export interface InspectionAnswer {
  readonly kind: 'inspection-answer';
  readonly objectType: number | null;
  readonly objectId: string | null;
  /** 2011: the INFO_ID of the 0x9301 answered; null in 2019 (see `sourceSerial`). */
  readonly infoId: number | null;
  /** 2019 only. */
  readonly responder: string | null;
  readonly responderPhone: string | null;
  readonly sourceDataType: number | null;
  /** 2019: MSG_SN of the 0x9300 frame that asked. */
  readonly sourceSerial: number | null;
  readonly answer: string;
}

export const inspectionAnswerCodec: SubBusinessCodec<InspectionAnswer> = {
  dataType: 0x1301,
  kind: 'inspection-answer',
  name: 'platform inspection answer (查岗应答)',
  decode(reader, { edition }) {
    if (edition === '2019') {
      const objectType = reader.u8('OBJECT_TYPE');
      const responder = readFixedString(reader, 16, 'RESPONDER');
      const responderPhone = readFixedString(reader, 20, 'RESPONDER_TEL');
      const objectId = readFixedString(reader, 20, 'OBJECT_ID');
      const sourceDataType = reader.u16('SOURCE_DATA_TYPE');
      const sourceSerial = reader.u32('SOURCE_MSG_SN');
      const answer = readLongText(reader, 'INFO_CONTENT');
      return { kind: 'inspection-answer', objectType, objectId, infoId: null, responder, responderPhone, sourceDataType, sourceSerial, answer };
    }
    const prefixed = hasObjectPrefix2011(reader.peekRest());
    const objectType = prefixed ? reader.u8('OBJECT_TYPE') : null;
    const objectId = prefixed ? readFixedString(reader, 12, 'OBJECT_ID') : null;
    const infoId = reader.u32('INFO_ID');
    const answer = readLongText(reader, 'INFO_CONTENT');
    return { kind: 'inspection-answer', objectType, objectId, infoId, responder: null, responderPhone: null, sourceDataType: null, sourceSerial: null, answer };
  },
  encode(writer, data, { edition }) {
    if (edition === '2019') {
      writer.u8(data.objectType ?? 0x01, 'objectType');
      writeFixedString(writer, data.responder ?? '', 16, 'responder');
      writeFixedString(writer, data.responderPhone ?? '', 20, 'responderPhone');
      writeFixedString(writer, data.objectId ?? '', 20, 'objectId');
      writer.u16(data.sourceDataType ?? 0x9301, 'sourceDataType');
      writer.u32(data.sourceSerial ?? 0, 'sourceSerial');
    } else {
      if (data.objectType !== null) {
        writer.u8(data.objectType, 'objectType');
        writeFixedString(writer, data.objectId ?? '', 12, 'objectId');
      }
      writer.u32(data.infoId ?? 0, 'infoId');
    }
    writeLongText(writer, data.answer, 'answer');
  },
};
