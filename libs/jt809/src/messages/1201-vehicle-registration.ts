import { readFixedString, writeFixedString } from '@roadwatch/jt808';
import { Jt809DecodeError } from '../errors.js';
import type { SubBusinessCodec } from './sub-business.js';

/**
 * 0x1201 上传车辆注册信息. 2011: PLATFORM_ID 11, PRODUCER_ID 11, TERMINAL_MODEL_TYPE 8 (20 in
 * platforms following the 2013 amendment — told apart by DATA_LENGTH 49 / 61), TERMINAL_ID 7,
 * TERMINAL_SIMCODE 12. 2019: 11, 11, model 30, IMEI_ID 15, TERMINAL_ID 30, SIMCODE 13.
 */
export interface Jt809VehicleRegistration {
  readonly kind: 'registration';
  readonly platformId: string;
  readonly producerId: string;
  readonly terminalModel: string;
  /** 2019 only; null in 2011. */
  readonly imei: string | null;
  readonly terminalId: string;
  readonly simNumber: string;
  /** Width of TERMINAL_MODEL_TYPE as sent (8 or 20 in 2011, 30 in 2019), so it re-encodes as it came. */
  readonly terminalModelWidth: number;
}

export const vehicleRegistrationCodec: SubBusinessCodec<Jt809VehicleRegistration> = {
  dataType: 0x1201,
  kind: 'registration',
  name: 'vehicle registration',
  decode(reader, { edition }) {
    if (edition === '2011' && reader.remaining !== 49 && reader.remaining !== 61) {
      throw new Jt809DecodeError('length-mismatch', reader.offset, `a 2011 registration has 49 or 61 bytes, not ${reader.remaining}`);
    }
    const modelWidth = edition === '2019' ? 30 : reader.remaining === 49 ? 8 : 20;
    return {
      kind: 'registration',
      platformId: readFixedString(reader, 11, 'PLATFORM_ID'),
      producerId: readFixedString(reader, 11, 'PRODUCER_ID'),
      terminalModel: readFixedString(reader, modelWidth, 'TERMINAL_MODEL_TYPE'),
      imei: edition === '2019' ? readFixedString(reader, 15, 'IMEI_ID') : null,
      terminalId: readFixedString(reader, edition === '2019' ? 30 : 7, 'TERMINAL_ID'),
      simNumber: readFixedString(reader, edition === '2019' ? 13 : 12, 'TERMINAL_SIMCODE'),
      terminalModelWidth: modelWidth,
    };
  },
  encode(writer, data, { edition }) {
    writeFixedString(writer, data.platformId, 11, 'platformId');
    writeFixedString(writer, data.producerId, 11, 'producerId');
    writeFixedString(writer, data.terminalModel, edition === '2019' ? 30 : data.terminalModelWidth === 20 ? 20 : 8, 'terminalModel');
    if (edition === '2019') writeFixedString(writer, data.imei ?? '', 15, 'imei');
    writeFixedString(writer, data.terminalId, edition === '2019' ? 30 : 7, 'terminalId');
    writeFixedString(writer, data.simNumber, edition === '2019' ? 13 : 12, 'simNumber');
  },
};
