import { readFixedString, writeFixedString } from '@roadwatch/jt808';
import { readUtcSeconds, writeUtcSeconds } from '../header.js';
import { readVehicle, writeVehicle, type Jt809Vehicle, type SubBusinessCodec } from './sub-business.js';
import { readLongText, writeLongText } from './text.js';

/** WARN_SRC (2011): who raised the alarm. */
export const WARN_SOURCE = { terminal: 0x01, companyPlatform: 0x02, governmentPlatform: 0x03, other: 0x09 } as const;

/**
 * 0x1402 上报报警信息 (UP_WARN_MSG_ADPT_INFO), terminal-side evidence of an alarm.
 * - 2011 (表 48): WARN_SRC, WARN_TYPE, WARN_TIME (UTC seconds), INFO_ID, INFO_LENGTH, INFO_CONTENT.
 * - 2019: SOURCE_PLATFORM_ID (11), WARN_TYPE, WARN_TIME, START_TIME, END_TIME, VEHICLE_NO,
 *   VEHICLE_COLOR, DESTINATION_PLATFORM_ID (11), DRV_LINE_ID, INFO_LENGTH, INFO_CONTENT
 *   (the 2019 0x1400 has no vehicle prefix; the vehicle is here).
 */
export interface AlarmReport {
  readonly kind: 'alarm-report';
  /** WARN_TYPE (表 75: 0x0001 speeding, 0x0002 fatigue, …). */
  readonly warnType: number;
  readonly warnTimeMs: number;
  readonly content: string;
  /** 2011 fields; null in 2019. */
  readonly warnSource: number | null;
  readonly infoId: number | null;
  /** 2019 fields; null in 2011. */
  readonly sourcePlatformId: string | null;
  readonly startTimeMs: number | null;
  readonly endTimeMs: number | null;
  readonly vehicle: Jt809Vehicle | null;
  readonly destinationPlatformId: string | null;
  readonly lineId: number | null;
}

/** What one edition's report does not carry: null, so both editions decode to one shape. */
const NO_2011_FIELDS = { warnSource: null, infoId: null } as const;
const NO_2019_FIELDS = { sourcePlatformId: null, startTimeMs: null, endTimeMs: null, vehicle: null, destinationPlatformId: null, lineId: null } as const;

export const alarmReportCodec: SubBusinessCodec<AlarmReport> = {
  dataType: 0x1402,
  kind: 'alarm-report',
  name: 'alarm report (上报报警信息)',
  decode(reader, { edition }) {
    if (edition === '2011') {
      const warnSource = reader.u8('WARN_SRC');
      const warnType = reader.u16('WARN_TYPE');
      const warnTimeMs = readUtcSeconds(reader, 'WARN_TIME');
      const infoId = reader.u32('INFO_ID');
      const content = readLongText(reader, 'INFO_CONTENT');
      return {
        kind: 'alarm-report',
        warnType,
        warnTimeMs,
        content,
        warnSource,
        infoId,
        ...NO_2019_FIELDS,
      };
    }
    const sourcePlatformId = readFixedString(reader, 11, 'SOURCE_PLATFORM_ID');
    const warnType = reader.u16('WARN_TYPE');
    const warnTimeMs = readUtcSeconds(reader, 'WARN_TIME');
    const startTimeMs = readUtcSeconds(reader, 'START_TIME');
    const endTimeMs = readUtcSeconds(reader, 'END_TIME');
    const vehicle = readVehicle(reader);
    const destinationPlatformId = readFixedString(reader, 11, 'DESTINATION_PLATFORM_ID');
    const lineId = reader.u32('DRV_LINE_ID');
    const content = readLongText(reader, 'INFO_CONTENT');
    return {
      kind: 'alarm-report',
      warnType,
      warnTimeMs,
      content,
      ...NO_2011_FIELDS,
      sourcePlatformId,
      startTimeMs,
      endTimeMs,
      vehicle,
      destinationPlatformId,
      lineId,
    };
  },
  encode(writer, data, { edition }) {
    if (edition === '2011') {
      writer.u8(data.warnSource ?? WARN_SOURCE.companyPlatform, 'warnSource');
      writer.u16(data.warnType, 'warnType');
      writeUtcSeconds(writer, data.warnTimeMs, 'warnTimeMs');
      writer.u32(data.infoId ?? 0, 'infoId');
    } else {
      writeFixedString(writer, data.sourcePlatformId ?? '', 11, 'sourcePlatformId');
      writer.u16(data.warnType, 'warnType');
      writeUtcSeconds(writer, data.warnTimeMs, 'warnTimeMs');
      writeUtcSeconds(writer, data.startTimeMs ?? data.warnTimeMs, 'startTimeMs');
      writeUtcSeconds(writer, data.endTimeMs ?? data.warnTimeMs, 'endTimeMs');
      writeVehicle(writer, data.vehicle ?? { plate: '', plateColor: 0 });
      writeFixedString(writer, data.destinationPlatformId ?? '', 11, 'destinationPlatformId');
      writer.u32(data.lineId ?? 0, 'lineId');
    }
    writeLongText(writer, data.content, 'content');
  },
};
