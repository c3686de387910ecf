import { readFixedString, writeFixedString } from '@roadwatch/jt808';
import { readUtcSeconds, writeUtcSeconds } from '../header.js';
import type { SubBusinessCodec } from './sub-business.js';

/** SUPERVISION_LEVEL. */
export const SUPERVISION_LEVEL = { urgent: 0x00, normal: 0x01 } as const;

/**
 * 0x9401 报警督办请求 (DOWN_WARN_MSG_URGE_TODO_REQ, 2011 表 50): WARN_SRC, WARN_TYPE,
 * WARN_TIME, SUPERVISION_ID, SUPERVISION_ENDTIME, SUPERVISION_LEVEL, SUPERVISOR (16),
 * SUPERVISOR_TEL (20), SUPERVISOR_EMAIL (32). The same layout is used for 2019 (as SmallChi
 * does); the 2019 0x9400 drops the vehicle prefix.
 */
export interface SupervisionRequest {
  readonly kind: 'supervision-request';
  readonly warnSource: number;
  readonly warnType: number;
  readonly warnTimeMs: number;
  readonly supervisionId: number;
  readonly deadlineMs: number;
  readonly level: number;
  readonly supervisor: string;
  readonly supervisorPhone: string;
  readonly supervisorEmail: string;
}

export const supervisionRequestCodec: SubBusinessCodec<SupervisionRequest> = {
  dataType: 0x9401,
  kind: 'supervision-request',
  name: 'alarm supervision request (督办)',
  decode: (reader) => ({
    kind: 'supervision-request',
    warnSource: reader.u8('WARN_SRC'),
    warnType: reader.u16('WARN_TYPE'),
    warnTimeMs: readUtcSeconds(reader, 'WARN_TIME'),
    supervisionId: reader.u32('SUPERVISION_ID'),
    deadlineMs: readUtcSeconds(reader, 'SUPERVISION_ENDTIME'),
    level: reader.u8('SUPERVISION_LEVEL'),
    supervisor: readFixedString(reader, 16, 'SUPERVISOR'),
    supervisorPhone: readFixedString(reader, 20, 'SUPERVISOR_TEL'),
    supervisorEmail: readFixedString(reader, 32, 'SUPERVISOR_EMAIL'),
  }),
  encode(writer, data) {
    writer.u8(data.warnSource, 'warnSource');
    writer.u16(data.warnType, 'warnType');
    writeUtcSeconds(writer, data.warnTimeMs, 'warnTimeMs');
    writer.u32(data.supervisionId, 'supervisionId');
    writeUtcSeconds(writer, data.deadlineMs, 'deadlineMs');
    writer.u8(data.level, 'level');
    writeFixedString(writer, data.supervisor, 16, 'supervisor');
    writeFixedString(writer, data.supervisorPhone, 20, 'supervisorPhone');
    writeFixedString(writer, data.supervisorEmail, 32, 'supervisorEmail');
  },
};
