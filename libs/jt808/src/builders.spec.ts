import { describe, expect, it } from 'vitest';
import { buildLocationQuery, buildPlatformGeneralResponse, buildRegisterResponse, buildSetParameters, buildTextMessage } from './builders.js';
import { decodeFrame } from './codec.js';
import { parameter } from './messages/8103-set-parameters.js';

const location2019 = decodeFrame(
  Buffer.from(
    '7E0200404E0100000000013912345678010200100002000C00030260F57206F015BB0034036B010E24051714301501040012D68702020C210302035C1105010000000712060200000009012504000000132A02000030011C31010EE1037D027D01011A7E',
    'hex',
  ),
);

describe('downlink builders answer in the terminal edition', () => {
  it('0x8001 answers serial and id of the received message', () => {
    const answer = decodeFrame(buildPlatformGeneralResponse(location2019.header, 77));
    expect(answer.header).toMatchObject({ messageId: 0x8001, edition: '2019', terminalPhone: '00000000013912345678', serial: 77 });
    expect(answer.messageId === 0x8001 && answer.body).toEqual({ answerSerial: 0x0102, answerMessageId: 0x0200, result: 0 });
  });

  it('0x8100, 0x8300, 0x8201 and 0x8103 decode back', () => {
    const to = location2019.header;
    const register = decodeFrame(buildRegisterResponse(to, 1, 0, 'AUTH-1'));
    expect(register.messageId === 0x8100 && register.body.authCode).toBe('AUTH-1');
    const text = decodeFrame(buildTextMessage(to, 2, '请勿疲劳驾驶', { tts: true, display: true }));
    expect(text.messageId === 0x8300 && text.body).toMatchObject({ tts: true, display: true, textType: 1, text: '请勿疲劳驾驶' });
    expect(decodeFrame(buildLocationQuery(to, 3)).messageId).toBe(0x8201);
    const set = decodeFrame(buildSetParameters(to, 4, [parameter('defaultReportIntervalS', 10)]));
    expect(set.messageId === 0x8103 && set.body.parameters[0]).toMatchObject({ name: 'defaultReportIntervalS', value: 10 });
  });
});
