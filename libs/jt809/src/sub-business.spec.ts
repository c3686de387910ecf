import { readFileSync } from 'node:fs';
import { ByteReader, ByteWriter, bytesToHex } from '@roadwatch/jt808';
import { describe, expect, it } from 'vitest';
import { decodeJt809Frame, encodeJt809Frame } from './codec.js';
import type { Jt809Edition } from './header.js';
import { vehicleRegistrationCodec } from './messages/1201-vehicle-registration.js';
import { positionFix, realTimePositionCodec, type RealTimePosition } from './messages/1202-real-time-position.js';
import { positionBackfillCodec, type PositionBackfill } from './messages/1203-position-backfill.js';
import { inspectionAnswerCodec } from './messages/1301-inspection-answer.js';
import { supervisionAnswerCodec } from './messages/1401-supervision-answer.js';
import { alarmReportCodec } from './messages/1402-alarm-report.js';
import { parseCarInfo, vehicleStaticInfoCodec } from './messages/1601-vehicle-static-info.js';
import { inspectionRequestCodec } from './messages/9301-inspection-request.js';
import { supervisionRequestCodec } from './messages/9401-supervision-request.js';
import type { SubBusinessCodec } from './messages/sub-business.js';
import { JT809_FIXTURE_DIR, parseJt809Fixture } from './testing/fixtures.js';

const SUBS: ReadonlyArray<SubBusinessCodec<{ readonly kind: string }>> = [
  vehicleRegistrationCodec,
  realTimePositionCodec,
  positionBackfillCodec,
  inspectionAnswerCodec,
  supervisionAnswerCodec,
  alarmReportCodec,
  vehicleStaticInfoCodec,
  inspectionRequestCodec,
  supervisionRequestCodec,
] as never;

const fixtures = parseJt809Fixture('sub-business-data.hex', readFileSync(new URL('sub-business-data.hex', JT809_FIXTURE_DIR), 'utf8'));

function decodeData(label: string, bytes: Uint8Array) {
  const [typeHex, edition] = label.split('@') as [string, Jt809Edition];
  const codec = SUBS.find((sub) => sub.dataType === parseInt(typeHex, 16))!;
  const reader = new ByteReader(bytes, 0, bytes.length);
  const data = codec.decode(reader, { edition });
  expect(reader.remaining).toBe(0);
  return { codec, edition, data };
}

describe('sub-business data from the public tests', () => {
  for (const fixture of fixtures) {
    it(`${fixture.label} (line ${fixture.line}) decodes and re-encodes byte for byte`, () => {
      const { codec, edition, data } = decodeData(fixture.label!, fixture.bytes);
      const writer = new ByteWriter();
      codec.encode(writer, data, { edition });
      expect(bytesToHex(writer.toBytes())).toBe(fixture.hex);
    });
  }

  const at = <T>(line: number): T => {
    const fixture = fixtures.find((candidate) => candidate.line === line)!;
    return decodeData(fixture.label!, fixture.bytes).data as T;
  };
  const lineOf = (prefix: string, nth = 0) => fixtures.filter((fixture) => fixture.label === prefix)[nth]!.line;

  it('0x1202 2011 fields as SmallChi asserts them (time in GMT+8)', () => {
    const { position } = at<RealTimePosition>(lineOf('1202@2011'));
    const fix = positionFix(position)!;
    expect(new Date(fix.deviceTimeMs!).toISOString()).toBe('2012-07-19T07:15:15.000Z');
    expect(fix).toMatchObject({
      longitudeDeg: 133.123456,
      latitudeDeg: 24.123456,
      speedKmh: 50,
      directionDeg: 45,
      altitudeM: 45,
      mileageKm: 150,
      statusFlags: 3,
      alarmFlags: 257,
    });
  });

  it('0x1202 2019 carries a JT/T 808 0x0200 body read by libs/jt808', () => {
    const { position } = at<RealTimePosition>(lineOf('1202@2019'));
    const fix = positionFix(position)!;
    expect(new Date(fix.deviceTimeMs!).toISOString()).toBe('2018-07-15T02:10:10.000Z');
    expect(fix).toMatchObject({ latitudeDeg: 12.222222, longitudeDeg: 132.444444, speedKmh: 6, alarmFlags: 1, statusFlags: 2, mileageKm: 10 });
    expect(position.edition === '2019' && position.platforms.map((platform) => platform.platformId)).toEqual(['11111111111', '22222222222', '33333333333']);
    expect(positionFix(at<RealTimePosition>(lineOf('1202@2019', 1)).position)).toBeNull();
  });

  it('0x1203 keeps every position in order', () => {
    const { positions } = at<PositionBackfill>(lineOf('1203@2011'));
    expect(positions.map((position) => new Date(positionFix(position)!.deviceTimeMs!).toISOString())).toEqual([
      '2012-07-19T07:15:15.000Z',
      '2012-07-19T08:16:16.000Z',
      '2012-07-19T09:17:17.000Z',
    ]);
  });

  it('查岗: 2011 standard and supplement forms, 2019 form', () => {
    expect(at(lineOf('9301@2011'))).toMatchObject({ objectType: null, infoId: 3344, question: 'reply' });
    expect(at(lineOf('9301@2019'))).toMatchObject({ objectType: 2, objectId: 'smallchi', infoId: 3344, question: 'reply' });
    expect(at(lineOf('1301@2011'))).toMatchObject({ objectType: 1, objectId: '111', infoId: 1234, answer: '22ha22' });
    expect(at(lineOf('1301@2019'))).toMatchObject({
      objectType: 1,
      responder: 'smallchi',
      responderPhone: '12345678901',
      objectId: '111',
      sourceSerial: 0x63,
      answer: '22ha22',
    });
  });

  it('督办 request and answer', () => {
    expect(at(lineOf('9401@2011'))).toMatchObject({
      warnSource: 1,
      warnType: 2,
      supervisionId: 0x123ffaa1,
      level: 1,
      supervisor: 'smallchi',
      supervisorPhone: '12345678901',
      supervisorEmail: '123456@qq.com',
    });
    expect(at(lineOf('1401@2011'))).toMatchObject({ supervisionId: 0x26aa, result: 0 });
  });

  it('CAR_INFO splits into its KEY:=value pairs', () => {
    expect(at(lineOf('1601@2019'))).toMatchObject({ sourceDataType: 1, sourceSerial: 2, carInfo: 'smallchi' });
    expect(parseCarInfo('VIN:=LGBF1DE0XAR123456;VEHICLE_COLOR:=1; TRANS_TYPE:=011 ;odd')).toEqual([
      ['VIN', 'LGBF1DE0XAR123456'],
      ['VEHICLE_COLOR', '1'],
      ['TRANS_TYPE', '011'],
      ['', 'odd'],
    ]);
  });
});

describe('business envelopes', () => {
  it('查岗 round trip over 0x9300 → 0x1300 in both editions, Chinese text with line breaks', () => {
    for (const edition of ['2011', '2019'] as const) {
      const header = { serial: 77, accessCode: 1001, edition, timeMs: 1_733_000_000_000 };
      const question = '请回答：\r\n今日值班人员？';
      const request = encodeJt809Frame(
        { ...header, messageId: 0x9300 },
        { vehicle: null, dataType: 0x9301, data: { kind: 'inspection-request', objectType: 1, objectId: '1001', answerTimeMin: 5, infoId: 9, question } },
      );
      const decoded = decodeJt809Frame(request, { edition });
      expect(decoded.messageId === 0x9300 && decoded.body.data).toMatchObject({ kind: 'inspection-request', infoId: 9, question, objectId: '1001' });
      const answer = encodeJt809Frame(
        { ...header, messageId: 0x1300 },
        {
          vehicle: null,
          dataType: 0x1301,
          data: {
            kind: 'inspection-answer',
            objectType: 1,
            objectId: '1001',
            infoId: 9,
            responder: '张三',
            responderPhone: '13800000000',
            sourceDataType: 0x9301,
            sourceSerial: 77,
            answer: '张三在岗',
          },
        },
      );
      const answered = decodeJt809Frame(answer, { edition });
      expect(answered.messageId === 0x1300 && answered.body.data).toMatchObject({
        answer: '张三在岗',
        ...(edition === '2011' ? { infoId: 9 } : { sourceSerial: 77, responder: '张三' }),
      });
    }
  });

  it('an unknown sub-business type is kept raw, not refused', () => {
    const frame = encodeJt809Frame(
      { messageId: 0x1200, serial: 1, accessCode: 5, edition: '2011' },
      { vehicle: { plate: '京A00001', plateColor: 2 }, dataType: 0x1207, data: { kind: 'raw', bytes: Uint8Array.of(1, 2, 3) } },
    );
    const message = decodeJt809Frame(frame, { edition: '2011' });
    expect(message.messageId === 0x1200 && message.body).toEqual({
      vehicle: { plate: '京A00001', plateColor: 2 },
      dataType: 0x1207,
      data: { kind: 'raw', bytes: Uint8Array.of(1, 2, 3) },
    });
  });

  it('a body shorter or longer than its layout is refused, naming the message, with the header hint', () => {
    const frameWith = (bytes: number[]) =>
      encodeJt809Frame(
        { messageId: 0x1400, serial: 1, accessCode: 5, edition: '2011' },
        { vehicle: { plate: '京A00001', plateColor: 2 }, dataType: 0x1401, data: { kind: 'raw', bytes: Uint8Array.from(bytes) } },
      );
    const hint = { header: { messageId: 0x1400, serial: 1, accessCode: 5 } };
    expect(() => decodeJt809Frame(frameWith([0, 0, 0, 1]), { edition: '2011' })).toThrow(
      expect.objectContaining({ kind: 'truncated', ...hint, message: expect.stringContaining('RESULT') }),
    );
    expect(() => decodeJt809Frame(frameWith([0, 0, 0, 1, 1, 9]), { edition: '2011' })).toThrow(expect.objectContaining({ kind: 'length-mismatch', ...hint }));
    const answer = decodeJt809Frame(frameWith([0, 0, 0, 1, 1]), { edition: '2011' });
    expect(answer.messageId === 0x1400 && answer.body.data).toEqual({ kind: 'supervision-answer', supervisionId: 1, result: 1 });
  });

  it('a text with a control character is refused with the field named', () => {
    const frame = encodeJt809Frame(
      { messageId: 0x1600, serial: 1, accessCode: 5, edition: '2011' },
      { vehicle: { plate: '京A00001', plateColor: 2 }, dataType: 0x1601, data: { kind: 'raw', bytes: Uint8Array.of(0x56, 0x49, 0x4e, 0x07, 0x3a) } },
    );
    expect(() => decodeJt809Frame(frame, { edition: '2011' })).toThrow(
      expect.objectContaining({ kind: 'bad-value', message: expect.stringContaining('CAR_INFO') }),
    );
  });
});

describe('the 2019 position’s two GNSS forms', () => {
  it('a 2011-fields position encoded on a 2019 link decodes back to the same fix (not a 0x0200 reading off the globe)', () => {
    const fix = {
      deviceTimeMs: Date.UTC(2025, 8, 29, 9, 54, 43),
      latitudeDeg: 34.674454,
      longitudeDeg: 112.414833,
      speedKmh: 88,
      recorderSpeedKmh: 87,
      // Mileage's low byte, heading and altitude zero: the bytes a 0x0200 reading takes for its BCD time are then all zeros (a valid "no time").
      mileageKm: 0x6e00,
      directionDeg: 0,
      altitudeM: 0,
      statusFlags: 3,
      status: {} as never,
      alarmFlags: 0,
      alarms: {} as never,
    };
    const frame = encodeJt809Frame(
      { messageId: 0x1200, serial: 1, accessCode: 9, edition: '2019', timeMs: 1_759_139_683_000 },
      {
        vehicle: { plate: '豫A12345', plateColor: 2 },
        dataType: 0x1202,
        data: {
          kind: 'position',
          position: {
            edition: '2019',
            encrypted: false,
            gnss: { format: 'gnss-2011', fix },
            platforms: [
              { platformId: '', alarmFlags: 0 },
              { platformId: '', alarmFlags: 0 },
              { platformId: '', alarmFlags: 0 },
            ],
          },
        },
      },
    );
    const message = decodeJt809Frame(frame, { edition: '2019' });
    if (message.messageId !== 0x1200 || message.body.data.kind !== 'position') throw new Error('not a position');
    const { position } = message.body.data;
    expect(position.edition === '2019' && position.gnss.format).toBe('gnss-2011');
    expect(positionFix(position)).toMatchObject({
      deviceTimeMs: fix.deviceTimeMs,
      latitudeDeg: fix.latitudeDeg,
      longitudeDeg: fix.longitudeDeg,
      speedKmh: 88,
      mileageKm: 0x6e00,
      directionDeg: 0,
    });
  });
});
