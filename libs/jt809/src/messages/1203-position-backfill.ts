import { Jt809DecodeError, Jt809EncodeError } from '../errors.js';
import { decodeVehiclePosition, encodeVehiclePosition, type Jt809VehiclePosition } from './1202-real-time-position.js';
import type { SubBusinessCodec } from './sub-business.js';

/** 0x1203 车辆定位信息自动补报: GNSS_CNT (1–5 by the standard), then that many positions. */
export interface PositionBackfill {
  readonly kind: 'backfill';
  readonly positions: readonly Jt809VehiclePosition[];
}

export const positionBackfillCodec: SubBusinessCodec<PositionBackfill> = {
  dataType: 0x1203,
  kind: 'backfill',
  name: 'position back-fill',
  decode(reader, context) {
    const countAt = reader.offset;
    const count = reader.u8('GNSS_CNT');
    if (count === 0) throw new Jt809DecodeError('bad-value', countAt, 'GNSS_CNT 0: a back-fill carries at least one position');
    const positions: Jt809VehiclePosition[] = [];
    for (let i = 0; i < count; i += 1) positions.push(decodeVehiclePosition(reader, context));
    return { kind: 'backfill', positions };
  },
  encode(writer, data, context) {
    if (data.positions.length === 0) throw new Jt809EncodeError('bad-value', 'positions', 'a back-fill carries at least one position');
    writer.u8(data.positions.length, 'positions.length');
    for (const position of data.positions) encodeVehiclePosition(writer, position, context);
  },
};
