import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes.js';
import { Jt808EncodeError } from './errors.js';
import { decodeGbk, encodeGbk } from './gbk.js';

describe('GBK', () => {
  it('encodes plates the way terminals send them', () => {
    expect(bytesToHex(encodeGbk('粤A12345'))).toBe('d4c1413132333435');
    expect(bytesToHex(encodeGbk('京A·'))).toBe('bea941a1a4');
  });

  it('round-trips plates of every province and TTS text', () => {
    const text = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领警学挂 您已超速，请减速慢行！车速：85km/h';
    expect(decodeGbk(encodeGbk(text))).toBe(text);
  });

  it('refuses characters GBK cannot encode instead of corrupting them', () => {
    expect(() => encodeGbk('😀')).toThrow(Jt808EncodeError);
  });
});
