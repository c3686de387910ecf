import { decodeGbk, encodeGbk } from '../gbk.js';
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

/** Fixed part of a body: province 2 + city 2 + manufacturer + model + terminal id + colour 1. */
const fixedBytes = (edition: RegisterEdition): number => 5 + WIDTHS[edition].manufacturer + WIDTHS[edition].model + WIDTHS[edition].terminalId;

/** Model and terminal id are ASCII, NUL- or space-padded. */
const isFixedText = (bytes: Uint8Array): boolean => bytes.every((byte) => byte === 0 || (byte >= 0x20 && byte < 0x7f));

/**
 * Whether `body` reads sensibly with `edition`'s widths: long enough, model and terminal id
 * ASCII text, a JT/T 697.7 plate colour (0–9) where the colour byte falls, and a plate (or
 * VIN) that is valid GBK.
 */
function readsAs(body: Uint8Array, edition: RegisterEdition): boolean {
  const fixed = fixedBytes(edition);
  if (body.length < fixed) return false;
  const textStart = 4 + WIDTHS[edition].manufacturer;
  if (!isFixedText(body.subarray(textStart, fixed - 1))) return false;
  if (body[fixed - 1]! > 9) return false;
  return !decodeGbk(body.subarray(fixed)).includes('\uFFFD');
}

function editionOf2011Or2013(body: Uint8Array): '2011' | '2013' {
  const as2013 = readsAs(body, '2013');
  const as2011 = readsAs(body, '2011');
  if (as2013 !== as2011) return as2013 ? '2013' : '2011';
  return body.length >= fixedBytes('2013') ? '2013' : '2011';
}

/**
 * 0x0100 终端注册. 2011 and 2013 bodies share a header and differ in the model's width (8
 * vs 20 bytes), so the body's content decides: the edition whose widths put ASCII in the
 * model and terminal id, a plate colour in the colour byte and GBK in the plate. Length
 * alone misreads a 2011 body with a VIN (colour 0: 25 + 17 bytes ≥ 37) as 2013. When both
 * or neither read sensibly, a body long enough for 2013 widths is 2013.
 */
export const registerCodec: MessageCodec<Register> = {
  messageId: 0x0100,
  name: 'register',
  decode(reader, context) {
    const edition: RegisterEdition = context.edition === '2019' ? '2019' : editionOf2011Or2013(reader.peekRest());
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
