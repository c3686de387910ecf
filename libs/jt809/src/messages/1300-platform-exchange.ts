import { inspectionAnswerCodec, type InspectionAnswer } from './1301-inspection-answer.js';
import { subBusinessCodec, type SubBusinessBody } from './sub-business.js';

/** 0x1300 主链路平台间信息交互 (no vehicle prefix): 0x1301 查岗应答; other sub-types kept raw. */
export type PlatformExchangeUp = SubBusinessBody<InspectionAnswer>;

export const platformExchangeUpCodec = subBusinessCodec<InspectionAnswer>(0x1300, 'platform exchange (up)', () => false, [inspectionAnswerCodec]);
