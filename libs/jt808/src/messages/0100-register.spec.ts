import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../codec.js';
import { FIXTURE_DIR, parseFixture } from '../testing/fixtures.js';
import type { Register } from './0100-register.js';

function register(file: string, index = 0): Register {
  const message = decodeFrame(parseFixture(file, readFileSync(new URL(file, FIXTURE_DIR), 'utf8'))[index]!.bytes);
  if (message.messageId !== 0x0100) throw new Error('wrong id');
  return message.body;
}

describe('0x0100 register', () => {
  it('reads 2011 field widths', () => {
    expect(register('0100-register.2011.hex')).toEqual({
      edition: '2011',
      provinceId: 44,
      cityId: 303,
      manufacturerId: '70111',
      terminalModel: 'BSJ-M7B ',
      terminalId: '0000000',
      plateColor: 1,
      plate: '粤B88888',
    });
  });

  it('tells a 2011 body with a VIN (long enough for 2013 widths) from a 2013 one by its content', () => {
    expect(register('0100-register.2011.hex', 1)).toEqual({
      edition: '2011',
      provinceId: 44,
      cityId: 303,
      manufacturerId: '70111',
      terminalModel: 'BSJ-M7B ',
      terminalId: '0000000',
      plateColor: 0,
      plate: 'LSVAU2180N2183294',
    });
    // Every real 2013 body still reads as 2013, whatever its plate.
    for (const index of [0, 1, 2]) expect(register('0100-register.2013.hex', index).edition).toBe('2013');
  });

  it('a 2013 body with an empty plate (37 bytes) and a 2011 one with a 9-byte plate keep their editions', () => {
    const base = { provinceId: 11, cityId: 100, manufacturerId: 'RW001', terminalId: 'T000001', plateColor: 2 };
    for (const body of [
      { ...base, edition: '2013' as const, terminalModel: 'RW-T1', plate: '' },
      { ...base, edition: '2011' as const, terminalModel: 'RW-T1', plate: '京A·12345' },
      { ...base, edition: '2011' as const, terminalModel: 'RW-T1', plateColor: 0, plate: 'LSVAU2180N2183294' },
      { ...base, edition: '2013' as const, terminalModel: 'RW-T1', plateColor: 0, plate: 'LSVAU2180N2183294' },
    ]) {
      const decoded = decodeFrame(encodeFrame({ messageId: 0x0100, terminalPhone: '13912345678', serial: 0 }, body));
      expect(decoded.messageId === 0x0100 && decoded.body).toEqual(body);
    }
  });

  it('reads 2013 field widths and GBK plates', () => {
    expect(register('0100-register.2013.hex', 1)).toMatchObject({
      edition: '2013',
      manufacturerId: '70107',
      terminalModel: 'HB-R03GBD',
      terminalId: '2366104',
      plateColor: 2,
      plate: '苏BA6860',
    });
  });

  it('reads 2019 field widths', () => {
    expect(register('0100-register.2019.hex', 1)).toMatchObject({ edition: '2019', plateColor: 2, plate: '粤A12346', manufacturerId: '000Koike002' });
  });

  it('encodes a 2019 registration and reads it back', () => {
    const body: Register = {
      edition: '2019',
      provinceId: 11,
      cityId: 100,
      manufacturerId: 'RW',
      terminalModel: 'RW-T1',
      terminalId: 'T0001',
      plateColor: 1,
      plate: '京A·12345',
    };
    const frame = encodeFrame({ messageId: 0x0100, terminalPhone: '13912345678', serial: 0, edition: '2019' }, body);
    const decoded = decodeFrame(frame);
    expect(decoded.messageId === 0x0100 && decoded.body).toEqual(body);
  });
});
