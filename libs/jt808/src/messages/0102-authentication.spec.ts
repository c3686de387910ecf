import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../codec.js';

describe('0x0102 authentication', () => {
  it('2013: the auth code is the whole body (Traccar capture)', () => {
    const message = decodeFrame(Buffer.from('7E0102000E013511221122000661757468656E7469636174696F6E3F7E', 'hex'));
    expect(message.messageId === 0x0102 && message.body).toEqual({ authCode: 'authentication', imei: null, softwareVersion: null });
  });

  it('2019: length-prefixed code, IMEI and software version', () => {
    const body = { authCode: 'A1b2C3d4', imei: '866123456789012', softwareVersion: 'V2.1.0' };
    const decoded = decodeFrame(encodeFrame({ messageId: 0x0102, terminalPhone: '13912345678', serial: 2, edition: '2019' }, body));
    expect(decoded.messageId === 0x0102 && decoded.body).toEqual(body);
  });
});
