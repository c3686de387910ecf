import { inspectionRequestCodec, type InspectionRequest } from './9301-inspection-request.js';
import { subBusinessCodec, type SubBusinessBody } from './sub-business.js';

/** 0x9300 从链路平台间信息交互 (no vehicle prefix): 0x9301 查岗请求; other sub-types kept raw. */
export type PlatformExchangeDown = SubBusinessBody<InspectionRequest>;

export const platformExchangeDownCodec = subBusinessCodec<InspectionRequest>(0x9300, 'platform exchange (down)', () => false, [inspectionRequestCodec]);
