import { supervisionRequestCodec, type SupervisionRequest } from './9401-supervision-request.js';
import { subBusinessCodec, type SubBusinessBody } from './sub-business.js';

/** 0x9400 从链路报警信息交互: vehicle prefix in 2011 only; 0x9401 督办请求. */
export type AlarmExchangeDown = SubBusinessBody<SupervisionRequest>;

export const alarmExchangeDownCodec = subBusinessCodec<SupervisionRequest>(0x9400, 'alarm exchange (down)', (edition) => edition === '2011', [
  supervisionRequestCodec,
]);
