import { describe, expect, it } from 'vitest';
import { buildTextMessage } from '../builders.js';
import { decodeFrame, encodeFrame } from '../codec.js';
import { Jt808DecodeError } from '../errors.js';
import { encodeEnvelope } from '../header.js';
import type { DriverIdentity } from './0702-driver-identity.js';
import type { Register } from './0100-register.js';

/**
 * Strings from terminals, field by field (issue #10): 0x00 after the text is padding and is
 * dropped; a NUL, another control character or DEL inside the text makes the message wrong
 * (a `bad-value` error with the header, which the gateway answers 0x8001 result 2).
 */

const phone = '13912345678';
const register: Register = {
  edition: '2013',
  provinceId: 11,
  cityId: 100,
  manufacturerId: 'RW',
  terminalModel: 'RW-T1',
  terminalId: 'T0001',
  plateColor: 1,
  plate: '京A12345',
};

const decodeError = (frame: Uint8Array): Jt808DecodeError => {
  try {
    decodeFrame(frame);
  } catch (error) {
    if (error instanceof Jt808DecodeError) return error;
    throw error;
  }
  throw new Error('decoded without an error');
};

const registerFrame = (body: Partial<Register> & { edition?: '2013' | '2019' }) =>
  encodeFrame({ messageId: 0x0100, terminalPhone: phone, serial: 7, edition: body.edition ?? '2013' }, { ...register, ...body });

describe('strings a terminal sends', () => {
  it('0x0100: trailing 0x00 after the plate and in the fixed-width fields is padding, dropped', () => {
    const decoded = decodeFrame(registerFrame({ plate: '京A12345\u0000\u0000', terminalId: 'T1' }));
    expect(decoded.messageId === 0x0100 && decoded.body).toMatchObject({ plate: '京A12345', terminalId: 'T1', manufacturerId: 'RW', terminalModel: 'RW-T1' });
  });

  it('0x0100: a NUL inside the plate is a bad message naming the field and the character, with the header to answer', () => {
    const error = decodeError(registerFrame({ plate: '京A\u000012345' }));
    expect(error.kind).toBe('bad-value');
    expect(error.message).toContain('plate contains a NUL character (U+0000) at index 2');
    expect(error.header).toEqual({ messageId: 0x0100, terminalPhone: '013912345678', serial: 7 });
  });

  it('0x0100: control characters and DEL in the plate or a fixed-width field are refused, whatever the edition', () => {
    expect(decodeError(registerFrame({ plate: '京A1234\u001b' })).message).toContain('plate contains an escape character (U+001B) at index 6');
    expect(decodeError(registerFrame({ plate: '京A\t12345' })).message).toContain('plate contains a tab character');
    expect(decodeError(registerFrame({ plate: '\u007f京A12345' })).message).toContain('plate contains a DEL character (U+007F) at index 0');
    expect(decodeError(registerFrame({ terminalId: 'T\u00001' })).message).toContain('terminal id contains a NUL character (U+0000) at index 1');
    expect(decodeError(registerFrame({ edition: '2019', terminalModel: 'M\u00011' })).message).toContain(
      'terminal model contains a control character (U+0001) at index 1',
    );
    // Leading 0x00 is not padding: the standard pads after the text.
    expect(decodeError(registerFrame({ manufacturerId: '\u0000RW' })).message).toContain('manufacturer id contains a NUL');
  });

  it('0x0100: odd GBK bytes — a lead byte followed by 0x00 does not hide the NUL', () => {
    // 京 (BE A9), then lead byte 0x81 with 0x00 where its trail byte should be, then 'A'.
    const fixed = Buffer.from(encodeFrame({ messageId: 0x0100, terminalPhone: phone, serial: 1 }, { ...register, plate: '' })).subarray(13, -2);
    const body = Buffer.concat([fixed, Buffer.from([0xbe, 0xa9, 0x81, 0x00, 0x41])]);
    const error = decodeError(encodeEnvelope({ messageId: 0x0100, terminalPhone: phone, serial: 1 }, body));
    expect(error.message).toMatch(/plate contains a NUL character \(U\+0000\) at index 2/);
    // The same bytes without the NUL decode, with U+FFFD for the broken pair: printable, kept as evidence.
    const decoded = decodeFrame(
      encodeEnvelope({ messageId: 0x0100, terminalPhone: phone, serial: 1 }, Buffer.concat([fixed, Buffer.from([0xbe, 0xa9, 0x81, 0x20, 0x41])])),
    );
    expect(decoded.messageId === 0x0100 && decoded.body.plate).toBe('京\ufffd A');
  });

  it('0x0102: the auth code may end in 0x00 (2013) but not hold a control character (2013 and 2019)', () => {
    const auth = (authCode: string, edition: '2013' | '2019' = '2013') =>
      encodeFrame(
        { messageId: 0x0102, terminalPhone: phone, serial: 2, edition },
        { authCode, imei: edition === '2019' ? '866123456789012' : null, softwareVersion: edition === '2019' ? 'V1' : null },
      );
    const decoded = decodeFrame(auth('A1b2\u0000'));
    expect(decoded.messageId === 0x0102 && decoded.body.authCode).toBe('A1b2');
    expect(decodeError(auth('A1\nb2')).message).toContain('auth code contains a line feed character (U+000A) at index 2');
    expect(decodeError(auth('A1\u0000b2', '2019')).message).toContain('auth code contains a NUL character (U+0000) at index 2');
  });

  it('0x0702: a driver name or qualification code with a NUL or control character is a bad message; padding is not', () => {
    const identity = (card: Partial<NonNullable<DriverIdentity['card']>>) =>
      encodeFrame(
        { messageId: 0x0702, terminalPhone: phone, serial: 3 },
        {
          cardStatus: 1,
          signedOn: true,
          eventTimeMs: Date.UTC(2026, 10, 23, 1, 0, 0),
          readResult: 0,
          card: {
            driverName: '张三',
            qualificationCode: 'Q123456',
            issuingAuthority: '北京市交通委',
            certificateExpiry: '2030-01-01',
            driverIdNumber: null,
            ...card,
          },
        },
      );
    const decoded = decodeFrame(identity({ driverName: '张三\u0000' }));
    expect(decoded.messageId === 0x0702 && decoded.body.card).toMatchObject({ driverName: '张三', qualificationCode: 'Q123456' });
    expect(decodeError(identity({ driverName: '张\u0000三' })).message).toContain('driver name contains a NUL character (U+0000) at index 1');
    expect(decodeError(identity({ qualificationCode: 'Q1\u001b23' })).message).toContain('qualification code contains an escape character (U+001B) at index 2');
    expect(decodeError(identity({ issuingAuthority: '北京\u0007' })).message).toContain('issuing authority contains a control character (U+0007) at index 2');
  });

  it('0x8300 text (platform to terminal, read back by simulators) is free text: line breaks yes, a bell no', () => {
    const text = (value: string) => buildTextMessage({ terminalPhone: phone, edition: '2013', protocolVersion: null }, 4, value);
    const decoded = decodeFrame(text('请注意休息\r\n前方服务区'));
    expect(decoded.messageId === 0x8300 && decoded.body.text).toBe('请注意休息\r\n前方服务区');
    expect(decodeError(text('请注意\u0007')).message).toContain('text contains a control character (U+0007) at index 3');
  });
});
