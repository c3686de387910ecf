import { readFixedString, writeFixedString } from '@roadwatch/jt808';
import type { SubBusinessCodec } from './sub-business.js';
import { readLongText, writeLongText } from './text.js';

/** OBJECT_TYPE of 查岗: whom the question is for. */
export const INSPECTION_OBJECT_TYPE = { currentPlatform: 0x01, oneCompany: 0x02, allCompanies: 0x03 } as const;

/**
 * 0x9301 平台查岗请求 (DOWN_PLATFORM_MSG_POST_QUERY_REQ).
 * - 2011 (表 44): INFO_ID, INFO_LENGTH, INFO_CONTENT. Many 2011 platforms follow the later
 *   supplement that puts OBJECT_TYPE (1) and OBJECT_ID (12) first; decoding tells the two apart
 *   by the lengths, encoding writes the supplement's form when `objectType` is set.
 * - 2019: OBJECT_TYPE, OBJECT_ID (20), ANSWER_TIME (minutes to answer), INFO_ID, INFO_LENGTH, INFO_CONTENT.
 */
export interface InspectionRequest {
  readonly kind: 'inspection-request';
  readonly objectType: number | null;
  readonly objectId: string | null;
  /** 2019 only: minutes the lower platform has to answer. */
  readonly answerTimeMin: number | null;
  readonly infoId: number;
  readonly question: string;
}

const SUPPLEMENT_PREFIX_BYTES = 13;

function infoLengthFits(bytes: Uint8Array, lengthAt: number): boolean {
  if (bytes.length < lengthAt + 4) return false;
  const declared = ((bytes[lengthAt]! << 24) | (bytes[lengthAt + 1]! << 16) | (bytes[lengthAt + 2]! << 8) | bytes[lengthAt + 3]!) >>> 0;
  return declared === bytes.length - lengthAt - 4;
}

/**
 * The 2011 supplement's OBJECT_TYPE + OBJECT_ID prefix is there when INFO_LENGTH read after it
 * accounts for the rest exactly and INFO_LENGTH read without it does not (the standard's form
 * wins a tie).
 */
export function hasObjectPrefix2011(bytes: Uint8Array): boolean {
  return !infoLengthFits(bytes, 4) && infoLengthFits(bytes, SUPPLEMENT_PREFIX_BYTES + 4);
}

export const inspectionRequestCodec: SubBusinessCodec<InspectionRequest> = {
  dataType: 0x9301,
  kind: 'inspection-request',
  name: 'platform inspection request (查岗)',
  decode(reader, { edition }) {
    let objectType: number | null = null;
    let objectId: string | null = null;
    let answerTimeMin: number | null = null;
    if (edition === '2019') {
      objectType = reader.u8('OBJECT_TYPE');
      objectId = readFixedString(reader, 20, 'OBJECT_ID');
      answerTimeMin = reader.u8('ANSWER_TIME');
    } else if (hasObjectPrefix2011(reader.peekRest())) {
      objectType = reader.u8('OBJECT_TYPE');
      objectId = readFixedString(reader, 12, 'OBJECT_ID');
    }
    const infoId = reader.u32('INFO_ID');
    const question = readLongText(reader, 'INFO_CONTENT');
    return { kind: 'inspection-request', objectType, objectId, answerTimeMin, infoId, question };
  },
  encode(writer, data, { edition }) {
    if (edition === '2019') {
      writer.u8(data.objectType ?? INSPECTION_OBJECT_TYPE.currentPlatform, 'objectType');
      writeFixedString(writer, data.objectId ?? '', 20, 'objectId');
      writer.u8(data.answerTimeMin ?? 0, 'answerTimeMin');
    } else if (data.objectType !== null) {
      writer.u8(data.objectType, 'objectType');
      writeFixedString(writer, data.objectId ?? '', 12, 'objectId');
    }
    writer.u32(data.infoId, 'infoId');
    writeLongText(writer, data.question, 'question');
  },
};
