import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../bytes.js';
import { decodeFrame, encodeFrame } from '../codec.js';
import { parameter } from './8103-set-parameters.js';

const hex = (value: string) => Buffer.from(value, 'hex');

describe('platform messages: 0x8001, 0x8003, 0x8100, 0x8103, 0x8201, 0x8300, and terminal 0x0001 / 0x0201', () => {
  it('0x0001 answers a platform message (SmallChi example)', () => {
    const message = decodeFrame(hex('7E0001000501234567890004B303E8000200D37E'));
    expect(message.messageId === 0x0001 && message.body).toEqual({ answerSerial: 1000, answerMessageId: 0x0002, result: 0 });
  });

  it('0x8001 encodes exactly as SmallChi example', () => {
    const frame = encodeFrame({ messageId: 0x8001, terminalPhone: '012345678900', serial: 10 }, { answerSerial: 100, answerMessageId: 0x0200, result: 0 });
    expect(bytesToHex(frame).toUpperCase()).toBe('7E80010005012345678900000A0064020000617E');
  });

  it('0x8003 lists the packets to resend, the count a BYTE in 2013 and a WORD in 2019', () => {
    // Body: original serial 0x0064, count 2, packets 2 and 3 — checksum by hand.
    const frame = encodeFrame({ messageId: 0x8003, terminalPhone: '012345678900', serial: 10 }, { firstSerial: 100, packetIndexes: [2, 3] });
    expect(bytesToHex(frame).toUpperCase()).toBe('7E80030007012345678900000A0064020002000360' + '7E');
    const v2019 = encodeFrame(
      { messageId: 0x8003, terminalPhone: '01234567890123456789', edition: '2019', protocolVersion: 1, serial: 11 },
      { firstSerial: 100, packetIndexes: [2, 3] },
    );
    const decoded = decodeFrame(v2019);
    expect(decoded.header.bodyLength).toBe(8);
    expect(decoded.messageId === 0x8003 && decoded.body).toEqual({ firstSerial: 100, packetIndexes: [2, 3] });
    expect(() =>
      encodeFrame(
        { messageId: 0x8003, terminalPhone: '012345678900', serial: 1 },
        { firstSerial: 1, packetIndexes: Array.from({ length: 256 }, (_, i) => i + 1) },
      ),
    ).toThrow(/value-out-of-range/);
  });

  it('0x8100 carries the auth code only on success', () => {
    const ok = decodeFrame(hex('7E81000009012345678900000A006400313233343536687E'));
    expect(ok.messageId === 0x8100 && ok.body).toEqual({ answerSerial: 100, result: 0, authCode: '123456' });
    const unknown = decodeFrame(hex('7E81000003012345678900000A006404617E'));
    expect(unknown.messageId === 0x8100 && unknown.body).toEqual({ answerSerial: 100, result: 4, authCode: null });
  });

  it('0x8103 types the reporting-interval parameters and keeps unknown ones raw', () => {
    const frame = encodeFrame(
      { messageId: 0x8103, terminalPhone: '13912345678', serial: 3 },
      {
        parameters: [
          parameter('defaultReportIntervalS', 30),
          parameter('heartbeatIntervalS', 60),
          parameter('plateNumber', '京A12345'),
          { id: 0xf001, name: null, value: Uint8Array.of(1, 2) },
        ],
      },
    );
    const decoded = decodeFrame(frame);
    if (decoded.messageId !== 0x8103) throw new Error('wrong id');
    expect(decoded.body.parameters.map((p) => [p.id, p.name, p.value instanceof Uint8Array ? bytesToHex(p.value) : p.value])).toEqual([
      [0x0029, 'defaultReportIntervalS', 30],
      [0x0001, 'heartbeatIntervalS', 60],
      [0x0083, 'plateNumber', '京A12345'],
      [0xf001, null, '0102'],
    ]);
  });

  it('0x8201 has an empty body', () => {
    const decoded = decodeFrame(encodeFrame({ messageId: 0x8201, terminalPhone: '13912345678', serial: 4 }, {}));
    expect(decoded.header.bodyLength).toBe(0);
  });

  it('0x8300 text in 2013 and 2019 (SmallChi examples) and GBK TTS text', () => {
    const v2013 = decodeFrame(hex('7E8300000D012345678900000105736D616C6C63686920353138027E'));
    expect(v2013.messageId === 0x8300 && v2013.body).toMatchObject({
      flags: 5,
      emergency: true,
      display: true,
      tts: false,
      textType: null,
      text: 'smallchi 518',
    });
    const v2019 = decodeFrame(hex('7E8300400E010000000001234567890000010501736D616C6C63686920353138417E'));
    expect(v2019.messageId === 0x8300 && v2019.body).toMatchObject({ flags: 5, textType: 1, text: 'smallchi 518' });
    const tts = encodeFrame(
      { messageId: 0x8300, terminalPhone: '13912345678', serial: 5 },
      { flags: 0x0c, emergency: false, display: true, tts: true, textType: null, text: '您已超速，请减速慢行' },
    );
    const back = decodeFrame(tts);
    expect(back.messageId === 0x8300 && back.body.text).toBe('您已超速，请减速慢行');
  });

  it('0x0201 answers a location query with a full location body', () => {
    const query = decodeFrame(
      encodeFrame(
        { messageId: 0x0201, terminalPhone: '13912345678', serial: 6 },
        {
          answerSerial: 4,
          location: {
            alarmFlags: 0,
            alarms: {} as never,
            statusFlags: 3,
            status: {} as never,
            latitudeDeg: 31.2304,
            longitudeDeg: 121.4737,
            altitudeM: 4,
            speedKmh: 0,
            directionDeg: 0,
            deviceTimeMs: null,
            items: [],
          },
        },
      ),
    );
    if (query.messageId !== 0x0201) throw new Error('wrong id');
    expect(query.body.answerSerial).toBe(4);
    expect(query.body.location).toMatchObject({ latitudeDeg: 31.2304, longitudeDeg: 121.4737, deviceTimeMs: null, status: { accOn: true, positioned: true } });
  });
});
