import { supervisionAnswerCodec, type SupervisionAnswer } from './1401-supervision-answer.js';
import { alarmReportCodec, type AlarmReport } from './1402-alarm-report.js';
import { subBusinessCodec, type SubBusinessBody } from './sub-business.js';

/** 0x1400 主链路车辆报警信息交互: vehicle prefix in 2011 only; 0x1401 督办应答, 0x1402 上报报警信息. */
export type AlarmExchangeUp = SubBusinessBody<SupervisionAnswer | AlarmReport>;

export const alarmExchangeUpCodec = subBusinessCodec<SupervisionAnswer | AlarmReport>(0x1400, 'alarm exchange (up)', (edition) => edition === '2011', [
  supervisionAnswerCodec,
  alarmReportCodec,
]);
