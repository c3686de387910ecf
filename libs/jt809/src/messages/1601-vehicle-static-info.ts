import { encodeGbk, textOf } from '@roadwatch/jt808';
import type { SubBusinessCodec } from './sub-business.js';

/**
 * 0x1601 补报车辆静态信息应答 (UP_BASE_MSG_VEHICLE_ADDED_ACK): CAR_INFO, the rest of the data,
 * `KEY:=value;` pairs (VIN, VEHICLE_COLOR, VEHICLE_TYPE, TRANS_TYPE, VEHICLE_NATIONALITY,
 * OWERS_NAME …). 2019 puts SOURCE_DATA_TYPE and SOURCE_MSG_SN (the 0x9601 asked) first.
 */
export interface VehicleStaticInfo {
  readonly kind: 'vehicle-static-info';
  readonly sourceDataType: number | null;
  readonly sourceSerial: number | null;
  /** CAR_INFO as sent; `parseCarInfo` splits it. */
  readonly carInfo: string;
}

/** `VIN:=LGB…;VEHICLE_COLOR:=1;` → entries in order; text without `:=` is kept under the key ''. */
export function parseCarInfo(carInfo: string): ReadonlyArray<readonly [string, string]> {
  return carInfo
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const at = part.indexOf(':=');
      return at < 0 ? (['', part] as const) : ([part.slice(0, at).trim(), part.slice(at + 2).trim()] as const);
    });
}

export const vehicleStaticInfoCodec: SubBusinessCodec<VehicleStaticInfo> = {
  dataType: 0x1601,
  kind: 'vehicle-static-info',
  name: 'vehicle static information',
  decode(reader, { edition }) {
    const sourceDataType = edition === '2019' ? reader.u16('SOURCE_DATA_TYPE') : null;
    const sourceSerial = edition === '2019' ? reader.u32('SOURCE_MSG_SN') : null;
    const at = reader.offset;
    return { kind: 'vehicle-static-info', sourceDataType, sourceSerial, carInfo: textOf(reader.rest(), at, 'CAR_INFO', 'text') };
  },
  encode(writer, data, { edition }) {
    if (edition === '2019') {
      writer.u16(data.sourceDataType ?? 0x9601, 'sourceDataType');
      writer.u32(data.sourceSerial ?? 0, 'sourceSerial');
    }
    writer.bytes(encodeGbk(data.carInfo, 'carInfo'));
  },
};
