import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../codec.js';
import { FIXTURE_DIR, parseFixture } from '../testing/fixtures.js';
import type { DriverIdentity } from './0702-driver-identity.js';

function identity(file: string, index = 0): DriverIdentity {
  const message = decodeFrame(parseFixture(file, readFileSync(new URL(file, FIXTURE_DIR), 'utf8'))[index]!.bytes);
  if (message.messageId !== 0x0702) throw new Error('wrong id');
  return message.body;
}

describe('0x0702 driver identity', () => {
  it('2013: card inserted and read (SmallChi body)', () => {
    expect(identity('0702-driver-identity.2013.hex')).toEqual({
      cardStatus: 1,
      signedOn: true,
      eventTimeMs: Date.UTC(2018, 7, 16, 1, 16, 16),
      readResult: 0,
      card: { driverName: 'koike', qualificationCode: 'qwe123456aaa', issuingAuthority: 'qwertx', certificateExpiry: '2018-08-16', driverIdNumber: null },
    });
  });

  it('2013: card removed (sign-off) and read failure', () => {
    expect(identity('0702-driver-identity.2013.hex', 1)).toMatchObject({ cardStatus: 2, signedOn: false, readResult: null, card: null });
    expect(identity('0702-driver-identity.2013.hex', 2)).toMatchObject({ cardStatus: 1, signedOn: true, readResult: 1, card: null });
  });

  it('2019: adds the driver ID-card number', () => {
    expect(identity('0702-driver-identity.2019.hex').card).toMatchObject({
      driverName: 'koike',
      certificateExpiry: '2019-12-01',
      driverIdNumber: '12345678901234567',
    });
  });
});
