import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeJt809Frame, type Jt809Message } from './codec.js';
import type { Jt809Edition } from './header.js';
import { positionFix } from './messages/1202-real-time-position.js';
import { JT809_FIXTURE_DIR, parseJt809Fixture } from './testing/fixtures.js';

// Field values as the public sources assert them (see each fixture file's provenance).
const frames = (file: string) => parseJt809Fixture(file, readFileSync(new URL(file, JT809_FIXTURE_DIR), 'utf8'));
function decodeAt(file: string, index: number): Jt809Message {
  const frame = frames(file)[index]!;
  return decodeJt809Frame(frame.bytes, { edition: /\.(2011|2019)\.hex$/.exec(file)![1] as Jt809Edition, keys: frame.keys });
}

describe('decoded fields match the sources', () => {
  it('0x1001 2011, plain and encrypted (SmallChi; lai323)', () => {
    for (const index of [0, 1]) {
      const message = decodeAt('1001-login.2011.hex', index);
      expect(message.header).toMatchObject({ serial: 133, accessCode: 20180920, version: '1.0.0', encrypted: index === 1, timeMs: null });
      expect(message.header.encryptKey).toBe(index === 0 ? 9999 : 256178);
      expect(message.body).toEqual({ userId: 20180920, password: '20180920', accessCode: null, downLinkIp: '127.0.0.1', downLinkPort: 809 });
    }
  });

  it('0x1001 2019: TIME, the body’s access code, decrypted with the link keys (SmallChi Demo1)', () => {
    const message = decodeAt('1001-login.2019.hex', 0);
    expect(message.header).toMatchObject({ serial: 13, accessCode: 102, version: '1.2.15', encrypted: true });
    expect(new Date(message.header.timeMs!).toISOString()).toBe('2024-06-04T17:23:06.000Z');
    expect(message.body).toEqual({ userId: 102, password: '123456', accessCode: 102, downLinkIp: '127.0.0.1', downLinkPort: 10062 });
  });

  it('0x1202 2011 (lai323): Beijing time, units, and the sender’s UTF-8 plate read as GBK bytes', () => {
    const message = decodeAt('1200-vehicle-dynamic-info.2011.hex', 0);
    if (message.messageId !== 0x1200 || message.body.data.kind !== 'position') throw new Error('not a position');
    expect(message.body.vehicle?.plateColor).toBe(2);
    const { position } = message.body.data;
    expect(position.edition).toBe('2011');
    // lai323 wrote 2021-12-20 12:49:09 as the local (GMT+8) wall time.
    expect(new Date(positionFix(position)!.deviceTimeMs!).toISOString()).toBe('2021-12-20T04:49:09.000Z');
    expect(positionFix(position)).toMatchObject({
      latitudeDeg: 0.000123,
      longitudeDeg: 0.000123,
      speedKmh: 123,
      directionDeg: 123,
      altitudeM: 123,
      mileageKm: 123,
    });
    expect(position.edition === '2011' && position.status.accOn && position.status.positioned).toBe(true);
  });

  it('0x1201 2019 (SmallChi)', () => {
    const message = decodeAt('1200-vehicle-dynamic-info.2019.hex', 0);
    if (message.messageId !== 0x1200) throw new Error('not 0x1200');
    expect(message.body.vehicle).toEqual({ plate: '粤A12345', plateColor: 1 });
    expect(message.body.data).toMatchObject({
      kind: 'registration',
      platformId: '1111111111',
      producerId: '1111111111',
      terminalModel: '11111111',
      imei: '123456789',
      terminalId: '11111AA',
      simNumber: '222222222222',
    });
  });

  it('0x1202 2019 carrying the 2011 GNSS fields (SmallChi Test_2019_6) is read as such', () => {
    const message = decodeAt('1200-vehicle-dynamic-info.2019.hex', 1);
    if (message.messageId !== 0x1200 || message.body.data.kind !== 'position') throw new Error('not a position');
    const { position } = message.body.data;
    expect(position.edition === '2019' && position.gnss.format).toBe('gnss-2011');
    expect(message.body.vehicle?.plate).toBe('测试报警');
    const fix = positionFix(position)!;
    expect(new Date(fix.deviceTimeMs!).toISOString()).toBe('2025-09-29T09:54:43.000Z');
    expect(fix.longitudeDeg).toBeCloseTo(112.414833, 6);
    expect(fix.latitudeDeg).toBeCloseTo(34.674454, 6);
  });
});
