import { readBcdDate, readBcdTime, writeBcdDate, writeBcdTime } from '../bcd.js';
import { Jt808EncodeError } from '../errors.js';
import type { MessageCodec } from './message-codec.js';
import { readFixedString, readLengthPrefixedString, writeFixedString, writeLengthPrefixedString } from './strings.js';

export const IcCardStatus = {
  /** 从业资格证 IC 卡插入 — driver signs on. */
  Inserted: 0x01,
  /** IC 卡拔出 — driver signs off. */
  Removed: 0x02,
} as const;

export const IcCardReadResult = {
  Ok: 0,
  KeyAuthenticationFailed: 1,
  CardLocked: 2,
  CardPulledOut: 3,
  DataChecksumError: 4,
} as const;

export interface DriverCard {
  readonly driverName: string;
  /** 从业资格证编码, STRING[20]. */
  readonly qualificationCode: string;
  /** 发证机构名称. */
  readonly issuingAuthority: string;
  /** Certificate valid until, 'YYYY-MM-DD'. */
  readonly certificateExpiry: string | null;
  /** 2019 only: 驾驶员身份证号 STRING[20]; null before 2019. */
  readonly driverIdNumber: string | null;
}

export interface DriverIdentity {
  /** See `IcCardStatus`. */
  readonly cardStatus: number;
  readonly signedOn: boolean;
  /** When the card was inserted / removed, UTC epoch ms. */
  readonly eventTimeMs: number | null;
  /** Only when the card was inserted; see `IcCardReadResult`. */
  readonly readResult: number | null;
  /** Only when the card was inserted and read successfully. */
  readonly card: DriverCard | null;
}

/**
 * 0x0702 驾驶员身份信息采集上报 in the 2013 layout (status, time, read result, card
 * fields) and the 2019 layout (adds the driver's ID-card number). The 2011 layout
 * (no status or time) is not supported.
 */
export const driverIdentityCodec: MessageCodec<DriverIdentity> = {
  messageId: 0x0702,
  name: 'driver identity',
  decode(reader, context) {
    const cardStatus = reader.u8('card status');
    const eventTimeMs = readBcdTime(reader, 'card event time');
    if (cardStatus !== IcCardStatus.Inserted) return { cardStatus, signedOn: false, eventTimeMs, readResult: null, card: null };
    const readResult = reader.u8('read result');
    if (readResult !== IcCardReadResult.Ok) return { cardStatus, signedOn: true, eventTimeMs, readResult, card: null };
    const driverName = readLengthPrefixedString(reader, 'driver name');
    const qualificationCode = readFixedString(reader, 20, 'qualification code');
    const issuingAuthority = readLengthPrefixedString(reader, 'issuing authority');
    const certificateExpiry = readBcdDate(reader, 'certificate expiry');
    const driverIdNumber = context.edition === '2019' ? readFixedString(reader, 20, 'driver id number') : null;
    return {
      cardStatus,
      signedOn: true,
      eventTimeMs,
      readResult,
      card: { driverName, qualificationCode, issuingAuthority, certificateExpiry, driverIdNumber },
    };
  },
  encode(writer, body, context) {
    writer.u8(body.cardStatus, 'cardStatus');
    writeBcdTime(writer, body.eventTimeMs, 'eventTimeMs');
    if (body.cardStatus !== IcCardStatus.Inserted) return;
    const readResult = body.readResult ?? IcCardReadResult.Ok;
    writer.u8(readResult, 'readResult');
    if (readResult !== IcCardReadResult.Ok) return;
    const card = body.card;
    if (!card) throw new Jt808EncodeError('bad-value', 'card', 'a successful card read needs the card fields');
    writeLengthPrefixedString(writer, card.driverName, 'driverName');
    writeFixedString(writer, card.qualificationCode, 20, 'qualificationCode');
    writeLengthPrefixedString(writer, card.issuingAuthority, 'issuingAuthority');
    writeBcdDate(writer, card.certificateExpiry, 'certificateExpiry');
    if (context.edition === '2019') writeFixedString(writer, card.driverIdNumber ?? '', 20, 'driverIdNumber');
  },
};
