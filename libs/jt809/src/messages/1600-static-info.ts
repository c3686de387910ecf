import { vehicleStaticInfoCodec, type VehicleStaticInfo } from './1601-vehicle-static-info.js';
import { subBusinessCodec, type SubBusinessBody } from './sub-business.js';

/** 0x1600 主链路静态信息交换: vehicle + 0x1601 vehicle static information; other sub-types kept raw. */
export type StaticInfoExchange = SubBusinessBody<VehicleStaticInfo>;

export const staticInfoExchangeCodec = subBusinessCodec<VehicleStaticInfo>(0x1600, 'static information exchange', () => true, [vehicleStaticInfoCodec]);
