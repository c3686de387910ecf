import { encodeGbk } from '../gbk.js';
import type { MessageCodec } from './message-codec.js';
import { readFixedString, readRestString, writeFixedString } from './strings.js';

/** 2011 and 2013 share a header, so the edition of a 0x0100 body comes from its fields. */
export type RegisterEdition = '2011' | '2013' | '2019';

export interface Register {
  readonly edition: RegisterEdition;
  /** GB/T 2260 province code (first two digits of the administrative code). */
  readonly provinceId: number;
  /** GB/T 2260 city / county code (last four digits). */
  readonly cityId: number;
  /** Manufacturer id: BYTE[5] (2011/2013), BYTE[11] (2019). */
  readonly manufacturerId: string;
  /** Terminal model: BYTE[8] (2011), BYTE[20] (2013), BYTE[30] (2019). */
  readonly terminalModel: string;
  /** Terminal id: BYTE[7] (2011/2013), BYTE[30] (2019). */
  readonly terminalId: string;
  /** JT/T 697.7 plate colour; 0 = not registered, then `plate` holds the VIN. */
  readonly plateColor: number;
  /** Plate number (GBK), or VIN when `plateColor` is 0. */
  readonly plate: string;
}

const WIDTHS: Record<RegisterEdition, { manufacturer: number; model: number; terminalId: number }> = {
  '2011': { manufacturer: 5, model: 8, terminalId: 7 },
  '2013': { manufacturer: 5, model: 20, terminalId: 7 },
  '2019': { manufacturer: 11, model: 30, terminalId: 30 },
};

/** Fixed part of a 2013 body: province 2 + city 2 + 5 + 20 + 7 + colour 1. */
const FIXED_2013 = 37;

/**
 * 0x0100 终端注册. A body without the 2019 version flag is read with 2013 widths when it
 * is long enough to hold them, else with 2011 widths (a 2011 body is 25 bytes + plate;
 * plates are 7–9 bytes, so a 2011 body never reaches 37).
 */
export const registerCodec: MessageCodec<Register> = {
  messageId: 0x0100,
  name: 'register',
  decode(reader, context) {
    const edition: RegisterEdition = context.edition === '2019' ? '2019' : reader.remaining >= FIXED_2013 ? '2013' : '2011';
    const widths = WIDTHS[edition];
    return {
      edition,
      provinceId: reader.u16('province id'),
      cityId: reader.u16('city id'),
      manufacturerId: readFixedString(reader, widths.manufacturer, 'manufacturer id'),
      terminalModel: readFixedString(reader, widths.model, 'terminal model'),
      terminalId: readFixedString(reader, widths.terminalId, 'terminal id'),
      plateColor: reader.u8('plate colour'),
      // Some terminals end the plate with 0x00 as if it were a C string: dropped, not refused.
      plate: readRestString(reader, 'plate'),
    };
  },
  encode(writer, body) {
    const widths = WIDTHS[body.edition];
    writer.u16(body.provinceId, 'provinceId');
    writer.u16(body.cityId, 'cityId');
    writeFixedString(writer, body.manufacturerId, widths.manufacturer, 'manufacturerId');
    writeFixedString(writer, body.terminalModel, widths.model, 'terminalModel');
    writeFixedString(writer, body.terminalId, widths.terminalId, 'terminalId');
    writer.u8(body.plateColor, 'plateColor');
    writer.bytes(encodeGbk(body.plate, 'plate'));
  },
};
