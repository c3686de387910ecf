import { vehicleRegistrationCodec, type Jt809VehicleRegistration } from './1201-vehicle-registration.js';
import { realTimePositionCodec, type RealTimePosition } from './1202-real-time-position.js';
import { positionBackfillCodec, type PositionBackfill } from './1203-position-backfill.js';
import { subBusinessCodec, type SubBusinessBody } from './sub-business.js';

/** 0x1200 主链路动态信息交换: vehicle + 0x1201 / 0x1202 / 0x1203 (other sub-types kept raw). */
export type VehicleDynamicInfo = SubBusinessBody<Jt809VehicleRegistration | RealTimePosition | PositionBackfill>;

export const vehicleDynamicInfoCodec = subBusinessCodec<Jt809VehicleRegistration | RealTimePosition | PositionBackfill>(
  0x1200,
  'vehicle dynamic information',
  () => true,
  [vehicleRegistrationCodec, realTimePositionCodec, positionBackfillCodec],
);
