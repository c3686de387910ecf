import type { SubBusinessCodec } from './sub-business.js';

/** RESULT of 0x1401. */
export const SUPERVISION_RESULT = { inProgress: 0x00, done: 0x01, notHandled: 0x02, later: 0x03 } as const;

/** 0x1401 报警督办应答 (UP_WARN_MSG_URGE_TODO_ACK): SUPERVISION_ID, RESULT (2011 表 47; SmallChi reads 2019 alike). */
export interface SupervisionAnswer {
  readonly kind: 'supervision-answer';
  readonly supervisionId: number;
  readonly result: number;
}

export const supervisionAnswerCodec: SubBusinessCodec<SupervisionAnswer> = {
  dataType: 0x1401,
  kind: 'supervision-answer',
  name: 'alarm supervision answer (督办应答)',
  decode: (reader) => ({ kind: 'supervision-answer', supervisionId: reader.u32('SUPERVISION_ID'), result: reader.u8('RESULT') }),
  encode(writer, data) {
    writer.u32(data.supervisionId, 'supervisionId');
    writer.u8(data.result, 'result');
  },
};
